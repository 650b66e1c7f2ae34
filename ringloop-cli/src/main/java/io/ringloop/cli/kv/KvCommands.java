package io.ringloop.cli.kv;

import io.ringloop.cli.wire.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The commands of {@code ringloop kv} over the shared {@link KvStore}: PING, ECHO, GET, SET (EX/PX/NX/XX,
 * KEEPTTL), DEL, EXISTS, INCR/DECR/INCRBY/DECRBY, MGET/MSET, EXPIRE/PEXPIRE/TTL/PTTL/PERSIST, FLUSHALL, DBSIZE,
 * QUIT, plus what clients send on connect (SELECT 0, CONFIG GET, COMMAND). Every failure is a RESP error
 * with Redis's wording; the connection goes on. One instance per connection (it holds the lookup probe).
 */
final class KvCommands {
    private static final byte[] PING = Resp.ascii("PING");
    private static final byte[] ECHO = Resp.ascii("ECHO");
    private static final byte[] GET = Resp.ascii("GET");
    private static final byte[] SET = Resp.ascii("SET");
    private static final byte[] DEL = Resp.ascii("DEL");
    private static final byte[] EXISTS = Resp.ascii("EXISTS");
    private static final byte[] INCR = Resp.ascii("INCR");
    private static final byte[] DECR = Resp.ascii("DECR");
    private static final byte[] INCRBY = Resp.ascii("INCRBY");
    private static final byte[] DECRBY = Resp.ascii("DECRBY");
    private static final byte[] MGET = Resp.ascii("MGET");
    private static final byte[] MSET = Resp.ascii("MSET");
    private static final byte[] EXPIRE = Resp.ascii("EXPIRE");
    private static final byte[] PEXPIRE = Resp.ascii("PEXPIRE");
    private static final byte[] TTL = Resp.ascii("TTL");
    private static final byte[] PTTL = Resp.ascii("PTTL");
    private static final byte[] PERSIST = Resp.ascii("PERSIST");
    private static final byte[] FLUSHALL = Resp.ascii("FLUSHALL");
    private static final byte[] FLUSHDB = Resp.ascii("FLUSHDB");
    private static final byte[] DBSIZE = Resp.ascii("DBSIZE");
    private static final byte[] QUIT = Resp.ascii("QUIT");
    private static final byte[] SELECT = Resp.ascii("SELECT");
    private static final byte[] CONFIG = Resp.ascii("CONFIG");
    private static final byte[] COMMAND = Resp.ascii("COMMAND");
    private static final byte[] EX = Resp.ascii("EX");
    private static final byte[] PX = Resp.ascii("PX");
    private static final byte[] NX = Resp.ascii("NX");
    private static final byte[] XX = Resp.ascii("XX");
    private static final byte[] KEEPTTL = Resp.ascii("KEEPTTL");
    private static final byte[] SAVE = Resp.ascii("save");
    private static final byte[] APPENDONLY = Resp.ascii("appendonly");
    private static final byte[] NO = Resp.ascii("no");

    private final KvStore store;
    private final Key probe = Key.probe();

    KvCommands(KvStore store) {
        this.store = store;
    }

    private Key key(RespCommand c, int i) {
        return probe.set(c.arena, c.offsets[i], c.lengths[i]);
    }

    /** Runs {@code c} and writes its reply: true when the client asked to QUIT. */
    boolean execute(RespCommand c, Sink w) throws IOException {
        try {
            return dispatch(c, w);
        } catch (KvStore.KvError e) {
            Resp.error(w, e.getMessage());
            return false;
        }
    }

