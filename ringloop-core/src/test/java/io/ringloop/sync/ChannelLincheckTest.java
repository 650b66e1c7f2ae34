package io.ringloop.sync;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: both channels' non-blocking operations (trySend, tryReceive, close, closeReceiver) are
 * linearizable against the channel run sequentially. The receiver's operations share a non-parallel group
 * (one receiver at a time, as documented). Capacity 2 so that "full" is reached in small scenarios. A close
 * racing sends checks "sent before close is received, nothing after". Blocking send/receive are covered by
 * {@link ChannelStressTest}; the parking protocols of Mutex and Semaphore by their own Lincheck tests.
 */
@SuppressWarnings("missing-explicit-ctor") // public for Lincheck, which makes it reflectively; not API
public final class ChannelLincheckTest {

    @Param(name = "value", gen = IntGen.class, conf = "1:4")
    public static class Bounded {
        final Channel<Integer> channel;

        public Bounded() {
            this(Channel.bounded(2));
        }

        Bounded(Channel<Integer> channel) {
            this.channel = channel;
        }

        @Operation
        public Object trySend(@Param(name = "value") int value) {
            try {
                return channel.trySend(value);
            } catch (ChannelClosedException e) {
                return e.getMessage();
            }
        }

        @Operation(nonParallelGroup = "receiver")
        public Object tryReceive() {
            try {
                return channel.tryReceive();
            } catch (ChannelClosedException e) {
                return e.getMessage();
            }
        }

        @Operation
        public void close() {
            channel.close();
        }

        @Operation(nonParallelGroup = "receiver")
        public void closeReceiver() {
            channel.closeReceiver();
        }
    }

    @Param(name = "value", gen = IntGen.class, conf = "1:4")
    public static final class Unbounded extends Bounded {
        public Unbounded() {
            super(Channel.unbounded());
        }
    }

    @Test
    void shouldBeLinearizableUnderModelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(150).threads(3).actorsPerThread(3)
                .check(Bounded.class);
    }

    @Test
    void shouldBeLinearizableUnderStress() {
        new StressOptions().iterations(10).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .check(Bounded.class);
    }

    @Test
    void shouldBeLinearizableUnderModelCheckingWhenUnbounded() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(150).threads(3).actorsPerThread(3)
                .check(Unbounded.class);
    }
}
