package io.ringloop.loop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Randomised schedule / cancel / advance sequences against a {@link PriorityQueue} reference model, with a
 * manual clock. Seeded: a failure names its seed and replays exactly. Checks: every timer fires exactly once
 * unless cancelled; never before its deadline; by the time the clock has passed its deadline rounded up to
 * the tick, it has fired; stale ids cancel nothing; size and nextDeadlineNs agree with the model.
 */
final class TimerWheelModelTest {
    private static final int OPS_PER_RUN = 3_000;

    private record Timer(long id, long deadlineNs, long fireAtNs, Integer payload) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        0xC0FFEE, 0xBADF00D, 42, 4242, 424242, -1, -7, 99991, 123456789, 987654321})
    void shouldMatchPriorityQueueModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ticks = {1, 1_000, 1_000_000, 7_777};
        long tickNs = ticks[random.nextInt(ticks.length)];
        long startNs = random.nextBoolean() ? 0 : random.nextLong(-1L << 50, 1L << 50);
        TimerWheel wheel = new TimerWheel(tickNs, startNs, 1 + random.nextInt(64));

        PriorityQueue<Timer> model = new PriorityQueue<>(Comparator.comparingLong(Timer::fireAtNs));
        Map<Long, Timer> pending = new HashMap<>();
        List<Long> deadIds = new ArrayList<>();
        long[] now = {startNs + random.nextLong(0, 1000 * tickNs)};
        int[] nextPayload = {0};

        TimerWheel.Handler handler = (timerId, payload) -> {
            Timer timer = pending.remove(timerId);
            assertNotNull(timer, "seed " + seed + ": fired an unknown or already fired/cancelled id " + timerId);
            assertEquals(timer.payload(), payload, "seed " + seed);
            assertTrue(timer.deadlineNs() <= now[0],
                    "seed " + seed + ": fired before its deadline " + timer + " now=" + now[0]);
            model.remove(timer);
            deadIds.add(timerId);
        };

        for (int op = 0; op < OPS_PER_RUN; op++) {
            int choice = random.nextInt(100);
            if (choice < 45) {
                long deadlineNs = now[0] + randomDelta(random, tickNs);
                Integer payload = nextPayload[0]++;
                long id = wheel.schedule(deadlineNs, payload);
                assertFalse(pending.containsKey(id), "seed " + seed + ": id reused while pending");
                long fireTick = Math.ceilDiv(deadlineNs - startNs, tickNs);
                Timer timer = new Timer(id, deadlineNs, startNs + fireTick * tickNs, payload);
                pending.put(id, timer);
                model.add(timer);
            } else if (choice < 60 && !pending.isEmpty()) {
                Timer victim = model.stream().skip(random.nextInt(model.size())).findFirst().orElseThrow();
                assertTrue(wheel.cancel(victim.id()), "seed " + seed + ": cancel of a pending timer failed");
                pending.remove(victim.id());
                model.remove(victim);
                deadIds.add(victim.id());
            } else if (choice < 70 && !deadIds.isEmpty()) {
                long stale = deadIds.get(random.nextInt(deadIds.size()));
                assertFalse(wheel.cancel(stale), "seed " + seed + ": a stale id cancelled something");
            } else {
                now[0] += Math.abs(randomDelta(random, tickNs)); // the clock never goes backwards
                int limit = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : Integer.MAX_VALUE;
                int fired;
                do {
                    int before = pending.size();
                    fired = wheel.poll(now[0], handler, limit);
                    assertTrue(fired <= limit, "seed " + seed + ": exceeded the limit");
                    assertEquals(before - fired, pending.size(), "seed " + seed);
                } while (fired == limit);
                Timer earliest = model.peek();
                if (earliest != null && earliest.fireAtNs() <= now[0]) {
                    fail("seed " + seed + ": overdue timer not fired " + earliest + " now=" + now[0]);
                }
            }
            assertEquals(pending.size(), wheel.size(), "seed " + seed + ": size");
            Timer earliest = model.peek();
            long next = wheel.nextDeadlineNs();
            if (earliest == null) {
                assertEquals(Long.MAX_VALUE, next, "seed " + seed + ": empty wheel has a deadline");
            } else {
                assertTrue(next <= earliest.fireAtNs(),
                        "seed " + seed + ": nextDeadlineNs " + next + " later than " + earliest);
            }
        }
        // Drain: jump far ahead in steps the wheel can follow, then everything must have fired exactly once.
        while (!model.isEmpty()) {
            now[0] = Math.max(now[0] + 1, wheel.nextDeadlineNs());
            wheel.poll(now[0], handler, Integer.MAX_VALUE);
        }
        assertEquals(0, wheel.size());
        assertEquals(Long.MAX_VALUE, wheel.nextDeadlineNs());
    }

    /** Deltas that land on every level and beyond, plus the past and exact tick multiples. */
    private static long randomDelta(SplittableRandom random, long tickNs) {
        return switch (random.nextInt(8)) {
            case 0 -> -random.nextLong(0, 100 * tickNs); // already due
            case 1 -> random.nextLong(0, 3) * tickNs; // exact tick boundaries
            case 2, 3 -> random.nextLong(0, 70 * tickNs); // level 0/1
            case 4 -> random.nextLong(0, 300_000 * tickNs); // levels 1-3
            case 5 -> random.nextLong(0, (1L << 30) * tickNs); // levels 3-5
            case 6 -> random.nextLong(0, Math.min(1L << 40, Long.MAX_VALUE / 1024 / tickNs) * tickNs); // overflow
            default -> random.nextLong(0, 5 * tickNs);
        };
    }
}
