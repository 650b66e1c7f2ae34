/**
 * Sockets: {@link io.ringloop.net.TcpListener}, {@link io.ringloop.net.TcpStream},
 * {@link io.ringloop.net.UdpSocket} and {@link io.ringloop.net.TcpServer} (connections spread over loops).
 * {@link io.ringloop.net.ByteStream} is what the buffered reader and writer of {@code io.ringloop.io} need of a
 * connection; {@code TcpStream} implements it, and TLS or Unix-domain streams will.
 *
 * <p>Every socket lives on one loop for its whole life. The blocking style parks the calling task through a
 * reusable {@code IoWaiter} per direction (no allocation per operation); the callback style runs on the loop
 * thread through a reusable {@code CallbackOp}. {@code TcpStream} keeps its public API in one place and the
 * blocking core; its callback style and {@code CompletionStage} adapters live in {@code TcpCallbacks}, its
 * scatter/gather in {@code TcpVectors}. Interrupting a task cancels its pending operation without
 * losing data. Errors name the call and the errno: {@code connect(127.0.0.1:1): ECONNREFUSED (111) ...}.
 *
 * <p><b>Copying.</b> {@link io.ringloop.net.StreamCopy#copyBidirectional} copies two streams into each other until
 * each side has ended (a proxy's core): a task per direction, half-close forwarded, one buffer (or pipe) per
 * direction as back-pressure, the first failure stops both and is thrown as a {@link io.ringloop.net.CopyException}
 * with the counts. Two TCP streams on one loop of io_uring or epoll are spliced through a pipe
 * ({@code TcpSplice}, the driver's {@code splice}): fewer CPU cycles per byte, measured.
 *
 * <p><b>Names.</b> {@link io.ringloop.net.Resolver} turns host names into addresses without blocking a loop: the
 * JDK's lookup (blocking native code) runs on the resolver's own few platform threads while the task parks, with
 * a timeout and a small TTL cache (positive and negative answers, bounded, least recently used out first);
 * literals are never looked up. {@link io.ringloop.net.TcpConnector} connects by name with Happy Eyeballs
 * (RFC 8305): address families interleaved, a new attempt every 250 ms or as soon as one fails, the first
 * connection wins and the others are cancelled and closed before the call returns. Its attempts are plain
 * address connects in tasks of their own ({@code HappyEyeballs}), so it needs nothing of the drivers.
 */
package io.ringloop.net;
