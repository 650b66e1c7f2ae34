package io.ringloop.bench.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * Netty 4.2 echo server as its users write it ({@link NettyServer}: one event loop, pooled direct buffers) with
 * the usual handler that writes on read and flushes once per read batch. {@code --transport epoll|io_uring|nio}.
 * With {@code --cert F --key F} (PEM; the key PKCS#8) it serves TLS through Netty's {@code SslHandler} on the
 * JDK's engine ({@link SslProvider#JDK}), the provider ringloop's {@code echo --tls} uses too.
 */
public final class NettyEchoServer implements AutoCloseable {
    private final NettyServer server;

    private NettyEchoServer(NettyServer server) {
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        ServerArgs parsed = ServerArgs.parse(args, "epoll");
        NettyEchoServer server = start(parsed.port(), parsed.transport(), parsed.cert(), parsed.key());
        System.out.println("netty-" + parsed.transport() + " echo" + (parsed.cert() != null ? " (TLS, JDK provider)"
                : "") + " listening on " + server.port());
        ServerArgs.awaitShutdown(server);
    }

    /** Starts a plain echo server on loopback; {@code port} 0 picks a free port (see {@link #port()}). */
    public static NettyEchoServer start(int port, String transport) throws InterruptedException, SSLException {
        return start(port, transport, null, null);
    }

    /** Starts an echo server, TLS when {@code cert} and {@code key} are given (null for plain). */
    public static NettyEchoServer start(int port, String transport, Path cert, Path key)
            throws InterruptedException, SSLException {
        SslContext tls = cert == null ? null
                : SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK).build();
        return new NettyEchoServer(NettyServer.start(port, transport, pipeline -> {
            if (tls != null) {
                pipeline.addLast(tls.newHandler(pipeline.channel().alloc()));
            }
            pipeline.addLast(EchoHandler.INSTANCE);
        }));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }

    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
