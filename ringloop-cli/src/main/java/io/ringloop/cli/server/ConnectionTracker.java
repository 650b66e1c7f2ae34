package io.ringloop.cli.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live connections of one server, for a graceful drain: on {@link #drain}, connections waiting idle for
 * their next request are woken (their task is interrupted, which cancels the pending read without losing
 * data) and close; busy ones finish the request in hand, answer it (HTTP adds {@code Connection: close}) and
 * close. Shared by the http and kv commands.
 *
 * <p>State per connection: BUSY (serving a request), IDLE (waiting for one), CLOSING (the drain claimed it).
 * The drain claims an idle connection with one CAS and only then interrupts it; a connection leaves IDLE with
 * the same CAS, so an interrupt never lands in the middle of a request, and a request that won the race is
 * served in full.
 */
public final class ConnectionTracker {
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSING = 2;

    private final Set<Connection> live = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    /** One connection's entry; made and used by the connection's own task. */
    public final class Connection implements AutoCloseable {
        private final Thread task = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(BUSY);

        /** Before waiting for the next request: false when the server drains (close instead of waiting). */
        public boolean enterIdle() {
            state.set(IDLE);
            return !draining;
        }

        /**
         * After the wait for a request ended (bytes, end of stream, or an interrupt): true to serve the request;
         * false when the drain claimed this connection (close it; the interrupt is cleared).
         */
        public boolean leaveIdle() {
            if (state.compareAndSet(IDLE, BUSY)) {
                return true;
            }
            Thread.interrupted();
            return false;
        }

        /** The server drains: answer the request in hand, then close. */
        public boolean draining() {
            return draining;
        }

        @Override
        public void close() {
            live.remove(this);
        }
    }

    /** Registers the calling task's connection. */
    public Connection register() {
        Connection c = new Connection();
        live.add(c);
        return c;
    }

    public int size() {
        return live.size();
    }

    /**
     * Starts the drain (idle connections close now, busy ones after their request) and waits up to
     * {@code timeout} for every connection to close: true when they did. Any thread; call after the listener
     * stopped accepting.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Connection c : live) {
                if (c.state.compareAndSet(IDLE, CLOSING)) {
                    c.task.interrupt();
                }
            }
            if (live.isEmpty()) {
                return true;
            }
            if (deadlineNs - System.nanoTime() <= 0) {
                return false;
            }
            Thread.sleep(10); // a shutdown path on the main thread: polling the set is simplest
        }
    }
}
