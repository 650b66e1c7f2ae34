package io.ringloop.loop;

import io.ringloop.Ringloop;
import io.ringloop.sys.SyscallRefusals;

/**
 * {@link BackendFallbackTest}'s child JVM: refuses {@code io_uring_setup} (and {@code epoll_create1}) with the
 * errnos given, before anything probed io_uring, then starts an AUTO runtime and prints its choice as
 * {@code backend=...} and {@code reason=...}.
 *
 * <p>Usage: {@code FallbackChainMain <io_uring errno> <epoll errno>} (0: not refused).
 */
public final class FallbackChainMain {
    private FallbackChainMain() {
    }

    public static void main(String[] args) throws Exception {
        SyscallRefusals.refuseIoUringSetup(Integer.parseInt(args[0]));
        SyscallRefusals.refuseEpollCreate(Integer.parseInt(args[1]));
        try (Ringloop rt = Ringloop.builder().backend(Backend.AUTO).threads(1).start()) {
            System.out.println("backend=" + rt.loop(0).backendName());
            System.out.println("reason=" + rt.loop(0).backendReason());
        }
    }
}
