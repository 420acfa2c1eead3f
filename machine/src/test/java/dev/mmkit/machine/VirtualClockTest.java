package dev.mmkit.machine;

// Why: daemons run on the virtual clock, so its timer order and its behaviour when a timer
// advances time itself decide whether two runs give the same counters.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
    private final VirtualClock clock = new VirtualClock();
    private final List<String> log = new ArrayList<>();

    @Test
    void timersRunInDeadlineOrderAtTheirDeadline() {
        clock.schedule("b", 20, () -> log.add("b@" + clock.now()));
        clock.schedule("a", 10, () -> log.add("a@" + clock.now()));
        clock.schedule("c", 30, () -> log.add("c@" + clock.now()));
        clock.advance(25);
        assertThat(log).containsExactly("a@10", "b@20");
        assertThat(clock.now()).isEqualTo(25);
        clock.advance(5);
        assertThat(log).containsExactly("a@10", "b@20", "c@30");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void timersDueAtTheSameInstantRunInTheOrderScheduled() {
        for (String name : List.of("x", "y", "z", "w")) {
            clock.schedule(name, 7, () -> log.add(name));
        }
        clock.advance(7);
        assertThat(log).containsExactly("x", "y", "z", "w");
    }

    @Test
    void periodicTimersRunOncePerPeriodPassed() {
        clock.every("kswapd", 10, () -> log.add("k@" + clock.now()));
        clock.advance(35);
        assertThat(log).containsExactly("k@10", "k@20", "k@30");
        clock.advance(5);
        assertThat(log).containsExactly("k@10", "k@20", "k@30", "k@40");
        assertThat(clock.pendingTimers()).isEqualTo(1);
    }

    @Test
    void aTimerThatAdvancesTheClockDoesNotNestTimers() {
        clock.schedule("io", 10, () -> {
            log.add("io-start@" + clock.now());
            clock.advance(50); // a daemon doing I/O: time moves, no timer runs inside
            log.add("io-end@" + clock.now());
        });
        clock.schedule("flush", 30, () -> log.add("flush@" + clock.now()));
        clock.advance(10);
        // flush became due while io ran; it runs after io returns, in the same advance,
        // at the time it is (60), never back in time.
        assertThat(log).containsExactly("io-start@10", "io-end@60", "flush@60");
        assertThat(clock.now()).isEqualTo(60);
    }

    @Test
    void aTimerMayScheduleTimersThatFallDueInTheSameAdvance() {
        clock.schedule("first", 5, () -> {
            log.add("first@" + clock.now());
            clock.schedule("second", 0, () -> log.add("second@" + clock.now()));
            clock.schedule("later", 100, () -> log.add("later"));
        });
        clock.advance(10);
        assertThat(log).containsExactly("first@5", "second@5");
        assertThat(clock.now()).isEqualTo(10);
        assertThat(clock.pendingTimers()).isEqualTo(1);
    }

    @Test
    void aFailingTimerIsNamedWithTheTime() {
        clock.schedule("writeback", 3, () -> {
            throw new IllegalArgumentException("disk on fire");
        });
        assertThatThrownBy(() -> clock.advance(4))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("timer [writeback] failed at 3 ns: disk on fire");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> clock.advance(-1)).hasMessage("nanos: -1 (expected: >= 0)");
        assertThatThrownBy(() -> clock.schedule("t", -2, () -> { })).hasMessage("timer [t]: delay -2 (expected: >= 0)");
        assertThatThrownBy(() -> clock.every("p", 0, () -> { })).hasMessage("timer [p]: period 0 (expected: > 0)");
    }
}
