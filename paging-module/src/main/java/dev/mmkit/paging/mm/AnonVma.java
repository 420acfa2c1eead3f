package dev.mmkit.paging.mm;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code anon_vma}, the object-based reverse map of Linux 2.6 for anonymous memory: one
 * per family of VMAs that may share anonymous pages (a VMA, the pieces it was split into,
 * and the copies fork made of them). An anonymous page's MemMap {@code mapping} is the
 * anon_vma's {@link #id} and its {@code index} the virtual page number, so the PTEs that map
 * it are found by visiting each VMA of the family that covers that address.
 */
final class AnonVma {
    final int id;
    final List<Vma> vmas = new ArrayList<>(2);
    long objp;
    /**
     * For shared anonymous memory (Linux: a shmem file, {@code shmem_zero_setup}), the inode
     * number {@code /proc/PID/maps} shows; 0 otherwise.
     */
    long shmemIno;
    /** For shared anonymous memory, the address the mapping started at: offset 0 of its file ({@code vm_pgoff} 0). */
    long shmemStart;
    /** For shared anonymous memory, the file's size in pages ({@code i_size}), charged to Committed_AS while it lives. */
    long shmemPages;

    AnonVma(int id) {
        this.id = id;
    }
}
