package io.ringloop.frame;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;

/**
 * One connection's send side: the queue of what is to be sent, in order, and its one send in flight.
 *
 * <p>Each entry is a pooled heap chunk that {@link #copy} filled (several sends share a chunk until it is full)
 * or a caller's segment ({@link #owned}), released when the kernel has taken all of it or the connection closes.
 * A send never makes a system call: it marks the connection dirty, and the loop's flush ({@link FrameLoop})
 * starts one gathered write of up to {@link Driver#MAX_IOVECS} entries. Only one write is in flight (SQEs of one
 * socket are not ordered); its completion acknowledges a byte count, which releases whole entries and advances
 * into a partial one, and anything left (a short write, or what was queued meanwhile) is flushed next turn. At
 * most one write per connection starts per loop turn.
 *
 * <p><b>TLS.</b> The queue holds plaintext; the flush encrypts the front of it ({@link FrameTls#encrypt}) and
 * writes the ciphertext; the plaintext is acknowledged (released, unqueued) once all of that ciphertext is out.
 * Handshake flights, a KeyUpdate answer and close_notify leave the same way, before any more data.
 *
 * <p>Watermarks: above the high one the connection is unwritable; at or below the low one it is writable again
 * and its handler hears {@code onWritable}; past four times the high one it is aborted. Loop thread only.
 */
final class FrameOutbound extends Completion {
    private final FrameConnection conn;
    private final FrameLoop fl;
    private final Driver driver;
    private final int fd;
    private final FrameTls tls;
    /** TLS: the plaintext bytes whose ciphertext is being written. */
    private long plainInFlight;
    // The queue, a ring: memory (byte[] chunk or MemorySegment), unsent bytes [start, end), release hook.
    private Object[] memory;
    private long[] starts;
    private long[] ends;
    private Runnable[] releases;
    private int head;
    private int count;
    /** Bytes queued and not yet taken by the kernel. */
    long queued;
    /** When the kernel last took bytes (or the queue last became non-empty): the write timeout runs from here. */
    long progressNs;
    private boolean sending;
    /** On the loop's dirty list. */
    boolean flushQueued;
    private long lastSendTurn = -1;
    private boolean writable = true;

    FrameOutbound(FrameConnection conn, FrameLoop fl, int fd) {
        this.conn = conn;
        this.fl = fl;
        this.driver = fl.driver;
        this.fd = fd;
        this.tls = conn.tls;
    }

    boolean writable() {
        return writable;
    }

    /** Copies {@code b[off, off+len)} to the end of the queue, into pooled chunks. */
    void copy(MemorySegment src, long off, long len) {
        long done = 0;
        while (done < len) {
            int tail = count == 0 ? -1 : (head + count - 1) & (memory.length - 1);
            if (tail >= 0 && memory[tail] instanceof byte[] chunk && releases[tail] == null
                    && ends[tail] < chunk.length) {
                int n = (int) Math.min(len - done, chunk.length - ends[tail]);
                MemorySegment.copy(src, off + done, MemorySegment.ofArray(chunk), ends[tail], n);
                ends[tail] += n;
                done += n;
                continue;
            }
            byte[] chunk = fl.take((int) Math.min(Math.max(len - done, FrameLoop.CHUNK_BYTES), FrameLoop.MAX_CLASS));
            push(chunk, 0, 0, null);
        }
        queued(len);
    }

    /** Queues {@code segment} itself; {@code release} runs once the kernel is done with it, or at close. */
    void owned(MemorySegment segment, Runnable release) {
        push(segment, 0, segment.byteSize(), release);
        queued(segment.byteSize());
    }

    private void queued(long len) {
        if (queued == 0) {
            progressNs = fl.loop.nanoTime();
        }
        queued += len;
        if (queued > fl.options.highWaterMark()) {
            writable = false;
        }
        kick();
        conn.armTimer();
        if (queued > fl.options.hardLimit()) {
            conn.abort(new IOException("output queue over 4 x the high watermark (" + queued + " > "
                    + fl.options.hardLimit() + " bytes): the peer does not read (fd=" + fd + ")"));
        }
    }

    /** Something is to be written (queued data, or TLS records): the next flush will. */
    void kick() {
        if (!flushQueued && !sending) {
            if (queued == 0 && (tls == null || !tls.buffers.hasCiphertext())) {
                progressNs = fl.loop.nanoTime();
            }
            flushQueued = true;
            fl.dirty(conn);
        }
    }

    /** Nothing is queued, in flight or (TLS) waiting to be written. */
    boolean idle() {
        return queued == 0 && !sending && (tls == null || !tls.buffers.hasCiphertext());
    }

    private void push(Object mem, long start, long end, Runnable release) {
        if (memory == null) {
            memory = new Object[4];
            starts = new long[4];
            ends = new long[4];
            releases = new Runnable[4];
        } else if (count == memory.length) {
            grow();
        }
        int i = (head + count) & (memory.length - 1);
        memory[i] = mem;
        starts[i] = start;
        ends[i] = end;
        releases[i] = release;
        count++;
    }

    private void grow() {
        int n = memory.length;
        Object[] m = new Object[n * 2];
        long[] s = new long[n * 2];
        long[] e = new long[n * 2];
        Runnable[] r = new Runnable[n * 2];
        for (int k = 0; k < count; k++) {
            int i = (head + k) & (n - 1);
            m[k] = memory[i];
            s[k] = starts[i];
            e[k] = ends[i];
            r[k] = releases[i];
        }
        memory = m;
        starts = s;
        ends = e;
        releases = r;
        head = 0;
    }

