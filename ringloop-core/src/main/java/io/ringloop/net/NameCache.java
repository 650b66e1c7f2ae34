package io.ringloop.net;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Resolver}'s answers by host name: addresses (positive) or a failure message (negative), each until
 * its expiry. Bounded: when full, expired entries go first, then the least recently used. Any thread; every
 * method holds the lock briefly (no lookup ever runs under it).
 */
final class NameCache {
    /**
     * One answer: {@code addresses} for a positive entry, else null and {@code failure} the message of the
     * lookup's {@code UnknownHostException}. Dies when {@code System.nanoTime()}-like time reaches
     * {@code expiresNs}.
     */
    record Entry(List<InetAddress> addresses, String failure, long expiresNs) {
    }

    private final int maxEntries;
    /** Access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    NameCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The live entry for {@code key} at {@code nowNs}, or null (an expired one is dropped). */
    synchronized Entry get(String key, long nowNs) {
        Entry e = entries.get(key);
        if (e != null && e.expiresNs() - nowNs <= 0) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    /** Stores {@code entry}, first making room: expired entries out, then the least recently used. */
    synchronized void put(String key, Entry entry, long nowNs) {
        if (maxEntries == 0) {
            return;
        }
        entries.remove(key);
        if (entries.size() >= maxEntries) {
            for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue().expiresNs() - nowNs <= 0) {
                    it.remove();
                }
            }
        }
        while (entries.size() >= maxEntries) {
            Iterator<String> eldest = entries.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        entries.put(key, entry);
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized void clear() {
        entries.clear();
    }
}
