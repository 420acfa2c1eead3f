package dev.mmkit.pagecache;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.pagecache.PageCache;
import dev.mmkit.api.pagecache.PageCacheProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the page cache {@code radix} ({@code mmkit.machine.page-cache.impl = radix}). */
@Component(service = PageCacheProvider.class, property = ImplementationProvider.NAME + "=radix")
public final class RadixPageCacheProvider implements PageCacheProvider {
    /** The largest read-ahead window accepted: 16 MiB. */
    static final long MAX_READ_AHEAD = 16L << 20;

    @Override
    public void validate(Settings settings) {
        String dir = settings.getString("directory");
        if (dir.isBlank()) {
            settings.reportProblem("directory", "empty (expected: a directory, relative to the run directory)");
        }
        long ra = settings.getBytes("read-ahead-max");
        if (ra < 0 || ra > MAX_READ_AHEAD || ra % Page.SIZE != 0) {
            settings.reportProblem("read-ahead-max", ra + " bytes (expected: whole 4KiB pages, 0-16MiB)");
        }
    }

    @Override
    public PageCache create(Settings settings, Machine machine) {
        return new RadixPageCache(machine, settings);
    }

    @Override
    public String description() {
        return "radix: address_space per real file, 64-way tagged radix tree, on-demand read-ahead";
    }
}
