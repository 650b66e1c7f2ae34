package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import io.ringloop.tls.TlsConfig;
import java.lang.foreign.Arena;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Durations through the public API, every backend: zero means no limit for every timeout (as java.net.Socket
 * says), a negative one is an IllegalArgumentException naming the call, a huge one saturates at about 146 years
 * (never ArithmeticException); after each bad call another connection on the loop still echoes.
 */
class DurationInputTest {
    private static final Duration[] NEGATIVE = {Duration.ofNanos(-1), Duration.ofSeconds(Long.MIN_VALUE)};
    private static final Duration[] HUGE = {
        Duration.ofDays(365L * 1000), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)};
    private static final Duration SATURATED = Duration.ofNanos(1L << 62);

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTreatZeroAsNoLimit(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            List<TcpStream> fillers = new ArrayList<>();
            try (TcpListener full = fullBacklog(fillers)) {
                // Before: a zero timeout failed the connect at once with ETIMEDOUT.
                assertThrows(TimeoutException.class, () -> Time.timeout(Duration.ofMillis(300),
                        () -> TcpStream.connect(full.localAddress(), Duration.ZERO)), "connect(ZERO) waits");
                b.assertEchoes("connect(ZERO)");
            } finally {
                closeAll(fillers);
            }
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                c.readTimeout(Duration.ofMillis(1));
                c.readTimeout(Duration.ZERO);
                assertEquals(Duration.ZERO, c.readTimeout());
                assertThrows(TimeoutException.class,
                        () -> Time.timeout(Duration.ofMillis(100), () -> c.read(new byte[1])),
                        "a read with readTimeout(ZERO) waits");
                s.writeAll(new byte[] {7});
                assertEquals(1, c.read(new byte[1]));
            }
            JoinHandle<String> slow = Tasks.spawn(() -> {
                Time.sleep(Duration.ofMillis(30));
                return "slow";
            });
            assertEquals("slow", slow.join(Duration.ZERO), "join(ZERO) waits for the task");
            assertEquals("late", Time.timeout(Duration.ZERO, () -> {
                Time.sleep(Duration.ofMillis(30));
                return "late";
            }), "Time.timeout(ZERO) sets no limit");
            if (backend != Backend.NIO) {
                withEventFd(efd -> assertThrows(TimeoutException.class, () -> Time.timeout(Duration.ofMillis(100),
                        () -> AsyncFd.await(efd, AsyncFd.READABLE, Duration.ZERO)), "AsyncFd.await(ZERO) waits"));
            }
            b.assertEchoes("the zero timeouts");
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseNegativeTimeoutsNamingTheCall(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress())) {
                JoinHandle<String> done = Tasks.spawn(() -> "done");
                done.join();
                EventLoop loop = c.loop();
                for (Duration d : NEGATIVE) {
                    b.assertFails(IllegalArgumentException.class, "connect(127.0.0.1:",
                            () -> TcpStream.connect(l.localAddress(), d));
                    b.assertFails(IllegalArgumentException.class, "readTimeout(fd=", () -> c.readTimeout(d));
                    b.assertFails(IllegalArgumentException.class, "timeout", () -> Time.timeout(d, () -> "x"));
                    b.assertFails(IllegalArgumentException.class, "join", () -> done.join(d));
                    b.assertFails(IllegalArgumentException.class, "AsyncFd.await(fd=0)",
                            () -> AsyncFd.await(0, AsyncFd.WRITABLE, d));
                    b.assertFails(IllegalArgumentException.class, "interval", () -> Time.interval(d));
                    b.assertFails(IllegalArgumentException.class, "awaitTermination", () -> loop.awaitTermination(d));
                    b.assertWorks("sleep(" + d + ")", () -> {
                        Time.sleep(d); // not a timeout: returns at once, as Thread.sleep(Duration) does
                        return null;
                    });
                }
                assertEquals(Duration.ZERO, c.readTimeout(), "a refused timeout changes nothing");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSaturateHugeTimeouts(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            for (Duration huge : HUGE) {
                try (TcpListener l = TcpListener.bind(Bystander.LOCAL);
                     TcpStream c = b.assertWorks("connect(" + huge + ")",
                             () -> TcpStream.connect(l.localAddress(), huge));
                     TcpStream s = l.accept()) {
                    c.readTimeout(huge);
                    assertEquals(SATURATED, c.readTimeout());
                    JoinHandle<Void> writer = Tasks.spawn(() -> {
                        Time.sleep(Duration.ofMillis(20));
                        s.writeAll(new byte[] {1});
                        return null;
                    });
                    assertEquals(1, c.read(new byte[1]), "a read that waits under a huge deadline");
                    writer.join();
                }
                b.assertEchoes("readTimeout(" + huge + ")");
                List<TcpStream> fillers = new ArrayList<>();
                try (TcpListener full = fullBacklog(fillers)) {
                    assertThrows(TimeoutException.class, () -> Time.timeout(Duration.ofMillis(200),
                            () -> TcpStream.connect(full.localAddress(), huge)), "a pending connect, huge deadline");
                } finally {
                    closeAll(fillers);
                }
                assertEquals("x", b.assertWorks("timeout(" + huge + ")", () -> Time.timeout(huge, () -> {
                    Time.sleep(Duration.ofMillis(5));
                    return "x";
                })));
                JoinHandle<String> slow = Tasks.spawn(() -> {
                    Time.sleep(Duration.ofMillis(5));
                    return "slow";
                });
                assertEquals("slow", b.assertWorks("join(" + huge + ")", () -> slow.join(huge)));
                assertEquals(SATURATED, Time.interval(huge).period());
                assertCancels(b, "sleep(" + huge + ")", () -> Time.sleep(huge));
                if (backend != Backend.NIO) {
                    withEventFd(efd -> assertCancels(b, "AsyncFd.await(" + huge + ")",
                            () -> AsyncFd.await(efd, AsyncFd.READABLE, huge)));
                }
            }
            assertCancels(b, "sleepUntil(Instant.MAX)", () -> Time.sleepUntil(Instant.MAX));
            b.assertWorks("sleepUntil(Instant.MIN)", () -> {
                Time.sleepUntil(Instant.MIN);
                return null;
            });
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCheckTheRuntimesDurations(Backend backend) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ringloop.builder().blockedLoopThreshold(Duration.ofNanos(-1)));
        assertTrue(e.getMessage().contains("blockedLoopThreshold"), e.getMessage());
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).blockedLoopThreshold(HUGE[1]).start()) {
            for (Duration d : NEGATIVE) {
                e = assertThrows(IllegalArgumentException.class, () -> rt.shutdown(d));
                assertTrue(e.getMessage().contains("shutdown(drain)"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> rt.loop(0).awaitTermination(d));
                assertTrue(e.getMessage().contains("awaitTermination"), e.getMessage());
            }
            assertFalse(rt.isShutdown(), "a refused shutdown shuts nothing down");
            rt.blockOn(() -> {
                try (Bystander b = Bystander.start()) {
                    b.assertEchoes("shutdown(negative)");
                }
                return null;
            });
            rt.shutdown(HUGE[1]); // nothing to drain: returns when the loop ends
            assertTrue(rt.loop(0).awaitTermination(Duration.ZERO));
            assertTrue(rt.loop(0).awaitTermination(HUGE[0]));
        }
    }

    /**
     * A drain ends when nothing is left alive, however long it may last: before, a loop that was asleep when the
     * shutdown arrived slept out the whole drain (here a day; with this 146 years) before noticing.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEndALongDrainWhenNothingIsAlive(Backend backend) throws Exception {
        for (Duration drain : new Duration[] {Duration.ofDays(1), HUGE[1]}) {
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

    /**
     * The same rules where names and TLS take durations: the resolver's timeout and a call's, a connect by name,
     * the Happy Eyeballs attempt delay, the TLS handshake limit.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldApplyTheRulesToNamesAndTls(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            FakeLookup lookup = new FakeLookup().answer("a.test", "127.0.0.1");
            Resolver r = lookup.resolver();
            TcpConnector connector = TcpConnector.builder().resolver(r).build();
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL)) {
                int port = l.localAddress().getPort();
                for (Duration d : NEGATIVE) {
                    b.assertFails(IllegalArgumentException.class, "resolve(a.test)", () -> r.resolve("a.test", d));
                    b.assertFails(IllegalArgumentException.class, "connect(a.test:" + port + ")",
                            () -> connector.connect("a.test", port, d));
                    b.assertFails(IllegalArgumentException.class, "timeout", () -> Resolver.builder().timeout(d));
                    b.assertFails(IllegalArgumentException.class, "attemptDelay",
                            () -> TcpConnector.builder().attemptDelay(d));
                    b.assertFails(IllegalArgumentException.class, "handshakeTimeout",
                            () -> TlsConfig.client().handshakeTimeout(d));
                }
                Resolver unlimited = Resolver.builder().lookup(lookup).timeout(Duration.ZERO).build();
                for (Duration d : new Duration[] {Duration.ZERO, HUGE[0], HUGE[1]}) {
                    assertEquals(1, b.assertWorks("resolve(" + d + ")", () -> r.resolve("a.test", d)).size());
                    assertEquals(1, unlimited.resolve("a.test", d).size(), "resolver timeout ZERO, call " + d);
                    assertEquals(1, unlimited.resolveAsync("a.test").toCompletableFuture().get().size());
                    try (TcpStream c = b.assertWorks("connect(a.test, " + d + ")",
                            () -> connector.connect("a.test", port, d)); TcpStream s = l.accept()) {
                        assertEquals(c.localAddress(), s.peerAddress());
                    }
                }
                Resolver longLived = Resolver.builder().lookup(lookup).timeout(HUGE[1]).positiveTtl(HUGE[1])
                        .negativeTtl(HUGE[1]).build();
                assertEquals(1, longLived.resolve("a.test").size());
                TcpConnector patient = TcpConnector.builder().resolver(r).attemptDelay(HUGE[1]).build();
                try (TcpStream c = patient.connect("a.test", port, HUGE[1]); TcpStream s = l.accept()) {
                    assertEquals(c.localAddress(), s.peerAddress());
                }
            }
            assertEquals(Duration.ZERO, TlsConfig.client().handshakeTimeout(null).build().handshakeTimeout());
            assertEquals(Duration.ZERO, TlsConfig.client().handshakeTimeout(Duration.ZERO).build().handshakeTimeout());
            assertEquals(SATURATED, TlsConfig.client().handshakeTimeout(HUGE[1]).build().handshakeTimeout());
            b.assertEchoes("the names and TLS durations");
        });
    }

    /** Runs {@code call} (which must wait) in a task, cancels it, and expects a cancellation, not another failure. */
    private static void assertCancels(Bystander b, String what, Waiting call) throws Exception {
        JoinHandle<Void> h = Tasks.spawn(() -> {
            call.run();
            return null;
        });
        Time.sleep(Duration.ofMillis(20));
        assertFalse(h.isDone(), what + " must wait");
        h.cancel();
        assertThrows(CancellationException.class, h::join, what);
        BadInputs.tried("taken, waits: " + what);
        b.assertEchoes(what);
    }

    @FunctionalInterface
    private interface Waiting {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface EventFdBody {
        void run(int efd) throws Exception;
    }

    /** An eventfd ringloop does not own, with a count of 0 (not readable), closed afterwards. */
    private static void withEventFd(EventFdBody body) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            var cs = Libc.allocateCallState(arena);
            int efd = EventFd.create(cs, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            assertTrue(efd >= 0, () -> Errno.describe(efd));
            try {
                body.run(efd);
            } finally {
                Libc.close(cs, efd);
            }
        }
    }

    /**
     * A listener with a backlog of 1 that never accepts, filled until a connect to it times out: the kernel drops
     * further SYNs, so a new connect neither succeeds nor is refused for a while.
     */
    static TcpListener fullBacklog(List<TcpStream> fillers) throws Exception {
        TcpListener l = TcpListener.builder().backlog(1).bind(Bystander.LOCAL);
        for (int i = 0; i < 16; i++) {
            try {
                fillers.add(TcpStream.connect(l.localAddress(), Duration.ofMillis(200)));
            } catch (SocketTimeoutException e) {
                return l;
            }
        }
        l.close();
        throw new AssertionError("the backlog never filled");
    }

    static void closeAll(List<TcpStream> streams) throws Exception {
        for (TcpStream s : streams) {
            s.close();
        }
    }
}
