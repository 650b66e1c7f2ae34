package io.ringloop.sync;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The single receiver's side of an MPSC channel: the Dekker pair that lets it park without a lock. The
 * receiver publishes itself (volatile write), re-checks for a message, then parks; a sender publishes its
 * message, then reads {@link #parked} (volatile read) and unparks. Each side writes before it reads, so at
 * least one of them sees the other and no wake-up is lost. Shared by both channel kinds.
 */
final class ReceiverParking {
    private volatile Thread parked;

    /** Receiver: the next message from {@code poll} (null meaning none yet), parking until there is one. */
    <T> T await(Supplier<T> poll) throws InterruptedException {
        while (true) {
            T message = poll.get();
            if (message != null) {
                return message;
            }
            parked = Thread.currentThread();
            try {
                message = poll.get();
                if (message != null) {
                    return message;
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } finally {
                parked = null;
            }
        }
    }

    /** Sender or closer, after publishing: wakes the receiver if it is parked. */
    void wake() {
        Thread receiver = parked;
        if (receiver != null) {
            LockSupport.unpark(receiver);
        }
    }
}
