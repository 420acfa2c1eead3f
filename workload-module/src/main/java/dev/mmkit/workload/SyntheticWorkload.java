package dev.mmkit.workload;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.WorkloadException;
import dev.mmkit.api.workload.WorkloadSource;
import java.util.random.RandomGenerator;

/**
 * The frame shared by the synthetic workloads: one process ({@link Kernel#spawnAdmitAll})
 * makes {@code references} references inside a region of {@code pages} pages that starts at
 * {@link #BASE}; each is a write with probability {@code write-ratio}, else a read. A
 * subclass says only where the next reference goes ({@link #nextOffset}). Every random
 * choice comes from the machine's generator, so a seed gives the same sequence every run.
 *
 * <p>The settings every synthetic block has: {@code pages} (at least 1), {@code references}
 * (at least 0), {@code write-ratio} (0.0-1.0).
 */
abstract class SyntheticWorkload implements WorkloadSource {
    /** The region's first address: 256 MiB, inside every page-table format's user range. */
    static final long BASE = 0x1000_0000L;

    final String name;
    final long pages;
    final long references;
    final double writeRatio;
    final RandomGenerator random;

    SyntheticWorkload(String name, long pages, long references, double writeRatio, RandomGenerator random) {
        this.name = name;
        this.pages = pages;
        this.references = references;
        this.writeRatio = writeRatio;
        this.random = random;
    }

    /** Checks the settings every synthetic block has. */
    static void validateCommon(Settings block) {
        long pages = block.getLong("pages");
        if (pages < 1 || pages > (1L << 36)) {
            block.reportProblem("pages", pages + " (expected: 1-" + (1L << 36) + ", a 48-bit address space)");
        }
        long references = block.getLong("references");
        if (references < 0) {
            block.reportProblem("references", references + " (expected: at least 0)");
        }
        double writeRatio = block.getDouble("write-ratio");
        if (!(writeRatio >= 0 && writeRatio <= 1)) {
            block.reportProblem("write-ratio", writeRatio + " (expected: 0.0-1.0)");
        }
    }

    @Override
    public long expectedReferences() {
        return references;
    }

    /** The byte offset in the region of reference {@code i} (0-based). */
    abstract long nextOffset(long i);

    @Override
    public final void run(Kernel kernel) {
        int pid = kernel.spawnAdmitAll(name);
        if (pid < 0) {
            throw new WorkloadException("cannot start process " + name + ": out of memory (errno " + pid + ")");
        }
        for (long i = 0; i < references; i++) {
            long vaddr = BASE + nextOffset(i);
            int access = writeRatio >= 1 || writeRatio > 0 && random.nextDouble() < writeRatio ? Access.WRITE : Access.READ;
            if (!kernel.access(pid, vaddr, access, -1)) {
                return;
            }
        }
    }

    /** The offset of a page's first byte. */
    static long pageOffset(long page) {
        return page << Page.SHIFT;
    }
}
