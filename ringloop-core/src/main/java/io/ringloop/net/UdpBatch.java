package io.ringloop.net;

import io.ringloop.driver.DatagramBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Room for many datagrams, sent or received in as few system calls as the backend allows
 * ({@link UdpSocket#send(UdpBatch)}, {@link UdpSocket#receive(UdpBatch)}): {@code recvmmsg}/{@code sendmmsg} on
 * epoll and io_uring, a loop of the JDK's calls on NIO. The memory is native, allocated once, and freed by
 * {@link #close}; reusing one batch allocates nothing per datagram (except {@link #sender}, which makes an address).
 *
 * <p>To send: {@link #clear}, then {@link #add} each datagram (copied in) with its target, then send. After a
 * receive, {@link #size} datagrams are held: {@link #length}, {@link #truncated}, {@link #sender} and
 * {@link #data} of each. Not thread-safe; one operation at a time, and never closed while one is in progress.
 */
public final class UdpBatch implements AutoCloseable {
    private final DatagramBatch batch;
    private int size;
    /** Whether the datagrams held came from a receive (else they were added to send). */
    private boolean received;

    private UdpBatch(int datagrams, int maxDatagramBytes) {
        this.batch = new DatagramBatch(datagrams, maxDatagramBytes);
    }

    /**
     * A batch of {@code datagrams} slots (1 to 1024) of {@code maxDatagramBytes} each (0 to 65535): a received
     * datagram longer than that is truncated (and says so).
     */
    public static UdpBatch allocate(int datagrams, int maxDatagramBytes) {
        return new UdpBatch(datagrams, maxDatagramBytes);
    }

    /** How many datagrams the batch holds at most. */
    public int capacity() {
        return batch.capacity();
    }

    /** The bytes one slot holds. */
    public int maxDatagramBytes() {
        return batch.slotBytes();
    }

    /** Datagrams held: added for sending, or received by the last receive. */
    public int size() {
        return size;
    }

    /** Forgets every datagram (the memory stays), to add new ones. */
    public UdpBatch clear() {
        size = 0;
        received = false;
        return this;
    }

    /**
     * Adds a datagram to send: {@code src}'s remaining bytes (copied; its position moves to its limit), to
     * {@code target}, or to the connected peer when {@code target} is null.
     *
     * @throws IllegalStateException    when the batch is full
     * @throws IllegalArgumentException when the datagram is longer than a slot
     */
    public UdpBatch add(ByteBuffer src, InetSocketAddress target) {
        sending();
        int length = src.remaining();
        int i = slotForAdd(length);
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, batch.slot(i), 0, length);
        src.position(src.limit());
        batch.setSend(i, length, target);
        size = i + 1;
        return this;
    }

    /** Adds {@code length} bytes of {@code data} from {@code offset} as a datagram to send; see {@link #add}. */
    public UdpBatch add(byte[] data, int offset, int length, InetSocketAddress target) {
        Objects.checkFromIndexSize(offset, length, data.length);
        sending();
        int i = slotForAdd(length);
        MemorySegment.copy(data, offset, batch.slot(i), ValueLayout.JAVA_BYTE, 0, length);
        batch.setSend(i, length, target);
        size = i + 1;
        return this;
    }

    private int slotForAdd(int length) {
        if (size == batch.capacity()) {
            throw new IllegalStateException("batch full: " + size + " datagrams");
        }
        if (length > batch.slotBytes()) {
            throw new IllegalArgumentException("datagram of " + length + " bytes, slots of " + batch.slotBytes());
        }
        return size;
    }

    /**
     * Datagram {@code i}'s length: after a receive, its full length as sent (more than {@link #maxDatagramBytes}
     * when truncated); for a datagram added to send, its length.
     */
    public int length(int i) {
        Objects.checkIndex(i, size);
        return received ? batch.length(i) : batch.sendLength(i);
    }

    /** After a receive: whether datagram {@code i} was longer than its slot (its end is gone). */
    public boolean truncated(int i) {
        Objects.checkIndex(i, size);
        return received && batch.truncated(i);
    }

    /** After a receive: datagram {@code i}'s sender. */
    public InetSocketAddress sender(int i) {
        Objects.checkIndex(i, size);
        if (!received) {
            throw new IllegalStateException("datagram " + i + " was added to send, not received");
        }
        return batch.sender(i);
    }

    /** Datagram {@code i}'s bytes held in the batch (read-only; valid until the batch is reused or closed). */
    public MemorySegment data(int i) {
        Objects.checkIndex(i, size);
        int held = received ? Math.min(batch.length(i), batch.slotBytes()) : batch.sendLength(i);
        return batch.slot(i).asSlice(0, held).asReadOnly();
    }

    /** Frees the native memory; never while an operation on the batch is in progress. */
    @Override
    public void close() {
        batch.close();
    }

    /** Before a send: the datagrams held were added to send, not received. */
    void requireSendable(String call) {
        if (received && size > 0) {
            throw new IllegalStateException(call + ": the batch holds received datagrams; clear() it and add "
                    + "what to send");
        }
    }

    DatagramBatch driverBatch() {
        return batch;
    }

    /** A receive put {@code n} datagrams in the batch. */
    void receivedCount(int n) {
        size = Math.max(0, n);
        received = true;
    }

    /** Before adding: the batch holds datagrams to send. */
    void sending() {
        if (received) {
            size = 0;
            received = false;
        }
    }
}
