/**
 * The page-table format extension point: how translations are stored in simulated frames and walked.
 */
@Export
@Version("1.1.0")
package dev.mmkit.api.pagetable;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
