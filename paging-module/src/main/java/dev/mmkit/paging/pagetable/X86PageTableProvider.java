package dev.mmkit.paging.pagetable;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.PageTableProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the `x86-32` page-table format: x86 32-bit two-level table (10/10/12), 4-byte entries, 4 MiB PSE pages. */
@Component(service = PageTableProvider.class, property = ImplementationProvider.NAME + "=x86-32")
public final class X86PageTableProvider implements PageTableProvider {
    /** Frames a 32-bit entry can name: 2^20 (4 GiB). */
    private static final long MAX_FRAMES = 1L << 20;

    @Override
    public PageTable create(Settings settings, Machine machine) {
        long nrFrames = machine.memMap().nrFrames();
        if (nrFrames > MAX_FRAMES) {
            // A 4-byte entry holds a 20-bit frame number: frames above 4 GiB cannot be mapped.
            Settings memory = machine.settings().getBlock("memory");
            throw new dev.mmkit.api.machine.ConfigurationException(memory.origin("size") + ": " + memory.path() + ".size: "
                + nrFrames * dev.mmkit.api.hw.Page.SIZE + " bytes (expected: at most 4GiB with page-table.impl = x86-32,"
                + " whose entries hold 20-bit frame numbers; x86-pae maps more)");
        }
        return new RadixPageTable(RadixPageTable.Format.X86_32, machine);
    }

    @Override
    public String description() {
        return "x86 32-bit two-level table (10/10/12), 4-byte entries, 4 MiB PSE pages.";
    }
}
