/**
 * Synchronisation between tasks and threads: {@link io.ringloop.sync.Channel} (MPSC, bounded or unbounded),
 * {@link io.ringloop.sync.Oneshot}, {@link io.ringloop.sync.Broadcast}, {@link io.ringloop.sync.Mutex},
 * {@link io.ringloop.sync.Semaphore}, {@link io.ringloop.sync.Notify}.
 *
 * <h2>Design</h2>
 * Everything here waits by parking the calling thread ({@code LockSupport.park}, or a {@code ReentrantLock}
 * condition for {@code Broadcast}). A ringloop task is a virtual thread, so parking unmounts it and its loop
 * runs other tasks; a plain thread simply blocks. So these types work from tasks on any loop and from any
 * thread, and know nothing of loops, drivers or tasks (they depend on the JDK only).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li><b>Fast paths do not allocate.</b> An uncontended lock/unlock, acquire/release, notify, or a send or
 *       receive on the bounded channel is a CAS or two on one word. A wait node ({@code Waiter}) is allocated
 *       only by a caller that must park; the unbounded channel allocates one node per message.</li>
 *   <li><b>State words.</b> Each primitive keeps its state in one volatile word whose "someone is queued"
 *       encoding ({@code Mutex.LOCKED_QUEUED}, {@code Semaphore.QUEUED}, {@code Notify.WAITING}) makes the
 *       fast-path CAS fail while anyone waits; that state is entered and left only under the primitive's
 *       queue lock, where hand-overs happen. So waiters are served in FIFO order and nobody barges.</li>
 *   <li><b>Hand-over, then cancel.</b> A releaser removes the head waiter, marks it granted and unparks it. An
 *       interrupted (cancelled) waiter takes the queue lock: if still queued it just leaves; if it was
 *       granted at the same moment, it passes the grant on (unlocks, releases its permits, forwards the
 *       notification, wakes the next sender). No permit, lock or notification is lost.</li>
 *   <li><b>Channels.</b> The close flags live in the same word senders CAS to claim a slot, so "sent before
 *       close" is exactly "claimed before the flag"; the receiver drains up to that count, then reports
 *       closed. An interrupted receive takes nothing; an interrupted send sends nothing.</li>
 *   <li><b>Memory order.</b> Every park/wake decision is a Dekker pair: each side writes its own volatile
 *       word and then reads the other's volatile word (e.g. {@code parkedReceiver} against the send word),
 *       so at least one side sees the other and no wake-up is lost.</li>
 * </ul>
 *
 * <h2>Names</h2>
 * {@code Notify.notifyWaiters} is tokio's {@code notify_waiters} ({@code Object.notifyAll} is final).
 *
 * <h2>References</h2>
 * tokio {@code sync} (semantics of mpsc, oneshot, broadcast, Mutex, Semaphore, Notify); JCTools
 * {@code MpscArrayQueue} (claim-by-CAS ring, the consumer's wait for a claimed slot); Vyukov's intrusive
 * MPSC node queue (the unbounded channel).
 */
package io.ringloop.sync;
