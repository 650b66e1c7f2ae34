package io.ringloop.loop;

import java.util.PriorityQueue;

/**
 * Interim loop timers: a binary heap of deadlines. Loop thread only. To be replaced by the hierarchical
 * {@code TimerWheel} (issue 5), which has the same shape of API.
 */
final class TimerQueue {
    private final PriorityQueue<Entry> heap = new PriorityQueue<>();
    private long nextId = 1;

    private static final class Entry implements Comparable<Entry> {
        final long deadlineNs;
        final long id;
        Runnable task;

        Entry(long deadlineNs, long id, Runnable task) {
            this.deadlineNs = deadlineNs;
            this.id = id;
            this.task = task;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadlineNs - o.deadlineNs, 0);
            return c != 0 ? c : Long.compare(id, o.id);
        }
    }

    private final java.util.HashMap<Long, Entry> byId = new java.util.HashMap<>();

    long schedule(long deadlineNs, Runnable task) {
        Entry e = new Entry(deadlineNs, nextId++, task);
        heap.add(e);
        byId.put(e.id, e);
        return e.id;
    }

    boolean cancel(long id) {
        Entry e = byId.remove(id);
        if (e == null) {
            return false;
        }
        e.task = null;
        heap.remove(e);
        return true;
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    long nextDeadlineNs() {
        Entry e = heap.peek();
        return e == null ? Long.MAX_VALUE : e.deadlineNs;
    }

    void fire(long nowNs, int limit) {
        for (int i = 0; i < limit; i++) {
            Entry e = heap.peek();
            if (e == null || e.deadlineNs - nowNs > 0) {
                return;
            }
            heap.poll();
            byId.remove(e.id);
            Runnable t = e.task;
            if (t != null) {
                try {
                    t.run();
                } catch (Throwable ignore) {
                    // a timer's failure belongs to whoever scheduled it; the loop goes on
                }
            }
        }
    }
}
