/**
 * The page replacement policy extension point: which resident page to evict.
 */
@Export
@Version("1.2.0")
package dev.mmkit.api.replacement;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
