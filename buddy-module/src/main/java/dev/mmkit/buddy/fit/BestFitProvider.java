package dev.mmkit.buddy.fit;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.page.PageAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.machine.page-allocator.impl = best-fit}. */
@Component(service = PageAllocatorProvider.class, property = ImplementationProvider.NAME + "=best-fit")
public final class BestFitProvider extends FitProvider {
    public BestFitProvider() {
        super(FitAllocator.Policy.BEST_FIT);
    }
}
