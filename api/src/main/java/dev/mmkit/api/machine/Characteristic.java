package dev.mmkit.api.machine;

/**
 * Knowledge beyond what the hardware gives. A policy declares the characteristics it
 * needs; a workload declares those it provides; the machine refuses to run a policy whose
 * needs the workload cannot meet, instead of producing wrong numbers.
 */
public enum Characteristic {
    /**
     * Every reference, hits included, is reported to the policy (perfect LRU). Real
     * hardware reports only faults and sets referenced bits; any workload can provide this
     * in simulation, at a cost.
     */
    EVERY_REFERENCE,
    /**
     * The time of each page's next reference is known (Belady's OPT). Only traces that
     * carry it, such as libCacheSim's oracleGeneral, provide it.
     */
    FUTURE
}
