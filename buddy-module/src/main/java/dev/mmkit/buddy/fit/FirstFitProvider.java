package dev.mmkit.buddy.fit;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.page.PageAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.machine.page-allocator.impl = first-fit}. */
@Component(service = PageAllocatorProvider.class, property = ImplementationProvider.NAME + "=first-fit")
public final class FirstFitProvider extends FitProvider {
    public FirstFitProvider() {
        super(FitAllocator.Policy.FIRST_FIT);
    }
}
