package io.ringloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SyscallRefusals;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AUTO chain itself: io_uring, else epoll, else NIO, when the kernel refuses the set-up call as seccomp
 * (Docker's default profile: EPERM), {@code kernel.io_uring_disabled} (EPERM) or a kernel without it (ENOSYS)
 * do. The refusal is injected where the ring (or the epoll set) is made ({@link SyscallRefusals}), so the
 * real failure paths run; the reason the loop reports names the errno. Once in this JVM, after the io_uring
 * probe has run (it is cached per JVM), and once in a fresh JVM where the probe itself is refused.
 */
class BackendFallbackTest {
    @BeforeAll
    static void probeBeforeAnyRefusal() {
        assumeTrue(System.getenv("RINGLOOP_BACKEND") == null && System.getProperty("ringloop.backend") == null,
                "AUTO is overridden here");
        // The probe's answer is kept for the JVM: it must see the real kernel, not a refusal of this test.
        assumeTrue(IoUringDriver.unusableReason() == null, "io_uring is unusable here anyway");
    }

    @AfterEach
    void askTheKernelAgain() {
        SyscallRefusals.clear();
    }

    private static EventLoop autoLoop(Ringloop rt) {
        return rt.loop(0);
    }

    @Test
    void shouldChooseEpollWhenTheRingIsRefusedWithEperm() throws IOException {
        SyscallRefusals.refuseIoUringSetup(Errno.EPERM);
        try (Ringloop rt = Ringloop.builder().backend(Backend.AUTO).threads(1).start()) {
            assertEquals("epoll", autoLoop(rt).backendName());
            String reason = autoLoop(rt).backendReason();
            assertTrue(reason.contains("io_uring_setup") && reason.contains("EPERM (1)"), reason);
        }
    }

    @Test
    void shouldChooseEpollWhenTheKernelHasNoIoUring() throws IOException {
        SyscallRefusals.refuseIoUringSetup(Errno.ENOSYS);
        try (Ringloop rt = Ringloop.builder().backend(Backend.AUTO).threads(1).start()) {
            assertEquals("epoll", autoLoop(rt).backendName());
            assertTrue(autoLoop(rt).backendReason().contains("ENOSYS (38)"), autoLoop(rt).backendReason());
        }
    }

    @Test
    void shouldChooseNioWhenEpollIsRefusedToo() throws Exception {
        SyscallRefusals.refuseIoUringSetup(Errno.EPERM);
        SyscallRefusals.refuseEpollCreate(Errno.EPERM);
        try (Ringloop rt = Ringloop.builder().backend(Backend.AUTO).threads(1).start()) {
            assertEquals("nio", autoLoop(rt).backendName());
            String reason = autoLoop(rt).backendReason();
            assertTrue(reason.contains("io_uring_setup") && reason.contains("epoll_create1")
                    && reason.contains("EPERM (1)"), reason);
            rt.blockOn(() -> null); // and it runs tasks
        }
    }

    @Test
    void shouldFailABackendThatWasAskedForAndIsRefused() {
        SyscallRefusals.refuseIoUringSetup(Errno.EPERM);
        SyscallRefusals.refuseEpollCreate(Errno.ENOSYS);
        IOException uring = assertThrows(IOException.class,
                () -> Ringloop.builder().backend(Backend.IO_URING).threads(1).start().close());
        assertTrue(uring.getMessage().contains("EPERM"), uring.getMessage());
        IOException epoll = assertThrows(IOException.class,
                () -> Ringloop.builder().backend(Backend.EPOLL).threads(1).start().close());
        assertTrue(epoll.getMessage().contains("epoll_create1") && epoll.getMessage().contains("ENOSYS"),
                epoll.getMessage());
    }

    @Test
    void shouldExplainARefusedProbeInAFreshJvm() throws Exception {
        List<String> eperm = child(Errno.EPERM, 0);
        assertEquals("backend=epoll", eperm.get(0), eperm.toString());
        assertTrue(eperm.get(1).contains("EPERM (1)") && eperm.get(1).contains("kernel.io_uring_disabled"),
                eperm.get(1));
        List<String> enosys = child(Errno.ENOSYS, Errno.EPERM);
        assertEquals("backend=nio", enosys.get(0), enosys.toString());
        assertTrue(enosys.get(1).contains("ENOSYS (38)") && enosys.get(1).contains("CONFIG_IO_URING")
                && enosys.get(1).contains("epoll_create1"), enosys.get(1));
    }

    /** The lines {@link FallbackChainMain} prints in a JVM of its own. */
    private static List<String> child(int ioUringErrno, int epollErrno) throws Exception {
        List<String> classPath = new ArrayList<>();
        for (String entry : ourClassPath()) {
            if (Files.isDirectory(Path.of(entry))) {
                classPath.add(entry);
            }
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-cp", String.join(File.pathSeparator, classPath),
                FallbackChainMain.class.getName(), Integer.toString(ioUringErrno), Integer.toString(epollErrno))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    /**
     * Where our classes are: tests run on the module path (the main classes in {@code jdk.module.path}, the test
     * classes patched in beside them) or on the class path; the child takes both on its class path.
     */
    private static String[] ourClassPath() {
        String modulePath = System.getProperty("jdk.module.path");
        String all = System.getProperty("java.class.path")
                + (modulePath == null ? "" : File.pathSeparator + modulePath);
        return all.split(File.pathSeparator);
    }
}
