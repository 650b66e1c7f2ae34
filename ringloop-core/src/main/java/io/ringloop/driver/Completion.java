package io.ringloop.driver;

/**
 * The receiver of one pending operation's result.
 *
 * <p>A driver call that cannot finish at once returns {@link Driver#PENDING} and later calls
 * {@link #complete(int)} <b>exactly once</b>, on the loop thread, from inside {@link Driver#poll}
 * (or from {@link Driver#cancel}/{@link Driver#close(int)}/{@link Driver#close()}). The result is what the
 * operation's doc says on success, or {@code -errno}; a cancelled operation completes with
 * {@code -ECANCELED} unless its real result raced the cancel, in which case the real result is delivered
 * (so no received byte is ever lost).
 *
 * <p>One object serves one operation at a time and is reused afterwards: net keeps one per stream
 * direction, so the hot path allocates nothing. The driver owns {@link #token} while the operation is
 * pending.
 */
public abstract class Completion {
    /** Slot and generation of the pending operation, {@link #IDLE} when none; loop thread only. */
    long token = IDLE;

    /** The token of a completion with nothing pending. */
    public static final long IDLE = -1L;

    /** The pending operation's token ({@link OpTable}), {@link #IDLE} when none: for backends, loop thread only. */
    public final long token() {
        return token;
    }

    /** Called once per pending operation on the loop thread; must not throw. */
    public abstract void complete(int result);

    /** True between a {@link Driver#PENDING} return and the call of {@link #complete}. */
    public final boolean isPending() {
        return token != IDLE;
    }
}
