/**
 * The io_uring backend ({@link io.ringloop.driver.uring.IoUringDriver}): every asynchronous operation is one
 * SQE, written without a system call and handed to the kernel by the next {@code poll}, which submits, waits
 * and reaps in one {@code io_uring_enter}.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Tokens.</b> An SQE's {@code user_data} is its {@code OpTable} token ({@code generation << 32 |
 *       slot}); the driver's own SQEs (the wake-up READ, every ASYNC_CANCEL, every LINK_TIMEOUT) carry negative
 *       user data, which no token ever is. Each slot records its {@code IoUringOpKind}: the one typed list of
 *       what an operation is, by which its CQE is routed and named. A CQE whose token is no longer live (its
 *       generation moved on) is dropped.</li>
 *   <li><b>Cancel</b> submits ASYNC_CANCEL for the token; the target's CQE then brings {@code -ECANCELED} or,
 *       if it raced, its real result. Operations with no SQE of their own (an accept or a read waiting on a
 *       multishot) complete at once instead. <b>close(fd)</b> cancels every operation on the fd
 *       (ASYNC_CANCEL_FD | ALL) and reaps until they have all completed, running only their completions (other
 *       CQEs wait in the stash for the next poll); then it closes the fd, so no late CQE can name it.</li>
 *   <li><b>Accept</b> is multishot (one ACCEPT per listener keeps accepting); <b>stream reads and writes of
 *       heap memory</b> try a direct non-blocking recv(2)/send(2) first; a heap read that must wait polls for
 *       readiness and recv(2)s into the array, or reads from the connection's multishot RECV when that is on;
 *       heap writes that wait and heap datagrams go through pooled bounce buffers; native buffers go to the
 *       kernel in place; large native writes may go zero-copy (SEND_ZC). Busy sockets become fixed files.</li>
 *   <li><b>Wake-up</b>: an eventfd on which a READ is always pending.</li>
 * </ul>
 *
 * <h2>Structure: dependencies point one way, down this list</h2>
 * <ol>
 *   <li>{@code IoUringDriver}: the {@code Driver}; checks that an operation may start and hands it on.</li>
 *   <li>{@code IoUringCompletions}: cancels, deadlines (LINK_TIMEOUT) and the CQE dispatch, a switch on the
 *       op kind to the part that owns it; then {@code IoUringSockets}: which path a socket operation takes.</li>
 *   <li>The parts, which never use each other: {@code IoUringAcceptor} (multishot accept),
 *       {@code IoUringMultishotReads}, {@code IoUringPolledReads}, {@code IoUringSplices} (pipes and splice:
 *       splice(2) after a POLL_ADD, or IORING_OP_SPLICE SQEs on request), {@code IoUringZeroCopySends},
 *       {@code IoUringVectors} (readv/writev), {@code IoUringDatagrams} (receives with MSG_TRUNC; batches of
 *       datagrams as a direct recvmmsg/sendmmsg, with a POLL_ADD only when nothing can move), {@code IoUringFiles},
 *       {@code IoUringWaker}.</li>
 *   <li>{@code IoUringEngine}: the state they share (ring, op table, per-slot memory, fd table, CQE stash) and
 *       the moves on it (begin, finish, keep the SQ from overflowing, reap). It knows no part: a reaped CQE
 *       goes to the {@code CqeHandler} it was given, the driver's dispatch.</li>
 *   <li>Leaves: {@code IoUringOpKind}, {@code IoUringOpMemory} and {@code IoUringBouncePool},
 *       {@code IoUringFdTable}, {@code IoUringCqeStash}, {@code IoUringSupport}.</li>
 * </ol>
 * SQEs are written only through the named {@code prep*} helpers of {@code sys.uring.IoUringSubmissionQueue}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Memory an SQE references (the caller's buffer, a bounce buffer, the slot's msghdr, iovecs, sockaddr and
 *       timespec) stays alive and unshared until that SQE's CQE is reaped, even after a cancel: a slot is
 *       released only then.</li>
 *   <li>Every operation completes exactly once; close completes every pending operation, and frees native
 *       memory only when the kernel holds none of it (else it leaks it, loudly).</li>
 *   <li>A direct recv(2)/send(2) runs only while no receive (send) of that stream is in flight, so it never
 *       reorders the byte stream ({@code IoUringOpKind.direction}).</li>
 *   <li>Once the loop runs, starting an operation and routing its CQE allocate nothing. Debug strings
 *       ({@code toString} of the driver and its parts: ring, operations in flight by kind, token and fd,
 *       per-listener and per-connection state) allocate, and only run when asked.</li>
 *   <li>Loop thread only (one issuer per ring), except {@code wakeup}.</li>
 * </ul>
 *
 * <h2>References</h2>
 * Jens Axboe, "Efficient IO with io_uring" (https://kernel.dk/io_uring.pdf); liburing-2.6
 * {@code src/include/liburing.h} for the {@code io_uring_prep_*} field choices; tokio's
 * {@code runtime/io/driver/uring.rs} for keeping an op's memory until its CQE ({@code Lifecycle::Cancelled});
 * Netty 4.2's {@code IoUringIoHandler} for bounding the reap loop; the kernel's {@code io_uring/*.c} at v6.1.
 */
package io.ringloop.driver.uring;
