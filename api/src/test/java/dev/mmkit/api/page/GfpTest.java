package dev.mmkit.api.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// The GFP combinations must equal Linux's values (include/linux/gfp_types.h, 6.4+), as its tracepoints print them.
class GfpTest {
    @Test
    void combinationsHaveLinuxValues() {
        assertThat(Gfp.GFP_KERNEL).isEqualTo(0xcc0);
        assertThat(Gfp.GFP_ATOMIC).isEqualTo(0x820);
        assertThat(Gfp.GFP_NOWAIT).isEqualTo(0x800);
        assertThat(Gfp.GFP_NOIO).isEqualTo(0xc00);
        assertThat(Gfp.GFP_NOFS).isEqualTo(0xc40);
        assertThat(Gfp.GFP_USER).isEqualTo(0x100cc0);
        assertThat(Gfp.GFP_HIGHUSER).isEqualTo(0x100cc2);
        assertThat(Gfp.GFP_HIGHUSER_MOVABLE).isEqualTo(0x100cca);
        assertThat(Gfp.GFP_DMA).isEqualTo(0x1);
    }

    @Test
    void zoneModifiersChooseTheHighestZone() {
        assertThat(Gfp.zone(Gfp.GFP_KERNEL)).isEqualTo(ZoneType.NORMAL);
        assertThat(Gfp.zone(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(ZoneType.HIGHMEM);
        assertThat(Gfp.zone(Gfp.GFP_KERNEL | Gfp.GFP_DMA)).isEqualTo(ZoneType.DMA);
        assertThat(Gfp.zone(Gfp.GFP_ATOMIC)).isEqualTo(ZoneType.NORMAL);
    }

    @Test
    void reclaimModifiers() {
        assertThat(Gfp.allowsBlocking(Gfp.GFP_KERNEL)).isTrue();
        assertThat(Gfp.allowsBlocking(Gfp.GFP_ATOMIC)).isFalse();
        assertThat(Gfp.allowsBlocking(Gfp.GFP_NOWAIT)).isFalse();
        assertThat(Gfp.wakesKswapd(Gfp.GFP_NOWAIT)).isTrue();
        assertThat(Gfp.mayIo(Gfp.GFP_NOIO)).isFalse();
        assertThat(Gfp.mayFs(Gfp.GFP_NOFS)).isFalse();
        assertThat(Gfp.mayIo(Gfp.GFP_NOFS)).isTrue();
    }

    @Test
    void describesAsTracepointsPrint() {
        assertThat(Gfp.describe(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO)).isEqualTo("GFP_KERNEL|__GFP_ZERO");
        assertThat(Gfp.describe(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo("GFP_HIGHUSER_MOVABLE");
        assertThat(Gfp.describe(Gfp.GFP_ATOMIC)).isEqualTo("GFP_ATOMIC");
        assertThat(Gfp.describe(0)).isEqualTo("0");
    }
}
