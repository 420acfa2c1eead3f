package dev.mmkit.buddy;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.PageAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.machine.page-allocator.impl = buddy}: Linux's zoned binary buddy allocator. */
@Component(service = PageAllocatorProvider.class, property = ImplementationProvider.NAME + "=buddy")
public final class BuddyProvider implements PageAllocatorProvider {
    @Override
    public void validate(Settings settings) {
        AllocatorSettings.read(settings);
    }

    @Override
    public String description() {
        return "binary buddy allocator with zones, watermarks, GFP reclaim and per-CPU lists (Linux mm/page_alloc.c)";
    }

    @Override
    public PageAllocator create(Settings settings, Machine machine) {
        AllocatorSettings read = AllocatorSettings.readValid(settings);
        ZoneLayout layout = ZoneLayout.read(machine.settings(), machine.memMap().nrFrames());
        return new BuddyAllocator(machine, read, layout);
    }
}
