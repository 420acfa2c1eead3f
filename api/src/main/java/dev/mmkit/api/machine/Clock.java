package dev.mmkit.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine's virtual clock. Time is simulated: it moves only when the machine charges
 * a cost (a memory reference, a page fault, an I/O) through {@link #advance(long)}, so a
 * run's timing and every daemon's activity are the same on every host.
 *
 * <p>Daemons (kswapd, the flusher threads, periodic reclaim) are timers on this clock.
 * A timer runs inside {@code advance} when the clock passes its deadline; timers that fall
 * due at the same instant run in the order they were scheduled. A timer that advances the
 * clock itself does not start other timers recursively: they run once it returns.
 */
@ProviderType
public abstract class Clock {
    /** For the machine's implementation (a class, not an interface: see the package). */
    protected Clock() {
    }

    /** Nanoseconds of virtual time since the machine started. */
    public abstract long now();

    /** Moves time forward by {@code nanos} (not negative), running the timers that fall due. */
    public abstract void advance(long nanos);

    /** Runs {@code task} once, {@code delayNanos} from now. {@code name} appears in error messages. */
    public abstract void schedule(String name, long delayNanos, Runnable task);

    /** Runs {@code task} every {@code periodNanos}, the first time one period from now. */
    public abstract void every(String name, long periodNanos, Runnable task);
}
