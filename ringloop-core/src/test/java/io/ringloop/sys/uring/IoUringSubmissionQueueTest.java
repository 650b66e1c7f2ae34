package io.ringloop.sys.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each {@code prep*} helper against the fields liburing-2.6's {@code io_uring_prep_*} fills for the same
 * operation, read back from SQE memory (no kernel needed: the queue runs over plain native memory, whose
 * head the kernel would move).
 */
class IoUringSubmissionQueueTest {
    private static final int ENTRIES = 8;
    private static final long HEAD = 0;
    private static final long TAIL = 4;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ringMemory = arena.allocate(64, 8);
    private final MemorySegment sqes = arena.allocate((long) IoUring.SQE_SIZE * ENTRIES, 64);
    private final IoUringSubmissionQueue sq = new IoUringSubmissionQueue(ringMemory, HEAD, TAIL, sqes, ENTRIES,
            ENTRIES - 1);
    private final MemorySegment buffer = arena.allocate(256, 8);

    /** The fields of one written SQE. */
    private record Sqe(int opcode, int flags, int ioprio, int fd, long off, long addr, int len, int opFlags,
                       long userData, int bufIndex) {
    }

    @AfterEach
    void close() {
        arena.close();
    }

    /** The SQE written last. */
    private Sqe last() {
        long base = (long) ((sq.pending() - 1) & (ENTRIES - 1)) * IoUring.SQE_SIZE;
        return new Sqe(Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + IoUring.SQE_OPCODE)),
                Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + IoUring.SQE_FLAGS)),
                Short.toUnsignedInt(sqes.get(JAVA_SHORT, base + IoUring.SQE_IOPRIO)),
                sqes.get(JAVA_INT, base + IoUring.SQE_FD), sqes.get(JAVA_LONG, base + IoUring.SQE_OFF),
                sqes.get(JAVA_LONG, base + IoUring.SQE_ADDR), sqes.get(JAVA_INT, base + IoUring.SQE_LEN),
                sqes.get(JAVA_INT, base + IoUring.SQE_OP_FLAGS), sqes.get(JAVA_LONG, base + IoUring.SQE_USER_DATA),
                Short.toUnsignedInt(sqes.get(JAVA_SHORT, base + IoUring.SQE_BUF_INDEX)));
    }

    /** The kernel consumed every SQE written: the queue is empty again. */
    private void consumed() {
        ringMemory.set(JAVA_INT, HEAD, sq.publish() + ringMemory.get(JAVA_INT, HEAD));
    }

    @Test
    void shouldNameTheFieldsOfStreamSqes() {
        long a = buffer.address();
        sq.prepRecv(5, buffer, 100, 7, 11);
        assertEquals(new Sqe(IoUring.OP_RECV, 0, 0, 5, 0, a, 100, 7, 11, 0), last());
        sq.prepRecv(5, buffer, 16, 32, 0, 12);
        assertEquals(new Sqe(IoUring.OP_RECV, 0, 0, 5, 0, a + 16, 32, 0, 12, 0), last());
        sq.prepSend(6, buffer, 64, 0x4000, 13);
        assertEquals(new Sqe(IoUring.OP_SEND, 0, 0, 6, 0, a, 64, 0x4000, 13, 0), last());
        sq.prepSend(6, buffer, 8, 24, 0x4000, 14);
        assertEquals(new Sqe(IoUring.OP_SEND, 0, 0, 6, 0, a + 8, 24, 0x4000, 14, 0), last());
        sq.prepSendZc(6, buffer, 256, 0x4000, 15);
        assertEquals(new Sqe(IoUring.OP_SEND_ZC, 0, 0, 6, 0, a, 256, 0x4000, 15, 0), last());
        sq.prepRecvMultishot(7, 3, 0, 16);
        assertEquals(new Sqe(IoUring.OP_RECV, IoUring.IOSQE_BUFFER_SELECT, IoUring.RECV_MULTISHOT, 7, 0, 0, 0, 0,
                16, 3), last());
        sq.prepShutdown(7, 1, 17);
        assertEquals(new Sqe(IoUring.OP_SHUTDOWN, 0, 0, 7, 0, 0, 1, 0, 17, 0), last());
        sq.prepPollAdd(8, 0x4, 18);
        assertEquals(new Sqe(IoUring.OP_POLL_ADD, 0, 0, 8, 0, 0, 0, 0x4, 18, 0), last());
        assertEquals(8, sq.pending());
        assertTrue(sq.full());
    }

    @Test
    void shouldNameTheFieldsOfMessageAndConnectionSqes() {
        long a = buffer.address();
        sq.prepSendMsg(5, buffer, 0x4000, 21);
        assertEquals(new Sqe(IoUring.OP_SENDMSG, 0, 0, 5, 0, a, 1, 0x4000, 21, 0), last());
        sq.prepRecvMsg(5, buffer, 0, 22);
        assertEquals(new Sqe(IoUring.OP_RECVMSG, 0, 0, 5, 0, a, 1, 0, 22, 0), last());
        sq.prepAccept(4, 0x80800, 23);
        assertEquals(new Sqe(IoUring.OP_ACCEPT, 0, 0, 4, 0, 0, 0, 0x80800, 23, 0), last());
        sq.prepMultishotAccept(4, 0x80800, 24);
        assertEquals(new Sqe(IoUring.OP_ACCEPT, 0, IoUring.ACCEPT_MULTISHOT, 4, 0, 0, 0, 0x80800, 24, 0), last());
        sq.prepConnect(9, buffer, 16, 25);
        assertEquals(new Sqe(IoUring.OP_CONNECT, 0, 0, 9, 16, a, 0, 0, 25, 0), last());
    }

    @Test
    void shouldNameTheFieldsOfFileSqes() {
        long a = buffer.address();
        sq.prepOpenAt(-100, buffer, 0x241, 0644, 31);
        assertEquals(new Sqe(IoUring.OP_OPENAT, 0, 0, -100, 0, a, 0644, 0x241, 31, 0), last());
        sq.prepRead(10, buffer, 128, 4096, 32);
        assertEquals(new Sqe(IoUring.OP_READ, 0, 0, 10, 4096, a, 128, 0, 32, 0), last());
        sq.prepRead(10, buffer, 8, -1, 33);
        assertEquals(new Sqe(IoUring.OP_READ, 0, 0, 10, -1, a, 8, 0, 33, 0), last());
        sq.prepWrite(10, buffer, 64, 8192, 34);
        assertEquals(new Sqe(IoUring.OP_WRITE, 0, 0, 10, 8192, a, 64, 0, 34, 0), last());
        sq.prepFsync(10, IoUring.FSYNC_DATASYNC, 35);
        assertEquals(new Sqe(IoUring.OP_FSYNC, 0, 0, 10, 0, 0, 0, IoUring.FSYNC_DATASYNC, 35, 0), last());
        sq.prepClose(10, 36);
        assertEquals(new Sqe(IoUring.OP_CLOSE, 0, 0, 10, 0, 0, 0, 0, 36, 0), last());
    }

    @Test
    void shouldNameTheFieldsOfTheRingsOwnSqes() {
        sq.prepNop(41);
        assertEquals(new Sqe(IoUring.OP_NOP, 0, 0, -1, 0, 0, 0, 0, 41, 0), last());
        sq.prepCancel(0x1_0000_0003L, 0, -3);
        assertEquals(new Sqe(IoUring.OP_ASYNC_CANCEL, 0, 0, 0, 0, 0x1_0000_0003L, 0, 0, -3, 0), last());
        sq.prepCancel(0, IoUring.ASYNC_CANCEL_ANY | IoUring.ASYNC_CANCEL_ALL, -3);
        assertEquals(new Sqe(IoUring.OP_ASYNC_CANCEL, 0, 0, 0, 0, 0, 0,
                IoUring.ASYNC_CANCEL_ANY | IoUring.ASYNC_CANCEL_ALL, -3, 0), last());
        sq.prepCancelFd(12, IoUring.ASYNC_CANCEL_ALL, -3);
        assertEquals(new Sqe(IoUring.OP_ASYNC_CANCEL, 0, 0, 12, 0, 0, 0,
                IoUring.ASYNC_CANCEL_FD | IoUring.ASYNC_CANCEL_ALL, -3, 0), last());
    }

    @Test
    void shouldLinkATimeoutToTheLastSqeStillQueued() {
        MemorySegment timespec = arena.allocate(16, 8);
        assertFalse(sq.linkTimeout(50, 1_500_000_000L, timespec, -4), "nothing queued to link to");
        sq.prepRecv(5, buffer, 100, 0, 50);
        assertFalse(sq.linkTimeout(51, 1_500_000_000L, timespec, -4), "the last SQE is another operation's");
        assertEquals(1, sq.pending());
        assertTrue(sq.linkTimeout(50, 1_500_000_000L, timespec, -4));
        assertEquals(new Sqe(IoUring.OP_LINK_TIMEOUT, 0, 0, -1, 0, timespec.address(), 1, 0, -4, 0), last());
        assertEquals(1, timespec.get(JAVA_LONG, 0));
        assertEquals(500_000_000L, timespec.get(JAVA_LONG, 8));
        long firstEntry = 0;
        assertEquals(IoUring.IOSQE_IO_LINK, sqes.get(JAVA_BYTE, firstEntry + IoUring.SQE_FLAGS));
        consumed();
        sq.prepRecv(5, buffer, 100, 0, 52);
        consumed();
        assertFalse(sq.linkTimeout(52, 1_000, timespec, -4), "the last SQE went to the kernel already");
    }

    @Test
    void shouldQueueNothingWhenAHelperThrows() {
        MemorySegment heap = MemorySegment.ofArray(new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> sq.prepRecv(5, heap, 16, 0, 60));
        assertThrows(IndexOutOfBoundsException.class, () -> sq.prepSend(5, buffer, 250, 16, 0, 61));
        assertEquals(0, sq.pending());
    }

    @Test
    void shouldZeroWhatTheSqeBeforeInTheSameEntryLeft() {
        for (int i = 0; i < ENTRIES; i++) {
            sq.prepRecvMultishot(7, 3, 0, 70 + i); // fills every entry with flags, ioprio and buf_group
        }
        consumed();
        sq.prepClose(10, 80);
        assertEquals(new Sqe(IoUring.OP_CLOSE, 0, 0, 10, 0, 0, 0, 0, 80, 0), last());
        assertTrue(sq.toString().contains("pending=1/8, tail=9, last=CLOSE"), sq::toString);
    }

    @Test
    void shouldGiveEveryOpcodeOfTheHeaderItsOwnName() {
        for (int op = 0; op <= IoUring.OP_FTRUNCATE; op++) {
            String name = IoUring.opcodeName(op);
            assertFalse(name.startsWith("OP_"), op + " has no name");
            for (int other = 0; other < op; other++) {
                assertNotEquals(IoUring.opcodeName(other), name, "opcodes " + other + " and " + op);
            }
        }
        assertEquals("FTRUNCATE", IoUring.opcodeName(55));
        assertEquals("OP_56", IoUring.opcodeName(IoUring.OP_FTRUNCATE + 1));
        assertEquals("OP_-1", IoUring.opcodeName(-1));
    }
}
