package io.ringloop.tls;

/**
 * Callback-style end of a TLS handshake ({@link TlsStream#server(io.ringloop.net.TcpStream, TlsConfig,
 * TlsHandshakeCallback)} and the client's twin): called once, on the loop thread, never from inside the call
 * that started the handshake. What it throws is reported to the loop's uncaught-failure handler.
 */
public interface TlsHandshakeCallback {
    /** The handshake is done: {@code stream} is ready for callback-style reads and writes. */
    void handshaken(TlsStream stream);

    /**
     * The handshake failed (an {@code SSLHandshakeException} naming the peer), or did not finish within the
     * config's limit (a {@code SocketTimeoutException}); the transport is closed.
     */
    void failed(Throwable error);
}
