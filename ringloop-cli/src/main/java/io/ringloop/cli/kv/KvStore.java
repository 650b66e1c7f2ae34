package io.ringloop.cli.kv;

import io.ringloop.io.ByteView;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data of {@code ringloop kv}: <b>one map shared by every loop</b>, a {@link ConcurrentHashMap}. Why not a
 * map per loop: connections land on loops by the kernel's SO_REUSEPORT hash, so a client's SET and another
 * client's GET may run on different loops and must see the same data; a per-loop map would need routing of
 * each key to its owner loop (a hop per command) to be correct. The concurrent map is correct with no hop, and
 * its reads take no lock. Each value is an immutable {@link Entry} replaced whole, so readers never see half a
 * write; read-modify-write commands (INCR, SET NX/XX, EXPIRE) use {@code compute}, atomic per key.
 *
 * <p>Expiry as Redis does it: a key past its deadline is removed when touched, and a periodic
 * {@link #expireSome} pass samples the map so unread keys go too. Times are wall-clock milliseconds.
 */
final class KvStore {
    /** A value and its deadline (epoch ms; 0: none). */
    record Entry(byte[] value, long expiresAtMs) {
        boolean expired(long nowMs) {
            return expiresAtMs != 0 && expiresAtMs <= nowMs;
        }
    }

    /** A command's failure, answered as a RESP error ({@code message} without the leading '-'). */
    static final class KvError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KvError(String message) {
            super(message, null, false, false);
        }
    }

    static final String NOT_INTEGER = "ERR value is not an integer or out of range";

    private final ConcurrentHashMap<Key, Entry> map = new ConcurrentHashMap<>();
    /** The sampling pass's place in the map (weakly consistent; restarted at its end). */
    private Iterator<Map.Entry<Key, Entry>> sweep;

    static long nowMs() {
        return System.currentTimeMillis();
    }

    /** The live entry of {@code key} (a probe is fine), or null; an expired one is removed. */
    Entry get(Key key) {
        Entry e = map.get(key);
        if (e != null && e.expired(nowMs())) {
            map.remove(key, e);
            return null;
        }
        return e;
    }

    /** SET: {@code onlyIfAbsent} (NX) / {@code onlyIfPresent} (XX); false when the condition failed. */
    boolean set(Key probe, byte[] value, long expiresAtMs, boolean onlyIfAbsent, boolean onlyIfPresent,
                boolean keepTtl) {
        if (!onlyIfAbsent && !onlyIfPresent && !keepTtl) {
            map.put(probe.copy(), new Entry(value, expiresAtMs));
            return true;
        }
        boolean[] done = new boolean[1];
        long now = nowMs();
        map.compute(probe.copy(), (k, old) -> {
            boolean live = old != null && !old.expired(now);
            if (onlyIfAbsent && live || onlyIfPresent && !live) {
                return live ? old : null;
            }
            done[0] = true;
            return new Entry(value, keepTtl && live ? old.expiresAtMs() : expiresAtMs);
        });
        return done[0];
    }

    /** Removes a live key: true when there was one. */
    boolean delete(Key probe) {
        Entry e = map.remove(probe);
        return e != null && !e.expired(nowMs());
    }

    /** INCRBY: the new value. */
    long incrementBy(Key probe, long delta) {
        long[] result = new long[1];
        long now = nowMs();
        map.compute(probe.copy(), (k, old) -> {
            boolean live = old != null && !old.expired(now);
            long current = live ? parse(old.value()) : 0;
            long next = current + delta;
            if (((current ^ next) & (delta ^ next)) < 0) {
                throw new KvError("ERR increment or decrement would overflow");
            }
            result[0] = next;
            return new Entry(Long.toString(next).getBytes(StandardCharsets.US_ASCII),
                    live ? old.expiresAtMs() : 0);
        });
        return result[0];
    }

    private static long parse(byte[] value) {
        if (value.length == 0 || value.length > 20) {
            throw new KvError(NOT_INTEGER);
        }
        try {
            return ByteView.of(value).parseLong();
        } catch (NumberFormatException e) {
            throw new KvError(NOT_INTEGER);
        }
    }

    /** Sets a live key's deadline (a deadline already past deletes it): true when the key exists. */
    boolean expireAt(Key probe, long expiresAtMs) {
        boolean[] done = new boolean[1];
        long now = nowMs();
        map.computeIfPresent(probe, (k, old) -> {
            if (old.expired(now)) {
                return null;
            }
            done[0] = true;
            return expiresAtMs <= now ? null : new Entry(old.value(), expiresAtMs);
        });
        return done[0];
    }

    /** Removes a live key's deadline: true when it had one. */
    boolean persist(Key probe) {
        boolean[] done = new boolean[1];
        long now = nowMs();
        map.computeIfPresent(probe, (k, old) -> {
            if (old.expired(now)) {
                return null;
            }
            done[0] = old.expiresAtMs() != 0;
            return done[0] ? new Entry(old.value(), 0) : old;
        });
        return done[0];
    }

    void clear() {
        map.clear();
    }

    /** Keys held, expired ones not yet removed included (as Redis's DBSIZE). */
    int size() {
        return map.size();
    }

    /** One sampling pass: looks at up to {@code budget} entries and removes the expired ones. */
    synchronized int expireSome(int budget) {
        long now = nowMs();
        int removed = 0;
        for (int i = 0; i < budget; i++) {
            if (sweep == null || !sweep.hasNext()) {
                sweep = map.entrySet().iterator();
                if (!sweep.hasNext()) {
                    break;
                }
            }
            Map.Entry<Key, Entry> e = sweep.next();
            if (e.getValue().expired(now) && map.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }
}
