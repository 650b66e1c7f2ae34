package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Durations through the public API, every backend. */
class DurationInputTest {

    /**
     * A drain ends when nothing is left alive, however long it may last: before, a loop that was asleep when the
     * shutdown arrived slept out the whole drain (here a day) before noticing.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEndALongDrainWhenNothingIsAlive(Backend backend) throws Exception {
        for (Duration drain : new Duration[] {Duration.ofDays(1)}) {
            try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
                assertEquals(1, rt.blockOn(() -> 1));
                while (!rt.loop(0).isSleeping()) {
                    Thread.onSpinWait(); // the loop goes to sleep once the task's end is processed
                }
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> rt.shutdown(drain), "shutdown(" + drain + ")");
                assertTrue(rt.loop(0).isTerminated());
            }
        }
    }
}
