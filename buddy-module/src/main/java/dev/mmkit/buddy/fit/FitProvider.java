package dev.mmkit.buddy.fit;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.PageAllocatorProvider;
import dev.mmkit.buddy.AllocatorSettings;
import dev.mmkit.buddy.ZoneLayout;

/** The shared part of the first-, best- and worst-fit providers. */
abstract class FitProvider implements PageAllocatorProvider {
    private final FitAllocator.Policy policy;

    FitProvider(FitAllocator.Policy policy) {
        this.policy = policy;
    }

    @Override
    public void validate(Settings settings) {
        AllocatorSettings.read(settings);
    }

    @Override
    public String description() {
        return policy.configName + " over free extents, aligned 2^order blocks (for comparison with buddy)";
    }

    @Override
    public PageAllocator create(Settings settings, Machine machine) {
        AllocatorSettings read = AllocatorSettings.readValid(settings);
        ZoneLayout layout = ZoneLayout.read(machine.settings(), machine.memMap().nrFrames());
        return new FitAllocator(machine, read, layout, policy);
    }
}
