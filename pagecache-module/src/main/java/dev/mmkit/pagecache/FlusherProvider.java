package dev.mmkit.pagecache;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.reclaim.WritebackDaemon;
import dev.mmkit.api.reclaim.WritebackDaemonProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the writeback daemon {@code flusher} ({@code mmkit.machine.reclaim.writeback.impl = flusher}). */
@Component(service = WritebackDaemonProvider.class, property = ImplementationProvider.NAME + "=flusher")
public final class FlusherProvider implements WritebackDaemonProvider {
    @Override
    public void validate(Settings settings) {
        if (settings.getNanos("dirty-expire") <= 0) {
            settings.reportProblem("dirty-expire", settings.getNanos("dirty-expire") + " ns (expected: > 0)");
        }
        if (settings.getNanos("dirty-writeback-interval") <= 0) {
            settings.reportProblem("dirty-writeback-interval", settings.getNanos("dirty-writeback-interval") + " ns (expected: > 0)");
        }
        for (String key : new String[] {"dirty-background-ratio", "dirty-ratio"}) {
            int r = settings.getInt(key);
            if (r < 1 || r > 100) {
                settings.reportProblem(key, r + " (expected: 1-100 percent)");
            }
        }
        int threads = settings.getInt("threads");
        if (threads < 1 || threads > 64) {
            settings.reportProblem("threads", threads + " (expected: 1-64)");
        }
    }

    @Override
    public WritebackDaemon create(Settings settings, Machine machine) {
        return new Flusher(machine, settings.getNanos("dirty-expire"), settings.getNanos("dirty-writeback-interval"),
            settings.getInt("dirty-background-ratio"), settings.getInt("dirty-ratio"), settings.getInt("threads"));
    }

    @Override
    public String description() {
        return "flusher: kupdate every dirty_writeback interval, background above dirty_background_ratio, throttling above dirty_ratio";
    }
}
