package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * The callback style of one {@link UdpSocket}, as {@link TcpCallbacks} is a stream's: {@link IoCallback} receives
 * and sends that run on the loop thread and allocate nothing per operation (one reusable {@link CallbackOp} per
 * kind, made at its first use; the sender's address stays in native memory until {@link #lastSender} decodes it).
 * A batch send goes on by itself until every datagram of the batch has gone, so its callback gets the batch's size.
 *
 * <p>The socket makes this object at its first callback-style call, after checking it runs on the loop thread.
 * Loop thread only.
 */
final class UdpCallbacks {
    private final UdpSocket socket;
    private final Loop loop;
    private final Driver driver;
    private final int handle;
    /** Where the kernel writes the sender of a callback-style receive. */
    private final MemorySegment sender;
    /** The batch send that is in progress: goes on from {@link #batchFrom} until it has all gone. */
    private final IoCallback batchStep = new IoCallback() {
        @Override
        public void completed(int result) {
            batchFrom += result;
            if (batchFrom < sendingBatch.size()) {
                startBatchSend();
            } else {
                IoCallback user = batchUser;
                batchUser = null;
                user.completed(batchFrom);
            }
        }

        @Override
        public void failed(Throwable error) {
            IoCallback user = batchUser;
            batchUser = null;
            user.failed(error);
        }
    };
    private CallbackOp receiveOp;
    private CallbackOp sendOp;
    private CallbackOp batchReceiveOp;
    private CallbackOp batchSendOp;
    private UdpBatch receivingBatch;
    private UdpBatch sendingBatch;
    private IoCallback batchUser;
    private int batchFrom;

    UdpCallbacks(UdpSocket socket, Loop loop, int handle, MemorySegment sender) {
        this.socket = socket;
        this.loop = loop;
        this.driver = loop.driver();
        this.handle = handle;
        this.sender = sender;
    }

    /** {@link UdpSocket#receive(MemorySegment, IoCallback)}. */
    void receive(MemorySegment buffer, IoCallback callback) {
        if (receiveOp == null) {
            receiveOp = new CallbackOp(loop, "recvfrom(fd=" + handle + ")", r -> r);
        }
        int r = socket.isOpen() ? driver.receiveDatagram(handle, buffer, sender, receiveOp) : -Errno.EBADF;
        receiveOp.started(r, callback);
    }

    /** The sender of the last datagram a callback-style receive got. */
    InetSocketAddress lastSender() {
        return SockAddr.decode(sender);
    }

    /** {@link UdpSocket#send(MemorySegment, InetSocketAddress, IoCallback)}. */
    void send(MemorySegment buffer, InetSocketAddress target, IoCallback callback) {
        if (sendOp == null) {
            sendOp = new CallbackOp(loop, "sendto(fd=" + handle + ")", r -> r);
        }
        int r = socket.isOpen() ? driver.sendTo(handle, buffer, target, sendOp) : -Errno.EBADF;
        sendOp.started(r, callback);
    }

    /** {@link UdpSocket#receive(UdpBatch, IoCallback)}. */
    void receive(UdpBatch batch, IoCallback callback) {
        if (batchReceiveOp == null) {
            batchReceiveOp = new CallbackOp(loop, "recvmmsg(fd=" + handle + ")", r -> {
                receivingBatch.receivedCount(r);
                return r;
            });
        }
        receivingBatch = batch;
        int r = socket.isOpen() ? driver.receiveBatch(handle, batch.driverBatch(), batch.capacity(), batchReceiveOp)
                : -Errno.EBADF;
        batchReceiveOp.started(r, callback);
    }

    /** {@link UdpSocket#send(UdpBatch, IoCallback)}; the targets are encoded already. */
    void send(UdpBatch batch, IoCallback callback) {
        if (batchUser != null) {
            throw new IllegalStateException("sendmmsg(fd=" + handle + "): a batch send is in progress");
        }
        if (batchSendOp == null) {
            batchSendOp = new CallbackOp(loop, "sendmmsg(fd=" + handle + ")", r -> r);
        }
        sendingBatch = batch;
        batchUser = callback;
        batchFrom = 0;
        startBatchSend();
    }

    private void startBatchSend() {
        int count = sendingBatch.size() - batchFrom;
        int r = !socket.isOpen() ? -Errno.EBADF
                : driver.sendBatch(handle, sendingBatch.driverBatch(), batchFrom, count, batchSendOp);
        batchSendOp.started(r, batchStep);
    }
}
