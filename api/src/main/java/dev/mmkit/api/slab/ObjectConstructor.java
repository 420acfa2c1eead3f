package dev.mmkit.api.slab;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A cache's constructor ({@code ctor}): lays out an object's initial state in simulated
 * memory. It runs when the object is first laid out in a new slab, not on every
 * allocation; an object freed and allocated again keeps what it held.
 */
@FunctionalInterface
@ConsumerType
public interface ObjectConstructor {
    /** Initialises the object at physical address {@code objp}. */
    void construct(long objp);
}
