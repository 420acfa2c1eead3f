package dev.mmkit.api.pagetable;

import org.osgi.annotation.versioning.ConsumerType;

/** Visits entries of a range ({@link PageTable#forEach}); may change each. */
@FunctionalInterface
@ConsumerType
public interface PteVisitor {
    /**
     * @param vaddr the virtual address the entry maps
     * @param pte the entry (never {@code pte_none})
     * @return the entry to store: {@code pte} to leave it, 0 to clear it, anything else to replace it
     */
    long visit(long vaddr, long pte);
}
