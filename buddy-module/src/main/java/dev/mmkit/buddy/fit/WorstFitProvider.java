package dev.mmkit.buddy.fit;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.page.PageAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.machine.page-allocator.impl = worst-fit}. */
@Component(service = PageAllocatorProvider.class, property = ImplementationProvider.NAME + "=worst-fit")
public final class WorstFitProvider extends FitProvider {
    public WorstFitProvider() {
        super(FitAllocator.Policy.WORST_FIT);
    }
}
