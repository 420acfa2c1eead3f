package dev.mmkit.tlb;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.api.tlb.TlbListener;

/**
 * A software-managed TLB, as on the MIPS R3000: the hardware never reads a page table.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[lookup(vaddr)]: search the level (64 entries, fully associative on the R3000). On
 *       a hit return the translation. On a miss count it and raise the TLB-miss exception:
 *       call the machine's refill handler ({@link TlbListener#refill}), which walks the
 *       page table in software and writes an entry with {@link #writeRandom} (MIPS
 *       {@code tlbwr}) or {@link #writeIndexed} ({@code tlbwi}), and returns whether it
 *       did. Then the reference is re-executed: lookup searches again and returns the
 *       translation, or 0 if the handler wrote none for this address (the reference
 *       faults). The re-executed search is not counted as a hit.</li>
 *   <li>[probe(vaddr)] ({@code tlbp}): the index of the entry matching the address in the
 *       current ASID (or a global one), or −1; changes no counter and no bit.</li>
 *   <li>[writeIndexed(i, ...)]: overwrite entry i. Index i is {@code set * ways + way};
 *       the address must belong to that set. A second entry for the same address is an
 *       error (MIPS shuts the TLB down when two entries match).</li>
 *   <li>[writeRandom(...)]: as a hardware fill: an invalid entry of the set if any, else
 *       the replacement rule's victim ({@code random} is the R3000's own rule).</li>
 * </ul>
 * A refill handler that misses again inside the handler (a nested miss) gets 0 without a
 * second exception.
 */
final class SoftwareManagedTlb extends AbstractTlb implements SoftwareTlb {
    private final TlbLevel level;
    private boolean inRefill;

    SoftwareManagedTlb(TlbLevel level, AsidAllocator asids, TlbListener listener, boolean writebackBits) {
        super(new TlbLevel[] {level}, asids, listener, writebackBits);
        this.level = level;
    }

    @Override
    public long lookup(long vaddr, int access) {
        boolean dirty = marksDirty(access);
        long translation = level.lookup(vaddr, currentHw, dirty);
        if (translation != 0 || inRefill) {
            return translation;
        }
        inRefill = true;
        try {
            if (!listener.refill(this, vaddr, access)) {
                return 0;
            }
        } finally {
            inRefill = false;
        }
        int slot = level.probe(vaddr, currentHw);
        return slot < 0 ? 0 : level.use(slot, vaddr, dirty);
    }

    @Override
    public void insert(long vaddr, int access, long pte, int pageShift) {
        writeRandom(vaddr, pte, pageShift);
    }

    @Override
    public int size() {
        return level.tag.length;
    }

    @Override
    public int probe(long vaddr) {
        return level.probe(vaddr, currentHw);
    }

    @Override
    public void writeIndexed(int index, long vaddr, long pte, int pageShift) {
        if (index < 0 || index >= size()) {
            throw new IllegalArgumentException("index: " + index + " (expected: 0-" + (size() - 1) + ")");
        }
        int size = HardwareWalkedTlb.sizeClass(pageShift);
        int existing = level.otherMatch(vaddr, currentHw, index); // every match, not only probe's first
        if (existing >= 0) {
            throw new IllegalStateException("tlbwi: vaddr " + Page.hex(vaddr) + ": already cached at index " + existing
                + " (writing it at index " + index + " would make two entries match, which shuts a MIPS TLB down)");
        }
        level.writeSlot(index, vaddr, currentHw, pte, size);
    }

    @Override
    public void writeRandom(long vaddr, long pte, int pageShift) {
        level.insert(vaddr, currentHw, pte, HardwareWalkedTlb.sizeClass(pageShift));
    }

    @Override
    public long hits() {
        return level.hits;
    }

    @Override
    public long misses() {
        return level.misses;
    }
}
