package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.workload.Mman;

/**
 * A {@code struct vm_area_struct}: one range of an address space with one set of
 * permissions and one backing. Its kernel object is a slab object ({@link #objp}) from the
 * {@code vm_area_struct} cache.
 */
final class Vma {
    /** Internal flag: the VMA of a trace-replay process that admits every address. */
    static final int ADMIT_ALL = 1 << 30;

    final Mm mm;
    long start;
    long end;
    int prot;
    int flags;
    /** Offset into the file in bytes; 0 for anonymous memory. */
    long offset;
    /** The file's page-cache id, 0 for anonymous memory. */
    int fileId;
    String path = "";
    AnonVma anonVma;
    long objp;

    Vma(Mm mm, long start, long end, int prot, int flags) {
        this.mm = mm;
        this.start = start;
        this.end = end;
        this.prot = prot;
        this.flags = flags;
    }

    boolean isShared() {
        return (flags & Mman.MAP_SHARED) != 0;
    }

    boolean isAnonymous() {
        return fileId == 0;
    }

    boolean growsDown() {
        return (flags & Mman.MAP_GROWSDOWN) != 0;
    }

    boolean contains(long vaddr) {
        return vaddr >= start && vaddr < end;
    }

    /** Whether the VMA admits a reference ({@code access_error} inverted). */
    boolean permits(int access) {
        if (Access.isWrite(access)) {
            return (prot & Mman.PROT_WRITE) != 0;
        }
        if (Access.isExecute(access)) {
            return (prot & Mman.PROT_EXEC) != 0;
        }
        return (prot & (Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0;
    }

    /**
     * The PTE flags of a page of this VMA ({@code vm_get_page_prot}): present, user unless
     * PROT_NONE, RW when writable and {@code writable} allows, NX unless executable.
     */
    long pteFlags(boolean writable) {
        long f = Pte.P;
        if (prot != Mman.PROT_NONE) {
            f |= Pte.US;
        }
        if (writable && (prot & Mman.PROT_WRITE) != 0) {
            f |= Pte.RW;
        }
        if ((prot & Mman.PROT_EXEC) == 0) {
            f |= Pte.NX;
        }
        return f;
    }

    /** {@code is_mergeable_vma} + {@code is_mergeable_anon_vma} for {@code next} directly after this. */
    boolean canMergeWith(Vma next) {
        if (end != next.start || prot != next.prot || flags != next.flags || fileId != next.fileId
            || (flags & ADMIT_ALL) != 0) {
            return false;
        }
        if (fileId != 0 && next.offset != offset + (end - start)) {
            return false;
        }
        if (fileId == 0 && isShared()) {
            // shared anonymous memory: one object per mmap (Linux: a shmem file each); only
            // pieces of the same one merge again
            return anonVma != null && anonVma == next.anonVma;
        }
        return anonVma == null || next.anonVma == null || anonVma == next.anonVma;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s", start, end, Mman.perms(prot, flags));
    }
}
