package io.ringloop.bench.jmh;

import io.ringloop.sync.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MPSC hand-off throughput between virtual threads: {@code producers} virtual threads send
 * {@value #MESSAGES} messages in total to one virtual-thread consumer, through
 * <ul>
 *   <li>{@code ringloopBounded}: {@code Channel.bounded(1024)} send / receive;</li>
 *   <li>{@code ringloopUnbounded}: {@code Channel.unbounded()} send / receive;</li>
 *   <li>{@code arrayBlockingQueue}: {@code ArrayBlockingQueue(1024)} put / take;</li>
 *   <li>{@code linkedBlockingQueue}: unbounded {@code LinkedBlockingQueue} put / take.</li>
 * </ul>
 * Reported per message (ns/op). The threads run on the JDK's default virtual-thread scheduler, so this
 * measures the primitives and their park/unpark traffic, not a ringloop event loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ChannelBench {
    static final int MESSAGES = 200_000;
    static final int CAPACITY = 1024;
    static final Object MESSAGE = new Object();

    @Param({"1", "4"})
    public int producers;

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int ringloopBounded() throws InterruptedException {
        return runChannel(Channel.bounded(CAPACITY));
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int ringloopUnbounded() throws InterruptedException {
        return runChannel(Channel.unbounded());
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int arrayBlockingQueue() throws InterruptedException {
        return runQueue(new ArrayBlockingQueue<>(CAPACITY));
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int linkedBlockingQueue() throws InterruptedException {
        return runQueue(new LinkedBlockingQueue<>());
    }

    private int runChannel(Channel<Object> channel) throws InterruptedException {
        int perProducer = MESSAGES / producers;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            threads[p] = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        channel.send(MESSAGE);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        int[] received = new int[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = perProducer * producers; i > 0; i--) {
                    if (channel.receive() == MESSAGE) {
                        received[0]++;
                    }
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (Thread thread : threads) {
            thread.join();
        }
        consumer.join();
        return received[0];
    }

    private int runQueue(BlockingQueue<Object> queue) throws InterruptedException {
        int perProducer = MESSAGES / producers;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            threads[p] = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        queue.put(MESSAGE);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        int[] received = new int[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = perProducer * producers; i > 0; i--) {
                    if (queue.take() == MESSAGE) {
                        received[0]++;
                    }
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (Thread thread : threads) {
            thread.join();
        }
        consumer.join();
        return received[0];
    }
}
