package io.ringloop.driver;

import java.lang.foreign.MemorySegment;

/**
 * What a readiness backend gives the {@link ReadinessCore}: one try of an operation's system call, and a way to
 * ask for (and give up) readiness events of a handle. Everything else about the backend (how readiness arrives,
 * how handles map to fds or channels, its readiness cache) stays behind these calls. Loop thread only.
 */
public interface ReadinessBackend {
    /**
     * One non-blocking try of an operation of {@code kind} ({@link ReadinessOp}) on {@code handle}: its result,
     * {@code -errno}, or {@code -EAGAIN} when it would block. A backend that caches readiness returns
     * {@code -EAGAIN} without a system call when the cache says the direction is not ready, and updates the cache
     * from what the try learned. {@code arg} and {@code attachment} are what the operation was started with; their
     * meaning depends on the kind and is the backend's. Must not run a {@link Completion}.
     */
    int attempt(int handle, int kind, MemorySegment buffer, long arg, Object attachment);

    /**
     * The operation of {@code kind} is about to wait: make sure readiness of its direction on {@code handle} will be
     * reported. Returns 0, or {@code -errno} to fail the operation (nothing has been claimed for it then).
     */
    int arm(int handle, int kind);

    /**
     * The operation of {@code kind} that waited on {@code handle} was cancelled (not completed, and not ended by a
     * close of the handle): the backend may stop asking for that direction's readiness.
     */
    void disarm(int handle, int kind);
}
