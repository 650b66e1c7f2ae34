package io.ringloop.driver.nio;

import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * The NIO driver's state for one handle. A new object is made for every socket and is the attachment of its
 * {@link SelectionKey}, so a readiness event always names the socket it was meant for: once {@link #closed} is
 * set, events that still arrive for the key are ignored, whoever holds the handle number now. (The object is
 * the generation: the driver's handle slot holds a different one after reuse.)
 *
 * <p>The operations pending on the handle are the driver's {@code ReadinessCore}'s, keyed by {@link #handle}; what
 * they need on retry (buffers, addresses) lives in their op slots. Loop thread only.
 */
final class NioChannel {
    /** A stream socket before {@code listen} or {@code connect}: no JDK channel yet, options are recorded. */
    static final int UNBOUND_STREAM = 0;
    /** A {@code ServerSocketChannel}. */
    static final int LISTENER = 1;
    /** A {@code SocketChannel}, connecting or connected. */
    static final int STREAM = 2;
    /** A {@code DatagramChannel}. */
    static final int DATAGRAM = 3;

    /** The interest bits of the read side and of the write side. */
    static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    static final int WRITE_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    final int handle;
    final ProtocolFamily family;
    /** {@link #UNBOUND_STREAM}, {@link #LISTENER}, {@link #STREAM} or {@link #DATAGRAM}. */
    int kind;
    /** Null while {@link #UNBOUND_STREAM}. */
    SelectableChannel channel;
    SelectionKey key;
    /** The interest set last given to {@link #key} (the JDK applies it at the next select). */
    int interestOps;
    boolean closed;

    /** Options and local address of an {@link #UNBOUND_STREAM}; a listener keeps the inheritable options. */
    final NioOptions options = new NioOptions();
    SocketAddress bindAddress;

    /**
     * Readiness cache, as an edge-triggered reactor keeps one: false after an attempt would have blocked or a
     * stream read/write came back short (the socket is drained/full), true after the selector reported the
     * direction ready. When false, an operation skips the attempt and waits at once; that is safe because the
     * selector is level-triggered: a socket that became ready in between is reported by the next select.
     */
    boolean readReady = true;
    boolean writeReady = true;

    /** A datagram channel's multicast groups ({@code NioDatagrams}); null until the first join. */
    List<MembershipKey> memberships;
    /** A datagram batch's error that came after some datagrams moved, for the next batch call; or 0. */
    int pendingError;

    final NioBufferView readView = new NioBufferView();
    final NioBufferView writeView = new NioBufferView();
    /** Made at the direction's first readv / writev. */
    private NioVectors readVectors;
    private NioVectors writeVectors;

    NioChannel(int handle, ProtocolFamily family, int kind) {
        this.handle = handle;
        this.family = family;
        this.kind = kind;
    }

    NioVectors readVectors() {
        if (readVectors == null) {
            readVectors = new NioVectors();
        }
        return readVectors;
    }

    NioVectors writeVectors() {
        if (writeVectors == null) {
            writeVectors = new NioVectors();
        }
        return writeVectors;
    }

    /** Forgets the callers' memory this channel still references (on close). */
    void clearBuffers() {
        readView.clear();
        writeView.clear();
        if (readVectors != null) {
            readVectors.clear();
        }
        if (writeVectors != null) {
            writeVectors.clear();
        }
    }

    /** The interest bit of the read side: {@code OP_ACCEPT} for a listener, else {@code OP_READ}. */
    int readInterest() {
        return kind == LISTENER ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
    }

    /**
     * Sets the key's interest set, only when it changes: each change costs an {@code epoll_ctl} at the next
     * select. Nothing once the key is cancelled (the channel closed).
     */
    void interest(int ops) {
        if (ops != interestOps && key.isValid()) {
            key.interestOps(ops);
            interestOps = ops;
        }
    }
}
