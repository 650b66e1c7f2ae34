/**
 * Child processes for tasks: {@link io.ringloop.process.ChildProcess} spawns a program ({@code posix_spawnp}, with
 * stdin, stdout and stderr on pipes and every other descriptor closed in the child) and waits for its exit without
 * blocking a loop; {@link io.ringloop.process.ProcessPipe} is one of its standard streams as an
 * {@code io.ringloop.net.ByteStream}, so the buffered reader and writer of {@code io.ringloop.io} work on it.
 *
 * <p>Design: the child is followed through its pidfd (Linux 5.3), which turns readable when it exits. io_uring and
 * epoll wait for that, and for the non-blocking pipes, through {@link io.ringloop.net.AsyncFd} (the driver's wait
 * for an fd it does not own: a POLL_ADD, the fd in the epoll set); the NIO backend and plain threads wait with
 * poll(2) on a pool thread. {@code waitid(P_PIDFD, WNOHANG)} reaps it; signals go through
 * {@code pidfd_send_signal}. IORING_OP_WAITID (6.7) would save the reaping call and is not used: one path serves
 * both fd-based backends.
 *
 * <p>Invariants: a descriptor is closed only when no call is waiting on it (a kernel wait on a closed fd never
 * fires), so waits run in 200 ms slices and leave when their stream closes; {@code close()} of a process kills and
 * reaps a child still running, so none is left a zombie; the parent's pipe ends are non-blocking, the child's are
 * its own blocking ones. Not named {@code Process}, which is {@code java.lang}'s.
 */
package io.ringloop.process;
