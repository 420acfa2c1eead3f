/**
 * The translation lookaside buffer extension point.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.tlb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
