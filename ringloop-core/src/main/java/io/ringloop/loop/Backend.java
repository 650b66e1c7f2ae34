package io.ringloop.loop;

/**
 * Which kernel interface a loop drives. {@link #AUTO} picks io_uring when the kernel allows it (not
 * disabled by sysctl, not refused by seccomp, every opcode we need present), else epoll, else NIO; the
 * {@code RINGLOOP_BACKEND} environment variable ({@code io_uring|epoll|nio}) overrides AUTO. The choice and
 * its reason are logged once.
 */
public enum Backend {
    AUTO,
    IO_URING,
    EPOLL,
    NIO
}
