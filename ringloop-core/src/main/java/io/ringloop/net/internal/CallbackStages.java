package io.ringloop.net.internal;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.IoCallback;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A callback-style read or write as a {@link CompletionStage} ({@code readAsync}/{@code writeAsync} of TCP and TLS
 * streams): started on the stream's loop thread from any thread, completed there; the buffer's position advances
 * by the count. What the start throws (another read in progress...) fails the stage, not the loop's log.
 */
public final class CallbackStages {
    /** A stream's callback-style read or write of {@code segment[offset, offset+length)}. */
    @FunctionalInterface
    public interface Operation {
        void start(MemorySegment segment, long offset, int length, IoCallback callback);
    }

    private CallbackStages() {
    }

    /** {@code operation} over {@code buf}'s remaining space, on {@code loop}. */
    public static CompletionStage<Integer> of(EventLoop loop, ByteBuffer buf, Operation operation) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        int len = buf.remaining();
        IoCallback cb = new IoCallback() {
            @Override
            public void completed(int result) {
                if (result > 0) {
                    buf.position(buf.position() + result);
                }
                f.complete(result);
            }

            @Override
            public void failed(Throwable error) {
                f.completeExceptionally(error);
            }
        };
        Runnable go = () -> {
            try {
                operation.start(seg, 0, len, cb);
            } catch (RuntimeException e) {
                f.completeExceptionally(e); // e.g. another read in progress: the stage says so, not the loop's log
            }
        };
        if (loop.inLoopThread()) {
            go.run();
        } else {
            Loop.of(loop).execute(go);
        }
        return f;
    }
}
