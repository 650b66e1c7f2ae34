package io.ringloop.net;

/**
 * How {@link StreamCopy#copyBidirectional} moves bytes.
 */
public enum CopyMode {
    /**
     * The measured better of the two where both are possible (the figures are in {@link StreamCopy}'s
     * documentation); through memory otherwise (NIO, streams that are not plain TCP on one loop, TLS).
     */
    AUTO,
    /** Through a buffer in user memory: read into it, write from it. Works for every {@link ByteStream}. */
    MEMORY,
    /**
     * Socket to pipe to socket inside the kernel with {@code splice(2)}, the bytes never in user memory: two
     * {@link TcpStream}s on one loop whose backend has file descriptors (io_uring, epoll), else
     * {@link UnsupportedOperationException} naming what is missing.
     */
    SPLICE
}
