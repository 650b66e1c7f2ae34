package io.ringloop.driver.uring;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.uring.IoUring;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The names a lost completion is chased by: every op kind and every opcode it submits has one, no two share
 * one, and the driver's {@code toString} shows the operations in flight by kind, token and fd.
 */
class IoUringNamesTest {
    @Test
    void shouldNameEveryKindOnceAndFindItByItsCode() {
        Set<String> names = new HashSet<>();
        Set<Integer> codes = new HashSet<>();
        for (IoUringOpKind kind : IoUringOpKind.values()) {
            assertTrue(kind.code() != 0, kind + " has the free slot's code");
            assertTrue(codes.add(kind.code()), kind + " shares its code");
            assertTrue(names.add(IoUringOpKind.nameOf(kind.code())), kind + " shares its name");
            assertEquals(kind.name(), IoUringOpKind.nameOf(kind.code()));
            assertEquals(kind, IoUringOpKind.of(kind.code()));
        }
        assertEquals("FREE", IoUringOpKind.nameOf(0));
        assertEquals("KIND_99", IoUringOpKind.nameOf(99));
    }

    @Test
    void shouldNameTheOpcodeOfEveryKindThatWritesAnSqe() {
        for (IoUringOpKind kind : IoUringOpKind.values()) {
            if (kind.opcode() != IoUringOpKind.NO_SQE) {
                assertFalse(IoUring.opcodeName(kind.opcode()).startsWith("OP_"), kind + ": opcode without a name");
            }
        }
        assertEquals("RECV", IoUring.opcodeName(IoUringOpKind.MULTISHOT_RECV.opcode()));
        assertEquals("POLL_ADD", IoUring.opcodeName(IoUringOpKind.POLLED_READ.opcode()));
    }

    /** The routing tables the kinds replaced, pinned: which kinds count as receives or sends, link, copy out. */
    @Test
    void shouldKeepEachKindsRouting() {
        Set<IoUringOpKind> receives = EnumSet.of(IoUringOpKind.RECV, IoUringOpKind.READV, IoUringOpKind.POLLED_READ,
                IoUringOpKind.RECV_MESSAGE, IoUringOpKind.SPLICE_IN);
        Set<IoUringOpKind> sends = EnumSet.of(IoUringOpKind.SEND, IoUringOpKind.SEND_ZC, IoUringOpKind.WRITEV,
                IoUringOpKind.SEND_MESSAGE, IoUringOpKind.SPLICE_OUT);
        Set<IoUringOpKind> linkable = EnumSet.of(IoUringOpKind.POLL, IoUringOpKind.ACCEPT, IoUringOpKind.CONNECT,
                IoUringOpKind.RECV, IoUringOpKind.SEND, IoUringOpKind.RECVMSG, IoUringOpKind.SENDMSG,
                IoUringOpKind.POLLED_READ, IoUringOpKind.SEND_MESSAGE, IoUringOpKind.RECV_MESSAGE,
                IoUringOpKind.RECVMSG_TRUNC, IoUringOpKind.BATCH_RECV, IoUringOpKind.BATCH_SEND,
                IoUringOpKind.SPLICE_IN, IoUringOpKind.SPLICE_OUT);
        Set<IoUringOpKind> copiesOut = EnumSet.of(IoUringOpKind.RECVMSG, IoUringOpKind.FILE_READ,
                IoUringOpKind.RECVMSG_TRUNC);
        for (IoUringOpKind kind : IoUringOpKind.values()) {
            int direction = receives.contains(kind) ? 1 : sends.contains(kind) ? -1 : 0;
            assertEquals(direction, kind.direction(), kind + " direction");
            assertEquals(linkable.contains(kind), kind.linkable(), kind + " linkable");
            assertEquals(copiesOut.contains(kind), kind.copiesOut(), kind + " copiesOut");
        }
    }

    @Test
    void shouldShowTheOperationsInFlightByKindTokenAndFd() throws IOException {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
        try (IoUringDriver d = new IoUringDriver(64); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(d);
            Recorder read = new Recorder();
            Recorder accept = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), arena.allocate(64), read));
            assertEquals(Driver.PENDING, d.accept(p.listener(), accept));
            String busy = d.toString();
            assertTrue(busy.startsWith("IoUringDriver[IoUringRing[fd="), busy);
            assertTrue(busy.contains("(fd=" + p.server() + ", RECV)"), busy);
            assertTrue(busy.contains("ACCEPT_WAITER#"), busy);
            assertTrue(busy.contains("(fd=" + p.listener() + ", no SQE)"), busy);
            assertTrue(busy.contains("MULTISHOT_ACCEPT#"), busy);
            assertTrue(busy.contains("fd " + p.listener() + ": Listener[multishot="), busy);
            assertTrue(busy.contains("IoUringFdTable[open=3"), busy);
            assertTrue(d.cancel(read));
            assertTrue(d.cancel(accept));
            assertTrue(d.toString().contains("RECV#"), "a cancelled read is in flight until its CQE");
            assertTrue(d.toString().contains(", cancelled"), d::toString);
            assertEquals(-Errno.ECANCELED, await(d, read));
            assertEquals(-Errno.ECANCELED, accept.result());
            String idle = d.toString();
            assertFalse(idle.contains("RECV#") || idle.contains("ACCEPT_WAITER#"), idle);
        }
    }
}
