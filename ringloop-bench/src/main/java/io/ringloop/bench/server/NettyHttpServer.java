package io.ringloop.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Netty 4.2 HTTP/1.1 server of the same function as {@code ringloop http} for the benchmark: {@code GET|HEAD
 * /plaintext} ("Hello, World!", text/plain) and {@code /json} as in the TechEmpower rules, 404 elsewhere, 400
 * for what the codec cannot decode. The same headers as ringloop's (Server, Date cached per second,
 * Content-Type, Content-Length; Connection only when it differs from the version's default). The pipeline is
 * Netty's {@link HttpServerCodec} (its default limits: initial line 4096, headers 8192) and a handler that
 * writes each response on read and flushes once per read batch (read-complete), the way Netty's own
 * TechEmpower entry answers pipelined requests in one write. Request bodies are released unread.
 */
public final class NettyHttpServer implements AutoCloseable {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final String MESSAGE = "Hello, World!";
    private static final AsciiString SERVER = AsciiString.cached("netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    /** Our own headers need no validation (Netty's TechEmpower entry turns it off too). */
    private static final DefaultHttpHeadersFactory HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final DefaultHttpHeadersFactory TRAILERS =
            DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final NettyServer server;

    private NettyHttpServer(NettyServer server) {
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        ServerArgs parsed = ServerArgs.parse(args, "epoll");
        NettyHttpServer server = start(parsed.port(), parsed.transport(), parsed.cert(), parsed.key());
        System.out.println("netty-" + parsed.transport() + " http" + (parsed.cert() != null
                ? " (TLS, JDK provider)" : "") + " listening on " + server.port());
        ServerArgs.awaitShutdown(server);
    }

    /** Starts a server on loopback; {@code port} 0 picks a free port (see {@link #port()}). */
    public static NettyHttpServer start(int port, String transport) throws InterruptedException, SSLException {
        return start(port, transport, null, null);
    }

    /**
     * Starts a server, HTTPS when {@code cert} and {@code key} (PEM; the key PKCS#8) are given: Netty's
     * {@code SslHandler} on the JDK's engine ({@link SslProvider#JDK}), as {@code ringloop http --tls} uses.
     */
    public static NettyHttpServer start(int port, String transport, Path cert, Path key)
            throws InterruptedException, SSLException {
        SslContext tls = cert == null ? null
                : SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK).build();
        return new NettyHttpServer(NettyServer.start(port, transport, pipeline -> {
            if (tls != null) {
                pipeline.addLast(tls.newHandler(pipeline.channel().alloc()));
            }
            pipeline.addLast(new HttpServerCodec());
            pipeline.addLast(new Handler());
        }));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }

    /** One per connection: it keeps the cached Date of its loop (the server has one loop). */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private long dateSecond = Long.MIN_VALUE;
        private AsciiString date;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request) {
                    respond(ctx, request);
                }
            } finally {
                ReferenceCountUtil.release(msg); // a request's content (HttpContent) is released unread
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void respond(ChannelHandlerContext ctx, HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                write(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT_PLAIN, Unpooled.EMPTY_BUFFER, false, false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpMethod method = request.method();
            boolean head = method.equals(HttpMethod.HEAD);
            if (!head && !method.equals(HttpMethod.GET)) {
                write(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT_PLAIN, Unpooled.EMPTY_BUFFER,
                        keepAlive, false);
                return;
            }
            switch (request.uri()) {
                case "/plaintext" -> write(ctx, request, HttpResponseStatus.OK, TEXT_PLAIN,
                        Unpooled.wrappedBuffer(HELLO), keepAlive, head);
                case "/json" -> write(ctx, request, HttpResponseStatus.OK, APPLICATION_JSON,
                        Unpooled.wrappedBuffer(("{\"message\":\"" + MESSAGE + "\"}")
                                .getBytes(StandardCharsets.US_ASCII)), keepAlive, head);
                default -> write(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT_PLAIN, Unpooled.EMPTY_BUFFER,
                        keepAlive, false);
            }
        }

        private void write(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                           AsciiString contentType, ByteBuf body, boolean keepAlive, boolean headOnly) {
            int length = body.readableBytes();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    headOnly ? Unpooled.EMPTY_BUFFER : body, HEADERS, TRAILERS);
            HttpHeaders headers = response.headers();
            headers.set(HttpHeaderNames.SERVER, SERVER);
            headers.set(HttpHeaderNames.DATE, date());
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
            boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
            if (!keepAlive) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.write(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (http10) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(response, ctx.voidPromise());
        }

        private AsciiString date() {
            long second = System.currentTimeMillis() / 1000;
            if (second != dateSecond) {
                dateSecond = second;
                date = new AsciiString(IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
            }
            return date;
        }
    }
}
