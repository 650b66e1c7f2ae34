package io.ringloop.net;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Timeouts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Host names to addresses without blocking a loop. The JDK's resolver ({@link InetAddress#getAllByName}) is
 * blocking native code: called from a task it would hold the loop's thread for as long as DNS takes. Here the
 * {@link Lookup} runs on a few platform threads of the resolver's own while the calling task parks, so its loop
 * keeps serving.
 *
 * <ul>
 *   <li><b>Literals</b> ({@code 127.0.0.1}, {@code ::1}, {@code [::1]}) are parsed, never looked up.
 *   <li><b>Timeout</b>: a call waits at most {@link Builder#timeout} (default 10 s) and then fails with an
 *       {@link UnknownHostException} naming the call, the host and the time; the lookup itself runs on, and
 *       its answer still fills the cache. Zero means no limit, as for every timeout in ringloop.
 *   <li><b>Cache</b>: answers are kept by name (case-insensitive) for {@link Builder#positiveTtl} (default
 *       30 s), "no such host" for {@link Builder#negativeTtl} (default 5 s); timeouts and other failures are
 *       not kept. At most {@link Builder#maxEntries} names (default 512), least recently used out first. The
 *       JDK keeps a cache of its own below this one ({@code networkaddress.cache.ttl}).
 *   <li><b>One lookup per name at a time</b>: callers asking for a name being looked up wait for that lookup.
 * </ul>
 *
 * <p>Blocking calls come from a task or any thread except a loop's own thread (callback code there uses
 * {@link #resolveAsync}).
 */
public final class Resolver {
    /** A blocking lookup of one host name; runs on the resolver's threads, never on a loop. */
    @FunctionalInterface
    public interface Lookup {
        /** The JDK's resolver: {@code /etc/hosts}, then DNS (or {@code -Djdk.net.hosts.file} alone). */
        Lookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));

        /** The addresses of {@code host}, in order of preference; throws if it has none. */
        List<InetAddress> lookup(String host) throws UnknownHostException;
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POSITIVE_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ENTRIES = 512;
    public static final int DEFAULT_THREADS = 4;

    private static final class SystemHolder {
        static final Resolver SYSTEM = builder().build();
    }

    private final Lookup lookup;
    private final long timeoutNs;
    private final long positiveTtlNs;
    private final long negativeTtlNs;
    private final LongSupplier nanoClock;
    private final NameCache cache;
    private final ThreadPoolExecutor threads;
    /** Lookups under way, by cache key; an entry leaves after its answer is in the cache. */
    private final ConcurrentHashMap<String, CompletableFuture<List<InetAddress>>> inFlight =
            new ConcurrentHashMap<>();

    private Resolver(Builder b) {
        this.lookup = b.lookup;
        this.timeoutNs = nanos(b.timeout, "timeout");
        this.positiveTtlNs = nanos(b.positiveTtl, "positiveTtl");
        this.negativeTtlNs = nanos(b.negativeTtl, "negativeTtl");
        this.nanoClock = b.nanoClock;
        this.cache = new NameCache(b.maxEntries);
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(b.threads, b.threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "ringloop-resolver-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        threads.allowCoreThreadTimeOut(true); // idle: no thread at all
    }

    /** The shared resolver with the JDK's lookup and the default settings; {@code TcpStream.connect} uses it. */
    public static Resolver system() {
        return SystemHolder.SYSTEM;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The addresses of {@code host} (a name or a literal), in the lookup's order. From a task the task parks
     * meanwhile and its loop serves on.
     *
     * @throws UnknownHostException  no such host, a failed lookup, or no answer within the timeout
     * @throws CancellationException the calling task was cancelled (its interrupt status stays set)
     * @throws IllegalStateException called on a loop's own thread
     */
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        return resolve(host, null);
    }

    /**
     * {@link #resolve(String)} waiting at most {@code timeout}, capped at this resolver's timeout. Null or zero: no
     * limit of its own (this resolver's applies); negative: {@link IllegalArgumentException}.
     */
    public List<InetAddress> resolve(String host, Duration timeout) throws UnknownHostException {
        String call = "resolve(" + host + ")";
        checkHost(host, call);
        EventLoop here = EventLoop.current();
        if (here != null && here.inLoopThread()) {
            throw new IllegalStateException(call + ": would block the loop thread " + here.name()
                    + "; call it from a task, or use resolveAsync");
        }
        long waitNs = timeoutNs;
        long callNs = Timeouts.limitNanos(timeout, call); // 0: no limit of its own
        if (callNs > 0 && (waitNs == 0 || callNs < waitNs)) {
            waitNs = callNs;
        }
        InetAddress literal = literal(host);
        if (literal != null) {
            return List.of(literal);
        }
        List<InetAddress> cached = cached(host, call);
        if (cached != null) {
            return cached;
        }
        try {
            CompletableFuture<List<InetAddress>> lookup = lookupOf(host);
            return waitNs == 0 ? lookup.get() : lookup.get(waitNs, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException(call + ": cancelled");
        } catch (ExecutionException e) {
            throw failure(host, e.getCause());
        } catch (TimeoutException e) {
            throw timedOut(host, e, waitNs);
        }
    }

    /**
     * {@link #resolve(String)} without blocking: the stage completes on a resolver thread (or at once for a
     * literal or a cached answer), exceptionally with the same {@link UnknownHostException}s. Any thread.
     */
    public CompletionStage<List<InetAddress>> resolveAsync(String host) {
        String call = "resolve(" + host + ")";
        checkHost(host, call);
        InetAddress literal = literal(host);
        if (literal != null) {
            return CompletableFuture.completedStage(List.of(literal));
        }
        try {
            List<InetAddress> cached = cached(host, call);
            if (cached != null) {
                return CompletableFuture.completedStage(cached);
            }
        } catch (UnknownHostException e) {
            return CompletableFuture.failedStage(e);
        }
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        CompletableFuture<List<InetAddress>> lookup = lookupOf(host).copy();
        if (timeoutNs > 0) {
            lookup.orTimeout(timeoutNs, TimeUnit.NANOSECONDS);
        }
        lookup.whenComplete((addresses, failure) -> {
            if (failure == null) {
                result.complete(addresses);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            result.completeExceptionally(cause instanceof TimeoutException t
                    ? timedOut(host, t, timeoutNs) : failure(host, cause));
        });
        return result.minimalCompletionStage();
    }

    /** Forgets every cached answer. */
    public void clearCache() {
        cache.clear();
    }

    /** Names in the cache now (expired ones included until they are touched or pushed out). */
    int cachedNames() {
        return cache.size();
    }

    /**
     * {@code d} in nanoseconds, saturated at {@link Timeouts#MAX_NS} (about 146 years): an expiry {@code now + ttl}
     * stays comparable by subtraction.
     */
    static long nanos(Duration d, String what) {
        return Timeouts.toNanosSaturated(d, what);
    }

    private static void checkHost(String host, String call) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException(call + ": empty host name");
        }
    }

    /** {@code host} as an address when it is an IPv4 or IPv6 literal (brackets allowed), else null. */
    private static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }

    /** A live cached answer: its addresses, or its failure thrown; null when none. */
    private List<InetAddress> cached(String host, String call) throws UnknownHostException {
        NameCache.Entry e = cache.get(key(host), nanoClock.getAsLong());
        if (e == null) {
            return null;
        }
        if (e.addresses() == null) {
            throw new UnknownHostException(call + ": " + e.failure() + " (cached)");
        }
        return e.addresses();
    }

    private static String key(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    /** The lookup of {@code host} under way, or a new one on the resolver's threads. */
    private CompletableFuture<List<InetAddress>> lookupOf(String host) {
        String key = key(host);
        CompletableFuture<List<InetAddress>> f = inFlight.get(key);
        if (f != null) {
            return f;
        }
        CompletableFuture<List<InetAddress>> mine = new CompletableFuture<>();
        f = inFlight.putIfAbsent(key, mine);
        if (f != null) {
            return f;
        }
        threads.execute(() -> runLookup(host, key, mine));
        return mine;
    }

    /** On a resolver thread: the lookup, its answer into the cache, then to the waiters. */
    private void runLookup(String host, String key, CompletableFuture<List<InetAddress>> f) {
        try {
            List<InetAddress> found = lookup.lookup(host);
            if (found == null || found.isEmpty()) {
                throw new UnknownHostException("no addresses");
            }
            List<InetAddress> addresses = List.copyOf(found);
            remember(key, new NameCache.Entry(addresses, null, nanoClock.getAsLong() + positiveTtlNs),
                    positiveTtlNs);
            inFlight.remove(key, f);
            f.complete(addresses);
        } catch (UnknownHostException e) {
            remember(key, new NameCache.Entry(null, reason(host, e), nanoClock.getAsLong() + negativeTtlNs),
                    negativeTtlNs);
            inFlight.remove(key, f);
            f.completeExceptionally(e);
        } catch (Throwable t) { // a lookup's bug or refusal: reported to every waiter, not cached
            inFlight.remove(key, f);
            f.completeExceptionally(t);
        }
    }

    private void remember(String key, NameCache.Entry entry, long ttlNs) {
        if (ttlNs > 0) {
            cache.put(key, entry, nanoClock.getAsLong());
        }
    }

    /** The lookup's message without the JDK's "host: " prefix (our messages name the host already). */
    private static String reason(String host, Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return m.startsWith(host + ": ") ? m.substring(host.length() + 2) : m;
    }

    /** The caller's exception for a failed lookup: a new one, so its stack trace is the caller's. */
    private static UnknownHostException failure(String host, Throwable cause) {
        String what = cause instanceof UnknownHostException ? reason(host, cause) : "lookup failed: " + cause;
        UnknownHostException e = new UnknownHostException("resolve(" + host + "): " + what);
        e.initCause(cause);
        return e;
    }

    private static UnknownHostException timedOut(String host, TimeoutException cause, long waitNs) {
        UnknownHostException e = new UnknownHostException("resolve(" + host + "): no answer within "
                + TimeUnit.NANOSECONDS.toMillis(waitNs) + " ms");
        e.initCause(cause);
        return e;
    }

    /** Resolver settings; every one has a default. */
    public static final class Builder {
        private Lookup lookup = Lookup.SYSTEM;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration positiveTtl = DEFAULT_POSITIVE_TTL;
        private Duration negativeTtl = DEFAULT_NEGATIVE_TTL;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private int threads = DEFAULT_THREADS;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /** Where names are looked up; default {@link Lookup#SYSTEM}. Tests give a fake. */
        public Builder lookup(Lookup lookup) {
            this.lookup = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /** How long a call waits for a lookup; default 10 s. Zero: no limit; negative: refused. */
        public Builder timeout(Duration timeout) {
            this.timeout = notNegative("timeout", timeout);
            return this;
        }

        /** How long addresses are kept (zero: not at all); default 30 s. */
        public Builder positiveTtl(Duration ttl) {
            this.positiveTtl = notNegative("positiveTtl", ttl);
            return this;
        }

        /** How long "no such host" is kept (zero: not at all); default 5 s. */
        public Builder negativeTtl(Duration ttl) {
            this.negativeTtl = notNegative("negativeTtl", ttl);
            return this;
        }

        /** Names kept at most (zero: no cache); default 512. */
        public Builder maxEntries(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxEntries must be >= 0: " + max);
            }
            this.maxEntries = max;
            return this;
        }

        /** Lookups run at once at most (platform threads, made on demand, gone after 10 s idle); default 4. */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be >= 1: " + n);
            }
            this.threads = n;
            return this;
        }

        /** The clock of the cache's expiry, in nanoseconds like {@link System#nanoTime()}; tests inject one. */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public Resolver build() {
            return new Resolver(this);
        }

        private static Duration notNegative(String what, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }
}
