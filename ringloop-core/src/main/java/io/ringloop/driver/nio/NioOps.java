package io.ringloop.driver.nio;

import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.ReadinessBackend;
import io.ringloop.driver.ReadinessCore;
import io.ringloop.driver.ReadinessOp;
import static io.ringloop.driver.ReadinessOp.ACCEPT;
import static io.ringloop.driver.ReadinessOp.CONNECT;
import static io.ringloop.driver.ReadinessOp.READ;
import static io.ringloop.driver.ReadinessOp.READV;
import static io.ringloop.driver.ReadinessOp.RECV_FROM;
import static io.ringloop.driver.ReadinessOp.RECV_MMSG;
import static io.ringloop.driver.ReadinessOp.RECV_TRUNC;
import static io.ringloop.driver.ReadinessOp.SEND_MMSG;
import static io.ringloop.driver.ReadinessOp.SEND_TO;
import static io.ringloop.driver.ReadinessOp.WRITE;
import static io.ringloop.driver.ReadinessOp.WRITEV;
import static io.ringloop.driver.nio.NioChannel.WRITE_OPS;

import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The NIO side of the {@link ReadinessCore}: one non-blocking try of each kind of operation ({@link ReadinessOp})
 * on the handle's JDK channel, and the key's interest bits that make the selector report a direction.
 *
 * <p>A try returns the operation's result, {@code -errno}, or {@link #AGAIN} when it would block; it keeps the
 * channel's readiness cache up to date ({@link NioChannel#readReady}, {@link NioChannel#writeReady}) and makes no
 * call when the cache says it would block. "Would block" has no exception in NIO: it is a read or write of 0
 * bytes into/from a non-empty buffer, or a null from {@code accept}/{@code receive}, or false from
 * {@code finishConnect}. End of stream (-1) is 0.
 *
 * <p>An operation's attachment (the core keeps it in the op's slot) is the sender-address segment of a
 * receiveFrom, the target of a sendTo (null: the connected peer), the buffers of a readv/writev.
 *
 * <p>Interest: see {@link NioDriver} for when each bit is dropped. Loop thread only.
 */
final class NioOps implements ReadinessBackend {
    /** The try would block; internal to the driver, never returned to a caller. */
    static final int AGAIN = -Errno.EAGAIN;

    private final NioDriver driver;
    private final NioHandles handles;
    /** Truncation-aware receives and batches of datagrams. */
    private final NioDatagrams datagrams = new NioDatagrams();

    /** {@code driver} adopts what an accept returns; {@code handles} names the channels. */
    NioOps(NioDriver driver, NioHandles handles) {
        this.driver = driver;
        this.handles = handles;
    }

