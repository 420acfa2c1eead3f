package dev.mmkit.tlb;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.TlbListener;
import dev.mmkit.machine.StandaloneMachine;
import java.util.Map;

/** Builds TLBs from HOCON over the module's reference.conf, the way the machine does. */
final class TestTlbs {
    static final Map<String, AbstractTlbProvider> PROVIDERS = Map.of(
        "fully-associative", new FullyAssociativeTlbProvider(),
        "set-associative", new SetAssociativeTlbProvider(),
        "direct-mapped", new DirectMappedTlbProvider(),
        "hierarchy", new HierarchyTlbProvider(),
        "software", new SoftwareTlbProvider());

    private TestTlbs() {
    }

    static StandaloneMachine machine(String tlbBlock) {
        return StandaloneMachine.builder(StandaloneMachine.config(
            "mmkit.machine.memory { size = 1MiB, backing = none }\nmmkit.machine.tlb { " + tlbBlock + " }")).build();
    }

    static AbstractTlb tlb(String tlbBlock) {
        return tlb(tlbBlock, null);
    }

    static AbstractTlb tlb(String tlbBlock, TlbListener listener) {
        StandaloneMachine machine = machine(tlbBlock);
        var settings = machine.settingsAt("mmkit.machine.tlb");
        AbstractTlbProvider provider = PROVIDERS.get(settings.getString("impl"));
        return (AbstractTlb) provider.create(settings, machine, 0, listener);
    }

    /** A user read/write PTE for a frame, accessed. */
    static long pte(long pfn) {
        return Pte.make(pfn, Pte.P | Pte.RW | Pte.US | Pte.A);
    }

    static long vaddr(long vpn) {
        return Page.address(vpn);
    }

    /**
     * Runs a reference string of VPNs through a hardware-walked TLB, inserting frame
     * {@code vpn + 0x100} after every miss, and returns the hit/miss string ("MMH...").
     */
    static String run(AbstractTlb tlb, long... vpns) {
        StringBuilder s = new StringBuilder();
        for (long vpn : vpns) {
            long t = tlb.lookup(vaddr(vpn), Access.READ);
            if (t == 0) {
                s.append('M');
                tlb.insert(vaddr(vpn), Access.READ, pte(vpn + 0x100), Page.SHIFT);
            } else {
                if (Pte.pfn(t) != vpn + 0x100) {
                    throw new AssertionError("vpn " + vpn + " translated to pfn " + Pte.pfn(t));
                }
                s.append('H');
            }
            tlb.verify();
        }
        return s.toString();
    }

    /** The VPNs from 0 to {@code maxVpn} that the TLB holds. */
    static java.util.List<Long> resident(AbstractTlb tlb, long maxVpn) {
        java.util.List<Long> vpns = new java.util.ArrayList<>();
        for (long vpn = 0; vpn <= maxVpn; vpn++) {
            if (cached(tlb, vpn)) {
                vpns.add(vpn);
            }
        }
        return vpns;
    }

    /** Whether a lookup of {@code vpn} would hit, without changing anything but counters of a probe-only copy. */
    static boolean cached(AbstractTlb tlb, long vpn) {
        for (TlbLevel level : tlb.levels) {
            if (level.probe(vaddr(vpn), tlb.currentHw) >= 0) {
                return true;
            }
        }
        return false;
    }
}
