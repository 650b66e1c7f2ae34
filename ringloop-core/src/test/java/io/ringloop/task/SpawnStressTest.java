package io.ringloop.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many tasks on one loop: 10,000 and 100,000 short tasks, a 10,000-deep chain of nested spawns, and the order in
 * which one task's spawns start. Tasks involve no I/O here, but the loop's wait differs per backend, so all three.
 */
class SpawnStressTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSpawnAndJoin10kAnd100kShortTasksOnOneLoop(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            for (int count : new int[] {10_000, 100_000}) {
                long sum = rt.blockOn(() -> {
                    List<JoinHandle<Integer>> handles = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        int n = i;
                        handles.add(Tasks.spawn(() -> n));
                    }
                    long s = 0;
                    for (JoinHandle<Integer> h : handles) {
                        s += h.join();
                    }
                    return s;
                });
                assertEquals((long) count * (count - 1) / 2, sum, count + " tasks");
            }
            // From outside the loop: every spawn goes through the loop's inbox.
            List<JoinHandle<Integer>> handles = new ArrayList<>(10_000);
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                handles.add(rt.spawn(() -> n));
            }
            long s = 0;
            for (JoinHandle<Integer> h : handles) {
                s += h.join();
            }
            assertEquals(10_000L * 9_999 / 2, s);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRunTenThousandDeepChainOfNestedSpawns(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            // Each link spawns the next and joins it: 10,000 tasks are parked in join at the deepest point.
            assertEquals(10_000, rt.blockOn(chain(10_000)));
        }
    }

    private static Callable<Integer> chain(int remaining) {
        return () -> remaining == 0 ? 0 : Tasks.spawn(chain(remaining - 1)).join() + 1;
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldStartSpawnsOfOneTaskInSpawnOrder(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            List<Integer> order = rt.blockOn(() -> {
                List<Integer> started = new ArrayList<>(); // touched on the loop's thread alone
                List<JoinHandle<Object>> handles = new ArrayList<>();
                for (int i = 0; i < 5_000; i++) {
                    int n = i;
                    handles.add(Tasks.spawn(() -> {
                        started.add(n);
                        return null;
                    }));
                    if (i % 1_000 == 999) {
                        Tasks.yieldNow(); // some start while the spawner is still spawning
                    }
                }
                for (JoinHandle<Object> h : handles) {
                    h.join();
                }
                return started;
            });
            assertEquals(IntStream.range(0, 5_000).boxed().toList(), order);
        }
    }
}
