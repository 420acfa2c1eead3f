package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Provides {@code vms} ({@code mmkit.machine.replacement.impl = vms}), the VAX/VMS
 * second-chance list, sized by {@code mmkit.machine.replacement.vms.second-chance}: a number
 * of pages ({@code 0}: FIFO) or a percentage of the resident set ({@code 100%}: LRU).
 */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=vms")
public final class VmsPolicyProvider implements ReplacementPolicyProvider {
    private static final String KEY = "second-chance";

    /** The second-chance list's size as configured: {@code pages}, or {@code percent} of the pages held when pages is −1. */
    record Size(long pages, int percent) {
        /** Parses {@code 12} or {@code 25%}; an error that quotes the value otherwise. */
        static Size parse(String value) {
            String v = value.trim();
            try {
                if (v.endsWith("%")) {
                    int percent = Integer.parseInt(v.substring(0, v.length() - 1).trim());
                    if (percent >= 0 && percent <= 100) {
                        return new Size(-1, percent);
                    }
                } else {
                    long pages = Long.parseLong(v);
                    if (pages >= 0) {
                        return new Size(pages, 0);
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(value + " (expected: a number of pages, 0 or more, or a percentage 0%-100%)");
        }
    }

    @Override
    public void validate(Settings settings) {
        try {
            Size.parse(settings.getBlock("vms").getString(KEY));
        } catch (IllegalArgumentException e) {
            settings.reportProblem("vms." + KEY, e.getMessage());
        }
    }

    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        Size size = Size.parse(settings.getBlock("vms").getString(KEY));
        return new VmsPolicy(machine.memMap().nrFrames(), references, size.pages(), size.percent());
    }

    @Override
    public String description() {
        return "VAX/VMS second-chance list: a FIFO active list and an LRU list of pages mapped invalid";
    }
}
