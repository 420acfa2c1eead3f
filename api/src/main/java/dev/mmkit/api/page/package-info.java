/**
 * The page allocator extension point (Linux's {@code alloc_pages}), its zones and GFP flags.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.page;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
