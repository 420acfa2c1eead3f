package dev.mmkit.paging.pagetable;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.PageTableProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the `x86-pae` page-table format: x86 PAE three-level table (2/9/9/12), 8-byte entries with NX, 2 MiB pages. */
@Component(service = PageTableProvider.class, property = ImplementationProvider.NAME + "=x86-pae")
public final class PaePageTableProvider implements PageTableProvider {
    @Override
    public PageTable create(Settings settings, Machine machine) {
        return new RadixPageTable(RadixPageTable.Format.X86_PAE, machine);
    }

    @Override
    public String description() {
        return "x86 PAE three-level table (2/9/9/12), 8-byte entries with NX, 2 MiB pages.";
    }
}
