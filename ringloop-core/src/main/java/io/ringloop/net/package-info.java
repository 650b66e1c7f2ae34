/**
 * Sockets: {@link io.ringloop.net.TcpListener}, {@link io.ringloop.net.TcpStream},
 * {@link io.ringloop.net.UdpSocket} and {@link io.ringloop.net.TcpServer} (connections spread over loops).
 * {@link io.ringloop.net.ByteStream} is what the buffered reader and writer of {@code io.ringloop.io} need of a
 * connection; {@code TcpStream} implements it, and so do {@code TlsStream} and {@code UnixStream}. The latter is a
 * {@code TcpStream} over a Unix socket's handle, lent through the non-exported {@code net.internal.StreamSockets}
 * (installed by {@code NetPlumbing}), so stream code exists once. {@link io.ringloop.net.CallbackStream} is a
 * {@code ByteStream} with the callback style (callback read and write on the loop thread, {@code readAsync/
 * writeAsync} stages, a peer description for messages): {@code TcpStream} and {@code UnixStream} are two, and
 * {@code TlsStream}'s callback style runs over either. A listener's callback accept (the direction guard, the
 * EMFILE back-off on the loop's timer, a close during it) is {@code ListenerCallbacks}, {@code TcpListener}'s and
 * lent to {@code UnixListener} as {@code net.internal.CallbackAccept}.
 *
 * <p>Every socket lives on one loop for its whole life. The blocking style parks the calling task through a
 * reusable {@code IoWaiter} per direction (no allocation per operation); the callback style runs on the loop
 * thread through a reusable {@code CallbackOp}. {@code TcpStream} keeps its public API in one place and the
 * blocking core; its callback style and {@code CompletionStage} adapters live in {@code TcpCallbacks}, its
 * scatter/gather in {@code TcpVectors}. Interrupting a task cancels its pending operation without
 * losing data. Errors name the call and the errno: {@code connect(127.0.0.1:1): ECONNREFUSED (111) ...}.
 *
 * <p><b>Bad input</b> has one answer on every backend, given before a driver is reached: one caller per direction
 * ({@code Directions}: a second reader, writer, acceptor or receiver gets {@code IllegalStateException} naming the
 * call and the socket), a closed socket's calls throw a named {@code ClosedChannelException} (one that was waiting,
 * a named {@code AsynchronousCloseException}), durations follow {@code loop.internal.Timeouts} (zero: no limit;
 * negative: refused; huge: saturated), addresses, ports and sizes are checked as the JDK's channels check them.
 *
 * <p><b>Servers.</b> {@link io.ringloop.net.TcpServer} runs a handler task per connection under
 * {@link io.ringloop.net.ServerLimits}, which the framing server shares. {@code ServerConnections} counts a
 * server's connections over all its loops against {@code maxConnections} (acceptors park at the limit, with no
 * accept submitted) and keeps, per loop, the list a drain walks. {@link io.ringloop.net.ServerConnection} is one
 * connection's side: request marks, and the idle, request and write deadlines, kept as Netty's IdleStateHandler
 * keeps them. An operation that must wait stamps the loop's turn clock and makes sure the connection's one timer
 * (a {@code TimerWheel} entry, re-armed when it fires) is due by its deadline; an expired operation is cancelled
 * through the driver like any cancel, so a raced result is delivered and no byte is lost, and the stream turns
 * the cancel into {@code SocketTimeoutException} naming the call, the peer and the limit. Nothing is done for
 * an operation that completes at once.
 *
 * <p><b>UDP.</b> {@link io.ringloop.net.UdpSocket} sends and receives datagrams in both styles; a receive can
 * report truncation ({@link io.ringloop.net.UdpReceived}); {@link io.ringloop.net.UdpBatch} moves many datagrams
 * per system call (recvmmsg/sendmmsg: measured with {@code ringloop-bench/src/main/sh/udp-batch.sh}); multicast
 * groups, TTL and hop limits, IPv6 sockets (dual-stack) and SO_REUSEPORT spread over loops are there. Its callback
 * style lives in {@code UdpCallbacks}. What a backend cannot do fails with the errno Linux would give: NIO has no
 * unicast TTL (ENOPROTOOPT), no multicast join without an interface (EINVAL), and cannot send an empty datagram to
 * a connected peer (EOPNOTSUPP).
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
