package io.ringloop.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Netty 4.2 Redis-protocol server for the benchmark, answering what redis-benchmark's GET/SET tests send as
 * {@code ringloop kv} does: PING, ECHO, GET, SET (EX/PX/NX/XX), DEL, EXISTS, plus what clients send on connect
 * (CONFIG GET save/appendonly with ringloop's answers, SELECT 0, COMMAND); anything else is a RESP error. The
 * pipeline is Netty's codec-redis ({@link RedisDecoder} with inline commands, the bulk-string and array
 * aggregators, {@link RedisEncoder}) and a handler that writes each reply on read and flushes once per read
 * batch. The data is one {@link ConcurrentHashMap} keyed by content, as ringloop's store is (shared by loops).
 */
public final class NettyRedisServer implements AutoCloseable {
    /** Nesting and elements per array the aggregator accepts (a command is one flat array). */
    private static final int MAX_DEPTH = 8;
    private static final int MAX_CHILDREN = 1 << 20;
    private static final SimpleStringRedisMessage OK = new SimpleStringRedisMessage("OK");
    private static final SimpleStringRedisMessage PONG = new SimpleStringRedisMessage("PONG");

    private final NettyServer server;

    private NettyRedisServer(NettyServer server) {
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        ServerArgs parsed = ServerArgs.parse(args, "epoll");
        NettyRedisServer server = start(parsed.port(), parsed.transport());
        System.out.println("netty-" + parsed.transport() + " redis listening on " + server.port());
        ServerArgs.awaitShutdown(server);
    }

    /** Starts a server on loopback; {@code port} 0 picks a free port (see {@link #port()}). */
    public static NettyRedisServer start(int port, String transport) throws InterruptedException {
        Handler handler = new Handler(new ConcurrentHashMap<>());
        return new NettyRedisServer(NettyServer.start(port, transport, pipeline -> {
            pipeline.addLast(new RedisDecoder(true));
            pipeline.addLast(new RedisBulkStringAggregator());
            pipeline.addLast(new RedisArrayAggregator(MAX_DEPTH, MAX_CHILDREN));
            pipeline.addLast(new RedisEncoder());
            pipeline.addLast(handler);
        }));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }

