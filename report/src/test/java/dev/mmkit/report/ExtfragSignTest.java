package dev.mmkit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Fragmentation;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.report.Fakes.FakeAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

// Bug: __fragmentation_index is negative (not -1000) when few, large-ish blocks are free; the
// text report dropped the sign (" 0.500" for -500) while the JSON carries -500.
class ExtfragSignTest {
    @Test
    void negativeExtfragIndexKeepsItsSignAsLinuxPrintsIt() {
        FakeAllocator pa = new FakeAllocator();
        // One free page (one order-0 block): __fragmentation_index(order 1)
        //   = 1000 - (1000 + 1 * 1000 / 2) / 1 = -500 (mm/vmstat.c, same arithmetic in the kernel).
        pa.zones.add(ProcFormatsTest.zone(ZoneType.NORMAL, 0, 1000, 1000, 1000, 1));
        assertThat(Fragmentation.extfragIndex(pa.zones.get(0), 11, 1)).isEqualTo(-500);
        String text = Report.fragmentation(new ReportInput(ProcFormatsTest.machine(""), pa, null, null, List.of(), 0));
        String extfrag = text.split("\n")[1];
        // extfrag_show_print: seq_printf("%2d.%03d ", index / 1000, index % 1000) with index = -500
        // prints " 0.-500"; never " 0.500", which reads as a positive index.
        assertThat(extfrag).startsWith("Node 0, zone   Normal -1.000  0.-500  0.-250  0.-125  0.-62  0.-31 ");
        // (C and Java both count the sign in the width of %03d: -62 prints as "-62".)
    }
}
