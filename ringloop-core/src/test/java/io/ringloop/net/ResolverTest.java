package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The resolver: literals, the TTL cache (with a manual clock), timeouts, and a loop that serves on meanwhile. */
class ResolverTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6 = InetAddress.ofLiteral("::1");

    private final AtomicLong clockNs = new AtomicLong(1_000_000_000L);

    private Resolver.Builder manualClock(FakeLookup lookup) {
        return Resolver.builder().lookup(lookup).nanoClock(clockNs::get);
    }

    private void advance(Duration d) {
        clockNs.addAndGet(d.toNanos());
    }

    @Test
    void shouldNeverLookUpLiterals() throws Exception {
        FakeLookup lookup = new FakeLookup();
        Resolver r = lookup.resolver();
        assertEquals(List.of(V4), r.resolve("127.0.0.1"));
        assertEquals(List.of(V6), r.resolve("::1"));
        assertEquals(List.of(V6), r.resolve("[::1]"));
        assertEquals(List.of(V4), r.resolveAsync("127.0.0.1").toCompletableFuture().get());
        assertEquals(0, lookup.calls());
        assertEquals(0, r.cachedNames());
    }

    @Test
    void shouldKeepAnswersForThePositiveTtl() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("a.test", "127.0.0.1", "::1");
        Resolver r = manualClock(lookup).positiveTtl(Duration.ofSeconds(30)).build();
        assertEquals(List.of(V4, V6), r.resolve("a.test"));
        assertEquals(List.of(V4, V6), r.resolve("A.Test"), "names are case-insensitive");
        advance(Duration.ofSeconds(29));
        assertEquals(List.of(V4, V6), r.resolve("a.test"));
        assertEquals(1, lookup.calls(), "answered from the cache within the TTL");
        advance(Duration.ofSeconds(1));
        assertEquals(List.of(V4, V6), r.resolve("a.test"));
        assertEquals(2, lookup.calls(), "looked up again once the TTL is over");
    }

    @Test
    void shouldKeepNoSuchHostForTheNegativeTtl() throws Exception {
        FakeLookup lookup = new FakeLookup();
        Resolver r = manualClock(lookup).negativeTtl(Duration.ofSeconds(5)).build();
        UnknownHostException first = assertThrows(UnknownHostException.class, () -> r.resolve("missing.test"));
        assertEquals("resolve(missing.test): Name or service not known", first.getMessage());
        advance(Duration.ofSeconds(4));
        UnknownHostException again = assertThrows(UnknownHostException.class, () -> r.resolve("missing.test"));
        assertEquals("resolve(missing.test): Name or service not known (cached)", again.getMessage());
        assertEquals(1, lookup.calls());
        lookup.answer("missing.test", "127.0.0.1");
        advance(Duration.ofSeconds(1));
        assertEquals(List.of(V4), r.resolve("missing.test"), "the failure is forgotten after its TTL");
        assertEquals(2, lookup.calls());
    }

    @Test
    void shouldNotCacheWhenTtlIsZero() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("a.test", "127.0.0.1");
        Resolver r = manualClock(lookup).positiveTtl(Duration.ZERO).negativeTtl(Duration.ZERO).build();
        r.resolve("a.test");
        r.resolve("a.test");
        assertThrows(UnknownHostException.class, () -> r.resolve("b.test"));
        assertThrows(UnknownHostException.class, () -> r.resolve("b.test"));
        assertEquals(4, lookup.calls());
        assertEquals(0, r.cachedNames());
    }

    @Test
    void shouldPushOutTheLeastRecentlyUsedNameWhenFull() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("a.test", "127.0.0.1").answer("b.test", "127.0.0.2")
                .answer("c.test", "127.0.0.3");
        Resolver r = manualClock(lookup).maxEntries(2).build();
        r.resolve("a.test");
        r.resolve("b.test");
        r.resolve("a.test"); // a is now the most recently used
        r.resolve("c.test"); // full: b goes
        assertEquals(3, lookup.calls());
        assertEquals(2, r.cachedNames());
        r.resolve("a.test");
        r.resolve("c.test");
        assertEquals(3, lookup.calls(), "a and c are still cached");
        r.resolve("b.test");
        assertEquals(4, lookup.calls(), "b was pushed out");
    }

    @Test
    void shouldPushOutExpiredNamesBeforeLiveOnes() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("a.test", "127.0.0.1").answer("c.test", "127.0.0.3");
        Resolver r = manualClock(lookup).maxEntries(2).positiveTtl(Duration.ofSeconds(30))
                .negativeTtl(Duration.ofSeconds(5)).build();
        r.resolve("a.test");
        assertThrows(UnknownHostException.class, () -> r.resolve("gone.test"));
        advance(Duration.ofSeconds(6)); // gone.test's negative entry has expired, a.test's has not
        r.resolve("c.test");
        r.resolve("a.test");
        assertEquals(3, lookup.calls(), "a.test stayed: the expired entry made room");
    }

    @Test
    void shouldTimeOutWithTheHostAndNotCacheTheTimeout() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("slow.test", "127.0.0.1").hold();
        Resolver r = manualClock(lookup).timeout(Duration.ofMillis(100)).build();
        try {
            UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.resolve("slow.test"));
            assertEquals("resolve(slow.test): no answer within 100 ms", e.getMessage());
            assertInstanceOf(TimeoutException.class, e.getCause());
            ExecutionException async = assertThrows(ExecutionException.class,
                    () -> r.resolveAsync("slow.test").toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertEquals("resolve(slow.test): no answer within 100 ms", async.getCause().getMessage());
            assertEquals(0, r.cachedNames(), "a timeout is not an answer");
        } finally {
            lookup.release();
        }
        while (r.cachedNames() == 0) { // the held lookup finishes now
            Thread.onSpinWait();
        }
        assertEquals(List.of(V4), r.resolve("slow.test"));
        assertEquals(1, lookup.calls(), "the timed-out lookup ran on and its answer was kept");
    }

    @Test
    void shouldShareOneLookupBetweenConcurrentCallers() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("x.test", "127.0.0.1").hold();
        Resolver r = manualClock(lookup).build();
        CompletableFuture<List<InetAddress>> first = CompletableFuture.supplyAsync(() -> resolveUnchecked(r));
        lookup.awaitLookup();
        Thread second = Thread.ofPlatform().start(() -> resolveUnchecked(r));
        while (second.getState() != Thread.State.TIMED_WAITING) { // parked on the shared lookup
            Thread.onSpinWait();
        }
        lookup.release();
        second.join();
        assertEquals(List.of(V4), first.get());
        assertEquals(1, lookup.calls(), "the second caller waited for the first one's lookup");
    }

    private static List<InetAddress> resolveUnchecked(Resolver r) {
        try {
            return r.resolve("x.test");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldResolveAsyncWithTheSameAnswersAndErrors() throws Exception {
        FakeLookup lookup = new FakeLookup().answer("a.test", "::1");
        Resolver r = manualClock(lookup).build();
        assertEquals(List.of(V6), r.resolveAsync("a.test").toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(List.of(V6), r.resolveAsync("a.test").toCompletableFuture().get(), "cached");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> r.resolveAsync("nope.test").toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertInstanceOf(UnknownHostException.class, e.getCause());
        assertEquals("resolve(nope.test): Name or service not known", e.getCause().getMessage());
        assertEquals(2, lookup.calls());
    }

    @Test
    void shouldRejectBadArguments() {
        Resolver r = new FakeLookup().resolver();
        assertThrows(NullPointerException.class, () -> r.resolve(null));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> r.resolve(" "));
        assertEquals("resolve( ): empty host name", empty.getMessage());
        // Zero is no limit (as for every timeout), so only a negative timeout is refused.
        assertThrows(IllegalArgumentException.class, () -> r.resolve("a.test", Duration.ofNanos(-1)));
        assertThrows(IllegalArgumentException.class, () -> Resolver.builder().timeout(Duration.ofNanos(-1)));
        assertThrows(IllegalArgumentException.class, () -> Resolver.builder().positiveTtl(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Resolver.builder().maxEntries(-1));
        assertThrows(IllegalArgumentException.class, () -> Resolver.builder().threads(0));
    }

    private static <T> T run(Backend backend, java.util.concurrent.Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    /** A task waiting for a slow lookup parks: the same loop meanwhile accepts and echoes. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepServingWhileAResolutionIsSlow(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("slow.test", "127.0.0.1").hold();
        Resolver r = lookup.resolver();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            JoinHandle<List<InetAddress>> slow = rt.spawn(() -> r.resolve("slow.test"));
            lookup.awaitLookup();
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    c.writeAll("ping".getBytes());
                    byte[] got = new byte[4];
                    s.readFully(got, 0, 4);
                    assertArrayEquals("ping".getBytes(), got);
                }
                return null;
            });
            assertFalse(slow.isDone(), "the lookup is still held");
            lookup.release();
            assertEquals(List.of(V4), slow.join());
        } finally {
            lookup.release();
        }
    }

    /** A task cancelled while it waits for a name stops waiting; the lookup itself runs on. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldStopWaitingWhenTheTaskIsCancelled(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("slow.test", "127.0.0.1").hold();
        Resolver r = lookup.resolver();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            JoinHandle<List<InetAddress>> waiting = rt.spawn(() -> r.resolve("slow.test"));
            lookup.awaitLookup();
            waiting.cancel();
            assertThrows(CancellationException.class, waiting::join);
            assertEquals(0, r.cachedNames(), "still looking up");
        } finally {
            lookup.release();
        }
    }

    /** Callback code on the loop thread must not wait for DNS: a clear error, and resolveAsync instead. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseToBlockALoopThread(Backend backend) throws Exception {
        Resolver r = new FakeLookup().answer("a.test", "127.0.0.1").resolver();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CompletableFuture<Throwable> resolve = new CompletableFuture<>();
            CompletableFuture<Throwable> connect = new CompletableFuture<>();
            CompletableFuture<List<InetAddress>> async = new CompletableFuture<>();
            rt.loop(0).execute(() -> {
                resolve.complete(catching(() -> r.resolve("a.test")));
                connect.complete(catching(() -> TcpStream.connect(rt.loop(0), "localhost", 1, null)));
                r.resolveAsync("a.test").whenComplete((a, t) -> async.complete(a));
            });
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, resolve.get());
            assertTrue(e.getMessage().startsWith("resolve(a.test): would block the loop thread"), e.getMessage());
            IllegalStateException c = assertInstanceOf(IllegalStateException.class, connect.get());
            assertTrue(c.getMessage().startsWith("connect(localhost:1): would block"), c.getMessage());
            assertEquals(List.of(V4), async.get(30, TimeUnit.SECONDS));
        }
    }

    private static Throwable catching(org.junit.jupiter.api.function.Executable body) {
        try {
            body.execute();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldResolveLocalhostFromATask(Backend backend) throws Exception {
        List<InetAddress> found = run(backend, () -> Resolver.system().resolve("localhost"));
        assertFalse(found.isEmpty());
        for (InetAddress a : found) {
            assertTrue(a.isLoopbackAddress(), found.toString());
        }
    }

    /**
     * RFC 6761: {@code .invalid} never resolves. Through the JDK's resolver, so with or without DNS: no network
     * answers "no such host", an unreachable one ends in the resolver's timeout; both are UnknownHostException.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailClearlyForAnInvalidName(Backend backend) throws Exception {
        UnknownHostException e = run(backend, () -> assertThrows(UnknownHostException.class,
                () -> TcpStream.connect("no-such-host.invalid", 80, Duration.ofSeconds(30))));
        assertTrue(e.getMessage().startsWith("connect(no-such-host.invalid:80): resolve(no-such-host.invalid): "),
                e.getMessage());
        assertInstanceOf(UnknownHostException.class, e.getCause());
    }
}
