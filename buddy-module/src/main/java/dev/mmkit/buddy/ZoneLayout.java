package dev.mmkit.buddy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.page.ZoneType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each zone lies in physical memory, from {@code mmkit.machine.zones} and
 * {@code mmkit.machine.memory.size}: zones are laid out lowest first from pfn 0, each with
 * its configured size; exactly one zone may omit its size and takes what the others leave;
 * a zone that is not listed, or has size 0, is empty. Every zone type is present in the
 * result (DMA, Normal, HighMem), empty ones with start = end.
 *
 * <p>Public only so that the allocators of {@code dev.mmkit.buddy.fit} can share it.
 */
public final class ZoneLayout {
    private static final int NR_ZONES = ZoneType.values().length;

    private final long[] start = new long[NR_ZONES];
    private final long[] end = new long[NR_ZONES];

    private ZoneLayout() {
    }

    /** A layout given directly in pages, lowest zone first (tests, benchmarks). */
    public static ZoneLayout ofPages(long dma, long normal, long highMem) {
        ZoneLayout layout = new ZoneLayout();
        long[] sizes = {dma, normal, highMem};
        long at = 0;
        for (int z = 0; z < NR_ZONES; z++) {
            layout.start[z] = at;
            at += sizes[z];
            layout.end[z] = at;
        }
        return layout;
    }

    /**
     * Reads the zones of {@code machine} (the {@code mmkit.machine} block) for a memory of
     * {@code nrFrames} frames.
     *
     * @throws ConfigurationException naming every problem with the zones
     */
    public static ZoneLayout read(Settings machine, long nrFrames) {
        List<String> problems = new ArrayList<>();
        List<? extends Settings> zones = machine.getBlockList("zones");
        long[] sizes = new long[NR_ZONES];
        boolean[] listed = new boolean[NR_ZONES];
        int rest = -1;
        int last = -1;
        long total = 0;
        if (zones.isEmpty()) {
            report(machine, "zones", "no zones (expected: at least one of DMA, Normal, HighMem)", problems);
        }
        for (Settings zone : zones) {
            String name = zone.getString("name");
            ZoneType type;
            try {
                type = ZoneType.byLinuxName(name);
            } catch (IllegalArgumentException e) {
                report(zone, "name", e.getMessage(), problems);
                continue;
            }
            int z = type.ordinal();
            if (listed[z]) {
                report(zone, "name", "zone " + type.linuxName() + " is listed twice", problems);
                continue;
            }
            if (z < last) {
                report(zone, "name", "zone " + type.linuxName() + " listed after a higher zone"
                    + " (expected: lowest first: DMA, Normal, HighMem)", problems);
            }
            listed[z] = true;
            last = Math.max(last, z);
            if (!zone.has("size")) {
                if (rest >= 0) {
                    report(zone, "name", "zone " + type.linuxName() + " has no size, nor has "
                        + ZoneType.values()[rest].linuxName() + " (expected: at most one zone without size)", problems);
                } else {
                    rest = z;
                }
                continue;
            }
            long bytes = zone.getBytes("size");
            if (bytes < 0 || bytes % Page.SIZE != 0) {
                report(zone, "size", bytes + " bytes (expected: a whole number of 4KiB pages, 0 or more)", problems);
                continue;
            }
            sizes[z] = bytes / Page.SIZE;
            total += sizes[z];
        }
        if (total > nrFrames) {
            report(machine, "zones", "the zones' sizes add up to " + total * Page.SIZE + " bytes, more than memory.size = "
                + nrFrames * Page.SIZE + " bytes", problems);
        } else if (rest >= 0) {
            sizes[rest] = nrFrames - total;
        } else if (total != nrFrames && !zones.isEmpty()) {
            report(machine, "zones", "the zones' sizes add up to " + total * Page.SIZE + " bytes but memory.size is "
                + nrFrames * Page.SIZE + " bytes (let one zone omit its size to take the rest)", problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return ofPages(sizes[0], sizes[1], sizes[2]);
    }

    private static void report(Settings s, String key, String problem, List<String> problems) {
        s.reportProblem(key, problem);
        problems.add(s.origin(key) + ": " + s.path() + "." + key + ": " + problem);
    }

    /** First pfn of zone {@code z} (a {@link ZoneType} ordinal). */
    public long start(int z) {
        return start[z];
    }

    /** One past the last pfn of zone {@code z}. */
    public long end(int z) {
        return end[z];
    }

    /** Frames covered by all zones. */
    public long nrFrames() {
        return end[NR_ZONES - 1];
    }
}
