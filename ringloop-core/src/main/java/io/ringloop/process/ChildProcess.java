package io.ringloop.process;

import io.ringloop.net.AsyncFd;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.Pidfds;
import io.ringloop.sys.Pipes;
import io.ringloop.sys.Spawn;
import io.ringloop.task.JoinHandle;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child process for tasks: spawned with {@code posix_spawnp}, its stdin, stdout and stderr as {@link ProcessPipe}
 * streams, its exit awaited without blocking a loop. The wait is on the child's pidfd (Linux 5.3), readable once it
 * exits: through the loop's driver on io_uring and epoll (a POLL_ADD, the fd in the epoll set), with poll(2) on a
 * pool thread elsewhere (NIO, a plain thread); {@code waitid(P_PIDFD)} then reaps it, so no zombie is left. Signals
 * go through the pidfd too, so they can never reach another process that reused the pid.
 *
 * <pre>{@code
 * try (ChildProcess p = ChildProcess.spawn("sh", "-c", "echo hi; exit 3")) {
 *     byte[] out = new StreamReader(p.stdout()).readAllBytes(); // or any ByteStream code
 *     int code = p.waitFor();                                    // 3; the task parks, the loop runs
 * }
 * }</pre>
 *
 * <p>{@link #close()} closes the three streams and, if the child is still running, kills it (SIGKILL) and reaps
 * it. Not named {@code Process}, which is {@code java.lang}'s.
 */
public final class ChildProcess implements AutoCloseable {
    /** pidfd_send_signal to a child that has exited (a zombie) or been reaped. */
    private static final int ESRCH = 3;

    private final int pid;
    private final ProcessFd pidfd;
    private final ProcessPipe stdin;
    private final ProcessPipe stdout;
    private final ProcessPipe stderr;
    private final ReentrantLock reaping = new ReentrantLock();
    /** The exit code once reaped (128 + the signal for a child killed by one), else -1. Guarded by reaping. */
    private volatile int exitCode = -1;

    private ChildProcess(int pid, ProcessFd pidfd, ProcessPipe stdin, ProcessPipe stdout, ProcessPipe stderr) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Spawns {@code command} (its first word looked up in PATH) with this process's environment and directory. */
    public static ChildProcess spawn(String... command) throws IOException {
        return spawn(List.of(command), null, System.getenv());
    }

    /**
     * Spawns {@code command} in {@code directory} (null: this process's) with exactly {@code environment}. From a
     * task or any thread; the spawn itself runs on a pool thread (glibc's vfork-style spawn suspends its caller
     * until the child has exec'd).
     *
     * @throws java.nio.file.NoSuchFileException naming the program when there is none such in PATH
     * @throws IllegalArgumentException         when {@code command} is empty
     */
    public static ChildProcess spawn(List<String> command, Path directory, Map<String, String> environment)
            throws IOException {
        List<String> argv = List.copyOf(command);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("ChildProcess.spawn: empty command");
        }
        Map<String, String> env = new HashMap<>(Objects.requireNonNull(environment, "environment"));
        String dir = directory == null ? null : directory.toString();
        String what = "posix_spawn(" + argv.get(0) + ")";
        if (Thread.currentThread().isInterrupted()) {
            throw Errno.cancelled(what);
        }
        JoinHandle<ChildProcess> spawning = FdWait.POOL.spawn(() -> start(argv, env, dir));
        boolean interrupted = false;
        while (true) {
            try {
                ChildProcess child = spawning.join();
                if (interrupted) {
                    child.close(); // the caller is gone: kill and reap the child it would not see
                    Thread.currentThread().interrupt();
                    throw Errno.cancelled(what);
                }
                return child;
            } catch (InterruptedException e) {
                interrupted = true; // the spawn runs on: wait for it, so its child is not left unowned
            } catch (ExecutionException e) {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(what + ": " + e.getCause(), e.getCause());
            }
        }
    }

    /** On a pool thread: three pipes, the spawn, the pidfd; everything opened is closed again on a failure. */
    private static ChildProcess start(List<String> argv, Map<String, String> env, String dir) throws IOException {
        List<Integer> opened = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.allocateCallState(arena);
            MemorySegment ends = arena.allocate(8, 4);
            int[][] pipes = new int[3][];
            for (int i = 0; i < 3; i++) {
                int r = Libc.pipe2(cs, ends, Pipes.O_CLOEXEC);
                if (r < 0) {
                    throw Errno.exception("pipe2", r);
                }
                pipes[i] = new int[] {ends.get(ValueLayout.JAVA_INT, 0), ends.get(ValueLayout.JAVA_INT, 4)};
                opened.add(pipes[i][0]);
                opened.add(pipes[i][1]);
            }
            // The child reads stdin's read end and writes the others' write ends; we keep the opposite ends.
            int[] childEnds = {pipes[0][0], pipes[1][1], pipes[2][1]};
            int[] ourEnds = {pipes[0][1], pipes[1][0], pipes[2][0]};
            int pid = Spawn.spawn(argv, env, dir, childEnds);
            if (pid < 0) {
                throw Errno.exception("posix_spawn(" + argv.get(0) + ")", pid);
            }
            int pidfd = Pidfds.open(cs, pid);
            for (int fd : childEnds) {
                Libc.close(cs, fd);
                opened.remove(Integer.valueOf(fd));
            }
            if (pidfd < 0) {
                throw Errno.exception("pidfd_open(" + pid + ")", pidfd); // not reaped: only a kernel before 5.3
            }
            for (int fd : ourEnds) {
                int r = Pidfds.nonBlocking(cs, fd);
                if (r < 0) {
                    Libc.close(cs, pidfd);
                    throw Errno.exception("fcntl(O_NONBLOCK)", r);
                }
            }
            opened.clear();
            String who = " of pid " + pid;
            return new ChildProcess(pid, new ProcessFd(pidfd, "pidfd" + who),
                    new ProcessPipe(new ProcessFd(ourEnds[0], "stdin" + who), false),
                    new ProcessPipe(new ProcessFd(ourEnds[1], "stdout" + who), true),
                    new ProcessPipe(new ProcessFd(ourEnds[2], "stderr" + who), true));
        } finally {
            if (!opened.isEmpty()) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment cs = Libc.allocateCallState(arena);
                    for (int fd : opened) {
                        Libc.close(cs, fd);
                    }
                }
            }
        }
    }

    /** The child's process id (never reused while this object has not reaped it). */
    public long pid() {
        return pid;
    }

    /** The child's standard input: write to it; {@link ProcessPipe#shutdownOutput()} ends its input. */
    public ProcessPipe stdin() {
        return stdin;
    }

    /** The child's standard output, to read. */
    public ProcessPipe stdout() {
        return stdout;
    }

    /** The child's standard error, to read. */
    public ProcessPipe stderr() {
        return stderr;
    }

    /**
     * Waits for the child to exit and reaps it: its exit code, or 128 plus the signal's number when a signal ended
     * it (as the JDK's {@code Process} and shells report it; SIGKILL: 137). At once when it has been reaped
     * already. The task parks; its loop runs.
     */
    public int waitFor() throws IOException {
        int code = waitUntil(0);
        if (code < 0) {
            throw new IllegalStateException("waitFor(pid " + pid + "): no result without a time limit");
        }
        return code;
    }

    /**
     * {@link #waitFor()} for at most {@code timeout} (null or zero: no limit).
     *
     * @throws TimeoutException naming the call, the pid and the limit when the child still runs
     */
    public int waitFor(Duration timeout) throws IOException, TimeoutException {
        long timeoutNs = timeout == null ? 0 : timeout.toNanos();
        if (timeoutNs < 0) {
            throw new IllegalArgumentException("waitFor(pid " + pid + "): negative timeout " + timeout);
        }
        int code = waitUntil(timeoutNs);
        if (code < 0) {
            throw new TimeoutException("waitFor(" + timeout + "): pid " + pid + " still running after " + timeout);
        }
        return code;
    }

    /** Whether the child has not been reaped yet and is still running. */
    public boolean isAlive() throws IOException {
        return exitCode < 0 && tryReap() < 0;
    }

    /** SIGKILL: the child ends at once (a no-op once it has exited). */
    public void kill() throws IOException {
        signal(Pidfds.SIGKILL, "kill");
    }

    /** SIGTERM: the child is asked to end (a no-op once it has exited). */
    public void terminate() throws IOException {
        signal(Pidfds.SIGTERM, "terminate");
    }

    /** Closes the streams; a child still running is killed and reaped, so no zombie stays behind. Idempotent. */
    @Override
    public void close() throws IOException {
        stdin.close();
        stdout.close();
        stderr.close();
        if (exitCode < 0 && !pidfd.closing()) {
            kill();
            waitUntil(0);
        }
        pidfd.close();
    }

    @Override
    public String toString() {
        int code = exitCode;
        return "ChildProcess[pid " + pid + (code < 0 ? ", running" : ", exit " + code) + "]";
    }

    private void signal(int signal, String call) throws IOException {
        pidfd.enter(call);
        try {
            reaping.lock();
            try {
                if (exitCode >= 0) {
                    return; // reaped: the pidfd would still refuse, but say nothing
                }
                int r = Pidfds.signal(pidfd.cs, pidfd.fd, signal);
                if (r < 0 && r != -ESRCH) {
                    throw pidfd.failure("pidfd_send_signal", r);
                }
            } finally {
                reaping.unlock();
            }
        } finally {
            pidfd.exit();
        }
    }

    /** The exit code once reaped within {@code timeoutNs} (0: no limit), else -1. */
    private int waitUntil(long timeoutNs) throws IOException {
        long deadlineNs = timeoutNs > 0 ? System.nanoTime() + timeoutNs : 0;
        pidfd.enter("waitid");
        try {
            while (true) {
                int code = tryReap();
                if (code >= 0) {
                    return code;
                }
                long leftNs = deadlineNs == 0 ? 0 : deadlineNs - System.nanoTime();
                if (deadlineNs != 0 && leftNs <= 0) {
                    return -1;
                }
                if (FdWait.await(pidfd, AsyncFd.READABLE, leftNs, "waitid") == 0) {
                    return -1;
                }
            }
        } finally {
            pidfd.exit();
        }
    }

    /** Reaps the child if it has exited: its exit code, else -1. */
    private int tryReap() throws IOException {
        if (exitCode >= 0) {
            return exitCode;
        }
        reaping.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (exitCode >= 0) {
                return exitCode;
            }
            MemorySegment info = arena.allocate(Pidfds.SIGINFO_SIZE, 8);
            int r = Pidfds.reap(Libc.allocateCallState(arena), pidfd.fd, info);
            if (r < 0) {
                throw pidfd.failure("waitid", r);
            }
            if (Pidfds.pid(info) == 0) {
                return -1;
            }
            int status = Pidfds.status(info);
            exitCode = Pidfds.code(info) == Pidfds.CLD_EXITED ? status : 128 + status;
            return exitCode;
        } finally {
            reaping.unlock();
        }
    }
}
