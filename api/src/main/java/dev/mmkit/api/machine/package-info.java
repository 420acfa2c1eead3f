/**
 * The machine every implementation is created in: its services (clock, random generator, counters, per-frame metadata), its settings, and the base of every provider.
 */
@Export
@Version("1.3.0")
package dev.mmkit.api.machine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
