package dev.mmkit.machine;

import dev.mmkit.api.machine.Clock;
import java.util.PriorityQueue;

/**
 * The machine's virtual clock and its timers.
 *
 * <h2>How it works</h2>
 * Timers wait in a priority queue ordered by deadline, then by the order they were
 * scheduled, so that timers due at the same instant always run in the same order.
 * {@link #advance} moves time to each due deadline in turn, runs that timer (re-queueing a
 * periodic one one period later), and finally moves time to the target. A timer that
 * advances the clock itself (a daemon doing I/O) only moves time: timers never nest, and
 * the ones that became due run after it returns.
 *
 * <p>The memory manager advances the clock after every reference, so the earliest deadline
 * is kept in a field ({@code nextDeadline}): an advance that reaches no deadline is one
 * compare and one store, without looking at the queue.
 */
public final class VirtualClock extends Clock {
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long now;
    /** The earliest deadline in {@link #timers}, or {@code Long.MAX_VALUE} when none waits. */
    private long nextDeadline = Long.MAX_VALUE;
    private long sequence;
    private boolean running;

    private static final class Timer implements Comparable<Timer> {
        final String name;
        final long period;
        final Runnable task;
        final long sequence;
        long deadline;

        Timer(String name, long deadline, long period, Runnable task, long sequence) {
            this.name = name;
            this.deadline = deadline;
            this.period = period;
            this.task = task;
            this.sequence = sequence;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
        }
        long target = now + nanos;
        if (running || target < nextDeadline) {
            now = target;
            return;
        }
        // A timer may advance the clock past target; the timers that became due meanwhile
        // run in this same call, after it returns.
        while (!timers.isEmpty() && timers.peek().deadline <= Math.max(target, now)) {
            Timer timer = timers.poll();
            now = Math.max(now, timer.deadline);
            running = true;
            try {
                timer.task.run();
            } catch (RuntimeException e) {
                throw new IllegalStateException("timer [" + timer.name + "] failed at " + now + " ns: " + e.getMessage(), e);
            } finally {
                running = false;
            }
            if (timer.period > 0) {
                timer.deadline += timer.period;
                timers.add(timer);
            }
        }
        now = Math.max(now, target);
        updateNextDeadline();
    }

    private void updateNextDeadline() {
        Timer first = timers.peek();
        nextDeadline = first == null ? Long.MAX_VALUE : first.deadline;
    }

    @Override
    public void schedule(String name, long delayNanos, Runnable task) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("timer [" + name + "]: delay " + delayNanos + " (expected: >= 0)");
        }
        timers.add(new Timer(name, now + delayNanos, 0, task, sequence++));
        updateNextDeadline();
    }

    @Override
    public void every(String name, long periodNanos, Runnable task) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("timer [" + name + "]: period " + periodNanos + " (expected: > 0)");
        }
        timers.add(new Timer(name, now + periodNanos, periodNanos, task, sequence++));
        updateNextDeadline();
    }

    /** Timers waiting. */
    public int pendingTimers() {
        return timers.size();
    }
}
