package io.ringloop.sys;

/**
 * A test hook: the set-up calls a seccomp filter or a sysctl can refuse ({@code io_uring_setup} with EPERM
 * under Docker's default profile or {@code kernel.io_uring_disabled}, ENOSYS on a kernel without io_uring;
 * {@code epoll_create1} likewise), refused here without asking the kernel. With it a test drives the AUTO
 * backend chain (io_uring, then epoll, then NIO) through the real failure paths. 0: no refusal, the default.
 * Not for production use; internal like the rest of {@code sys}.
 */
public final class SyscallRefusals {
    private static volatile int ioUringSetup;
    private static volatile int epollCreate;

    private SyscallRefusals() {
    }

    /** From now on {@code io_uring_setup} fails with {@code errno} (0: asks the kernel again). */
    public static void refuseIoUringSetup(int errno) {
        ioUringSetup = Math.abs(errno);
    }

    /** From now on {@code epoll_create1} fails with {@code errno} (0: asks the kernel again). */
    public static void refuseEpollCreate(int errno) {
        epollCreate = Math.abs(errno);
    }

    /** Both calls ask the kernel again. */
    public static void clear() {
        ioUringSetup = 0;
        epollCreate = 0;
    }

    /** The errno {@code io_uring_setup} is refused with, or 0. */
    public static int ioUringSetup() {
        return ioUringSetup;
    }

    public static int epollCreate() {
        return epollCreate;
    }
}
