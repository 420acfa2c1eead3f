/**
 * The page cache extension point: {@code address_space} objects that keep pages of files in memory.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.pagecache;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
