package dev.mmkit.paging.pagetable;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.PageTableProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the `inverted` page-table format: hashed inverted page table sized by physical memory, with a hash anchor table. */
@Component(service = PageTableProvider.class, property = ImplementationProvider.NAME + "=inverted")
public final class InvertedPageTableProvider implements PageTableProvider {
    @Override
    public PageTable create(Settings settings, Machine machine) {
        return new InvertedPageTable(machine);
    }

    @Override
    public String description() {
        return "hashed inverted page table sized by physical memory, with a hash anchor table.";
    }
}
