/**
 * The workload source extension point and the kernel interface workloads drive.
 */
@Export
@Version("1.2.0")
package dev.mmkit.api.workload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
