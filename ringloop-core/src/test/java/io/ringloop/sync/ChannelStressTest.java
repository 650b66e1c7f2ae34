package io.ringloop.sync;

import static io.ringloop.sync.TestThreads.joinAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sync.TestThreads.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bounded stress across virtual and platform threads, with deterministic checks only: every message that a
 * send reported as sent is received exactly once, per-producer order holds, nothing else is received, and
 * interrupted senders/receivers lose nothing.
 */
final class ChannelStressTest {
    private static final int PRODUCERS = 4;
    private static final int MESSAGES_PER_PRODUCER = 20_000;

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Supplier<Channel<Long>> tiny = () -> Channel.bounded(2);
            Supplier<Channel<Long>> medium = () -> Channel.bounded(64);
            Supplier<Channel<Long>> unbounded = Channel::unbounded;
            cases.add(Arguments.of(kind, "bounded(2)", tiny));
            cases.add(Arguments.of(kind, "bounded(64)", medium));
            cases.add(Arguments.of(kind, "unbounded", unbounded));
        }
        return cases.stream();
    }

    private static long message(int producer, int sequence) {
        return ((long) producer << 32) | sequence;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void shouldReceiveEverySentMessageExactlyOnceInProducerOrder(Kind kind, String name,
            Supplier<Channel<Long>> factory) throws InterruptedException {
        Channel<Long> channel = factory.get();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(kind.start("producer-" + p, () -> {
                for (int i = 0; i < MESSAGES_PER_PRODUCER; i++) {
                    // Mix the non-blocking and the parking paths. (No trySend-and-yield spin: yielding virtual
                    // threads can starve a virtual consumer that was submitted from outside the pool.)
                    if ((i & 7) != 0 || !channel.trySend(message(producer, i))) {
                        channel.send(message(producer, i));
                    }
                }
            }, failure));
        }
        int[] nextExpected = new int[PRODUCERS];
        long[] count = new long[1];
        Thread consumer = kind.start("consumer", () -> {
            try {
                while (true) {
                    long m = (count[0] & 15) == 0 ? pollOrReceive(channel) : channel.receive();
                    int producer = (int) (m >>> 32);
                    int sequence = (int) m;
                    assertEquals(nextExpected[producer], sequence, "order of producer " + producer);
                    nextExpected[producer]++;
                    count[0]++;
                }
            } catch (ChannelClosedException expected) {
                // drained
            }
        }, failure);
        joinAll(producers, failure);
        channel.close();
        joinAll(List.of(consumer), failure);
        assertEquals((long) PRODUCERS * MESSAGES_PER_PRODUCER, count[0]);
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(MESSAGES_PER_PRODUCER, nextExpected[p]);
        }
    }

    private static long pollOrReceive(Channel<Long> channel) throws InterruptedException {
        Long m = channel.tryReceive();
        return m != null ? m : channel.receive();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void shouldLoseNothingWhenSendersAndReceiverAreInterrupted(Kind kind, String name,
            Supplier<Channel<Long>> factory) throws InterruptedException {
        Channel<Long> channel = factory.get();
        int perProducer = 20_000;
        BitSet[] sent = new BitSet[PRODUCERS];
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            sent[p] = new BitSet(perProducer);
            producers.add(kind.start("producer-" + p, () -> {
                for (int i = 0; i < perProducer; i++) {
                    try {
                        channel.send(message(producer, i));
                        sent[producer].set(i);
                    } catch (InterruptedException cancelled) {
                        // not sent: must never be received
                    }
                }
            }, failure));
        }
        BitSet[] received = new BitSet[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            received[p] = new BitSet(perProducer);
        }
        int[] interruptedReceives = new int[1];
        Thread consumer = kind.start("consumer", () -> {
            while (true) {
                try {
                    long m = channel.receive();
                    int producer = (int) (m >>> 32);
                    assertTrue(!received[producer].get((int) m), "received twice: " + m);
                    received[producer].set((int) m);
                } catch (InterruptedException cancelled) {
                    interruptedReceives[0]++;
                } catch (ChannelClosedException drained) {
                    return;
                }
            }
        }, failure);
        // Interrupt everybody, many times, while they run; a bounded loop.
        List<Thread> all = new ArrayList<>(producers);
        all.add(consumer);
        for (int round = 0; round < 2_000 && producers.stream().anyMatch(Thread::isAlive); round++) {
            all.get(round % all.size()).interrupt();
            Thread.yield();
        }
        joinAll(producers, failure);
        channel.close();
        joinAll(List.of(consumer), failure);
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(sent[p], received[p], "producer " + p + ": received != successfully sent");
        }
    }
}
