package dev.mmkit.paging.mm;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.mm.MemoryManagerProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code linux} memory-manager core ({@code mmkit.machine.paging.impl = linux}). */
@Component(service = MemoryManagerProvider.class, property = ImplementationProvider.NAME + "=linux")
public final class LinuxMemoryManagerProvider implements MemoryManagerProvider {
    @Override
    public void validate(Settings settings) {
        PagingSettings.validate(settings);
    }

    @Override
    public MemoryManager create(Settings settings, Machine machine) {
        LinuxMemoryManager mm = new LinuxMemoryManager(machine, PagingSettings.read(settings));
        mm.swapon(settings.getBlock("swap"));
        return mm;
    }

    @Override
    public String description() {
        return "Linux 2.6-style address spaces: VMAs, demand paging, copy on write, swap, object-based reverse map";
    }
}
