package io.ringloop.driver.nio;

import io.ringloop.driver.DatagramBatch;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.ArrayList;

/**
 * The NIO driver's datagram operations beyond receiveFrom/sendTo, on the JDK's {@code DatagramChannel}:
 * <ul>
 *   <li>A receive that reports truncation. {@code DatagramChannel.receive} truncates silently and says nothing, so a
 *       buffer smaller than the largest datagram (65535 bytes) receives through a heap staging buffer of that size,
 *       made once per driver, and gets its share copied: the result is the datagram's full length, as with
 *       MSG_TRUNC on Linux.</li>
 *   <li>An empty datagram to a connected peer: the JDK sends nothing for it (and says 0 bytes went), so it is
 *       refused with -EOPNOTSUPP. To an address it goes.</li>
 *   <li>Batches: the JDK has no recvmmsg/sendmmsg, so a batch is a loop of receives (sends) until one would block or
 *       the batch is done, reported in the batch's entries as recvmmsg would. An error after some datagrams moved
 *       ends the batch with those, and is kept for the handle's next batch call (the JDK has consumed it).</li>
 *   <li>Multicast membership through {@code DatagramChannel.join} (an interface is required: the JDK has no
 *       "system's choice"), the keys kept on the channel so a leave can drop them.</li>
 * </ul>
 * Loop thread only.
 */
final class NioDatagrams {
    /** The largest datagram: a buffer at least this big cannot be truncated. */
    private static final int MAX_DATAGRAM = 65535;

    /** Made at the first receive into a smaller buffer. */
    private ByteBuffer staging;

    /** One receive into {@code buffer}: the datagram's full length, or {@link NioOps#AGAIN}. */
    int receive(NioChannel ch, MemorySegment buffer, MemorySegment senderAddress) throws IOException {
        DatagramChannel dc = (DatagramChannel) ch.channel;
        SocketAddress from;
        int n;
        if (buffer.byteSize() >= MAX_DATAGRAM) {
            ByteBuffer b = ch.readView.of(buffer);
            int start = b.position();
            from = dc.receive(b);
            n = b.position() - start;
        } else {
            ByteBuffer s = staging();
            from = dc.receive(s);
            n = s.position();
            MemorySegment.copy(s.array(), 0, buffer, ValueLayout.JAVA_BYTE, 0, (int) Math.min(n, buffer.byteSize()));
        }
        if (from == null) {
            ch.readReady = false;
            return NioOps.AGAIN;
        }
        if (senderAddress != null && from instanceof InetSocketAddress sender) {
            SockAddr.encode(sender, SockAddr.family(sender), senderAddress);
        }
        return n;
    }

    /** Up to {@code max} receives into {@code batch}: how many came, or {@link NioOps#AGAIN} when none. */
    int receiveBatch(NioChannel ch, DatagramBatch batch, int max) throws IOException {
        int pending = takeError(ch);
        if (pending != 0) {
            return pending;
        }
        int n = Math.max(1, Math.min(max, batch.capacity()));
        ByteBuffer s = staging();
        for (int i = 0; i < n; i++) {
            SocketAddress from;
            try {
                from = ((DatagramChannel) ch.channel).receive(s.clear());
            } catch (IOException e) {
                if (i == 0) {
                    throw e;
                }
                ch.pendingError = NioErrors.result(e);
                return i;
            }
            if (from == null) {
                ch.readReady = false;
                return i == 0 ? NioOps.AGAIN : i;
            }
            int len = s.position();
            MemorySegment.copy(s.array(), 0, batch.slot(i), ValueLayout.JAVA_BYTE, 0, Math.min(len, batch.slotBytes()));
            batch.received(i, len, len > batch.slotBytes(), (InetSocketAddress) from);
        }
        return n;
    }

    /** Sends slots {@code [from, from + count)}: how many went, or {@link NioOps#AGAIN} when none could. */
    int sendBatch(NioChannel ch, DatagramBatch batch, int from, int count) throws IOException {
        int pending = takeError(ch);
        if (pending != 0) {
            return pending;
        }
        DatagramChannel dc = (DatagramChannel) ch.channel;
        for (int i = from; i < from + count; i++) {
            int len = batch.sendLength(i);
            ByteBuffer b = batch.slot(i).asSlice(0, len).asByteBuffer();
            InetSocketAddress target = batch.target(i);
            int n;
            try {
                n = send(dc, b, target);
            } catch (IOException e) {
                if (i == from) {
                    throw e;
                }
                ch.pendingError = NioErrors.result(e);
                return i - from;
            }
            if (n < 0) {
                return i == from ? n : i - from; // the refused empty datagram fails the next call
            }
            if (n == 0 && len > 0) {
                ch.writeReady = false;
                return i == from ? NioOps.AGAIN : i - from;
            }
        }
        return count;
    }

    /** Joins or leaves {@code group} on the interface of index {@code ifindex}: 0 or -errno, as Linux answers. */
    static int membership(NioChannel ch, boolean join, InetAddress group, int ifindex) throws IOException {
        NetworkInterface nif = ifindex == 0 ? null : NetworkInterface.getByIndex(ifindex);
        if (nif == null) {
            return -Errno.EINVAL; // the JDK joins on a named interface only
        }
        if (ch.memberships == null) {
            ch.memberships = new ArrayList<>();
        }
        ch.memberships.removeIf(k -> !k.isValid());
        MembershipKey found = null;
        for (MembershipKey k : ch.memberships) {
            if (k.group().equals(group) && k.networkInterface().equals(nif)) {
                found = k;
            }
        }
        if (!join) {
            if (found == null) {
                return -Errno.EADDRNOTAVAIL;
            }
            found.drop();
            ch.memberships.remove(found);
            return 0;
        }
        if (found != null) {
            return -Errno.EADDRINUSE;
        }
        ch.memberships.add(((DatagramChannel) ch.channel).join(group, nif));
        return 0;
    }

    /**
     * One datagram to {@code target}, or to the connected peer when null. The JDK sends nothing for an empty buffer on
     * a connected channel ({@code write} and {@code send} both return 0, as if it went), so an empty datagram there is
     * refused with {@code -EOPNOTSUPP} rather than reported sent.
     */
    static int send(DatagramChannel dc, ByteBuffer b, SocketAddress target) throws IOException {
        if (!b.hasRemaining() && dc.isConnected()) {
            return -Errno.EOPNOTSUPP;
        }
        return target == null ? dc.write(b) : dc.send(b, target);
    }

    private static int takeError(NioChannel ch) {
        int e = ch.pendingError;
        ch.pendingError = 0;
        return e;
    }

    private ByteBuffer staging() {
        if (staging == null) {
            staging = ByteBuffer.allocate(MAX_DATAGRAM);
        }
        return staging.clear();
    }
}
