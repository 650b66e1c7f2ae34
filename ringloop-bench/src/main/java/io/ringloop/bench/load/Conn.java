package io.ringloop.bench.load;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One generator connection, owned by one {@link LoadThread}. Messages are numbered per connection; the
 * echo of a TCP stream comes back in order, so the send time of message {@code n} sits in slot
 * {@code n & mask} of a ring as large as the most messages that can be outstanding.
 *
 * <p>{@code tx} is kept in read mode (position = next byte to send, limit = end of queued bytes).
 */
final class Conn {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Reads per readiness event before the thread serves its other connections. */
    private static final int MAX_READS_PER_EVENT = 4;
    /** An open-loop send this far behind its schedule counts as late (generator or socket fell behind). */
    private static final long LATE_SEND_NS = 1_000_000;

    private final SocketChannel channel;
    private final Payload payload;
    private final LoadThread owner;
    private final int sizeBytes;
    private final ByteBuffer tx;
    private final ByteBuffer rx;
    private final MemorySegment rxSegment;
    private final long[] sendTimesNs;
    private final int mask;
    private final int inFlight;
    private final int maxOutstanding;
    private final long messageLimit;
    private SelectionKey key;
    private boolean writeInterest;

    private long sentSeq;
    private long receivedSeq;
    private int rxOffsetInMessage;
    private long rxHeader;

    // Open loop schedule: send k is due at startNs + k * intervalNs.
    private double intervalNs;
    private long scheduleStartNs;
    private long scheduled;

    Conn(SocketChannel channel, Payload payload, LoadThread owner, int inFlight, int maxOutstanding,
         long messageLimit) {
        this.channel = channel;
        this.payload = payload;
        this.owner = owner;
        this.sizeBytes = payload.sizeBytes();
        this.inFlight = inFlight;
        this.maxOutstanding = maxOutstanding;
        this.messageLimit = messageLimit;
        int ring = Integer.highestOneBit(Math.max(1, maxOutstanding - 1)) << 1;
        this.sendTimesNs = new long[ring];
        this.mask = ring - 1;
        this.tx = ByteBuffer.allocateDirect(maxOutstanding * sizeBytes).flip();
        this.rx = ByteBuffer.allocateDirect(Math.max(READ_BUFFER_BYTES, sizeBytes));
        this.rxSegment = MemorySegment.ofBuffer(rx);
    }

    void register(SelectionKey registered) {
        this.key = registered;
    }

    SocketChannel channel() {
        return channel;
    }

    boolean finished() {
        return messageLimit > 0 && receivedSeq >= messageLimit;
    }

    long received() {
        return receivedSeq;
    }

    /** Closed loop: queues the first {@code inFlight} messages. */
    void startClosedLoop(long nowNs) throws IOException {
        queue(inFlight, nowNs);
        flush();
    }

    /** Open loop: this connection's share of the rate, phase-shifted so connections do not send together. */
    void startOpenLoop(long startNs, double intervalNs, double phase) {
        this.intervalNs = intervalNs;
        this.scheduleStartNs = startNs + (long) (intervalNs * phase);
        this.scheduled = 0;
    }

    /** Next scheduled send time (open loop). */
    long nextDueNs() {
        return scheduleStartNs + (long) (scheduled * intervalNs);
    }

    /** Open loop: queues every message whose time has come (room permitting) stamped with its scheduled time. */
    void sendDue(long nowNs) throws IOException {
        int room = maxOutstanding - (int) (sentSeq - receivedSeq);
        int queued = 0;
        long due;
        if (messageLimit > 0) {
            room = (int) Math.min(room, messageLimit - sentSeq);
        }
        while (queued < room && (due = nextDueNs()) - nowNs <= 0) {
            if (nowNs - due > LATE_SEND_NS) {
                owner.lateSends++;
            }
            queueOne(due);
            scheduled++;
            queued++;
        }
        if (queued > 0) {
            owner.sent += queued;
            flush();
        }
    }

    private void queue(int count, long stampNs) {
        for (int i = 0; i < count; i++) {
            if (messageLimit > 0 && sentSeq >= messageLimit) {
                return;
            }
            queueOne(stampNs);
            owner.sent++;
        }
    }

    private void queueOne(long stampNs) {
        if (tx.position() == tx.limit()) {
            tx.clear();
        } else {
            tx.compact();
        }
        payload.put(tx, sentSeq);
        tx.flip();
        sendTimesNs[(int) (sentSeq & mask)] = stampNs;
        sentSeq++;
    }

    /** Writes what is queued; asks for OP_WRITE only while the socket's send buffer is full. */
    void flush() throws IOException {
        if (tx.hasRemaining()) {
            channel.write(tx);
        }
        boolean backedUp = tx.hasRemaining();
        if (backedUp != writeInterest) {
            writeInterest = backedUp;
            key.interestOps(backedUp ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    /** Handles readiness; returns false when the server closed the connection. */
    boolean onReady(boolean closedLoop) throws IOException {
        if (key.isWritable()) {
            flush();
        }
        if (!key.isReadable()) {
            return true;
        }
        int completed = 0;
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            int n = channel.read(rx);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                break;
            }
            rx.flip();
            completed += consume(System.nanoTime());
            boolean full = n == rx.capacity();
            rx.clear();
            if (!full) {
                break;
            }
        }
        if (closedLoop && completed > 0) {
            queue(completed, System.nanoTime());
            flush();
        }
        return true;
    }

    /** Walks the received bytes message by message; returns how many messages completed. */
    private int consume(long nowNs) {
        int completed = 0;
        int pos = rx.position();
        int end = rx.limit();
        while (pos < end) {
            if (rxOffsetInMessage < Payload.HEADER_BYTES) {
                int take = Math.min(Payload.HEADER_BYTES - rxOffsetInMessage, end - pos);
                for (int i = 0; i < take; i++) {
                    rxHeader = (rxHeader << 8) | (rx.get(pos + i) & 0xFF);
                }
                pos += take;
                rxOffsetInMessage += take;
                if (rxOffsetInMessage == Payload.HEADER_BYTES && rxHeader != receivedSeq) {
                    owner.errors++;
                }
            } else {
                int take = Math.min(sizeBytes - rxOffsetInMessage, end - pos);
                if (Payload.sampled(receivedSeq)
                        && !payload.bodyMatches(rxSegment, pos, rxOffsetInMessage, take)) {
                    owner.errors++;
                }
                pos += take;
                rxOffsetInMessage += take;
            }
            if (rxOffsetInMessage == sizeBytes) {
                owner.recordLatency(nowNs - sendTimesNs[(int) (receivedSeq & mask)]);
                receivedSeq++;
                rxOffsetInMessage = 0;
                rxHeader = 0;
                completed++;
            }
        }
        rx.position(pos);
        owner.messages += completed;
        return completed;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignore) {
            // closing at the end of a run; the server may already be gone
        }
    }
}
