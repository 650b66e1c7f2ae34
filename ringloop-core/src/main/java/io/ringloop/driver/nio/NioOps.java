package io.ringloop.driver.nio;

import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking try of each operation the {@link NioDriver} runs, on the operation's JDK channel. A try
 * returns the operation's result, {@code -errno}, or {@link #AGAIN} when it would block; it keeps the channel's
 * readiness cache up to date ({@link NioChannel#readReady}, {@link NioChannel#writeReady}).
 *
 * <p>"Would block" has no exception in NIO: it is a read or write of 0 bytes into/from a non-empty buffer, or a
 * null from {@code accept}/{@code receive}, or false from {@code finishConnect}. End of stream (-1) is 0.
 */
final class NioOps {
    static final int ACCEPT = 1;
    static final int CONNECT = 2;
    static final int READ = 3;
    static final int WRITE = 4;
    static final int RECV_FROM = 5;
    static final int SEND_TO = 6;
    static final int READV = 7;
    static final int WRITEV = 8;

    /** The try would block; internal to the driver, never returned to a caller. */
    static final int AGAIN = -Errno.EAGAIN;

    private NioOps() {
    }

    /** One try of the op of {@code kind} on {@code ch}; JDK failures come back as {@code -errno}. */
    static int attempt(NioDriver driver, NioChannel ch, int kind, MemorySegment buffer) {
        try {
            return switch (kind) {
                case READ -> read(ch, buffer);
                case WRITE -> write(ch, buffer);
                case ACCEPT -> accept(driver, ch);
                case CONNECT -> ((SocketChannel) ch.channel).finishConnect() ? 0 : AGAIN;
                case RECV_FROM -> receive(ch, buffer);
                case SEND_TO -> send(ch, buffer);
                case READV -> NioVectors.read(ch, ch.readBuffers);
                case WRITEV -> NioVectors.write(ch, ch.writeBuffers);
                default -> -Errno.EINVAL;
            };
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
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

    private static int receive(NioChannel ch, MemorySegment buffer) throws IOException {
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
        MemorySegment dst = ch.senderAddress;
        if (dst != null && from instanceof InetSocketAddress sender) {
            SockAddr.encode(sender, SockAddr.family(sender), dst);
        }
        return b.position() - start;
    }

    private static int send(NioChannel ch, MemorySegment buffer) throws IOException {
        InetSocketAddress target = ch.sendTarget;
        if (!(ch.channel instanceof DatagramChannel dc)) {
            return write(ch, buffer); // a stream has one peer; like Linux, the target is not looked at
        }
        ByteBuffer b = ch.writeView.of(buffer);
        int want = b.remaining();
        int n = target == null ? dc.write(b) : dc.send(b, target);
        if (n == 0 && want > 0) {
            ch.writeReady = false;
            return AGAIN;
        }
        return n;
    }
}
