/**
 * Unix domain sockets: {@link io.ringloop.unix.UnixListener}, {@link io.ringloop.unix.UnixStream} (a
 * {@link io.ringloop.net.ByteStream}, so the buffered reader and writer and TLS work over it) and
 * {@link io.ringloop.unix.UnixDatagram}, at a {@link io.ringloop.unix.UnixAddress}: a path, or a name in Linux's
 * abstract namespace ({@code @name} in text).
 *
 * <p><b>Design.</b> A Unix stream is a byte stream like TCP, so {@code UnixStream} does not copy TCP's code: it
 * holds a {@code TcpStream} over its socket's handle (lent by {@code net.internal.StreamSockets}) for reads,
 * writes, callbacks, {@code readAsync/writeAsync} and scatter/gather, and adds what only a Unix socket has. It is a
 * {@link io.ringloop.net.CallbackStream}, so TLS's callback style runs over it; its peer description is the
 * address it connected to, or {@code a client of} the listener's address for an accepted stream. Both styles
 * accept: {@code UnixListener.accept()} in a task, {@code accept(UnixAcceptCallback)} on the loop thread, through
 * the callback accept TCP's listener uses ({@code net.internal.CallbackAccept}: one accept at a time, the EMFILE
 * back-off on the loop's timer, a closed listener named). The drivers take Unix addresses
 * where they take IP ones ({@code Driver.bind/connect/sendTo} take a {@code SocketAddress}; {@code sys.UnixSockAddr}
 * holds the {@code sockaddr_un} bytes made once, so a send to it allocates nothing) and go through the same
 * operations TCP and UDP use. Two driver calls are new: {@code peerCredentials} ({@code SO_PEERCRED}) and
 * {@code sendMessage}/{@code receiveMessage} (the caller's msghdr: {@code SCM_RIGHTS} descriptor passing), a
 * SENDMSG/RECVMSG submission on io_uring and a {@code sendmsg(2)}/{@code recvmsg(2)} try on epoll.
 *
 * <p><b>Invariants.</b> A socket file is created by bind and removed by the close of the listener (or datagram
 * socket) that created it, only if it is still that file; a bind that finds a path taken says what holds it
 * (stale file, live listener, not a socket) and removes only a stale socket file, only when asked
 * ({@code removeStale}). Descriptors are received close-on-exec and owned by the receiver
 * ({@link io.ringloop.unix.PassedFd}). Descriptor-passing memory is freed only when no operation uses it.
 *
 * <p><b>Backends.</b> io_uring and epoll do everything. NIO uses the JDK's Unix-domain {@code SocketChannel} and
 * {@code ServerSocketChannel} for paths; it has no abstract namespace, no descriptor passing, no datagrams and
 * no pid in {@code SO_PEERCRED}: those throw {@link java.lang.UnsupportedOperationException} naming the backend.
 *
 * <p>References: man 7 unix (address formats, {@code SO_PEERCRED}, {@code SCM_RIGHTS}), man 3 cmsg.
 */
package io.ringloop.unix;
