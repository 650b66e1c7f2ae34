package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** AsyncFd on an eventfd that ringloop does not own; every backend (NIO says it cannot). */
class AsyncFdTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldParkATaskUntilAForeignFdIsReadyAndLeaveTheFdAlone(Backend backend) throws Exception {
        try (Arena arena = Arena.ofShared(); Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            MemorySegment cs = Libc.allocateCallState(arena);
            MemorySegment scratch = arena.allocate(8);
            int efd = EventFd.create(cs, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            assertTrue(efd >= 0, () -> Errno.describe(efd));
            try {
                if (backend == Backend.NIO) {
                    rt.blockOn(() -> assertThrows(UnsupportedOperationException.class,
                            () -> AsyncFd.await(efd, AsyncFd.READABLE)));
                    return;
                }
                // Writable at once; readable only after another thread writes, while the task is parked.
                assertEquals(AsyncFd.WRITABLE, rt.blockOn(() -> AsyncFd.await(efd, AsyncFd.WRITABLE)));
                CountDownLatch waiting = new CountDownLatch(1);
                JoinHandle<Integer> reader = rt.spawn(() -> {
                    waiting.countDown();
                    return AsyncFd.await(efd, AsyncFd.READABLE);
                });
                waiting.await();
                assertEquals(8, EventFd.write(cs, efd, 1, scratch));
                assertEquals(AsyncFd.READABLE, reader.join() & AsyncFd.READABLE);
                assertEquals(8, EventFd.read(cs, efd, scratch), "the eventfd still held its count: nobody read it");

                // Interrupting a waiting task cancels its wait; the fd can be waited for again afterwards.
                CountDownLatch parked = new CountDownLatch(1);
                JoinHandle<Integer> cancelled = rt.spawn(() -> {
                    parked.countDown();
                    return AsyncFd.await(efd, AsyncFd.READABLE);
                });
                parked.await();
                cancelled.cancel();
                assertThrows(CancellationException.class, cancelled::join);
                assertEquals(8, EventFd.write(cs, efd, 1, scratch));
                assertEquals(AsyncFd.READABLE, rt.blockOn(() -> AsyncFd.await(efd, AsyncFd.READABLE))
                        & AsyncFd.READABLE);
                assertThrows(IllegalArgumentException.class, () -> rt.blockOn(() -> AsyncFd.await(efd, 0)));

                // A time limit: 0 when it runs out, as poll(2) says it; the fd can be waited for again.
                assertEquals(8, EventFd.read(cs, efd, scratch));
                assertEquals(0, rt.blockOn(() -> AsyncFd.await(efd, AsyncFd.READABLE, Duration.ofMillis(30))));
                assertEquals(8, EventFd.write(cs, efd, 1, scratch));
                assertEquals(AsyncFd.READABLE, rt.blockOn(() -> AsyncFd.await(efd, AsyncFd.READABLE,
                        Duration.ofSeconds(30))) & AsyncFd.READABLE);
            } finally {
                assertEquals(0, Libc.close(cs, efd), "ringloop closed an fd it does not own");
            }
        }
    }
}
