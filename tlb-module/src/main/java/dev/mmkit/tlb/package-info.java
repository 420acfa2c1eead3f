/**
 * Translation lookaside buffers: the implementations behind {@code mmkit.machine.tlb.impl}.
 *
 * <h2>Map of the package</h2>
 * <ul>
 *   <li>{@link dev.mmkit.tlb.TlbEntry}: the bit layout of an entry's tag (page number, ASID,
 *       size, G, V) and its encoders and decoders.</li>
 *   <li>{@link dev.mmkit.tlb.TlbLevel}: one level's arrays, lookup, fill and invalidation;
 *       its organisations {@link dev.mmkit.tlb.FullyAssociativeLevel},
 *       {@link dev.mmkit.tlb.SetAssociativeLevel} and {@link dev.mmkit.tlb.DirectMappedLevel}.</li>
 *   <li>{@link dev.mmkit.tlb.Replacement}: the rule inside a set, one per file:
 *       {@link dev.mmkit.tlb.LruReplacement}, {@link dev.mmkit.tlb.FifoReplacement},
 *       {@link dev.mmkit.tlb.RandomReplacement}, {@link dev.mmkit.tlb.TreePlruReplacement}.</li>
 *   <li>{@link dev.mmkit.tlb.AsidAllocator}: callers' address-space numbers onto hardware
 *       ASIDs, with generations and rollover.</li>
 *   <li>The TLBs: {@link dev.mmkit.tlb.AbstractTlb} (switches, invalidation, write-back,
 *       counters), {@link dev.mmkit.tlb.HardwareWalkedTlb} (x86 style),
 *       {@link dev.mmkit.tlb.SoftwareManagedTlb} (MIPS style),
 *       {@link dev.mmkit.tlb.HierarchicalTlb} (levels linked by next-level).</li>
 *   <li>{@link dev.mmkit.tlb.TlbConfig}: the configuration block, read and validated; the
 *       providers, one per implementation name.</li>
 * </ul>
 */
package dev.mmkit.tlb;
