/**
 * The backing store extension point: devices of pages, such as a swap file.
 */
@Export
@Version("1.0.0")
package dev.mmkit.api.backing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
