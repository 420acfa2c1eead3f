/**
 * The reclaim and writeback daemon extension points (kswapd, direct reclaim, the flusher threads) and the reclaim primitives they drive.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.reclaim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
