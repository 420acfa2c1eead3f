/**
 * The machine every implementation is created in: its services (clock, random generator, counters, per-frame metadata), its settings, and the base of every provider.
 *
 * <p>The services that every reference or fault calls ({@link dev.mmkit.api.machine.Clock},
 * {@link dev.mmkit.api.machine.VmStat}, {@link dev.mmkit.api.machine.MemMap}, and
 * {@link dev.mmkit.api.hw.PhysicalMemory}) are abstract classes, not interfaces, since 2.0.0.
 * Only the machine implements them ({@code @ProviderType}), so nothing is lost for plugins,
 * which only call them. What is gained is the JIT's trust: the JVM's verifier checks that a
 * field of class type holds an instance of that class, but not one of interface type, so
 * HotSpot's C2 compiles each call through an interface-typed field with a check of the
 * receiver's class before the inlined body, and again after every call it did not inline;
 * through a class-typed field with one loaded implementation it inlines without one. On a
 * trace replay (fifo, 1,000 resident pages) the change removed 3 % of the instructions per
 * reference (2,513 to 2,433, {@code bench/instructions.sh}). The extension points that
 * plugins implement stay interfaces.
 */
@Export
@Version("2.0.0")
package dev.mmkit.api.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
