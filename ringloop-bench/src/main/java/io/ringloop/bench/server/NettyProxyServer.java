package io.ringloop.bench.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The same TCP proxy as {@code ringloop proxy}, written with Netty 4.2 as its users write one: one event loop
 * (the server is pinned to one core) for accept, the client side and the target side; the target connection
 * is made from the client channel's own loop; reading stops until a write has been flushed (auto-read off, a
 * read asked for in the write's listener), which is Netty's back-pressure; pooled direct buffers move from one
 * channel to the other with no copy in user code. End of stream closes the other side once its writes are
 * flushed. {@code --port P --to-port T [--transport epoll|io_uring|nio]}; the target is on 127.0.0.1.
 */
public final class NettyProxyServer implements AutoCloseable {
    /**
     * Reads of up to 64 KiB, as ringloop's copy buffer (with auto-read off a channel reads once per read() call;
     * measured against the adaptive default: 1340 against 1420 ms of CPU per GiB, so the comparison is fair).
     */
    private static final RecvByteBufAllocator RECEIVE = new FixedRecvByteBufAllocator(64 * 1024);
    private final EventLoopGroup group;
    private final Channel serverChannel;

    private NettyProxyServer(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
    }

    public static void main(String[] args) throws Exception {
        int port = -1;
        int toPort = -1;
        String transport = "epoll";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--to-port" -> toPort = Integer.parseInt(args[i + 1]);
                case "--transport" -> transport = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: --port P --to-port T [--transport T])");
            }
        }
        if (port < 0 || port > 65535 || toPort < 1 || toPort > 65535) {
            throw new IllegalArgumentException("--port P (0..65535) and --to-port T (1..65535) are required");
        }
        NettyProxyServer server = start(port, toPort, transport);
        System.out.println("netty-" + transport + " proxy listening on " + server.port() + " -> " + toPort);
        ServerArgs.awaitShutdown(server);
    }

    /** Starts a proxy on loopback to 127.0.0.1:{@code toPort}; {@code port} 0 picks a free port. */
    @SuppressWarnings("deprecation") // RCVBUF_ALLOCATOR: still how 4.2 sizes a read
    public static NettyProxyServer start(int port, int toPort, String transport) throws InterruptedException {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> serverType;
        Class<? extends Channel> clientType;
        switch (transport) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                factory = EpollIoHandler.newFactory();
                serverType = EpollServerSocketChannel.class;
                clientType = EpollSocketChannel.class;
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                factory = IoUringIoHandler.newFactory();
                serverType = IoUringServerSocketChannel.class;
                clientType = IoUringSocketChannel.class;
            }
            case "nio" -> {
                factory = NioIoHandler.newFactory();
                serverType = NioServerSocketChannel.class;
                clientType = NioSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("unknown Netty transport " + transport
                    + " (epoll, io_uring, nio)");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", toPort);
        try {
            PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(serverType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Front(clientType, target, allocator));
                        }
                    });
            Channel channel = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            return new NettyProxyServer(group, channel);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() throws InterruptedException {
        serverChannel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Closes {@code ch} once what was written to it has been flushed. */
    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The client's side: connects to the target from its own loop, then relays what the client sends. */
    private static final class Front extends ChannelInboundHandlerAdapter {
        private final Class<? extends Channel> clientType;
        private final InetSocketAddress target;
        private final PooledByteBufAllocator allocator;
        private Channel back;

        Front(Class<? extends Channel> clientType, InetSocketAddress target, PooledByteBufAllocator allocator) {
            this.clientType = clientType;
            this.target = target;
            this.allocator = allocator;
        }

        @Override
        @SuppressWarnings("deprecation") // RCVBUF_ALLOCATOR, as above
        public void channelActive(ChannelHandlerContext ctx) {
            Channel front = ctx.channel();
            Bootstrap b = new Bootstrap().group(front.eventLoop()).channel(clientType)
                    .option(ChannelOption.AUTO_READ, false).option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE)
                    .handler(new Relay(front));
            b.connect(target).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    back = f.channel();
                    back.read();
                    front.read();
                } else {
                    front.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(ctx.channel(), back, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (back != null) {
                closeOnFlush(back);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    /** The target's side: relays what the target sends back to the client. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel front;

        Relay(Channel front) {
            this.front = front;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(ctx.channel(), front, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(front);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    /** Writes {@code msg} read from {@code from} to {@code to}; reads again from {@code from} once it is flushed. */
    static void relay(Channel from, Channel to, Object msg) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                from.read();
            } else {
                f.channel().close();
                from.close();
            }
        });
    }
}
