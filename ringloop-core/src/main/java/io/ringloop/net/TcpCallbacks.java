package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.CallbackStages;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * The callback style of one {@link TcpStream}: its {@link IoCallback} reads and writes, which run on the loop
 * thread and allocate nothing per operation (one reusable {@link CallbackOp} per direction, made at the
 * direction's first use), and the {@link CompletionStage} adapters over them, which any thread may call at the
 * price of a future and a callback per operation.
 *
 * <p>The stream makes this object at its first callback-style call, after checking it runs on the loop thread,
 * so a stream used only in the blocking style never pays for it. Loop thread only, except {@link #stage}.
 */
final class TcpCallbacks {
    private final TcpStream stream;
    private final Loop loop;
    private final Driver driver;
    private final int handle;
    private CallbackOp readOp;
    private CallbackOp writeOp;

    TcpCallbacks(TcpStream stream, Loop loop, int handle) {
        this.stream = stream;
        this.loop = loop;
        this.driver = loop.driver();
        this.handle = handle;
    }

    /** {@link TcpStream#read(MemorySegment, long, int, IoCallback)}. */
    void read(MemorySegment buffer, long offset, int length, IoCallback callback) {
        if (readOp == null) {
            readOp = new CallbackOp(loop, "read(fd=" + handle + ")", r -> r == 0 ? -1 : r,
                    () -> stream.directions.exit(true), r -> TcpOp.failure(stream, "read", r));
        }
        stream.directions.enter(true, "read");
        if (!stream.isOpen()) {
            readOp.refused(stream.closedException("read"), callback);
            return;
        }
        int r;
        try {
            r = driver.read(handle, buffer, offset, length, readOp);
        } catch (RuntimeException e) {
            stream.directions.exit(true);
            throw e;
        }
        readOp.started(r, callback);
    }

    /** {@link TcpStream#write(MemorySegment, long, int, IoCallback)}. */
    void write(MemorySegment buffer, long offset, int length, IoCallback callback) {
        if (writeOp == null) {
            writeOp = new CallbackOp(loop, "write(fd=" + handle + ")", r -> r, () -> stream.directions.exit(false),
                    r -> TcpOp.failure(stream, "write", r));
        }
        stream.directions.enter(false, "write");
        if (!stream.isOpen()) {
            writeOp.refused(stream.closedException("write"), callback);
            return;
        }
        int r;
        try {
            r = driver.write(handle, buffer, offset, length, writeOp);
        } catch (RuntimeException e) {
            stream.directions.exit(false);
            throw e;
        }
        writeOp.started(r, callback);
    }

    /**
     * {@link TcpStream#readAsync}/{@link TcpStream#writeAsync}: one callback-style read into (or write from)
     * {@code buf}'s remaining space, started on the loop thread, as a stage that completes there. Any thread.
     */
    static CompletionStage<Integer> stage(TcpStream stream, ByteBuffer buf, boolean read) {
        return CallbackStages.of(stream.loop(), buf, read ? stream::read : stream::write);
    }
}
