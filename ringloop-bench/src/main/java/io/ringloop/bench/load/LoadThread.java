package io.ringloop.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One generator thread: a selector over its share of the connections. Counters are written only by this
 * thread (plain fields) and published once per loop turn with opaque stores, so the controller can read a
 * window's totals without slowing the hot loop. Latencies go to a single-writer HdrHistogram recorder.
 */
final class LoadThread implements Runnable {
    /** Latencies above a minute are clamped: nothing sensible takes that long on loopback. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;
    /** Open loop: below this distance to the next send, poll the selector instead of sleeping in it. */
    private static final long SPIN_BELOW_NS = 2_000_000;

    private final LoadConfig config;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, MAX_LATENCY_NS, 3);
    private final Consumer<SelectionKey> onKey = this::onKey;
    private volatile boolean stop;
    private volatile Throwable failure;
    private Thread thread;

    // Written by this thread only (Conn updates them); published below.
    long messages;
    long errors;
    long sent;
    long lateSends;
    private final AtomicLong messagesOut = new AtomicLong();
    private final AtomicLong errorsOut = new AtomicLong();
    private final AtomicLong sentOut = new AtomicLong();
    private final AtomicLong lateSendsOut = new AtomicLong();

    LoadThread(LoadConfig config) throws IOException {
        this.config = config;
        this.selector = Selector.open();
    }

    void add(Conn conn) throws IOException {
        conn.channel().configureBlocking(false);
        conn.register(conn.channel().register(selector, SelectionKey.OP_READ, conn));
        conns.add(conn);
    }

    void start(String name) {
        thread = Thread.ofPlatform().name(name).start(this);
    }

    Thread thread() {
        return thread;
    }

    void recordLatency(long latencyNs) {
        recorder.recordValue(Math.min(Math.max(latencyNs, 1), MAX_LATENCY_NS));
    }

    /** The latencies recorded since the previous call (the recorder swaps buffers; no pause for the writer). */
    Histogram intervalHistogram() {
        return recorder.getIntervalHistogram();
    }

    long messages() {
        return messagesOut.getOpaque();
    }

    long errors() {
        return errorsOut.getOpaque();
    }

    long sent() {
        return sentOut.getOpaque();
    }

    long lateSends() {
        return lateSendsOut.getOpaque();
    }

    Throwable failure() {
        return failure;
    }

    /** For a thread that never started (a later connect failed): closes what it was given. */
    void closeUnstarted() {
        for (Conn conn : conns) {
            conn.close();
        }
        try {
            selector.close();
        } catch (IOException ignore) {
            // nothing was ever selected
        }
    }

    void requestStop() {
        stop = true;
        selector.wakeup();
    }

    void join() throws InterruptedException {
        thread.join();
    }

    @Override
    public void run() {
        try {
            if (config.openLoop()) {
                runOpenLoop();
            } else {
                runClosedLoop();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            publish();
            for (Conn conn : conns) {
                conn.close();
            }
            try {
                selector.close();
            } catch (IOException ignore) {
                // selector of a finished run
            }
        }
    }

    private void runClosedLoop() throws IOException {
        long now = System.nanoTime();
        for (Conn conn : conns) {
            conn.startClosedLoop(now);
        }
        while (!stop && !allFinished()) {
            selector.select(onKey);
            publish();
        }
    }

    private void runOpenLoop() throws IOException {
        while (!stop && !allFinished()) {
            long now = System.nanoTime();
            long earliestNs = Long.MAX_VALUE;
            for (Conn conn : conns) {
                conn.sendDue(now);
                earliestNs = Math.min(earliestNs, conn.nextDueNs());
            }
            long waitNs = earliestNs - System.nanoTime();
            if (waitNs > SPIN_BELOW_NS) {
                selector.select(onKey, waitNs / 1_000_000 - 1);
            } else {
                selector.selectNow(onKey);
            }
            publish();
        }
    }

    /** Open loop: spreads the total rate over all connections, each phase-shifted by its global index. */
    void scheduleOpenLoop(long startNs, int firstIndex) {
        double intervalNs = 1e9 * config.connections() / config.rateMsgsPerSec();
        for (int i = 0; i < conns.size(); i++) {
            conns.get(i).startOpenLoop(startNs, intervalNs, (double) (firstIndex + i) / config.connections());
        }
    }

    private boolean allFinished() {
        if (config.messagesPerConnection() == 0) {
            return false;
        }
        for (Conn conn : conns) {
            if (!conn.finished()) {
                return false;
            }
        }
        return true;
    }

    private void onKey(SelectionKey key) {
        Conn conn = (Conn) key.attachment();
        try {
            if (!conn.onReady(!config.openLoop())) {
                throw new IOException("server closed the connection after " + conn.received() + " echoes");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void publish() {
        messagesOut.setOpaque(messages);
        errorsOut.setOpaque(errors);
        sentOut.setOpaque(sent);
        lateSendsOut.setOpaque(lateSends);
    }
}
