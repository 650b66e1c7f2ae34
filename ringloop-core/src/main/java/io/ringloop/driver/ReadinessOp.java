package io.ringloop.driver;

/**
 * The kinds of operation of the readiness backends (epoll, NIO), as kept in an {@link OpTable} slot: one
 * definition for both, with a name for each so a pending operation can be told apart in a log or a debugger.
 *
 * <p>Encoding: the read-side kinds (they wait for "readable") are odd, the write-side kinds (they wait for
 * "writable") even, so {@link #isReadSide} is one bit test on the hot path. 0 is not a kind: OpTable marks a free
 * slot with it.
 */
public final class ReadinessOp {
    public static final int ACCEPT = 1;
    /** Waits for a connect in progress (EINPROGRESS) to finish: writable, then its {@code SO_ERROR}. */
    public static final int CONNECT = 2;
    public static final int READ = 3;
    public static final int WRITE = 4;
    public static final int RECV_FROM = 5;
    public static final int SEND_TO = 6;
    public static final int READV = 7;
    public static final int WRITEV = 8;
    /**
     * A wait for readiness of an fd the driver does not own (epoll's {@link Driver#pollReady}): never attempted by
     * {@link ReadinessCore}, only reported. Odd, though it has no side: it never occupies a handle's read slot.
     */
    public static final int POLL = 9;
    /** A {@code sendmsg(2)} of the caller's msghdr ({@link Driver#sendMessage}): fds passed over a Unix stream. */
    public static final int SEND_MSG = 10;
    /** A {@code recvmsg(2)} into the caller's msghdr ({@link Driver#receiveMessage}). */
    public static final int RECV_MSG = 11;
    /** Several datagrams sent in one call ({@code sendmmsg}); the attachment is the {@link DatagramBatch}. */
    public static final int SEND_MMSG = 12;
    /** Several datagrams received in one call ({@code recvmmsg}); the attachment is the {@link DatagramBatch}. */
    public static final int RECV_MMSG = 13;
    /** A receiveFrom whose result is the datagram's full length ({@link Driver#receiveDatagram}). */
    public static final int RECV_TRUNC = 15;
    /** {@link Driver#splice} from a pipe to the socket: waits for the socket to be writable. */
    public static final int SPLICE_OUT = 16;
    /** {@link Driver#splice} from the socket to a pipe: waits for the socket to be readable. */
    public static final int SPLICE_IN = 17;

    private static final String[] NAMES = {
        "FREE", "ACCEPT", "CONNECT", "READ", "WRITE", "RECV_FROM", "SEND_TO", "READV", "WRITEV", "POLL", "SEND_MSG",
        "RECV_MSG", "SEND_MMSG", "RECV_MMSG", "UNKNOWN(14)", "RECV_TRUNC", "SPLICE_OUT", "SPLICE_IN",
    };

    private ReadinessOp() {
    }

    /** True for the kinds that wait for "readable" (accept, read, readv, receiveFrom). */
    public static boolean isReadSide(int kind) {
        return (kind & 1) != 0;
    }

    /** The {@link DriverCounters} kind an operation of {@code kind} is counted under. */
    public static int counted(int kind) {
        return switch (kind) {
            case ACCEPT -> DriverCounters.ACCEPT;
            case CONNECT -> DriverCounters.CONNECT;
            case READ, READV, RECV_FROM, RECV_MSG, RECV_MMSG, RECV_TRUNC, SPLICE_IN -> DriverCounters.READ;
            case WRITE, WRITEV, SEND_TO, SEND_MSG, SEND_MMSG, SPLICE_OUT -> DriverCounters.WRITE;
            default -> DriverCounters.OTHER;
        };
    }

    /** The kind's constant name ({@code "READ"}), or {@code "UNKNOWN(n)"}. */
    public static String name(int kind) {
        return kind >= 0 && kind < NAMES.length ? NAMES[kind] : "UNKNOWN(" + kind + ")";
    }
}
