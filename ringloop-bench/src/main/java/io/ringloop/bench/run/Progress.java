package io.ringloop.bench.run;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn with '\r' a few times a second when stderr is a terminal;
 * otherwise one plain line per phase. Progress is time-based: the run's planned seconds are known upfront.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long REDRAW_MS = 250;

    private final PrintStream err = System.err;
    private final boolean terminal;
    private final double plannedSec;
    private final long startNs = System.nanoTime();
    private final Thread redrawer;
    private volatile double doneSec;
    private volatile long phaseStartNs = System.nanoTime();
    private volatile double phaseSec;
    private volatile String label = "";
    private volatile boolean closed;

    public Progress(double plannedSec) {
        this.plannedSec = Math.max(1, plannedSec);
        Console console = System.console();
        this.terminal = console != null && console.isTerminal();
        this.redrawer = terminal ? Thread.ofPlatform().daemon().name("progress").start(this::redrawLoop) : null;
    }

    /** Starts a phase expected to take {@code seconds}; completes the previous one. */
    public synchronized void phase(String text, double seconds) {
        doneSec += phaseSec;
        phaseSec = seconds;
        phaseStartNs = System.nanoTime();
        label = text;
        if (!terminal) {
            err.println(String.format(Locale.ROOT, "[%3.0f%%] %s", percent(), text));
        }
    }

    private double percent() {
        double inPhase = Math.min(phaseSec, (System.nanoTime() - phaseStartNs) / 1e9);
        return Math.min(100, 100 * (doneSec + inPhase) / plannedSec);
    }

    private void redrawLoop() {
        while (!closed) {
            draw();
            try {
                Thread.sleep(REDRAW_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void draw() {
        double pct = percent();
        int filled = (int) Math.round(pct / 100 * WIDTH);
        long elapsedSec = (System.nanoTime() - startNs) / 1_000_000_000L;
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        String line = String.format(Locale.ROOT, "\r[%s] %3.0f%% %d:%02d/~%d:%02d %s", bar, pct,
                elapsedSec / 60, elapsedSec % 60, (long) plannedSec / 60, (long) plannedSec % 60, label);
        err.print(line.length() > 119 ? line.substring(0, 119) : line + " ".repeat(119 - line.length()));
        err.flush();
    }

    @Override
    public void close() {
        closed = true;
        if (redrawer != null) {
            redrawer.interrupt();
            try {
                redrawer.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r" + " ".repeat(119) + "\r");
            err.flush();
        }
    }
}
