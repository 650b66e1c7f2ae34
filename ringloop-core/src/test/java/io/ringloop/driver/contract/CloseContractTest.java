package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.pollUntil;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static io.ringloop.driver.contract.DriverTestSupport.transfer;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Driver#close(int)} and {@link Driver#close()} on every backend: pending operations complete once with
 * -ECANCELED, late events of a closed handle reach nobody even when its number is reused, and closing the driver
 * gives back every fd and all native memory.
 */
final class CloseContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCloseAHandleAndForgetIt(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        assertEquals(3, d.openHandles());
        assertEquals(0, d.close(p.client()));
        assertEquals(2, d.openHandles());
        assertEquals(-Errno.EBADF, d.close(p.client()));
        Recorder r = new Recorder();
        assertEquals(-Errno.EBADF, d.read(p.client(), MemorySegment.ofArray(new byte[8]), r));
        assertEquals(0, r.calls());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelPendingOpsOnCloseAndIgnoreLateEventsAfterTheHandleIsReused(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int l = listen(d);
        Pair first = tcpPair(d, l);
        int secondClient = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder old = new Recorder();
        assertEquals(Driver.PENDING, d.read(first.server(), arena.allocate(64), old));
        d.poll(0);

        assertEquals(0, d.close(first.server()));
        assertEquals(List.of(-Errno.ECANCELED), old.results(), "close completes the pending read, during the call");
        assertFalse(old.isPending());
        assertEquals(-Errno.EBADF, d.close(first.server()));
        assertEquals(-Errno.EBADF, d.read(first.server(), arena.allocate(8), new Recorder()));

        int reused = DriverTestSupport.connect(d, l, secondClient);
        assertEquals(first.server(), reused, "the freed handle number is handed out again");
        MemorySegment buffer = arena.allocate(64);
        Recorder fresh = new Recorder();
        assertEquals(Driver.PENDING, d.read(reused, buffer, fresh));
        // Data for the old socket arrives (its peer does not know it is closed), then for the new one.
        writeAll(d, first.client(), text("stale"));
        writeAll(d, secondClient, text("new"));
        assertEquals(3, await(d, fresh));
        assertEquals("new", text(buffer, 3));
        assertEquals(List.of(-Errno.ECANCELED), old.results(), "the old op never hears of its socket again");
    }

    /**
     * A's completion closes another listener and opens a socket that takes its number. When A runs first, the
     * listener's own readiness may be in the same batch of events: it must reach nobody, neither the closed
     * listener's accept (completed once, -ECANCELED) nor the socket that now has the number.
     */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldIgnoreTheEventOfAHandleClosedEarlierInTheSameRound(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair a = tcpPair(d);
        int other = listen(d);
        Recorder onAccept = new Recorder();
        int[] reuse = {-1};
        Completion onA = new Completion() {
            @Override
            public void complete(int result) {
                if (onAccept.calls() == 0) {
                    d.close(other);
                    reuse[0] = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
                }
            }
        };
        assertEquals(Driver.PENDING, d.read(a.server(), arena.allocate(16), onA));
        assertEquals(Driver.PENDING, d.accept(other, onAccept));
        writeAll(d, a.client(), text("aa")); // A's data first: events come in arrival order
        int c = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder connect = new Recorder();
        d.connect(c, d.localAddress(other), connect);
        pollUntil(d, () -> !onA.isPending() && !onAccept.isPending());
        for (int i = 0; i < 3; i++) {
            d.poll(0);
        }
        assertEquals(1, onAccept.calls(), () -> "completed once: " + onAccept.results());
        if (onAccept.result() == -Errno.ECANCELED) {
            assertEquals(other, reuse[0], "the closed number was reused");
            Recorder probe = new Recorder();
            assertEquals(-Errno.EINVAL, await(d, probe, d.accept(reuse[0], probe)), "a fresh socket, no listener");
        } else {
            assertTrue(onAccept.result() >= 0, () -> "accepted: " + onAccept.results());
        }
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldLetACompletionCloseAnotherHandleWithOpsPending(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair a = tcpPair(d);
        Pair b = tcpPair(d, a.listener());
        Recorder bRead = new Recorder();
        assertEquals(Driver.PENDING, d.read(b.server(), MemorySegment.ofArray(new byte[8]), bRead));
        int[] closeResult = {Integer.MIN_VALUE};
        Completion aRead = new Completion() {
            @Override
            public void complete(int result) {
                closeResult[0] = d.close(b.server()); // ends b's read from inside dispatch
            }
        };
        assertEquals(Driver.PENDING, d.read(a.server(), MemorySegment.ofArray(new byte[8]), aRead));
        d.poll(0);
        writeAll(d, a.client(), MemorySegment.ofArray(new byte[] {1}));
        pollUntil(d, () -> closeResult[0] != Integer.MIN_VALUE);
        assertEquals(0, closeResult[0]);
        assertEquals(List.of(-Errno.ECANCELED), bRead.results());
        d.poll(0);
        assertEquals(1, bRead.calls());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAWaitingAcceptWhenItsListenerCloses(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int l = listen(d);
        Recorder waiting = new Recorder();
        assertEquals(Driver.PENDING, d.accept(l, waiting));
        d.poll(0);
        assertEquals(0, d.close(l));
        assertEquals(List.of(-Errno.ECANCELED), waiting.results());
        d.poll(0);
        assertEquals(1, waiting.calls());
        assertEquals(0, d.openHandles());
    }

    /**
     * One of everything with operations pending, then close(): each pending operation completes once with
     * -ECANCELED, every handle closes, and fds and native memory come back to where they were.
     */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCompleteEverythingAndGiveBackEveryFdAndAllNativeMemoryOnClose(DriverKind kind) throws IOException {
        closeWithEverythingPending(kind); // loads classes and JDK caches (NIO keeps one fd) before the baseline
        int fdsBefore = Leaks.openFds();
        long nativeBefore = Leaks.nativeBytes();
        List<Integer> results = closeWithEverythingPending(kind);
        assertEquals(List.of(-Errno.ECANCELED, -Errno.ECANCELED, -Errno.ECANCELED, -Errno.ECANCELED), results);
        assertEquals(fdsBefore, Leaks.openFds(), "every socket, ring, epoll and selector fd is closed");
        assertEquals(nativeBefore, Leaks.nativeBytes(), "native memory freed");
    }

    /** Opens one of everything with ops pending, closes the driver, returns what the pending ops got. */
    private static List<Integer> closeWithEverythingPending(DriverKind kind) throws IOException {
        Driver d = kind.open();
        int l = listen(d);
        Pair p = tcpPair(d, l);
        transfer(d, p.client(), MemorySegment.ofArray(new byte[100_000]), p.server(),
                MemorySegment.ofArray(new byte[100_000]));
        int udp = d.socket(Driver.AF_INET6, Driver.SOCK_DGRAM);
        assertEquals(0, d.bind(udp, LOOPBACK));
        d.socket(Driver.AF_INET, Driver.SOCK_STREAM); // never used
        Recorder read = new Recorder();
        Recorder readv = new Recorder();
        Recorder accept = new Recorder();
        Recorder receive = new Recorder();
        try (Arena buffers = Arena.ofConfined()) {
            assertEquals(Driver.PENDING, d.read(p.server(), MemorySegment.ofArray(new byte[16]), read));
            assertEquals(Driver.PENDING, d.readv(p.client(), new MemorySegment[] {buffers.allocate(16)}, readv));
            assertEquals(Driver.PENDING, d.accept(l, accept));
            assertEquals(Driver.PENDING, d.receiveFrom(udp, buffers.allocate(16), buffers.allocate(128), receive));
            d.poll(0);
            assertEquals(5, d.openHandles());
            d.close();
        }
        assertEquals(0, d.openHandles());
        d.close(); // idempotent
        return Stream.of(read, readv, accept, receive).map(r -> r.calls() == 1 ? r.result() : 999).toList();
    }
}
