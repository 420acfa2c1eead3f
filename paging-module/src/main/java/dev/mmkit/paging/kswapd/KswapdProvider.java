package dev.mmkit.paging.kswapd;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.api.reclaim.ReclaimDaemonProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code kswapd} ({@code mmkit.machine.reclaim.kswapd.impl = kswapd}). */
@Component(service = ReclaimDaemonProvider.class, property = ImplementationProvider.NAME + "=kswapd")
public final class KswapdProvider implements ReclaimDaemonProvider {
    @Override
    public void validate(Settings settings) {
        int batch = settings.getInt("batch");
        if (batch < 1 || batch > 1 << 20) {
            settings.reportProblem("batch", batch + " (expected: 1-1048576 pages)");
        }
        long interval = settings.getNanos("interval");
        if (interval < 0) {
            settings.reportProblem("interval", interval + "ns (expected: 0 for none, or a positive duration)");
        }
        settings.getBoolean("oom-killer");
    }

    @Override
    public ReclaimDaemon create(Settings settings, Machine machine) {
        return new Kswapd(machine, settings.getInt("batch"), settings.getBoolean("oom-killer"), settings.getNanos("interval"));
    }

    @Override
    public String description() {
        return "kswapd: background reclaim from low to high watermark, direct reclaim, OOM killer as last resort";
    }
}
