package dev.mmkit.api.page;

import dev.mmkit.api.hw.Page;

/**
 * A page was freed or used against the allocator's state, as Linux reports it in
 * {@code bad_page()}: {@code BUG: Bad page state: pfn 0x1a2b order 3: already free}.
 * The allocator refuses the operation and stays consistent.
 */
public class BadPageStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long pfn;
    private final int order;
    private final String reason;

    public BadPageStateException(long pfn, int order, String reason) {
        super("BUG: Bad page state: pfn " + Page.hex(pfn) + " order " + order + ": " + reason);
        this.pfn = pfn;
        this.order = order;
        this.reason = reason;
    }

    public long pfn() {
        return pfn;
    }

    public int order() {
        return order;
    }

    public String reason() {
        return reason;
    }
}
