package io.ringloop.loop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class TimerWheelTest {
    private static final long MS = 1_000_000L;

    private final List<Object> fired = new ArrayList<>();
    private final TimerWheel.Handler record = (timerId, payload) -> fired.add(payload);

    // ---- level and slot arithmetic ----

    @Test
    void shouldPickLevelOfHighestDifferingDigitForEverySlot() {
        for (long elapsed : new long[] {0, 1, 63, 64, 4095, 123_456_789L}) {
            for (int level = 0; level < TimerWheel.LEVELS; level++) {
                for (int slot = 0; slot < TimerWheel.SLOTS; slot++) {
                    long span = 1L << (level * TimerWheel.SLOT_BITS);
                    long deadline = elapsed + (slot + 1) * span;
                    int expected = TimerWheel.levelFor(elapsed, deadline);
                    // The level is the index of the highest 6-bit digit where the two ticks differ.
                    int highest = 0;
                    for (int digit = 0; digit < 11; digit++) {
                        if (TimerWheel.slotFor(elapsed, digit) != TimerWheel.slotFor(deadline, digit)) {
                            highest = digit;
                        }
                    }
                    assertEquals(highest, expected, "elapsed=" + elapsed + " deadline=" + deadline);
                }
            }
        }
    }

    @Test
    void shouldPlaceNextTicksOnLevelZero() {
        assertEquals(0, TimerWheel.levelFor(0, 1));
        assertEquals(0, TimerWheel.levelFor(0, 63));
        assertEquals(1, TimerWheel.levelFor(0, 64));
        assertEquals(1, TimerWheel.levelFor(63, 64)); // one tick ahead but across a level-1 boundary
        assertEquals(0, TimerWheel.levelFor(64, 127));
        assertEquals(5, TimerWheel.levelFor(0, (1L << 36) - 1));
        assertEquals(6, TimerWheel.levelFor(0, 1L << 36)); // beyond the wheel: overflow
    }

    @Test
    void shouldComputeSlotAndSlotStart() {
        long tick = (5L << 12) | (7L << 6) | 9L; // digits 5,7,9 on levels 2,1,0
        assertEquals(9, TimerWheel.slotFor(tick, 0));
        assertEquals(7, TimerWheel.slotFor(tick, 1));
        assertEquals(5, TimerWheel.slotFor(tick, 2));
        assertEquals((5L << 12) | (7L << 6) | 10L, TimerWheel.slotStartTick(tick, 0, 10));
        assertEquals((5L << 12) | (8L << 6), TimerWheel.slotStartTick(tick, 1, 8));
        assertEquals(6L << 12, TimerWheel.slotStartTick(tick, 2, 6));
    }

    // ---- behaviour through the public API ----

    @Test
    void shouldNotFireBeforeDeadline() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        wheel.schedule(10 * MS + 1, "a");
        assertEquals(0, wheel.poll(10 * MS, record, 100));
        assertEquals(0, wheel.poll(11 * MS - 1, record, 100));
        assertEquals(1, wheel.poll(11 * MS, record, 100)); // deadline rounded up to the tick
        assertEquals(List.of("a"), fired);
        assertEquals(0, wheel.size());
    }

    @Test
    void shouldFireOnExactTickDeadline() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        wheel.schedule(10 * MS, "a");
        assertEquals(0, wheel.poll(10 * MS - 1, record, 100));
        assertEquals(1, wheel.poll(10 * MS, record, 100));
    }

    @Test
    void shouldFirePastDeadlineOnNextPoll() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        wheel.poll(50 * MS, record, 100);
        wheel.schedule(3 * MS, "late");
        assertTrue(wheel.nextDeadlineNs() <= 50 * MS);
        assertEquals(1, wheel.poll(50 * MS, record, 100));
        assertEquals(List.of("late"), fired);
    }

    @Test
    void shouldCancelPendingTimerOnce() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        long id = wheel.schedule(5 * MS, "a");
        assertNotEquals(TimerWheel.NULL_TIMER, id);
        assertTrue(wheel.cancel(id));
        assertFalse(wheel.cancel(id));
        assertEquals(0, wheel.poll(100 * MS, record, 100));
        assertEquals(0, wheel.size());
        assertFalse(wheel.cancel(TimerWheel.NULL_TIMER));
        assertFalse(wheel.cancel(-1L));
    }

    @Test
    void shouldNotCancelNewTimerWithStaleId() {
        TimerWheel wheel = new TimerWheel(MS, 0, 1);
        long old = wheel.schedule(1 * MS, "old");
        wheel.poll(1 * MS, record, 100);
        long reused = wheel.schedule(5 * MS, "new"); // same index, new generation
        assertEquals((int) old, (int) reused);
        assertFalse(wheel.cancel(old));
        wheel.poll(5 * MS, record, 100);
        assertEquals(List.of("old", "new"), fired);
    }

    @Test
    void shouldReportNextDeadlineNeverLaterThanEarliestTimer() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        assertEquals(Long.MAX_VALUE, wheel.nextDeadlineNs());
        wheel.schedule(5 * MS, "a");
        assertEquals(5 * MS, wheel.nextDeadlineNs());
        wheel.schedule(3 * MS + 1, "b");
        assertEquals(4 * MS, wheel.nextDeadlineNs()); // the tick at which b can fire
        wheel.poll(4 * MS, record, 100);
        assertEquals(5 * MS, wheel.nextDeadlineNs());
        wheel.poll(5 * MS, record, 100);
        wheel.schedule(10_000 * MS, "c"); // level 2: the slot's start
        long next = wheel.nextDeadlineNs();
        assertTrue(next > 5 * MS && next <= 10_000 * MS, "next=" + next);
    }

    @Test
    void shouldCascadeFromHigherLevelsAndFireOnTime() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        long deadline = 123_456 * MS;
        wheel.schedule(deadline, "x");
        long now = 0;
        int polls = 0;
        while (fired.isEmpty()) {
            now = Math.max(now + 1, wheel.nextDeadlineNs());
            wheel.poll(now, record, 100);
            polls++;
        }
        assertEquals(deadline, now);
        assertTrue(polls <= TimerWheel.LEVELS + 1, "cascades: " + polls);
    }

    @Test
    void shouldFireOverflowTimerYearsAhead() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        long deadline = 3L * 365 * 24 * 3600 * 1000 * MS; // ~3 years: beyond the six levels
        wheel.schedule(deadline, "far");
        assertEquals(0, wheel.poll(deadline - 1, record, 100));
        assertEquals(1, wheel.poll(deadline, record, 100));
    }

    @Test
    void shouldBoundFiringByLimitAndKeepTheRest() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        for (int i = 0; i < 10; i++) {
            wheel.schedule(i * MS, i);
        }
        assertEquals(3, wheel.poll(20 * MS, record, 3));
        assertTrue(wheel.nextDeadlineNs() <= 20 * MS);
        assertEquals(3, wheel.poll(20 * MS, record, 3));
        assertEquals(4, wheel.poll(20 * MS, record, 30));
        assertEquals(10, new HashSet<>(fired).size());
        assertEquals(Long.MAX_VALUE, wheel.nextDeadlineNs());
    }

    @Test
    void shouldGrowBeyondInitialCapacity() {
        TimerWheel wheel = new TimerWheel(MS, 0, 2);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(wheel.schedule((i % 300) * MS, i));
        }
        assertEquals(1000, ids.size());
        assertEquals(1000, wheel.size());
        assertEquals(1000, wheel.poll(300 * MS, record, Integer.MAX_VALUE));
    }

    @Test
    void shouldLetHandlerScheduleAndCancel() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        long[] victim = new long[1];
        wheel.schedule(1 * MS, "first");
        victim[0] = wheel.schedule(2 * MS, "victim");
        TimerWheel.Handler handler = new TimerWheel.Handler() {
            @Override
            public void onTimer(long timerId, Object payload) {
                fired.add(payload);
                if (payload.equals("first")) {
                    assertFalse(wheel.cancel(timerId)); // already removed
                    assertTrue(wheel.cancel(victim[0]));
                    wheel.schedule(1 * MS, "again"); // due now: fires in this same poll
                    wheel.schedule(3 * MS, "later");
                }
            }
        };
        assertEquals(2, wheel.poll(2 * MS, handler, 100));
        assertEquals(List.of("first", "again"), fired);
        assertEquals(1, wheel.poll(3 * MS, handler, 100));
        assertEquals(0, wheel.size());
    }

    @Test
    void shouldWorkWithNegativeStartAndCoarseTick() {
        long start = -5_000_000_000L;
        TimerWheel wheel = new TimerWheel(7 * MS, start, 4);
        wheel.schedule(start + 20 * MS, "a"); // tick 3 (21 ms)
        assertEquals(start + 21 * MS, wheel.nextDeadlineNs());
        assertEquals(0, wheel.poll(start + 20 * MS, record, 10));
        assertEquals(1, wheel.poll(start + 21 * MS, record, 10));
    }

    @Test
    void shouldTreatFarFutureDeadlineAsNeverDue() {
        TimerWheel wheel = new TimerWheel(MS, -100, 4);
        wheel.schedule(Long.MAX_VALUE, "never");
        assertEquals(0, wheel.poll(1_000_000 * MS, record, 10));
        assertTrue(wheel.nextDeadlineNs() > 1_000_000 * MS);
    }

    @Test
    void shouldDropEverythingOnClear() {
        TimerWheel wheel = new TimerWheel(MS, 0, 4);
        long id = wheel.schedule(5 * MS, "a");
        wheel.schedule(0, "b");
        wheel.clear();
        assertEquals(0, wheel.size());
        assertFalse(wheel.cancel(id));
        assertEquals(Long.MAX_VALUE, wheel.nextDeadlineNs());
        assertEquals(0, wheel.poll(10 * MS, record, 10));
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(MS, 0, 0));
    }
}
