package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Backends;
import io.ringloop.Ringloop;
import io.ringloop.driver.Driver;
import io.ringloop.driver.fault.Fault;
import io.ringloop.driver.fault.FaultInjectingDriver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour suite's workload under the benign faults of {@link FaultInjectingDriver}, for many seeds on
 * every backend: two loops, a task-style server spread over both and a callback-style server, clients that
 * send random sizes through every write and read shape (arrays, direct buffers, scatter/gather, segments),
 * half-close, a read timeout that expires before its data arrives, and sleeps (never ended early). Every byte
 * is checked; nothing may be lost or reordered, and the faults must not show.
 *
 * <p>Seeds 1 to 20 run every time, plus two new ones; seeds 1 to 5 also with the hostile mix (resets, failed
 * and refused accepts), where broken connections are made again and everyone is served in the end. A failing
 * seed is in the test's name and the failure message; {@code -Dringloop.faultSeed=N} runs that seed alone (and
 * puts any other test under it too).
 */
class TcpUnderFaultsTest {
    private static final int FIXED_SEEDS = 20;
    private static final int FRESH_SEEDS = 2;
    private static final int CLIENTS = 6;
    private static final int MESSAGES = 6;
    private static final int MAX_MESSAGE = 48 * 1024;
    private static final int HOSTILE_SEEDS = 5;
    /** Tries a client makes under hostile faults before the test gives up on it. */
    private static final int MAX_ATTEMPTS = 50;
    private static final long[] INJECTED = new long[Fault.values().length];
    private static int runs;
    /** Connections hostile faults broke, which their clients then made again. */
    private static int broken;

    static Stream<Arguments> seedsAndBackends() {
        String one = System.getProperty(FaultInjectingDriver.SEED_PROPERTY);
        LongStream seeds = one != null && !one.isBlank() ? LongStream.of(Long.parseLong(one.trim()))
                : LongStream.concat(LongStream.rangeClosed(1, FIXED_SEEDS),
                        new SplittableRandom().longs(FRESH_SEEDS, 1_000, 1_000_000_000));
        return seeds.boxed().flatMap(seed -> Backends.all().stream().map(b -> Arguments.of(seed, b)));
    }

    @ParameterizedTest(name = "seed {0} {1}")
    @MethodSource("seedsAndBackends")
    void shouldLoseNothingUnderBenignFaults(long seed, Backend backend) throws Exception {
        runReporting(seed, backend, false);
    }

    static Stream<Arguments> hostileSeedsAndBackends() {
        return LongStream.rangeClosed(1, HOSTILE_SEEDS).boxed()
                .flatMap(seed -> Backends.all().stream().map(b -> Arguments.of(seed, b)));
    }

    /**
     * Resets and failed or refused accepts too: a broken connection fails visibly (its client connects again
     * and starts over), but the servers survive, and every client is served whole in the end.
     */
    @ParameterizedTest(name = "seed {0} {1}")
    @MethodSource("hostileSeedsAndBackends")
    void shouldServeEveryoneElseUnderHostileFaults(long seed, Backend backend) throws Exception {
        runReporting(seed, backend, true);
    }

    private static void runReporting(long seed, Backend backend, boolean hostile) throws Exception {
        try {
            runWorkload(seed, backend, hostile);
        } catch (Exception | AssertionError e) {
            throw new AssertionError("fault seed " + seed + " on " + backend + " failed; reproduce with "
                    + "-Dtest=TcpUnderFaultsTest -D" + FaultInjectingDriver.SEED_PROPERTY + "=" + seed
                    + (hostile ? " -D" + FaultInjectingDriver.MIX_PROPERTY + "=hostile" : ""), e);
        }
    }

    @AfterAll
    static void report() {
        StringBuilder sb = new StringBuilder("TcpUnderFaultsTest: " + runs + " runs, " + broken
                + " connections broken by hostile faults and made again; faults injected:");
        for (Fault f : Fault.values()) {
            sb.append(' ').append(f).append('=').append(INJECTED[f.ordinal()]);
        }
        System.out.println(sb);
    }

