package io.ringloop;

import java.time.Duration;

/**
 * Stops a {@link Ringloop} from any thread (a signal handler, an admin endpoint, a test): stop accepting, let
 * tasks finish up to a deadline, cancel what is left, close every socket, join every loop thread. Idempotent:
 * the first call decides the drain time; later calls just wait.
 */
public final class ShutdownHandle {
    private final Ringloop runtime;

    ShutdownHandle(Ringloop runtime) {
        this.runtime = runtime;
    }

    /** {@link Ringloop#shutdown(Duration)}: tasks drain for up to {@code drain}; returns when every loop ended. */
    public void shutdown(Duration drain) {
        runtime.shutdown(drain);
    }

    public boolean isShutdown() {
        return runtime.isShutdown();
    }
}
