package dev.mmkit.assembly;

import dev.mmkit.report.Report;
import dev.mmkit.report.ReportInput;

/** The report of an assembly's machine (the report module), in text or JSON. */
final class Reports {
    private Reports() {
    }

    static String render(Assembly assembly, String format) {
        var machine = assembly.machine();
        ReportInput in = new ReportInput(machine, machine.pageAllocator(), machine.slab(), machine.memoryManager(),
            assembly.tlbs(), assembly.references() > 0 ? assembly.references() : -1, machine.reclaimDaemon());
        return switch (format) {
            case "text" -> Report.text(in);
            case "json" -> Report.json(in);
            default -> throw new IllegalArgumentException("Unknown format [" + format + "], known options [json, text]");
        };
    }
}