    /** One try of the op of {@code kind} on {@code handle}; JDK failures come back as {@code -errno}. */
    @Override
    public int attempt(int handle, int kind, MemorySegment buffer, long arg, Object attachment) {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (!(ReadinessOp.isReadSide(kind) ? ch.readReady : ch.writeReady)) {
            return AGAIN; // known not ready: the level-triggered selector reports it when it is
        }
        try {
            return switch (kind) {
                case READ -> read(ch, buffer);
                case WRITE -> write(ch, buffer);
                case ACCEPT -> accept(driver, ch);
                case CONNECT -> ((SocketChannel) ch.channel).finishConnect() ? 0 : AGAIN;
                case RECV_FROM -> receive(ch, buffer, (MemorySegment) attachment);
                case SEND_TO -> send(ch, buffer, (SocketAddress) attachment);
                case READV -> NioVectors.read(ch, (MemorySegment[]) attachment);
                case WRITEV -> NioVectors.write(ch, (MemorySegment[]) attachment);
                case RECV_TRUNC -> ch.kind != NioChannel.DATAGRAM ? -Errno.EOPNOTSUPP
                        : datagrams.receive(ch, buffer, (MemorySegment) attachment);
                case RECV_MMSG -> ch.kind != NioChannel.DATAGRAM ? -Errno.EOPNOTSUPP
                        : datagrams.receiveBatch(ch, (DatagramBatch) attachment, (int) arg);
                case SEND_MMSG -> ch.kind != NioChannel.DATAGRAM ? -Errno.EOPNOTSUPP
                        : datagrams.sendBatch(ch, (DatagramBatch) attachment, (int) (arg >>> 32), (int) arg);
                default -> -Errno.EINVAL;
            };
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    /** Adds the direction's interest bit; {@code -ENOTCONN} for a stream not connecting (nothing to wait for). */
    @Override
    public int arm(int handle, int kind) {
        NioChannel ch = handles.get(handle);
        if (ch.key == null) {
            return -Errno.ENOTCONN;
        }
        int bit = ReadinessOp.isReadSide(kind) ? ch.readInterest()
                : kind == CONNECT ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
        ch.interest(ch.interestOps | bit);
        return 0;
    }

    /** A cancelled write drops write interest at once; read interest is dropped lazily (see {@link NioDriver}). */
    @Override
    public void disarm(int handle, int kind) {
        NioChannel ch = handles.get(handle);
        if (ch != null && !ReadinessOp.isReadSide(kind)) {
            ch.interest(ch.interestOps & ~WRITE_OPS);
        }
    }

    private static int read(NioChannel ch, MemorySegment buffer) throws IOException {
        if (buffer.byteSize() == 0) {
            return 0;
        }
        if (!(ch.channel instanceof ByteChannel bc)) {
            return -Errno.ENOTCONN; // a listener, or a stream not connected yet
        }
        ByteBuffer b = ch.readView.of(buffer);
        int want = b.remaining();
        int n = bc.read(b);
        if (n < 0) {
            return 0; // end of stream; the cache stays "ready", later reads return at once too
        }
        if (n == 0) {
            ch.readReady = false;
            return AGAIN;
        }
        if (n < want && ch.kind == NioChannel.STREAM) {
            // One read(2) came back short: the receive queue is drained, so the next read waits for the
            // selector instead of paying for a try that would only block.
            ch.readReady = false;
        }
        return n;
    }

    private static int write(NioChannel ch, MemorySegment buffer) throws IOException {
        if (buffer.byteSize() == 0) {
            return 0;
        }
        if (!(ch.channel instanceof ByteChannel bc)) {
            return -Errno.ENOTCONN;
        }
        ByteBuffer b = ch.writeView.of(buffer);
        int want = b.remaining();
        int n = bc.write(b);
        if (n < want) {
            ch.writeReady = false; // the send buffer is full
        }
        return n == 0 ? AGAIN : n;
    }

    private static int accept(NioDriver driver, NioChannel ch) throws IOException {
        SocketChannel sc = ((ServerSocketChannel) ch.channel).accept();
        if (sc == null) {
            ch.readReady = false;
            return AGAIN;
        }
        return driver.adopt(ch, sc);
    }

    private static int receive(NioChannel ch, MemorySegment buffer, MemorySegment dst) throws IOException {
        if (!(ch.channel instanceof DatagramChannel dc)) {
            return -Errno.EOPNOTSUPP;
        }
        ByteBuffer b = ch.readView.of(buffer);
        int start = b.position();
        SocketAddress from = dc.receive(b); // a longer datagram is truncated to the buffer, as recvfrom does
        if (from == null) {
            ch.readReady = false;
            return AGAIN;
        }
        if (dst != null && from instanceof InetSocketAddress sender) {
            SockAddr.encode(sender, SockAddr.family(sender), dst);
        }
        return b.position() - start;
    }

    private static int send(NioChannel ch, MemorySegment buffer, SocketAddress target) throws IOException {
        if (!(ch.channel instanceof DatagramChannel dc)) {
            return write(ch, buffer); // a stream has one peer; like Linux, the target is not looked at
        }
        ByteBuffer b = ch.writeView.of(buffer);
        int want = b.remaining();
        int n = NioDatagrams.send(dc, b, target);
        if (n == 0 && want > 0) {
            ch.writeReady = false;
            return AGAIN;
        }
        return n;
    }
}
