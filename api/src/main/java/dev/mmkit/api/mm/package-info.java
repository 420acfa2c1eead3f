/**
 * The memory-manager core extension point: processes, address spaces, the MMU and fault handling.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.mm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
