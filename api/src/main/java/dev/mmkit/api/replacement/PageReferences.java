package dev.mmkit.api.replacement;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the hardware tells a replacement policy about a resident page, reached through the
 * reverse map: the referenced (accessed) and dirty bits of every PTE that maps it, and the
 * software referenced bit ({@code PG_referenced}). This is all a policy may learn unless it
 * declares more characteristics.
 */
@ProviderType
public interface PageReferences {
    /**
     * {@code page_referenced} + clear: whether any mapping referenced the page since the
     * last call, clearing the bits (and shooting down the cached translations, so the next
     * reference sets them again).
     */
    boolean testAndClearReferenced(long pfn);

    /**
     * {@code page_referenced} + {@code TestClearPageReferenced}, counted: how many references
     * were recorded since the last call, clearing them as {@link #testAndClearReferenced}
     * does (which is this count &gt; 0). Each PTE that maps the page with its accessed bit
     * set counts one (Linux's {@code referenced_ptes}: a page that two processes referenced
     * counts two), and the page's {@code PG_referenced} one more (what the machine records
     * itself: soft faults, software-emulated referenced bits, page-cache reads and writes).
     * With software-emulated bits the count is 0 or 1.
     *
     * @since 1.1
     */
    int referencedPtes(long pfn);

    /** Whether the page was referenced, without clearing anything. */
    boolean isReferenced(long pfn);

    /** Whether the page differs from its backing store (a PTE's D bit or PG_dirty). */
    boolean isDirty(long pfn);

    /**
     * Starts writing a dirty page to its backing store without evicting it, so that it is
     * clean by the time the policy comes back (Nth-chance's dirty pages, the free-list
     * clock). Returns false when the page cannot be written now.
     */
    boolean startWriteback(long pfn);

    /**
     * Maps the page invalid in every PTE that maps it while it stays resident and mapped
     * (the present bit cleared, the frame kept, as Linux's {@code PROT_NONE} PTEs keep it),
     * and drops its cached translations. Its next reference takes a minor fault that makes
     * the PTEs valid again and calls {@link ReplacementPolicy#softFault}. This is the VAX/VMS
     * second-chance list and the free-list clock's free list. Returns false when no PTE maps
     * the page (the policy will hear nothing of its next use).
     */
    boolean invalidate(long pfn);
}
