package io.ringloop.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Resolver.Lookup} for tests: fixed answers (loopback literals only), a count of lookups, and a gate
 * that holds every lookup until released (a slow DNS server). Names without an answer are "not known".
 */
final class FakeLookup implements Resolver.Lookup {
    private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    /** One permit per lookup that has begun (and is held, if the gate is closed). */
    private final Semaphore begun = new Semaphore(0);
    private volatile CountDownLatch gate;

    /** {@code host} resolves to {@code literals}, in that order. */
    FakeLookup answer(String host, String... literals) {
        List<InetAddress> list = new ArrayList<>();
        for (String l : literals) {
            list.add(InetAddress.ofLiteral(l));
        }
        answers.put(host.toLowerCase(Locale.ROOT), List.copyOf(list));
        return this;
    }

    /** Lookups from now on wait until {@link #release()}. */
    FakeLookup hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    void release() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    int calls() {
        return calls.get();
    }

    /** Waits until a lookup has begun (a test failure after 30 s). */
    void awaitLookup() throws InterruptedException {
        if (!begun.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no lookup began within 30 s");
        }
    }

    Resolver resolver() {
        return Resolver.builder().lookup(this).build();
    }

    @Override
    public List<InetAddress> lookup(String host) throws UnknownHostException {
        calls.incrementAndGet();
        begun.release();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(60, TimeUnit.SECONDS)) {
                    throw new UnknownHostException(host + ": fake lookup never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host + ": fake lookup interrupted");
            }
        }
        List<InetAddress> a = answers.get(host.toLowerCase(Locale.ROOT));
        if (a == null) {
            throw new UnknownHostException(host + ": Name or service not known");
        }
        return a;
    }
}