    /** A key compared by content. */
    private record Key(byte[] bytes, int hash) {
        static Key of(byte[] bytes) {
            return new Key(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A value and its deadline (epoch ms; 0: none). */
    private record Entry(byte[] value, long expiresAtMs) {
        boolean expired(long nowMs) {
            return expiresAtMs != 0 && expiresAtMs <= nowMs;
        }
    }

    @ChannelHandler.Sharable
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final ConcurrentHashMap<Key, Entry> map;

        Handler(ConcurrentHashMap<Key, Entry> map) {
            this.map = map;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                List<byte[]> args = arguments((RedisMessage) msg);
                if (args.isEmpty()) {
                    return;
                }
                String name = new String(args.getFirst(), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                if (name.equals("QUIT")) {
                    ctx.writeAndFlush(OK).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                RedisMessage reply;
                try {
                    reply = execute(name, args);
                } catch (IllegalArgumentException e) {
                    reply = new ErrorRedisMessage(e.getMessage());
                }
                ctx.write(reply, ctx.voidPromise());
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.writeAndFlush(new ErrorRedisMessage("ERR " + cause.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        /** A command's arguments as bytes: a multibulk array of bulk strings, or an inline command's words. */
        private static List<byte[]> arguments(RedisMessage msg) {
            List<byte[]> args = new ArrayList<>();
            if (msg instanceof ArrayRedisMessage array) {
                for (RedisMessage child : array.children()) {
                    if (!(child instanceof FullBulkStringRedisMessage bulk) || bulk.isNull()) {
                        throw new IllegalStateException("Protocol error: expected bulk strings in a command");
                    }
                    args.add(ByteBufUtil.getBytes(bulk.content()));
                }
            } else if (msg instanceof InlineCommandRedisMessage inline) {
                for (String word : inline.content().trim().split(" +")) {
                    if (!word.isEmpty()) {
                        args.add(word.getBytes(StandardCharsets.UTF_8));
                    }
                }
            } else {
                throw new IllegalStateException("Protocol error: unexpected " + msg.getClass().getSimpleName());
            }
            return args;
        }

        private RedisMessage execute(String name, List<byte[]> a) {
            int n = a.size();
            return switch (name) {
                case "GET" -> {
                    arity(name, n == 2);
                    Entry e = map.get(Key.of(a.get(1)));
                    yield e == null || e.expired(System.currentTimeMillis()) ? FullBulkStringRedisMessage.NULL_INSTANCE
                            : bulk(e.value());
                }
                case "SET" -> {
                    arity(name, n >= 3);
                    yield set(a) ? OK : FullBulkStringRedisMessage.NULL_INSTANCE;
                }
                case "PING" -> n == 1 ? PONG : bulk(a.get(1));
                case "ECHO" -> {
                    arity(name, n == 2);
                    yield bulk(a.get(1));
                }
                case "DEL", "EXISTS" -> {
                    arity(name, n >= 2);
                    long count = 0;
                    long now = System.currentTimeMillis();
                    for (int i = 1; i < n; i++) {
                        Entry e = name.equals("DEL") ? map.remove(Key.of(a.get(i))) : map.get(Key.of(a.get(i)));
                        count += e != null && !e.expired(now) ? 1 : 0;
                    }
                    yield new IntegerRedisMessage(count);
                }
                case "SELECT" -> OK;
                case "COMMAND" -> ArrayRedisMessage.EMPTY_INSTANCE;
                case "CONFIG" -> config(a);
                default -> throw new IllegalArgumentException("ERR unknown command '" + name + "'");
            };
        }

        private boolean set(List<byte[]> a) {
            long expiresAtMs = 0;
            boolean nx = false;
            boolean xx = false;
            for (int i = 3; i < a.size(); i++) {
                String option = new String(a.get(i), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                switch (option) {
                    case "NX" -> nx = true;
                    case "XX" -> xx = true;
                    case "EX", "PX" -> {
                        if (++i == a.size()) {
                            throw new IllegalArgumentException("ERR syntax error");
                        }
                        long t = parseLong(a.get(i));
                        if (t <= 0) {
                            throw new IllegalArgumentException("ERR invalid expire time in 'set' command");
                        }
                        expiresAtMs = System.currentTimeMillis() + (option.equals("EX") ? t * 1000 : t);
                    }
                    default -> throw new IllegalArgumentException("ERR syntax error");
                }
            }
            Key key = Key.of(a.get(1));
            Entry entry = new Entry(a.get(2), expiresAtMs);
            if (!nx && !xx) {
                map.put(key, entry);
                return true;
            }
            boolean[] done = new boolean[1];
            long now = System.currentTimeMillis();
            boolean onlyIfAbsent = nx;
            map.compute(key, (k, old) -> {
                boolean live = old != null && !old.expired(now);
                if (onlyIfAbsent == live) {
                    return live ? old : null;
                }
                done[0] = true;
                return entry;
            });
            return done[0];
        }

        /** CONFIG GET as ringloop kv answers it: save "", appendonly "no", anything else an empty array. */
        private static RedisMessage config(List<byte[]> a) {
            if (a.size() != 3 || !new String(a.get(1), StandardCharsets.US_ASCII).equalsIgnoreCase("GET")) {
                throw new IllegalArgumentException("ERR CONFIG: only CONFIG GET <parameter> is supported");
            }
            String parameter = new String(a.get(2), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            return switch (parameter) {
                case "save" -> new ArrayRedisMessage(List.of(bulk(a.get(2)), bulk(new byte[0])));
                case "appendonly" -> new ArrayRedisMessage(List.of(bulk(a.get(2)),
                        bulk("no".getBytes(StandardCharsets.US_ASCII))));
                default -> ArrayRedisMessage.EMPTY_INSTANCE;
            };
        }

        private static FullBulkStringRedisMessage bulk(byte[] value) {
            ByteBuf content = Unpooled.wrappedBuffer(value);
            return new FullBulkStringRedisMessage(content);
        }

        private static long parseLong(byte[] digits) {
            try {
                return Long.parseLong(new String(digits, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ERR value is not an integer or out of range", e);
            }
        }

        private static void arity(String name, boolean ok) {
            if (!ok) {
                throw new IllegalArgumentException("ERR wrong number of arguments for '"
                        + name.toLowerCase(Locale.ROOT) + "' command");
            }
        }
    }
}
