/**
 * The hardware vocabulary shared by every module: page size and frame numbers, the x86 page-table entry bit layout, access kinds, and simulated physical memory.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.hw;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
