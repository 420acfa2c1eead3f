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
    @Override
    public PageTable create(Settings settings, Machine machine) {
        return new RadixPageTable(RadixPageTable.Format.X86_32, machine);
    }

    @Override
    public String description() {
        return "x86 32-bit two-level table (10/10/12), 4-byte entries, 4 MiB PSE pages.";
    }
}
