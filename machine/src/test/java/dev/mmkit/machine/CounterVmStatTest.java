package dev.mmkit.machine;

// Why: every module counts into vmstat; each item must keep its own count, and state items
// must go down as well as up.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import org.junit.jupiter.api.Test;

class CounterVmStatTest {
    @Test
    void itemsCountIndependently() {
        CounterVmStat vmstat = new CounterVmStat();
        vmstat.inc(VmItem.PGFAULT);
        vmstat.inc(VmItem.PGFAULT);
        vmstat.add(VmItem.PSWPOUT, 5);
        vmstat.add(VmItem.NR_FREE_PAGES, 100);
        vmstat.add(VmItem.NR_FREE_PAGES, -30);
        assertThat(vmstat.get(VmItem.PGFAULT)).isEqualTo(2);
        assertThat(vmstat.get(VmItem.PSWPOUT)).isEqualTo(5);
        assertThat(vmstat.get(VmItem.NR_FREE_PAGES)).isEqualTo(70);
        assertThat(vmstat.get(VmItem.PGMAJFAULT)).isZero();
    }

    @Test
    void linuxNamesRoundTrip() {
        assertThat(VmItem.PGSCAN_KSWAPD.linuxName()).isEqualTo("pgscan_kswapd");
        assertThat(VmItem.byLinuxName("pgsteal_direct")).isEqualTo(VmItem.PGSTEAL_DIRECT);
    }
}