    /**
     * The loop's flush: starts one write of what is queued. False when this connection already started one this
     * turn (then it waits for the loop's next poll).
     */
    boolean flush(long turn) {
        if (tls != null && !sending && conn.sendsAllowed()) {
            return flushTls(turn);
        }
        if (sending || count == 0 || !conn.sendsAllowed()) {
            return true;
        }
        if (turn == lastSendTurn) {
            return false;
        }
        lastSendTurn = turn;
        int n = Math.min(count, Driver.MAX_IOVECS);
        int r;
        if (n == 1) {
            int i = head;
            MemorySegment m = segment(i);
            r = driver.write(fd, m, starts[i], (int) Math.min(ends[i] - starts[i], Integer.MAX_VALUE), this);
        } else {
            MemorySegment[] iov = new MemorySegment[n];
            for (int k = 0; k < n; k++) {
                int i = (head + k) & (memory.length - 1);
                iov[k] = segment(i).asSlice(starts[i], ends[i] - starts[i]);
            }
            r = driver.writev(fd, iov, this);
        }
        if (r == Driver.PENDING) {
            sending = true;
        } else {
            sent(r);
        }
        return true;
    }

    /** TLS: encrypts the front of the queue unless records wait already, then writes them. */
    private boolean flushTls(long turn) {
        if (!tls.buffers.hasCiphertext()) {
            if (!tls.handshaken()) {
                return true; // the handshake puts its own flights there
            }
            try {
                if (count > 0 && !tls.outputClosed()) {
                    plainInFlight = tls.encrypt(plaintext());
                } else {
                    tls.wrapControl();
                }
            } catch (SSLException e) {
                conn.abort(new SSLException("write to " + conn.peerName() + ": " + e.getMessage(), e));
                return true;
            }
            if (!tls.buffers.hasCiphertext()) {
                return true;
            }
        }
        if (turn == lastSendTurn) {
            return false;
        }
        lastSendTurn = turn;
        int r = driver.write(fd, tls.buffers.outSegment(), tls.buffers.outStart(), tls.buffers.outLength(), this);
        if (r == Driver.PENDING) {
            sending = true;
        } else {
            tlsSent(r);
        }
        return true;
    }

    /** The front of the queue (up to {@link Driver#MAX_IOVECS} entries) as buffers, for the engine. */
    private ByteBuffer[] plaintext() {
        int n = Math.min(count, Driver.MAX_IOVECS);
        ByteBuffer[] srcs = new ByteBuffer[n];
        for (int k = 0; k < n; k++) {
            int i = (head + k) & (memory.length - 1);
            int len = (int) (ends[i] - starts[i]);
            srcs[k] = memory[i] instanceof byte[] chunk ? ByteBuffer.wrap(chunk, (int) starts[i], len)
                    : ((MemorySegment) memory[i]).asSlice(starts[i], len).asByteBuffer();
        }
        return srcs;
    }

    /** TLS: the kernel took {@code r} bytes of ciphertext (or failed with -errno). */
    private void tlsSent(int r) {
        if (r < 0) {
            conn.abort(Errno.exception("send(fd=" + fd + ")", r));
            return;
        }
        progressNs = fl.loop.nanoTime();
        if (!tls.buffers.advance(r)) {
            kick(); // a short write: the rest next turn
            return;
        }
        long plain = plainInFlight;
        plainInFlight = 0;
        acknowledge(plain);
        if (conn.isOpen()) {
            tls.sent();
        }
    }

    private MemorySegment segment(int i) {
        return memory[i] instanceof byte[] chunk ? MemorySegment.ofArray(chunk) : (MemorySegment) memory[i];
    }

    @Override
    public void complete(int r) {
        sending = false;
        if (conn.isOpen() || conn.isClosing()) {
            if (tls != null) {
                tlsSent(r);
            } else {
                sent(r);
            }
        }
    }

    /** The write took {@code r} bytes (or failed with -errno). */
    private void sent(int r) {
        if (r < 0) {
            conn.abort(Errno.exception("send(fd=" + fd + ")", r));
            return;
        }
        acknowledge(r);
    }

    /** The kernel took the first {@code r} queued bytes: whole entries go, the rest of the queue goes next. */
    private void acknowledge(long r) {
        long left = r;
        while (left > 0 && count > 0) {
            int i = head;
            long n = Math.min(left, ends[i] - starts[i]);
            starts[i] += n;
            left -= n;
            if (starts[i] == ends[i]) {
                release(i);
                head = (head + 1) & (memory.length - 1);
                count--;
            }
        }
        queued -= r;
        if (r > 0) {
            progressNs = fl.loop.nanoTime();
        }
        if (count > 0 && !flushQueued) {
            flushQueued = true;
            fl.dirty(conn);
        }
        if (!writable && queued <= fl.options.lowWaterMark()) {
            writable = true;
            conn.becameWritable();
        }
        if (idle()) {
            conn.drained();
        }
    }

    private void release(int i) {
        Object m = memory[i];
        Runnable rel = releases[i];
        memory[i] = null;
        releases[i] = null;
        if (rel != null) {
            conn.runRelease(rel);
        } else if (m instanceof byte[] chunk) {
            fl.give(chunk);
        }
    }

    /** The connection closed: everything still queued is dropped, owned segments released. */
    void closed() {
        while (count > 0) {
            release(head);
            head = (head + 1) & (memory.length - 1);
            count--;
        }
        queued = 0;
    }

    boolean sending() {
        return sending;
    }
}
