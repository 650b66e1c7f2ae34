package io.ringloop.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The bootstrap every Netty competitor shares, as Netty's users write it: one event loop thread (the server is
 * pinned to one core) serving both accept and the connections, pooled direct buffers, TCP_NODELAY, on loopback.
 * Each server brings only its pipeline ({@code init}). {@code transport}: epoll, io_uring or nio.
 */
public final class NettyServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel serverChannel;

    private NettyServer(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
    }

    /** Binds 127.0.0.1:{@code port} (0: a free port, see {@link #port()}) with {@code init} building each pipeline. */
    public static NettyServer start(int port, String transport, Consumer<ChannelPipeline> init)
            throws InterruptedException {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channelType;
        switch (transport) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                factory = EpollIoHandler.newFactory();
                channelType = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                factory = IoUringIoHandler.newFactory();
                channelType = IoUringServerSocketChannel.class;
            }
            case "nio" -> {
                factory = NioIoHandler.newFactory();
                channelType = NioServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("unknown Netty transport " + transport
                    + " (epoll, io_uring, nio)");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(true))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            init.accept(ch.pipeline());
                        }
                    });
            Channel channel = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            return new NettyServer(group, channel);
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
}
