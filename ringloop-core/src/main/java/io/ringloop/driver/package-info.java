/**
 * Backends: "submit an operation, reap completions". A {@link io.ringloop.driver.Driver} does I/O for one
 * loop and never sees a task or a virtual thread.
 *
 * <h2>What every backend provides</h2>
 * <ul>
 *   <li>Sockets named by {@code int} handles: {@code socket, bind, listen, setOption/getOption,
 *       localAddress/peerAddress, shutdown, close}; {@code detach/adopt} to move an idle connection to
 *       another loop's driver of the same kind.</li>
 *   <li>Asynchronous {@code accept, connect, read, write, receiveFrom, sendTo}: a result at once, {@code -errno},
 *       or {@link io.ringloop.driver.Driver#PENDING} and later exactly one
 *       {@link io.ringloop.driver.Completion#complete} on the loop thread. EAGAIN never escapes.</li>
 *   <li>Scatter/gather {@code readv, writev} over up to {@link io.ringloop.driver.Driver#MAX_IOVECS} heap or
 *       native buffers, with the same result rules: one byte stream in buffer order, a total count that may be
 *       short, 0 at end of stream for {@code readv}, and no SIGPIPE from {@code writev} (EPIPE instead).
 *       Native buffers go to the kernel in place through driver-owned iovec memory; heap ones through a
 *       native staging copy (see {@code Iovecs}).</li>
 *   <li>Socket addresses as {@code java.net.SocketAddress}: IP, and for AF_UNIX a {@code sys.UnixSockAddr} (path or
 *       abstract name, encoded without allocation) or the JDK's {@code UnixDomainSocketAddress}. For Unix sockets,
 *       {@code peerCredentials} ({@code SO_PEERCRED}) and {@code sendMessage/receiveMessage} of the caller's msghdr
 *       (descriptor passing); NIO answers -EOPNOTSUPP to both and to abstract names.</li>
 *   <li>Datagrams beyond {@code receiveFrom/sendTo}: {@code receiveDatagram} (the full length, MSG_TRUNC, so a
 *       caller can tell truncation), {@code receiveBatch/sendBatch} over a {@link io.ringloop.driver.DatagramBatch}
 *       (recvmmsg/sendmmsg on epoll, the same calls made directly on io_uring with a POLL_ADD only to wait, a loop
 *       of the JDK's calls on NIO), {@code membership} (multicast join/leave), and the TTL and multicast
 *       {@link io.ringloop.driver.SocketOpt}s (NIO has no unicast TTL: ENOPROTOOPT).</li>
 *   <li>{@code pipe} and {@code splice}: bytes from a socket into a driver-owned pipe and from the pipe into a
 *       socket inside the kernel (splice(2)); the driver waits for the socket only (epoll: a read- or write-side
 *       op of the readiness core; io_uring: a direct try, then POLL_ADD and splice(2)); NIO has no file
 *       descriptors and throws UnsupportedOperationException naming itself ({@code supportsSplice} false).</li>
 *   <li>Files, optional ({@code supportsFiles}): {@code openFile, readFile, writeFile, syncFile, closeFile}, and
 *       {@code statFile, truncateFile, allocateFile, renameFile, unlinkFile, makeDirectory, spliceFromFile} (file
 *       into a driver-owned pipe). io_uring submits them (each of the second group probed on its own opcode);
 *       every other answer is -EOPNOTSUPP at once, without a completion, and {@code fs} makes the system call on
 *       its thread pool instead.</li>
 *   <li>{@code pollReady(fd, events)}: a wait for readiness of an fd the driver does not own (io_uring:
 *       IORING_OP_POLL_ADD; epoll: one-shot in its set; NIO: -EOPNOTSUPP), behind {@code net.AsyncFd}.</li>
 *   <li>{@code deadline}: a time limit the kernel keeps (io_uring LINK_TIMEOUT), else false and the caller's
 *       timer does.</li>
 *   <li>{@code cancel} that never loses data: the completion still comes once, with {@code -ECANCELED} or with
 *       the real result if that raced the cancel.</li>
 *   <li>{@code poll(timeoutNs)} (flush + wait + dispatch in one call) and a thread-safe {@code wakeup()} whose
 *       kernel cost is counted by {@code wakeupCount()}.</li>
 *   <li>{@code counters()}: a {@link io.ringloop.driver.DriverCounters} the loop thread writes without atomics:
 *       every operation submitted and completed once (at once or later) by kind, cancels that found it pending,
 *       kernel waits, and the time blocked in them (measured around the wait system call only).</li>
 *   <li>{@code close()} that completes every pending operation, closes every handle and frees all native
 *       memory, safely against a concurrent {@code wakeup()}.</li>
 * </ul>
 *
 * <h2>The backends</h2>
 * <ul>
 *   <li>{@link io.ringloop.driver.epoll.EpollDriver}: edge-triggered readiness, each fd registered once and lazily,
 *       try-the-syscall-first, readiness cache, generation in the epoll data. The operations' life cycle is the
 *       shared {@code ReadinessCore}'s (below); {@code EpollOps} is its backend (the one try of each kind,
 *       scatter/gather in {@code EpollVectors}, the readiness-cache check and the short-read drain, the lazy
 *       registration), {@code EpollFdTable} holds the per-fd state and readiness bits, {@code EpollForeignWaits}
 *       the {@code pollReady} waits, {@code EpollWaker} owns the wake-up eventfd; the driver turns edges into
 *       retries.</li>
 *   <li>{@code IoUringDriver}: completions; SQEs queued without a syscall and flushed with the wait in one
 *       {@code io_uring_enter}. Each operation has an {@code IoUringOpKind} that routes its CQE; its parts and
 *       their one-way order are described in {@code driver.uring}'s package documentation.</li>
 *   <li>{@link io.ringloop.driver.nio.NioDriver}: the JDK selector, portable to every platform Java runs on. The
 *       operations' life cycle is the shared {@code ReadinessCore}'s; {@code NioOps} is its backend (the one try
 *       of each kind, scatter/gather in {@code NioVectors}, the readiness cache, the interest bit an operation
 *       that waits needs), the driver keeps the handles and when interest is dropped, {@code NioSelector} drives
 *       the selector (select, coalesced wake-ups, early release of closed channels' fds), {@code NioSockets}
 *       makes the channels.</li>
 * </ul>
 *
 * <p>Shared pieces: {@link io.ringloop.driver.OpTable} (operation slots with generations, so a late event
 * never reaches a stranger) and {@code LinuxSockets} (the synchronous calls of the fd-based drivers).
 * Drivers allocate native memory from shared arenas: their callers are virtual threads mounted on the loop's
 * OS thread, which a confined arena would reject.
 *
 * <p><b>The readiness core</b> ({@link io.ringloop.driver.ReadinessCore}): epoll and NIO share one operation life
 * cycle. An operation is tried at once; only on EAGAIN does it claim an OpTable slot, ask its backend to
 * {@code arm} the handle's direction and return PENDING; each readiness report of that direction
 * ({@code onReady}) tries it once more, and a result other than EAGAIN completes it exactly once, after its
 * slot and the handle's pending token are cleared. One read-side and one write-side op per handle (another
 * gets -EBUSY); a completion that already has an operation pending is refused with IllegalStateException
 * before anything is tried (as io_uring does); cancel, handle close and driver close complete what waits with
 * -ECANCELED. A backend implements {@link io.ringloop.driver.ReadinessBackend} ({@code attempt}, {@code arm},
 * {@code disarm}) and keeps the rest: handles, readiness cache, event source. The op kinds of both are
 * {@link io.ringloop.driver.ReadinessOp} (read side = odd kinds; {@code name(kind)} for logs).
 *
 * <p>{@code driver.fault} wraps any backend in a seeded fault injector that keeps this contract (short counts,
 * later completions, reordering across handles, spurious wake-ups, resets), for tests; it also checks the
 * backend under it for completions that come twice or not at all.
 */
package io.ringloop.driver;