    private boolean dispatch(RespCommand c, Sink w) throws IOException {
        int n = c.argc;
        if (c.is(0, GET) && arity(c, n == 2)) {
            KvStore.Entry e = store.get(key(c, 1));
            if (e == null) {
                w.write(Resp.NULL_BULK);
            } else {
                Resp.bulk(w, e.value());
            }
        } else if (c.is(0, SET) && arity(c, n >= 3)) {
            set(c, w);
        } else if (c.is(0, PING) && arity(c, n <= 2)) {
            if (n == 1) {
                w.write(Resp.PONG);
            } else {
                Resp.bulk(w, c.arena, c.offsets[1], c.lengths[1]);
            }
        } else if (c.is(0, ECHO) && arity(c, n == 2)) {
            Resp.bulk(w, c.arena, c.offsets[1], c.lengths[1]);
        } else if ((c.is(0, DEL) || c.is(0, EXISTS)) && arity(c, n >= 2)) {
            boolean delete = c.is(0, DEL);
            long count = 0;
            for (int i = 1; i < n; i++) {
                count += (delete ? store.delete(key(c, i)) : store.get(key(c, i)) != null) ? 1 : 0;
            }
            Resp.integer(w, count);
        } else if ((c.is(0, INCR) || c.is(0, DECR)) && arity(c, n == 2)) {
            Resp.integer(w, store.incrementBy(key(c, 1), c.is(0, INCR) ? 1 : -1));
        } else if ((c.is(0, INCRBY) || c.is(0, DECRBY)) && arity(c, n == 3)) {
            long by = c.integer(2);
            if (c.is(0, DECRBY)) {
                if (by == Long.MIN_VALUE) {
                    throw new KvStore.KvError("ERR decrement would overflow");
                }
                by = -by;
            }
            Resp.integer(w, store.incrementBy(key(c, 1), by));
        } else if (c.is(0, MGET) && arity(c, n >= 2)) {
            Resp.arrayHeader(w, n - 1);
            for (int i = 1; i < n; i++) {
                KvStore.Entry e = store.get(key(c, i));
                if (e == null) {
                    w.write(Resp.NULL_BULK);
                } else {
                    Resp.bulk(w, e.value());
                }
            }
        } else if (c.is(0, MSET) && arity(c, n >= 3 && n % 2 == 1)) {
            for (int i = 1; i < n; i += 2) {
                store.set(key(c, i), c.copy(i + 1), 0, false, false, false);
            }
            w.write(Resp.OK);
        } else if ((c.is(0, EXPIRE) || c.is(0, PEXPIRE)) && arity(c, n == 3)) {
            long amount = c.integer(2);
            long ms = c.is(0, EXPIRE) ? multiplyExact(amount, 1000) : amount;
            Resp.integer(w, store.expireAt(key(c, 1), addExact(KvStore.nowMs(), ms)) ? 1 : 0);
        } else if ((c.is(0, TTL) || c.is(0, PTTL)) && arity(c, n == 2)) {
            KvStore.Entry e = store.get(key(c, 1));
            long ttl = e == null ? -2 : e.expiresAtMs() == 0 ? -1 : Math.max(0, e.expiresAtMs() - KvStore.nowMs());
            Resp.integer(w, ttl < 0 || c.is(0, PTTL) ? ttl : (ttl + 500) / 1000);
        } else if (c.is(0, PERSIST) && arity(c, n == 2)) {
            Resp.integer(w, store.persist(key(c, 1)) ? 1 : 0);
        } else if ((c.is(0, FLUSHALL) || c.is(0, FLUSHDB)) && arity(c, n <= 2)) {
            store.clear();
            w.write(Resp.OK);
        } else if (c.is(0, DBSIZE) && arity(c, n == 1)) {
            Resp.integer(w, store.size());
        } else if (c.is(0, QUIT)) {
            w.write(Resp.OK);
            return true;
        } else if (c.is(0, SELECT) && arity(c, n == 2)) {
            if (c.integer(1) != 0) {
                throw new KvStore.KvError("ERR DB index is out of range");
            }
            w.write(Resp.OK);
        } else if (c.is(0, CONFIG) && arity(c, n >= 2)) {
            config(c, w);
        } else if (c.is(0, COMMAND)) {
            Resp.arrayHeader(w, 0);
        } else {
            StringBuilder args = new StringBuilder();
            for (int i = 1; i < Math.min(n, 4); i++) {
                args.append('\'').append(c.text(i)).append("' ");
            }
            throw new KvStore.KvError("ERR unknown command '" + c.text(0) + "', with args beginning with: " + args);
        }
        return false;
    }

    /** True when the argument count fits; else the arity error. */
    private static boolean arity(RespCommand c, boolean ok) {
        if (!ok) {
            throw new KvStore.KvError("ERR wrong number of arguments for '"
                    + c.text(0).toLowerCase(Locale.ROOT) + "' command");
        }
        return true;
    }

    /** SET key value [NX|XX] [EX s|PX ms|KEEPTTL]: +OK, or a null bulk when NX/XX did not hold. */
    private void set(RespCommand c, Sink w) throws IOException {
        boolean nx = false;
        boolean xx = false;
        boolean keepTtl = false;
        long expiresAtMs = 0;
        boolean expiry = false;
        for (int i = 3; i < c.argc; i++) {
            if (c.is(i, NX) && !xx) {
                nx = true;
            } else if (c.is(i, XX) && !nx) {
                xx = true;
            } else if (c.is(i, KEEPTTL) && !expiry) {
                keepTtl = true;
            } else if ((c.is(i, EX) || c.is(i, PX)) && !expiry && !keepTtl && i + 1 < c.argc) {
                long amount = c.integer(i + 1);
                if (amount <= 0) {
                    throw new KvStore.KvError("ERR invalid expire time in 'set' command");
                }
                expiresAtMs = addExact(KvStore.nowMs(), c.is(i, EX) ? multiplyExact(amount, 1000) : amount);
                expiry = true;
                i++;
            } else {
                throw new KvStore.KvError("ERR syntax error");
            }
        }
        boolean done = store.set(key(c, 1), c.copy(2), expiresAtMs, nx, xx, keepTtl);
        w.write(done ? Resp.OK : Resp.NULL_BULK);
    }

    /** CONFIG GET for what redis-benchmark asks at start (save, appendonly); nothing else is configurable. */
    private static void config(RespCommand c, Sink w) throws IOException {
        if (!c.is(1, GET) || c.argc != 3) {
            throw new KvStore.KvError("ERR CONFIG: only CONFIG GET <parameter> is supported");
        }
        if (equalsLower(c, 2, SAVE)) {
            Resp.arrayHeader(w, 2);
            Resp.bulk(w, SAVE);
            Resp.bulk(w, new byte[0]);
        } else if (equalsLower(c, 2, APPENDONLY)) {
            Resp.arrayHeader(w, 2);
            Resp.bulk(w, APPENDONLY);
            Resp.bulk(w, NO);
        } else {
            Resp.arrayHeader(w, 0);
        }
    }

    private static boolean equalsLower(RespCommand c, int i, byte[] lower) {
        return c.text(i).equalsIgnoreCase(new String(lower, StandardCharsets.US_ASCII));
    }

    private static long multiplyExact(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new KvStore.KvError("ERR invalid expire time");
        }
    }

    private static long addExact(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new KvStore.KvError("ERR invalid expire time");
        }
    }
}
