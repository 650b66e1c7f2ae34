package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import io.ringloop.Backends;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Properties of the API's input checks, on every backend: any {@link Duration} given to any call that takes one
 * either works (saturated at about 146 years) or throws IllegalArgumentException naming the call, and never
 * ArithmeticException; any port outside 0..65535 is refused naming bind; any unresolved host is an
 * UnknownHostException naming the call; any int or long given to a runtime option is taken or refused naming that
 * option. The bystander connection echoes after every try.
 */
class InputPropertyTest {
    private static final long MAX_NS = 1L << 62;
    private static final Map<Backend, Ringloop> RUNTIMES = new EnumMap<>(Backend.class);

    @Provide
    Arbitrary<Backend> backends() {
        return Arbitraries.of(Backends.all());
    }

    /** Every Duration: edges, small and huge of both signs, any seconds with any nanos. */
    @Provide
    Arbitrary<Duration> durations() {
        Arbitrary<Duration> any = Combinators.combine(Arbitraries.longs(),
                Arbitraries.integers().between(0, 999_999_999)).as(Duration::ofSeconds);
        Arbitrary<Duration> small = Arbitraries.longs().between(-2_000_000_000L, 2_000_000_000L).map(Duration::ofNanos);
        Arbitrary<Duration> edges = Arbitraries.of(Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(-1),
                Duration.ofNanos(MAX_NS - 1), Duration.ofNanos(MAX_NS), Duration.ofNanos(MAX_NS + 1),
                Duration.ofNanos(Long.MAX_VALUE), Duration.ofNanos(Long.MIN_VALUE), Duration.ofDays(365L * 1000),
                Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofSeconds(Long.MIN_VALUE));
        return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(3, small),
                Tuple.of(2, edges));
    }

    @Property(tries = 150)
    void shouldTakeAnyDurationOrNameTheCall(@ForAll("backends") Backend backend, @ForAll("durations") Duration d)
            throws Exception {
        runtime(backend).blockOn(() -> {
            try (Bystander b = Bystander.start(); TcpListener l = TcpListener.bind(Bystander.LOCAL);
                 TcpStream c = TcpStream.connect(l.localAddress())) {
                boolean negative = d.isNegative();
                Duration saturated = d.compareTo(Duration.ofNanos(MAX_NS)) > 0 ? Duration.ofNanos(MAX_NS) : d;
                if (!negative && !saturated.equals(d)) {
                    BadInputs.tried("taken, saturated: " + d + " by readTimeout, connect, timeout, join, interval");
                }
                check(b, negative, "readTimeout(fd=", () -> c.readTimeout(d));
                if (!negative) {
                    assertEquals(saturated, c.readTimeout(), "readTimeout() gives back what was set, saturated");
                }
                check(b, negative, "connect(127.0.0.1:", () -> {
                    try {
                        TcpStream.connect(l.localAddress(), d).close();
                    } catch (SocketTimeoutException late) { // a limit of a few µs may end before the handshake
                        assertTrue(d.compareTo(Duration.ofMillis(100)) < 0 && late.getMessage().contains("connect("),
                                d + ": " + late);
                    }
                });
                check(b, negative, "timeout", () -> assertEquals("x", Time.timeout(d, () -> "x")));
                JoinHandle<String> done = Tasks.spawn(() -> "done");
                done.join();
                check(b, negative, "join", () -> assertEquals("done", done.join(d)));
                check(b, negative || d.isZero(), "interval",
                        () -> assertEquals(saturated, Time.interval(d).period()));
                if (negative) { // any other limit may really wait that long: a loop that runs does not terminate
                    b.assertFails(IllegalArgumentException.class, "awaitTermination",
                            () -> c.loop().awaitTermination(d));
                }
                // A sleep of any length: negative or zero returns at once, the rest waits (cut short here).
                try {
                    Time.timeout(Duration.ofMillis(1), () -> {
                        Time.sleep(d);
                        return null;
                    });
                } catch (TimeoutException expected) {
                    assertTrue(d.compareTo(Duration.ofNanos(0)) > 0, "only a positive sleep can time out");
                }
                b.assertEchoes("sleep(" + d + ")");
            }
            return null;
        });
    }

    @Property(tries = 100)
    void shouldRefuseAnyPortOutOfRange(@ForAll("backends") Backend backend, @ForAll("badPorts") int port)
            throws Exception {
        runtime(backend).blockOn(() -> {
            try (Bystander b = Bystander.start()) {
                b.assertFails(IllegalArgumentException.class, "bind(port=" + port + ")", () -> TcpListener.bind(port));
            }
            return null;
        });
    }

    @Provide
    Arbitrary<Integer> badPorts() {
        return Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(-1),
                Arbitraries.integers().greaterOrEqual(65_536), Arbitraries.of(-1, 65_536, Integer.MIN_VALUE));
    }

    @Property(tries = 100)
    void shouldNameTheCallForAnyUnresolvedHost(@ForAll("backends") Backend backend, @ForAll("unresolved")
            InetSocketAddress address) throws Exception {
        String where = "(" + address.getHostString() + ":" + address.getPort() + ")";
        runtime(backend).blockOn(() -> {
            try (Bystander b = Bystander.start(); UdpSocket u = UdpSocket.bind(Bystander.LOCAL)) {
                b.assertFails(UnknownHostException.class, "connect" + where, () -> TcpStream.connect(address));
                b.assertFails(UnknownHostException.class, "bind" + where, () -> TcpListener.bind(address));
                b.assertFails(UnknownHostException.class, "bind(udp " + where.substring(1),
                        () -> UdpSocket.bind(address));
                b.assertFails(UnknownHostException.class, "sendto" + where,
                        () -> u.send(java.nio.ByteBuffer.allocate(1), address));
            }
            return null;
        });
    }

    /** Host names that cannot resolve (the reserved .invalid top-level domain), with any valid port. */
    @Provide
    Arbitrary<InetSocketAddress> unresolved() {
        Arbitrary<String> labels = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-')
                .ofMinLength(1).ofMaxLength(20).filter(s -> !s.startsWith("-") && !s.endsWith("-"));
        return Combinators.combine(labels.list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(0, 65_535))
                .as((parts, port) -> InetSocketAddress.createUnresolved(String.join(".", parts) + ".invalid", port));
    }

    /** Every int given to a runtime option is taken or refused with an IllegalArgumentException naming it. */
    @Property(tries = 300)
    void shouldTakeAnyOptionValueOrNameTheOption(@ForAll("options") String option, @ForAll int value) {
        Map<String, Consumer<Integer>> setters = Map.of(
                "threads", v -> Ringloop.builder().threads(v),
                "blockingThreads", v -> Ringloop.builder().blockingThreads(v),
                "ringEntries", v -> Ringloop.builder().ringEntries(v),
                "receiveBuffers", v -> Ringloop.builder().receiveBuffers(v),
                "fixedFilesAfter", v -> Ringloop.builder().fixedFilesAfter(v),
                "zeroCopyWritesAbove", v -> Ringloop.builder().zeroCopyWritesAbove(v));
        try {
            setters.get(option).accept(value);
        } catch (IllegalArgumentException e) {
            BadInputs.failed(e);
            assertTrue(e.getMessage().contains(option), e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> options() {
        return Arbitraries.of("threads", "blockingThreads", "ringEntries", "receiveBuffers", "fixedFilesAfter",
                "zeroCopyWritesAbove");
    }

    /** {@code call} must throw IllegalArgumentException naming {@code names} when {@code refused}, else work. */
    private static void check(Bystander b, boolean refused, String names, Call call) throws Exception {
        if (refused) {
            b.assertFails(IllegalArgumentException.class, names, call::run);
        } else {
            call.run();
            b.assertEchoes(names);
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private static synchronized Ringloop runtime(Backend backend) throws IOException {
        Ringloop rt = RUNTIMES.get(backend);
        if (rt == null) {
            rt = Ringloop.builder().backend(backend).threads(1).start();
            RUNTIMES.put(backend, rt);
        }
        return rt;
    }

    @AfterContainer
    static synchronized void closeRuntimes() {
        RUNTIMES.values().forEach(Ringloop::close);
        RUNTIMES.clear();
    }
}
