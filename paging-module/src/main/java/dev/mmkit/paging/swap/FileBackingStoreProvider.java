package dev.mmkit.paging.swap;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.backing.BackingStoreProvider;
import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code file} backing store ({@code mmkit.machine.backing.impl = file}). */
@Component(service = BackingStoreProvider.class, property = ImplementationProvider.NAME + "=file")
public final class FileBackingStoreProvider implements BackingStoreProvider {
    @Override
    public BackingStore open(Settings settings, Machine machine, Path path) throws IOException {
        return new FileBackingStore(path, machine.memory());
    }

    @Override
    public String description() {
        return "pages in a real file, one 4KiB slot per page, positional I/O";
    }
}
