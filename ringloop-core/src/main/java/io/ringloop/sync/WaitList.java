package io.ringloop.sync;

/**
 * An intrusive FIFO of {@link Waiter}s with O(1) removal from the middle (a cancelled waiter leaves at once).
 * Not thread-safe: every call happens under the owning primitive's lock.
 */
final class WaitList {
    private Waiter head;
    private Waiter tail;
    private int size;

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    Waiter peek() {
        return head;
    }

    void add(Waiter waiter) {
        waiter.prev = tail;
        waiter.next = null;
        if (tail == null) {
            head = waiter;
        } else {
            tail.next = waiter;
        }
        tail = waiter;
        waiter.queued = true;
        size++;
    }

    Waiter poll() {
        Waiter waiter = head;
        if (waiter != null) {
            remove(waiter);
        }
        return waiter;
    }

    /** Removes the waiter if it is still queued; returns whether it was. */
    boolean remove(Waiter waiter) {
        if (!waiter.queued) {
            return false;
        }
        Waiter prev = waiter.prev;
        Waiter next = waiter.next;
        if (prev == null) {
            head = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.prev = prev;
        }
        waiter.prev = null;
        waiter.next = null;
        waiter.queued = false;
        size--;
        return true;
    }
}
