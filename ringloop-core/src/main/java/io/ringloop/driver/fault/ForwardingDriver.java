package io.ringloop.driver.fault;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.driver.DriverCounters;
import io.ringloop.driver.ReceiveCompletion;
import io.ringloop.driver.SocketOpt;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A {@link Driver} that hands every call to another: a wrapper extends it and overrides only what it changes
 * ({@link FaultInjectingDriver}), so a call added to the contract reaches the real backend unchanged until the
 * wrapper chooses otherwise, instead of falling to the interface's default.
 */
abstract class ForwardingDriver implements Driver {
    /** The backend every call goes to. */
    protected final Driver delegate;

    ForwardingDriver(Driver delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int socket(int family, int type) {
        return delegate.socket(family, type);
    }

    @Override
    public int bind(int handle, SocketAddress address) {
        return delegate.bind(handle, address);
    }

    @Override
    public int listen(int handle, int backlog) {
        return delegate.listen(handle, backlog);
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        return delegate.setOption(handle, option, value);
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        return delegate.getOption(handle, option);
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        return delegate.localAddress(handle);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        return delegate.peerAddress(handle);
    }

    @Override
    public int shutdown(int handle, int how) {
        return delegate.shutdown(handle, how);
    }

    @Override
    public int close(int handle) {
        return delegate.close(handle);
    }

    @Override
    public Object detach(int handle) {
        return delegate.detach(handle);
    }

    @Override
    public int adopt(Object detached) {
        return delegate.adopt(detached);
    }

    @Override
    public boolean supportsFiles() {
        return delegate.supportsFiles();
    }

    @Override
    public int openFile(MemorySegment path, int flags, int mode, Completion completion) {
        return delegate.openFile(path, flags, mode, completion);
    }

    @Override
    public int readFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        return delegate.readFile(fd, buffer, offset, length, position, completion);
    }

    @Override
    public int writeFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        return delegate.writeFile(fd, buffer, offset, length, position, completion);
    }

    @Override
    public int syncFile(int fd, boolean dataOnly, Completion completion) {
        return delegate.syncFile(fd, dataOnly, completion);
    }

    @Override
    public int closeFile(int fd, Completion completion) {
        return delegate.closeFile(fd, completion);
    }

    @Override
    public int statFile(int fd, int mask, MemorySegment statx, Completion completion) {
        return delegate.statFile(fd, mask, statx, completion);
    }

    @Override
    public int truncateFile(int fd, long length, Completion completion) {
        return delegate.truncateFile(fd, length, completion);
    }

    @Override
    public int allocateFile(int fd, int mode, long offset, long length, Completion completion) {
        return delegate.allocateFile(fd, mode, offset, length, completion);
    }

    @Override
    public int renameFile(MemorySegment from, MemorySegment to, Completion completion) {
        return delegate.renameFile(from, to, completion);
    }

    @Override
    public int unlinkFile(MemorySegment path, boolean directory, Completion completion) {
        return delegate.unlinkFile(path, directory, completion);
    }

    @Override
    public int makeDirectory(MemorySegment path, int mode, Completion completion) {
        return delegate.makeDirectory(path, mode, completion);
    }

    @Override
    public int spliceFromFile(int fd, long position, int pipe, int length, Completion completion) {
        return delegate.spliceFromFile(fd, position, pipe, length, completion);
    }

    @Override
    public int accept(int handle, Completion completion) {
        return delegate.accept(handle, completion);
    }

    @Override
    public int connect(int handle, SocketAddress address, Completion completion) {
        return delegate.connect(handle, address, completion);
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        return delegate.read(handle, buffer, completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        return delegate.write(handle, buffer, completion);
    }

    @Override
    public int read(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        return delegate.read(handle, buffer, offset, length, completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        return delegate.write(handle, buffer, offset, length, completion);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        return delegate.readv(handle, buffers, completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        return delegate.writev(handle, buffers, completion);
    }

    @Override
    public int receive(int handle, MemorySegment scratch, ReceiveCompletion completion) {
        return delegate.receive(handle, scratch, completion);
    }

    @Override
    public void receiveDone(int handle) {
        delegate.receiveDone(handle);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return delegate.receiveFrom(handle, buffer, senderAddress, completion);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        return delegate.sendTo(handle, buffer, target, completion);
    }

    @Override
    public int peerCredentials(int handle, MemorySegment ucred) {
        return delegate.peerCredentials(handle, ucred);
    }

    @Override
    public int sendMessage(int handle, MemorySegment msghdr, Completion completion) {
        return delegate.sendMessage(handle, msghdr, completion);
    }

    @Override
    public int receiveMessage(int handle, MemorySegment msghdr, Completion completion) {
        return delegate.receiveMessage(handle, msghdr, completion);
    }

    @Override
    public int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return delegate.receiveDatagram(handle, buffer, senderAddress, completion);
    }

    @Override
    public int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        return delegate.receiveBatch(handle, batch, max, completion);
    }

    @Override
    public int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        return delegate.sendBatch(handle, batch, from, count, completion);
    }

    @Override
    public int membership(int handle, boolean join, InetAddress group, int interfaceIndex) {
        return delegate.membership(handle, join, group, interfaceIndex);
    }

    @Override
    public boolean cancel(Completion completion) {
        return delegate.cancel(completion);
    }

    @Override
    public boolean supportsSplice() {
        return delegate.supportsSplice();
    }

    @Override
    public int pipe(int[] ends, int capacityBytes) {
        return delegate.pipe(ends, capacityBytes);
    }

    @Override
    public int splice(int from, int to, int length, Completion completion) {
        return delegate.splice(from, to, length, completion);
    }

    @Override
    public int pollReady(int fd, int events, Completion completion) {
        return delegate.pollReady(fd, events, completion);
    }

    @Override
    public boolean deadline(Completion completion, long timeoutNs) {
        return delegate.deadline(completion, timeoutNs);
    }

    @Override
    public int poll(long timeoutNs) {
        return delegate.poll(timeoutNs);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public long wakeupCount() {
        return delegate.wakeupCount();
    }

    @Override
    public long waitCalls() {
        return delegate.waitCalls();
    }

    @Override
    public DriverCounters counters() {
        return delegate.counters();
    }

    @Override
    public int openHandles() {
        return delegate.openHandles();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