    private static void runWorkload(long seed, Backend backend, boolean hostile) throws Exception {
        Ringloop rt = startUnderFaults(seed, backend, hostile ? "hostile" : "benign");
        List<FaultInjectingDriver> drivers = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            for (EventLoop loop : rt.loops()) {
                drivers.add(LoopCallAccess.driverOf(loop));
            }
            TcpServer.Spread spread = seed % 2 == 0 ? TcpServer.Spread.REUSE_PORT : TcpServer.Spread.ACCEPTOR;
            TcpServer tasks = rt.serve(new InetSocketAddress("127.0.0.1", 0), spread, TcpUnderFaultsTest::echo);
            TcpListener callbacks = callbackEchoServer(rt, arena);
            List<JoinHandle<Void>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                InetSocketAddress to = i % 2 == 0 ? tasks.localAddress() : callbacks.localAddress();
                long clientSeed = seed * 31 + i;
                clients.add(rt.spawn(() -> attempts(hostile, () -> client(to, clientSeed))));
            }
            clients.add(rt.spawn(() -> attempts(hostile, () -> timeoutThenData(tasks.localAddress()))));
            clients.add(rt.spawn(TcpUnderFaultsTest::sleeper));
            for (JoinHandle<Void> c : clients) {
                c.join();
            }
            tasks.close();
            callbacks.close();
        } finally {
            rt.close();
        }
        runs++;
        long injected = 0;
        for (FaultInjectingDriver d : drivers) {
            assertEquals(List.of(), d.violations(), "the backend broke the driver contract");
            for (Fault f : Fault.values()) {
                INJECTED[f.ordinal()] += d.count(f);
                injected += d.count(f);
                assertTrue(hostile || f.benign() || d.count(f) == 0, f + " is not benign");
            }
        }
        assertTrue(injected > 0, "no fault was injected: is the wrapper in place?");
    }

    /** A runtime of two loops whose drivers are wrapped with {@code seed} (the properties are read at start). */
    private static Ringloop startUnderFaults(long seed, Backend backend, String mix) throws IOException {
        String seedBefore = System.getProperty(FaultInjectingDriver.SEED_PROPERTY);
        String mixBefore = System.getProperty(FaultInjectingDriver.MIX_PROPERTY);
        System.setProperty(FaultInjectingDriver.SEED_PROPERTY, Long.toString(seed));
        System.setProperty(FaultInjectingDriver.MIX_PROPERTY, mix);
        try {
            return Ringloop.builder().backend(backend).threads(2).name("faults-" + seed).start();
        } finally {
            restore(FaultInjectingDriver.SEED_PROPERTY, seedBefore);
            restore(FaultInjectingDriver.MIX_PROPERTY, mixBefore);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /**
     * Runs {@code exchange} once; under hostile faults again on a new connection while one breaks (an
     * IOException: a reset, a refused connect, an early end of stream), up to {@link #MAX_ATTEMPTS}.
     */
    private static Void attempts(boolean hostile, Callable<Void> exchange) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return exchange.call();
            } catch (IOException e) {
                if (!hostile || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                synchronized (TcpUnderFaultsTest.class) {
                    broken++;
                }
            }
        }
    }

    /** Task-style echo into a byte array, until end of stream; then the reply's end of stream. */
    private static void echo(TcpStream s) throws IOException {
        byte[] buf = new byte[8 * 1024];
        int n;
        while ((n = s.read(buf)) > 0) {
            s.writeAll(buf, 0, n);
        }
        s.shutdownOutput();
    }

    /** One connection: a writer task sends random messages in every shape; this task reads them back. */
    private static Void client(InetSocketAddress to, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] messages = new byte[MESSAGES][];
        int total = 0;
        for (int i = 0; i < MESSAGES; i++) {
            messages[i] = new byte[1 + random.nextInt(MAX_MESSAGE)];
            random.nextBytes(messages[i]);
            total += messages[i].length;
        }
        try (TcpStream c = TcpStream.connect(to); Arena arena = Arena.ofShared()) {
            JoinHandle<Void> writer = Tasks.spawn(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    write(c, messages[i], i, arena);
                }
                c.shutdownOutput();
                return null;
            });
            byte[] back = new byte[total];
            readBack(c, back, random.split());
            writer.join();
            assertEquals(-1, c.read(new byte[1]), "end of stream after the echo");
            byte[] sent = new byte[total];
            int at = 0;
            for (byte[] m : messages) {
                System.arraycopy(m, 0, sent, at, m.length);
                at += m.length;
            }
            assertArrayEquals(sent, back, "every byte, in order");
        }
        return null;
    }

    /** Sends {@code m} in the shape number {@code shape} picks: array, direct buffer, gather, segments. */
    private static void write(TcpStream c, byte[] m, int shape, Arena arena) throws IOException {
        int half = m.length / 2;
        switch (shape % 4) {
            case 0 -> c.writeAll(m);
            case 1 -> c.writeAll(ByteBuffer.allocateDirect(m.length).put(m).flip());
            case 2 -> c.writeAll(ByteBuffer.wrap(m, 0, half), ByteBuffer.allocateDirect(m.length - half)
                    .put(m, half, m.length - half).flip());
            default -> {
                MemorySegment tail = arena.allocate(Math.max(1, m.length - half)).asSlice(0, m.length - half);
                tail.copyFrom(MemorySegment.ofArray(m).asSlice(half));
                c.writeAll(MemorySegment.ofArray(m).asSlice(0, half), tail);
            }
        }
    }

    /** Reads exactly {@code back.length} bytes, alternating plain reads and scattering reads. */
    private static void readBack(TcpStream c, byte[] back, SplittableRandom random) throws IOException {
        int at = 0;
        ByteBuffer small = ByteBuffer.allocate(700);
        ByteBuffer large = ByteBuffer.allocateDirect(20_000);
        while (at < back.length) {
            long n;
            if (random.nextBoolean()) {
                n = c.read(back, at, Math.min(back.length - at, 1 + random.nextInt(30_000)));
            } else {
                small.clear().limit(Math.min(700, back.length - at));
                large.clear().limit(Math.min(20_000, back.length - at - small.limit()));
                n = c.read(small, large);
                small.flip().get(back, at, small.remaining());
                large.flip().get(back, at + small.limit(), large.remaining());
            }
            if (n <= 0) {
                throw new EOFException("end of stream at byte " + at + " of " + back.length);
            }
            at += (int) n;
        }
    }

    /** A read whose time runs out before the data: the data still arrives whole at the next read. */
    private static Void timeoutThenData(InetSocketAddress to) throws Exception {
        try (TcpStream c = TcpStream.connect(to)) {
            c.readTimeout(Duration.ofMillis(2));
            byte[] b = new byte[4];
            try {
                int n = c.read(b);
                if (n < 0) { // the server's connection broke (a hostile RESET) and it closed: made again
                    throw new EOFException("end of stream before the timed-out read's data");
                }
                throw new AssertionError("nothing was sent, yet the read returned " + n);
            } catch (SocketTimeoutException expected) {
                // the stream stays usable
            }
            c.readTimeout(null);
            c.writeAll("ping".getBytes());
            c.readFully(b, 0, 4);
            assertArrayEquals("ping".getBytes(), b);
        }
        return null;
    }

    /** Spurious wake-ups must not end a sleep early: a timer never fires before its deadline. */
    private static Void sleeper() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            long startNs = System.nanoTime();
            Time.sleep(Duration.ofMillis(1));
            long sleptNs = System.nanoTime() - startNs;
            assertTrue(sleptNs >= 1_000_000, "woke after " + sleptNs + " ns");
        }
        return null;
    }

    /** A callback-style echo server on loop 0 (native buffer, reused callbacks). */
    private static TcpListener callbackEchoServer(Ringloop rt, Arena arena) throws Exception {
        CompletableFuture<TcpListener> bound = new CompletableFuture<>();
        rt.loop(0).execute(() -> {
            try {
                TcpListener l = TcpListener.builder().loop(rt.loop(0)).bind(new InetSocketAddress("127.0.0.1", 0));
                acceptNext(l, arena);
                bound.complete(l);
            } catch (IOException | RuntimeException e) {
                bound.completeExceptionally(e);
            }
        });
        return bound.get(10, TimeUnit.SECONDS);
    }

    private static void acceptNext(TcpListener l, Arena arena) {
        l.accept(new AcceptCallback() {
            @Override
            public void accepted(TcpStream s) {
                CallbackEcho.start(s, arena.allocate(4096));
                acceptNext(l, arena);
            }

            @Override
            public void failed(Throwable error) {
                if (l.isOpen()) {
                    acceptNext(l, arena); // a failed accept (ECONNABORTED) is no reason to stop
                }
            }
        });
    }

    /** Keeps a reference to the driver type out of the public surface of the test. */
    private static final class LoopCallAccess {
        static FaultInjectingDriver driverOf(EventLoop loop) {
            Driver d = Loop.of(loop).driver();
            assertTrue(d instanceof FaultInjectingDriver, "not wrapped: " + d);
            return (FaultInjectingDriver) d;
        }
    }
}
