package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.POLL_STEP_NS;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.pollUntil;
import static io.ringloop.driver.contract.DriverTestSupport.readExactly;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loop's side of the contract on every backend: wakeup from another thread, calls from virtual threads,
 * results at once that never reach the completion, one operation per completion, and many operations in
 * flight at once: more than an 8-entry io_uring ring holds, more ready fds than epoll takes in one wait.
 */
final class LoopContractTest {
    /** An io_uring ring of 8 SQEs and 16 CQEs: the tests below keep far more in flight. */
    private static final int SMALL_RING = 8;

    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    /** Polls without limit in a thread of the test's own, bounded by its timeout: io_uring has one issuer. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldUnblockAPollWithoutLimitWhenWokenFromAnotherThread(DriverKind kind) throws Exception {
        try (Driver d = kind.open()) {
            d.poll(0); // io_uring: the wake-up read is armed in the kernel
            d.wakeup();
            assertEquals(0, d.poll(-1), "a wakeup before the poll counts, and runs no completion");
            CountDownLatch polling = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    polling.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                d.wakeup(); // before or during the poll below: either way it must return
            });
            polling.countDown();
            assertEquals(0, d.poll(-1));
            waker.join();
            long count = d.wakeupCount();
            assertTrue(count >= 1 && count <= 2, "wakeups that reached the kernel: " + count);
            d.wakeup();
            assertEquals(0, d.poll(-1), "still armed after a wakeup");
        }
    }

    /** close() on the loop thread while another thread keeps waking the driver, and wakeups after it. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCloseSafelyWhileAnotherThreadWakesIt(DriverKind kind) throws Exception {
        Driver d = kind.open();
        Pair p = tcpPair(d);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), arena.allocate(8), r));
        AtomicBoolean closed = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch waking = new CountDownLatch(1);
        Thread waker = Thread.ofPlatform().start(() -> {
            try {
                while (!closed.get()) {
                    d.wakeup();
                    waking.countDown();
                }
                for (int i = 0; i < 100; i++) {
                    d.wakeup(); // after close: harmless
                }
            } catch (Throwable t) {
                failure.set(t);
                waking.countDown();
            }
        });
        waking.await();
        d.poll(0);
        d.close();
        closed.set(true);
        waker.join();
        assertEquals(null, failure.get(), "wakeup racing close");
        assertEquals(List.of(-Errno.ECANCELED), r.results());
        assertEquals(0, d.openHandles());
    }

    /** Where the socket would block, an operation waits: -EAGAIN never escapes, at once or later. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldWaitWhereTheSocketWouldBlockAndNeverReturnEagain(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        Recorder accept = new Recorder();
        assertEquals(Driver.PENDING, d.accept(p.listener(), accept), "no connection waits");
        Recorder read = new Recorder();
        MemorySegment[] into = {arena.allocate(8)};
        assertEquals(Driver.PENDING, d.readv(p.client(), into, read), "the server never sends");
        int udp = d.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
        assertEquals(0, d.bind(udp, DriverTestSupport.LOOPBACK));
        Recorder receive = new Recorder();
        assertEquals(Driver.PENDING, d.receiveFrom(udp, arena.allocate(8), arena.allocate(128), receive));
        assertEquals(0, d.setOption(p.client(), SocketOpt.SO_SNDBUF, 64 * 1024));
        MemorySegment big = arena.allocate(1 << 20);
        Recorder write = new Recorder();
        for (int i = 0; ; i++) { // heap and native, until a write still waits after a poll
            assertTrue(i < 200, "the send buffer never filled");
            int w = DriverTestSupport.checkReturned(i % 2 == 0
                    ? d.writev(p.client(), new MemorySegment[] {big}, write)
                    : d.write(p.client(), MemorySegment.ofArray(new byte[1 << 20]), write));
            if (w == Driver.PENDING) {
                d.poll(POLL_STEP_NS);
                if (write.isPending()) {
                    break;
                }
                w = await(d, write);
            }
            int n = w;
            assertTrue(n > 0, () -> "write: " + Errno.describe(n));
        }
        d.poll(POLL_STEP_NS);
        for (Recorder r : List.of(accept, read, receive)) {
            assertTrue(r.isPending(), "nothing arrived, so it still waits");
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
        }
        // The kernel may still move bytes from the send buffer to the peer's growing receive buffer: the waiting
        // write then completes with a count, never with -EAGAIN.
        d.cancel(write);
        int last = await(d, write);
        assertTrue(last == -Errno.ECANCELED || last > 0, () -> "write: " + Errno.describe(last));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldServeCallsFromVirtualThreads(DriverKind kind) throws Exception {
        // On a loop, tasks are virtual threads: other Thread objects than the one that polls. Nothing in the
        // driver may be confined to the thread that made it.
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment buffer = arena.allocate(16);
        Recorder r = new Recorder();
        int[] submitted = new int[2];
        Thread.ofVirtual().start(() -> submitted[0] = d.read(p.server(), buffer, r)).join();
        assertEquals(Driver.PENDING, submitted[0]);
        Recorder w = new Recorder();
        Thread.ofVirtual().start(() -> submitted[1] = d.write(p.client(), text("vt"), w)).join();
        assertEquals(2, await(d, w, submitted[1]));
        assertEquals(2, await(d, r));
        assertEquals("vt", text(buffer, 2));
    }

    /** A result returned at once is the whole story: the completion is not called, then or later. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldNeverCallTheCompletionOfAResultReturnedAtOnce(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        List<Recorder> immediate = new ArrayList<>();
        int atOnce = 0;
        for (int round = 0; round < 50; round++) {
            MemorySegment out = round % 2 == 0 ? MemorySegment.ofArray(new byte[] {1, 2}) : arena.allocate(2);
            Recorder w = new Recorder();
            int wr = d.write(p.client(), out, w);
            atOnce += keepIfImmediate(wr, w, immediate);
            assertEquals(2, await(d, w, wr));
            d.poll(0); // the bytes have arrived: a read may find them at once
            MemorySegment in = round % 2 == 0 ? MemorySegment.ofArray(new byte[2]) : arena.allocate(2);
            Recorder r = new Recorder();
            int rr = d.read(p.server(), in, r);
            atOnce += keepIfImmediate(rr, r, immediate);
            int got = await(d, r, rr);
            if (got == 1) {
                assertEquals(1, DriverTestSupport.readOnce(d, p.server(), in.asSlice(1)));
            } else {
                assertEquals(2, got);
            }
        }
        for (int i = 0; i < 3; i++) {
            d.poll(0);
        }
        assertTrue(atOnce > 0, "no operation finished at once");
        for (Recorder r : immediate) {
            assertEquals(0, r.calls(), "a completion was called for a result returned at once");
        }
    }

    private static int keepIfImmediate(int result, Recorder r, List<Recorder> immediate) {
        if (result == Driver.PENDING) {
            return 0;
        }
        immediate.add(r);
        return 1;
    }

    /** One completion serves one operation at a time: a second one with it pending is a caller's bug. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldRefuseACompletionThatHasAnOperationPending(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair a = tcpPair(d);
        Pair b = tcpPair(d, a.listener());
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(a.server(), arena.allocate(8), r));
        assertThrows(IllegalStateException.class, () -> d.read(b.server(), arena.allocate(8), r),
                "a completion with a read pending was taken for a second read");
        assertThrows(IllegalStateException.class, () -> d.accept(a.listener(), r),
                "a completion with a read pending was taken for an accept");
        writeAll(d, a.client(), MemorySegment.ofArray(new byte[] {5}));
        assertEquals(1, await(d, r), "the first operation is unharmed");
        writeAll(d, b.client(), MemorySegment.ofArray(new byte[] {6}));
        assertEquals(6, readExactly(d, b.server(), 1)[0], "and the refused one took nothing");
    }

    /**
     * Many reads pending at once, far more than the ring's SQEs and CQEs or epoll's events per wait, then data
     * for all of them in one burst: each completes once with its own connection's bytes.
     */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCompleteFarMoreOperationsInFlightThanTheRingHolds(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind, SMALL_RING);
        int connections = 300; // > 16 CQEs, > 256 epoll events per wait
        int l = listen(d);
        Pair[] pairs = new Pair[connections];
        for (int i = 0; i < connections; i++) {
            pairs[i] = tcpPair(d, l);
        }
        Recorder[] reads = new Recorder[connections];
        MemorySegment[] into = new MemorySegment[connections];
        for (int i = 0; i < connections; i++) {
            reads[i] = new Recorder();
            into[i] = i % 2 == 0 ? arena.allocate(8) : MemorySegment.ofArray(new byte[8]);
            assertEquals(Driver.PENDING, d.read(pairs[i].server(), into[i], reads[i]));
        }
        Recorder[] writes = new Recorder[connections];
        int writtenAtOnce = 0;
        for (int i = 0; i < connections; i++) {
            MemorySegment out = arena.allocate(8);
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1_000_000L + i);
            writes[i] = new Recorder();
            int w = d.write(pairs[i].client(), out, writes[i]);
            writtenAtOnce += w == 8 ? 1 : 0;
            assertTrue(w == 8 || w == Driver.PENDING, () -> "write: " + Errno.describe(w));
        }
        int pendingWrites = connections - writtenAtOnce;
        pollUntil(d, () -> countDone(reads) == connections && countDone(writes) == pendingWrites);
        for (int i = 0; i < 3; i++) {
            d.poll(0);
        }
        for (int i = 0; i < connections; i++) {
            assertEquals(List.of(8), reads[i].results(), "read " + i);
            assertEquals(1_000_000L + i, into[i].get(ValueLayout.JAVA_LONG_UNALIGNED, 0), "read " + i);
            List<Integer> expected = writes[i].calls() == 0 ? List.of() : List.of(8);
            assertEquals(expected, writes[i].results(), "write " + i);
        }
    }

    private static int countDone(Recorder[] recorders) {
        int n = 0;
        for (Recorder r : recorders) {
            n += r.calls() > 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * An echo server written as completions on 40 connections and a small ring: submissions from inside
     * dispatch keep finding the SQ full and flush it mid-reap.
     */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldEchoOnManyConnectionsWithSubmissionsFromInsideCompletions(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind, SMALL_RING);
        int connections = 40;
        int l = listen(d);
        Pair[] pairs = new Pair[connections];
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            pairs[i] = tcpPair(d, l);
            MemorySegment buf = i % 2 == 0 ? arena.allocate(64) : MemorySegment.ofArray(new byte[64]);
            new Pumps.Echo(d, pairs[i].server(), buf, errors).start();
        }
        MemorySegment[] out = new MemorySegment[connections];
        for (int i = 0; i < connections; i++) {
            out[i] = arena.allocate(8);
        }
        for (int round = 0; round < 20; round++) {
            Recorder[] writes = new Recorder[connections];
            int[] immediate = new int[connections];
            for (int i = 0; i < connections; i++) {
                writes[i] = new Recorder();
                out[i].set(ValueLayout.JAVA_LONG_UNALIGNED, 0, (long) round << 32 | i);
                immediate[i] = d.write(pairs[i].client(), out[i], writes[i]);
            }
            for (int i = 0; i < connections; i++) {
                assertEquals(8, await(d, writes[i], immediate[i]));
            }
            for (int i = 0; i < connections; i++) {
                byte[] back = readExactly(d, pairs[i].client(), 8);
                long value = MemorySegment.ofArray(back).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                assertEquals((long) round << 32 | i, value, "connection " + i + ", round " + round);
            }
        }
        assertEquals(List.of(), errors);
    }
}
