package dev.mmkit.paging.pagetable;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.PageTableProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the `x86-64` page-table format: x86-64 four-level table (9/9/9/9/12), canonical 48-bit addresses, 2 MiB pages. */
@Component(service = PageTableProvider.class, property = ImplementationProvider.NAME + "=x86-64")
public final class X86_64PageTableProvider implements PageTableProvider {
    @Override
    public PageTable create(Settings settings, Machine machine) {
        return new RadixPageTable(RadixPageTable.Format.X86_64, machine);
    }

    @Override
    public String description() {
        return "x86-64 four-level table (9/9/9/9/12), canonical 48-bit addresses, 2 MiB pages.";
    }
}
