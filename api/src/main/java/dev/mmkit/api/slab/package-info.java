/**
 * The object-cache allocator extension point (Linux's {@code kmem_cache} and {@code kmalloc}).
 */
@Export
@Version("1.0.0")
package dev.mmkit.api.slab;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
