/**
 * TLS over any ringloop byte stream: {@link io.ringloop.tls.TlsStream} (client and server, itself a
 * {@link io.ringloop.net.ByteStream}), {@link io.ringloop.tls.TlsConfig} (keys, trust, ALPN, SNI, client
 * authentication, time limit) and {@link io.ringloop.tls.Pem} (certificates and keys from PEM files, JDK only).
 *
 * <p><b>Layering.</b> The JDK's {@code SSLEngine} does the protocol and the cryptography; this package moves
 * records between it and the transport in blocking style, in the calling task ({@code TlsRecordLayer}), or in
 * callback style over a {@link io.ringloop.net.CallbackStream}'s callbacks on the loop thread (a {@code TcpStream}
 * or a {@code UnixStream}; {@code TlsCallbacks}: the handshake in {@code TlsCallbackHandshake}, the transport and
 * the engine's tasks in {@code TlsCallbackTransport}); messages name the peer by the stream's
 * {@code peerDescription()}. {@code tls} and {@code unix} have one rank and do not know each other: the interface
 * in {@code net} is what both see. It sits beside {@code io}, above
 * {@code net}: it uses {@code net} (the transport), {@code time} (the handshake deadline on the loop's timer
 * wheel, as {@code Time.timeout}) and {@code task}; a subpackage of {@code net} would have {@code net}'s rank
 * and could not use {@code time}. {@code io} and {@code tls} do not know each other: the buffered reader and
 * writer run over a {@code TlsStream} through {@code ByteStream}.
 *
 * <p><b>Invariants.</b>
 * <ul>
 *   <li><b>Bounded buffers.</b> Per connection: one packet buffer of ciphertext in, one out, one application
 *       buffer of plaintext (the engine's sizes, about 16.7 KiB each); they grow only when the engine reports
 *       a larger session size. A read with a buffer at least the application size decrypts straight into it.
 *       Every loop either consumes input, produces output, runs the engine's tasks or waits on the transport:
 *       no spinning.</li>
 *   <li><b>Two directions, two locks.</b> The reader holds {@code readLock} (ciphertext in, plaintext in), the
 *       writer {@code writeLock} (ciphertext out). The handshake holds both. A reader that must send (a TLS 1.3
 *       KeyUpdate answer, a TLS 1.2 close_notify answer, an alert) takes {@code writeLock} too, always in that
 *       order, so the two never deadlock. The engine's delegated tasks are run by whoever holds
 *       {@code taskLock}; the other direction, stalled on the same tasks, waits for that lock.</li>
 *   <li><b>Delegated tasks off the loop.</b> On a loop's carrier each task goes to the config's executor
 *       (a small shared daemon pool by default) and the calling task parks; key exchange and signatures never
 *       stall the loop. Off a loop they run in the caller. In callback style they go to the executor too, and
 *       the machine that needed them resumes from the loop's queue when they are done.</li>
 *   <li><b>Callback style.</b> Loop thread only, no lock: at most one transport read and one transport write in
 *       flight; the handshake owns both until it ends, then the user's read owns the input and the output sends
 *       what the reader asked for (a KeyUpdate or close_notify answer) before the user's data. A write completes
 *       when all its bytes are encrypted and handed to the socket. Results reach the callbacks from the loop's
 *       queue; what a callback throws goes to the loop's uncaught-failure handler. The buffers and flags are the
 *       record layer's, so a stream moves from blocking to callback style once its tasks stopped using it;
 *       {@code close()} on the loop thread sends close_notify without blocking, then closes.</li>
 *   <li><b>Close.</b> close_notify is sent by {@code close()} and {@code shutdownOutput()}; the peer's
 *       close_notify is end of stream (-1). A transport that ends without it is an {@code SSLException} saying
 *       the data may be truncated (RFC 8446 section 6.1, RFC 5246 section 7.2.1), never a quiet -1.</li>
 *   <li><b>No renegotiation.</b> After the handshake, a TLS 1.2 peer's HelloRequest (server) or ClientHello
 *       (client) is refused: the engine's alert goes out, the transport is closed and the reader gets an
 *       {@code SSLException} naming the peer. The JDK's own switch,
 *       {@code -Djdk.tls.rejectClientInitiatedRenegotiation=true}, is JVM-wide and covers only a client's
 *       request to a server; if set, the JDK refuses first and its {@code handshake_failure} is the error.
 *       TLS 1.3 has no renegotiation: its KeyUpdate and NewSessionTicket messages are handled.</li>
 *   <li><b>Handshake deadline.</b> {@code TlsStream.client/server} finish the handshake within the config's
 *       limit or close the transport and throw {@code SocketTimeoutException}: the task is interrupted, which
 *       cancels its pending read (the loop's timer wheel; a shared timer thread for plain threads).</li>
 * </ul>
 *
 * <p><b>Resumption.</b> A client engine is made with the peer's host and port, so the JDK's client session
 * cache (one per {@code TlsConfig}, in its {@code SSLContext}) offers the last session: a TLS 1.2 session id
 * or a TLS 1.3 ticket (PSK, RFC 8446 section 2.2). Keep one {@code TlsConfig} per client to benefit.
 *
 * <p>References: the JDK's {@code SSLEngine} documentation (the wrap/unwrap state machine); Netty's
 * {@code SslHandler} (delegated tasks on an executor, close_notify handling); tokio-rustls (a TLS stream is
 * just another async stream); RFC 8446 (TLS 1.3), RFC 5746 (renegotiation), RFC 7301 (ALPN), RFC 6066 (SNI).
 */
package io.ringloop.tls;
