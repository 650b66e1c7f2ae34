package io.ringloop.unix;

import java.util.List;

/**
 * What one {@link UnixStream#readWithFds} received: bytes and the descriptors that came with them.
 *
 * @param count the bytes read into the caller's array, or -1 at end of stream
 * @param fds the descriptors received with them (this process owns and must close each), in the sender's order
 * @param fdsTruncated true when more descriptors came than fit ({@link UnixStream#MAX_FDS}): the kernel closed the
 *     rest ({@code MSG_CTRUNC})
 */
public record FdMessage(int count, List<PassedFd> fds, boolean fdsTruncated) {
    /** Copies {@code fds}. */
    public FdMessage {
        fds = List.copyOf(fds);
    }
}
