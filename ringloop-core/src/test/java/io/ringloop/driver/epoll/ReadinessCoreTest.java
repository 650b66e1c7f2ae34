package io.ringloop.driver.epoll;

import io.ringloop.driver.Driver;
import io.ringloop.driver.ReadinessOp;
import io.ringloop.driver.nio.NioDriver;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared {@code ReadinessCore} through both of its backends, epoll and NIO. (It lives beside epoll, the backend
 * whose copy of the life cycle had drifted; the cross-backend driver contract suite is in {@code driver}.)
 *
 * <p>Both refuse a second operation the same way: another read on a handle whose read is pending gets
 * {@code -EBUSY}, and a completion that already has an operation pending is refused with an
 * {@link IllegalStateException} (as io_uring does), whichever handle or direction it is offered to. Epoll once
 * lacked the second check: it took the busy completion, overwrote its token, and the first operation could then
 * never be cancelled and completed twice. The first operation is untouched by a refusal.
 */
final class ReadinessCoreTest {
    /** The read-side kinds, which wait for "readable"; every other kind waits for "writable". */
    private static final Set<String> READ_SIDE = Set.of("ACCEPT", "READ", "READV", "RECV_FROM", "POLL", "RECV_MSG",
            "RECV_MMSG", "RECV_TRUNC", "SPLICE_IN");

    interface DriverFactory {
        Driver open() throws IOException;
    }

    static Stream<DriverFactory> backends() {
        return Stream.of(EpollDriver::new, NioDriver::new);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldRefuseASecondReadOnAHandleWithAReadPending(DriverFactory factory) throws IOException {
        try (Driver driver = factory.open(); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(driver, listen(driver));
            MemorySegment buffer = arena.allocate(64);
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, driver.read(p.server(), buffer, first));
            Recorder second = new Recorder();
            assertEquals(-Errno.EBUSY, driver.read(p.server(), arena.allocate(64), second), driver.name());
            assertFalse(second.isPending());

            writeAll(driver, p.client(), text("once"));
            assertEquals(4, await(driver, first, Driver.PENDING), "the first read gets the data");
            assertEquals("once", text(buffer, 4));
            assertEquals(List.of(), second.results(), "a refused read never completes");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldRefuseACompletionThatAlreadyHasAnOperationPending(DriverFactory factory) throws IOException {
        try (Driver driver = factory.open(); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(driver, listen(driver));
            MemorySegment buffer = arena.allocate(64);
            Recorder busy = new Recorder();
            assertEquals(Driver.PENDING, driver.read(p.server(), buffer, busy));
            long token = busy.token();

            IllegalStateException onOtherHandle = assertThrows(IllegalStateException.class,
                    () -> driver.read(p.client(), arena.allocate(64), busy), driver.name());
            assertTrue(onOtherHandle.getMessage().contains("already has an operation pending"),
                    onOtherHandle.getMessage());
            assertThrows(IllegalStateException.class, () -> driver.write(p.server(), text("x"), busy),
                    driver.name() + ": the other direction of the same handle");
            assertThrows(IllegalStateException.class, () -> driver.read(p.server(), buffer, busy),
                    driver.name() + ": the same read again");
            assertEquals(token, busy.token(), "the pending read keeps its token");

            writeAll(driver, p.client(), text("data"));
            assertEquals(4, await(driver, busy, Driver.PENDING), "the first read completes once, with the data");
            assertEquals("data", text(buffer, 4));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldCancelThePendingOperationAfterARefusal(DriverFactory factory) throws IOException {
        try (Driver driver = factory.open(); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(driver, listen(driver));
            Recorder busy = new Recorder();
            assertEquals(Driver.PENDING, driver.read(p.server(), arena.allocate(64), busy));
            assertThrows(IllegalStateException.class, () -> driver.read(p.client(), arena.allocate(64), busy));
            assertTrue(driver.cancel(busy), driver.name());
            assertEquals(List.of(-Errno.ECANCELED), busy.results());
            assertFalse(driver.cancel(busy), "nothing pending any more");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void shouldNameThePendingOperationsWhenPrinted(DriverFactory factory) throws IOException {
        try (Driver driver = factory.open(); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(driver, listen(driver));
            Recorder read = new Recorder();
            assertEquals(Driver.PENDING, driver.read(p.server(), arena.allocate(64), read));
            String printed = driver.toString();
            assertTrue(printed.contains("1 pending, READ on " + p.server() + " (slot "), printed);
            assertTrue(driver.cancel(read));
            assertTrue(driver.toString().contains("0 pending"), driver.toString());
        }
    }

    @Test
    void shouldNameEveryKindAfterItsConstant() throws IllegalAccessException {
        int kinds = 0;
        for (Field f : ReadinessOp.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                int kind = f.getInt(null);
                assertEquals(f.getName(), ReadinessOp.name(kind));
                assertEquals(READ_SIDE.contains(f.getName()), ReadinessOp.isReadSide(kind), f.getName());
                kinds++;
            }
        }
        assertEquals(16, kinds);
        assertEquals("FREE", ReadinessOp.name(0));
        assertEquals("UNKNOWN(42)", ReadinessOp.name(42));
    }
}
