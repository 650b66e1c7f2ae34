package io.ringloop.driver;

import io.ringloop.sys.Errno;
import io.ringloop.sys.MMsgHdr;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * Native memory for many datagrams per system call ({@link Driver#receiveBatch}, {@link Driver#sendBatch}):
 * {@code capacity} slots of {@code slotBytes} bytes each, with a sockaddr, an iovec and a {@code struct mmsghdr}
 * per slot, all pointing at each other once, at construction ({@link MMsgHdr}). A receive fills slots from 0 and
 * reports each datagram's full length ({@code MSG_TRUNC}), truncation and sender in its entry; a send takes each
 * slot's length and target from {@link #setSend}.
 *
 * <p>One arena (shared: the loop thread's virtual threads use it) holds it all, freed by {@link #close}. The batch
 * must not be closed, nor its slots changed, while an operation on it is pending. Not thread-safe: one batch is
 * used by one operation at a time.
 */
public final class DatagramBatch implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final int slotBytes;
    private final MemorySegment data;
    private final MemorySegment names;
    private final MemorySegment iovecs;
    private final MemorySegment vec;
    /** Per slot, for a send: the target, or null for a connected socket's peer. */
    private final InetSocketAddress[] targets;

    /** {@code capacity} slots (1 to 1024, the kernel's UIO_MAXIOV) of {@code slotBytes} bytes (0 to 65535). */
    public DatagramBatch(int capacity, int slotBytes) {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("capacity " + capacity + " (1 to 1024 datagrams)");
        }
        if (slotBytes < 0 || slotBytes > 65535) {
            throw new IllegalArgumentException("slotBytes " + slotBytes + " (0 to 65535)");
        }
        this.capacity = capacity;
        this.slotBytes = slotBytes;
        this.data = arena.allocate(Math.max(1L, (long) capacity * slotBytes), 64);
        this.names = arena.allocate((long) capacity * SockAddr.MAX_SIZE, 8);
        this.iovecs = arena.allocate(capacity * 16L, 8);
        this.vec = arena.allocate(capacity * MMsgHdr.SIZE, 8);
        this.targets = new InetSocketAddress[capacity];
        for (int i = 0; i < capacity; i++) {
            MMsgHdr.set(vec, i, name(i), SockAddr.MAX_SIZE, iovec(i), slot(i), slotBytes);
        }
    }

    /** Slots in the batch. */
    public int capacity() {
        return capacity;
    }

    /** Bytes per slot: the longest datagram kept whole. */
    public int slotBytes() {
        return slotBytes;
    }

    /** Slot {@code i}'s whole buffer ({@link #slotBytes} bytes). */
    public MemorySegment slot(int i) {
        return data.asSlice((long) i * slotBytes, slotBytes);
    }

    /** Slot {@code i}'s sockaddr ({@link SockAddr#MAX_SIZE} bytes): the sender after a receive. */
    public MemorySegment name(int i) {
        return names.asSlice((long) i * SockAddr.MAX_SIZE, SockAddr.MAX_SIZE);
    }

    private MemorySegment iovec(int i) {
        return iovecs.asSlice(i * 16L, 16);
    }

    /** After a receive: datagram {@code i}'s full length (more than {@link #slotBytes} when truncated). */
    public int length(int i) {
        return MMsgHdr.length(vec, i);
    }

    /** After a receive: whether datagram {@code i} was longer than its slot. */
    public boolean truncated(int i) {
        return (MMsgHdr.flags(vec, i) & MMsgHdr.MSG_TRUNC) != 0;
    }

    /** After a receive: the sender of datagram {@code i}. */
    public InetSocketAddress sender(int i) {
        return SockAddr.decode(name(i));
    }

    /** Records what a backend without recvmmsg received into slot {@code i}: full length, truncation, sender. */
    public void received(int i, int length, boolean truncated, InetSocketAddress sender) {
        MMsgHdr.length(vec, i, length);
        MMsgHdr.flags(vec, i, truncated ? MMsgHdr.MSG_TRUNC : 0);
        SockAddr.encode(sender, SockAddr.family(sender), name(i));
    }

    /** Before a send: slot {@code i} holds a datagram of {@code length} bytes for {@code target} (null: the peer). */
    public void setSend(int i, int length, InetSocketAddress target) {
        if (length < 0 || length > slotBytes) {
            throw new IllegalArgumentException("length " + length + " (slot of " + slotBytes + " bytes)");
        }
        MMsgHdr.iovLength(iovec(i), length);
        targets[i] = target;
    }

    /** Slot {@code i}'s datagram length as set for a send. */
    public int sendLength(int i) {
        return (int) iovec(i).get(ValueLayout.JAVA_LONG, 8);
    }

    /** Slot {@code i}'s target as set for a send (null: the connected peer). */
    public InetSocketAddress target(int i) {
        return targets[i];
    }

    /**
     * Encodes the targets of slots {@code [from, from + count)} for a socket of {@code family}
     * ({@link SockAddr#AF_INET} or {@link SockAddr#AF_INET6}): once per batch, not per datagram.
     */
    public void encodeTargets(int from, int count, int family) {
        for (int i = from; i < from + count; i++) {
            InetSocketAddress t = targets[i];
            int len = t == null ? 0 : SockAddr.encode(t, family, name(i));
            MMsgHdr.nameLength(vec, i, len);
        }
    }

    /**
     * One non-blocking {@code recvmmsg} of up to {@code max} datagrams on {@code fd}, with MSG_TRUNC so each entry
     * reports its datagram's full length: the count, or {@code -errno} ({@code -EAGAIN}: none queued).
     */
    public int recvmmsg(MemorySegment cs, int fd, int max) {
        int n = Math.min(max, capacity);
        for (int i = 0; i < n; i++) {
            MMsgHdr.nameLength(vec, i, SockAddr.MAX_SIZE);
            MMsgHdr.iovLength(iovec(i), slotBytes);
            MMsgHdr.flags(vec, i, 0);
        }
        return Socket.recvmmsg(cs, fd, vec, n, Socket.MSG_DONTWAIT | Socket.MSG_TRUNC);
    }

    /**
     * One non-blocking {@code sendmmsg} of slots {@code [from, from + count)} (targets encoded already): how many
     * went, or {@code -errno} when the first failed ({@code -EAGAIN}: the send buffer is full).
     */
    public int sendmmsg(MemorySegment cs, int fd, int from, int count) {
        if (from < 0 || count < 1 || from + count > capacity) {
            return -Errno.EINVAL;
        }
        MemorySegment first = from == 0 ? vec : vec.asSlice(from * MMsgHdr.SIZE);
        return Socket.sendmmsg(cs, fd, first, count, Socket.MSG_DONTWAIT | Socket.MSG_NOSIGNAL);
    }

    /** Frees the memory. Never while an operation on the batch is pending. */
    @Override
    public void close() {
        arena.close();
    }
}
