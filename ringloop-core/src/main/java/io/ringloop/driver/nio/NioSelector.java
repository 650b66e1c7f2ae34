package io.ringloop.driver.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The {@link NioDriver}'s JDK {@link Selector} and how it is driven: one select per poll with the timeout rounded
 * up to whole milliseconds, wake-ups that racing threads coalesce into one {@link Selector#wakeup()}, and the early
 * release of closed channels' fds (the JDK frees them only at a select, which cannot be entered from inside one).
 * Each ready key goes to the callback given at construction; what a readiness means is the driver's business.
 *
 * <p>Loop thread only, except {@link #wakeup} and {@link #wakeupCount}.
 */
final class NioSelector {
    private final Selector selector;
    /** Captured once: the ready-key callback of every select. */
    private final Consumer<SelectionKey> onReady;
    /** Set while a {@link Selector#wakeup()} is outstanding, so racing wakers make one. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicLong wakeups = new AtomicLong();
    /** True inside select (completions run there): a selector cannot be selected re-entrantly. */
    private boolean selecting;
    /** A release of closed channels was asked for during the select in progress: done right after it. */
    private boolean flushAfterSelect;
    private boolean closed;

    NioSelector(Consumer<SelectionKey> onReady) throws IOException {
        this.selector = Selector.open();
        this.onReady = onReady;
    }

    /** The JDK selector, for registering channels. */
    Selector jdkSelector() {
        return selector;
    }

    /**
     * Waits up to {@code timeoutNs} (0: do not wait, negative: no limit) for ready keys or a {@link #wakeup} and
     * runs the callback for each ready key, inside the select.
     */
    void select(long timeoutNs) {
        selecting = true;
        try {
            if (timeoutNs == 0) {
                selector.selectNow(onReady);
            } else if (timeoutNs < 0) {
                selector.select(onReady);
            } else {
                // Round up: a sub-millisecond timeout must not become 0 ("no limit" to select) or spin.
                long timeoutMs = timeoutNs / 1_000_000 + (timeoutNs % 1_000_000 != 0 ? 1 : 0);
                selector.select(onReady, timeoutMs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("select", e);
        } catch (ClosedSelectorException e) {
            if (!closed) {
                throw e;
            }
            // A completion closed the driver during this select: what was pending has been cancelled.
        } finally {
            selecting = false;
            wakePending.set(false);
        }
        if (flushAfterSelect && !closed) {
            flushAfterSelect = false;
            try {
                flushCancelledKeys();
            } catch (IOException e) {
                throw new UncheckedIOException("selectNow", e);
            }
        }
    }

    /**
     * Makes the JDK release the fds of channels closed so far: now, or right after the select in progress when
     * called from inside one (by a completion).
     */
    void releaseClosedChannels() throws IOException {
        if (selecting) {
            flushAfterSelect = true;
        } else {
            flushCancelledKeys();
        }
    }

    /**
     * Makes the JDK release the fds of closed channels now instead of at the next select. The selector is
     * level-triggered, so the ready keys this extra select finds and we drop are reported again by the next.
     */
    private void flushCancelledKeys() throws IOException {
        selector.selectNow();
        selector.selectedKeys().clear();
    }

    /** Any thread: makes the current or next select return. */
    void wakeup() {
        if (!wakePending.getAndSet(true)) {
            wakeups.incrementAndGet();
            selector.wakeup();
        }
    }

    /** Selector wake-ups made so far. */
    long wakeupCount() {
        return wakeups.get();
    }

    /** Closes the selector, which deregisters every key, so the JDK frees the closed channels' fds now. */
    void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException ignore) {
            // Nothing to recover: the selector's own fds are released regardless.
        }
    }
}
