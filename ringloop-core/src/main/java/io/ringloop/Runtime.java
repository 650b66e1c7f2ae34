package io.ringloop;

import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The way in: a set of event loops, one thread each, and tasks spawned on them.
 *
 * <pre>{@code
 * try (var rt = Runtime.start()) {
 *     rt.blockOn(() -> {
 *         try (var listener = TcpListener.bind(7000)) { ... }
 *         return null;
 *     });
 * }
 * }</pre>
 */
public final class Runtime implements AutoCloseable {
    private final List<EventLoop> loops;
    private final Duration shutdownGrace;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    private Runtime(List<EventLoop> loops, Duration shutdownGrace) {
        this.loops = List.copyOf(loops);
        this.shutdownGrace = shutdownGrace;
    }

    /** One loop on the AUTO backend. */
    public static Runtime start() throws IOException {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runtime options. */
    public static final class Builder {
        private Backend backend = Backend.AUTO;
        private int threads = 1;
        private String name = "ringloop";
        private Duration shutdownGrace = Duration.ofSeconds(1);

        private Builder() {
        }

        /** Which kernel interface the loops drive; default AUTO (see {@link Backend}). */
        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        /** Number of loops (threads); default 1. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Thread name prefix; loops are named {@code name-0}, {@code name-1}, ... */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** How long {@link Runtime#close()} lets cancelled tasks finish before it closes their sockets. */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = grace;
            return this;
        }

        public Runtime start() throws IOException {
            List<EventLoop> loops = new ArrayList<>(threads);
            try {
                for (int i = 0; i < threads; i++) {
                    loops.add(EventLoop.start(backend, name + "-" + i));
                }
            } catch (IOException | RuntimeException e) {
                for (EventLoop l : loops) {
                    l.shutdown(Duration.ZERO);
                }
                throw e;
            }
            return new Runtime(loops, shutdownGrace);
        }
    }

    public List<EventLoop> loops() {
        return loops;
    }

    public EventLoop loop(int index) {
        return loops.get(index);
    }

    /** {@code "epoll"}, {@code "io_uring"} or {@code "nio"}. */
    public String backendName() {
        return loops.get(0).backendName();
    }

    /** Spawns a task on the next loop (round robin). */
    public <T> JoinHandle<T> spawn(Callable<T> task) {
        return Tasks.spawn(nextLoop(), task);
    }

    /** Spawns a task on loop {@code index}. */
    public <T> JoinHandle<T> spawnOn(int index, Callable<T> task) {
        return Tasks.spawn(loops.get(index), task);
    }

    /**
     * Runs {@code task} on a loop and waits for it: the bridge from ordinary code into the runtime. Its
     * exception is rethrown as is.
     */
    public <T> T blockOn(Callable<T> task) throws Exception {
        JoinHandle<T> h = spawn(task);
        try {
            return h.join();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            h.cancel();
            throw e;
        } catch (CancellationException e) {
            throw e;
        }
    }

    /** Runs {@code callbackCode} on a loop thread (not in a virtual thread): the entry for callback style. */
    public void execute(Runnable callbackCode) {
        nextLoop().execute(callbackCode);
    }

    private EventLoop nextLoop() {
        if (closed) {
            throw new IllegalStateException("runtime is closed");
        }
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * Stops every loop: live tasks are cancelled and get the grace period to finish, then every pending
     * operation is cancelled, every socket closed and every loop thread joined. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        for (EventLoop l : loops) {
            l.requestShutdown(shutdownGrace);
        }
        for (EventLoop l : loops) {
            l.shutdown(shutdownGrace);
        }
    }
}
