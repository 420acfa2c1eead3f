package dev.mmkit.paging.swap;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.backing.BackingStoreProvider;
import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Provides the {@code file} backing store ({@code mmkit.machine.backing.impl = file}), with
 * the fault injection of {@code mmkit.machine.backing.fail}: entries
 * {@code { path, offset, length, op }} (op {@code read}, {@code write} or {@code read-write}).
 */
@Component(service = BackingStoreProvider.class, property = ImplementationProvider.NAME + "=file")
public final class FileBackingStoreProvider implements BackingStoreProvider {
    private static final List<String> OPS = List.of("read", "write", "read-write");

    @Override
    public void validate(Settings settings) {
        faults(settings, true);
    }

    @Override
    public BackingStore open(Settings settings, Machine machine, Path path) throws IOException {
        List<FileBackingStore.FailRange> all = settings == null ? List.of() : faults(settings, false);
        List<FileBackingStore.FailRange> mine = new ArrayList<>();
        for (FileBackingStore.FailRange f : all) {
            if (path.normalize().endsWith(Path.of(f.path()).normalize())) {
                mine.add(f);
            }
        }
        return new FileBackingStore(path, machine.memory(), List.copyOf(mine));
    }

    /** The configured faults; with {@code report}, bad entries are reported instead of skipped silently. */
    private static List<FileBackingStore.FailRange> faults(Settings settings, boolean report) {
        if (!settings.has("fail")) {
            return List.of();
        }
        List<FileBackingStore.FailRange> out = new ArrayList<>();
        List<? extends Settings> entries = settings.getBlockList("fail");
        for (int i = 0; i < entries.size(); i++) {
            Settings e = entries.get(i);
            String origin = settings.path() + ".fail[" + i + "]";
            String path = e.has("path") ? e.getString("path") : "";
            long offset = e.has("offset") ? e.getBytes("offset") : 0;
            long length = e.has("length") ? e.getBytes("length") : -1;
            String op = e.has("op") ? e.getString("op") : "read-write";
            boolean ok = true;
            if (path.isBlank()) {
                ok = problem(report, e, "path", "missing (expected: the file's path, or its last components)");
            }
            if (offset < 0) {
                ok = problem(report, e, "offset", offset + " (expected: >= 0 bytes)");
            }
            if (length <= 0) {
                ok = problem(report, e, "length", (length < 0 ? "missing" : String.valueOf(length)) + " (expected: > 0 bytes)");
            }
            if (!OPS.contains(op)) {
                ok = problem(report, e, "op", "Unknown op [" + op + "], known options " + OPS);
            }
            if (ok) {
                out.add(new FileBackingStore.FailRange(path, offset, length, !op.equals("write"), !op.equals("read"), origin));
            }
        }
        return out;
    }

    private static boolean problem(boolean report, Settings entry, String key, String message) {
        if (report) {
            entry.reportProblem(key, message);
        }
        return false;
    }

    @Override
    public String description() {
        return "pages in a real file, one 4KiB slot per page, positional I/O; fault injection by range";
    }
}
