package io.ringloop.driver.uring;

import io.ringloop.error.SyscallException;
import io.ringloop.sys.Errno;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringRing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether io_uring can serve as a backend here, and with which setup flags. Answered once per JVM by
 * setting up (and closing) a two-entry ring: io_uring_setup fails with ENOSYS on a kernel without
 * io_uring and EPERM when {@code kernel.io_uring_disabled} or seccomp forbids it (Docker's default profile
 * does). Then the features and the opcodes we need are checked.
 */
final class IoUringSupport {
    /** Operations the driver submits; all must pass IORING_REGISTER_PROBE. */
    private static final int[] REQUIRED_OPS = {IoUring.OP_ACCEPT, IoUring.OP_CONNECT, IoUring.OP_RECV,
        IoUring.OP_SEND, IoUring.OP_RECVMSG, IoUring.OP_SENDMSG, IoUring.OP_ASYNC_CANCEL, IoUring.OP_READ};
    private static final int BASE = IoUring.SETUP_CQSIZE | IoUring.SETUP_CLAMP;

    /**
     * Setup flag sets, best first; a kernel that does not know a flag answers EINVAL and the next is tried.
     * DEFER_TASKRUN (6.1) runs completion work only when the loop asks for events, i.e. inside its one
     * io_uring_enter per turn; it needs SINGLE_ISSUER (6.0). The ring is made disabled and enabled at its
     * first enter, so its single issuer is the loop's OS thread, whichever thread built the driver.
     * COOP_TASKRUN (5.19) is the fallback: no interrupt of the loop thread for completion work.
     */
    static final int[] FLAG_CHOICES = {
        BASE | IoUring.SETUP_SUBMIT_ALL | IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN
                | IoUring.SETUP_R_DISABLED,
        BASE | IoUring.SETUP_SUBMIT_ALL | IoUring.SETUP_COOP_TASKRUN,
        BASE | IoUring.SETUP_SUBMIT_ALL,
        BASE,
    };

    private IoUringSupport() {
    }

    private static final class Cached {
        static final String REASON = compute();
    }

    /** Null when io_uring is usable, else why not. Computed once. */
    static String unusableReason() {
        return Cached.REASON;
    }

    private static String compute() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "io_uring needs Linux (os.name=" + System.getProperty("os.name") + ")";
        }
        String old = kernelTooOld(System.getProperty("os.version", ""));
        if (old != null) {
            return old;
        }
        try (IoUringRing ring = IoUringRing.open(2, FLAG_CHOICES)) {
            return problem(ring);
        } catch (IOException e) {
            return explain(e);
        } catch (LinkageError | RuntimeException e) {
            return "io_uring unusable: " + e;
        }
    }

    /**
     * Cancel by fd and cancel-any (used by close) came with Linux 5.19. The version is read from
     * {@code os.version}, e.g. {@code 6.18.44-fc}.
     */
    static String kernelTooOld(String version) {
        String[] parts = version.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            if (major < 5 || (major == 5 && minor < 19)) {
                return "io_uring backend needs Linux 5.19 or later (IORING_ASYNC_CANCEL_FD), kernel is " + version;
            }
            return null;
        } catch (NumberFormatException e) {
            return null; // an unusual version string: let io_uring_setup and the probe decide
        }
    }

    /** What a working ring lacks for this driver, or null. */
    static String problem(IoUringRing ring) {
        int features = ring.features();
        if ((features & IoUring.FEAT_EXT_ARG) == 0) {
            return "io_uring lacks IORING_FEAT_EXT_ARG (Linux 5.11)";
        }
        if ((features & IoUring.FEAT_NODROP) == 0) {
            return "io_uring lacks IORING_FEAT_NODROP (Linux 5.5)";
        }
        for (int op : REQUIRED_OPS) {
            if (!ring.supports(op)) {
                return "io_uring lacks IORING_OP_" + IoUring.opcodeName(op) + " (IORING_REGISTER_PROBE)";
            }
        }
        return null;
    }

    /** The setup failure, with the sysctl's value when the kernel said EPERM. */
    static String explain(IOException e) {
        String message = "io_uring unusable: " + e.getMessage();
        if (e instanceof SyscallException se && se.errno() == Errno.EPERM) {
            message += " (kernel.io_uring_disabled=" + sysctl() + "; or a seccomp filter forbids io_uring)";
        } else if (e instanceof SyscallException se && se.errno() == Errno.ENOSYS) {
            message += " (kernel built without CONFIG_IO_URING, or a seccomp filter returns ENOSYS)";
        }
        return message;
    }

    private static String sysctl() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
