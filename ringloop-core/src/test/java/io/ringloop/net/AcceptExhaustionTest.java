package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Backends;
import io.ringloop.loop.Backend;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Out of file descriptors: a server in a child JVM whose RLIMIT_NOFILE is {@value #FD_LIMIT} gets
 * {@value #CLIENTS} clients, more than it can hold. While the limit holds, accept must back off (the child's
 * CPU stays low; it used to spin), say so once, and serve the waiting clients as the served ones close. Both
 * styles, every backend.
 *
 * <p>By hand (with the classes in a jar: from class directories a class loaded late fails with EMFILE):
 * {@code bash -c 'ulimit -n 64; exec java --enable-native-access=ALL-UNNAMED --add-opens
 * java.base/java.lang=ALL-UNNAMED -cp ringloop-test.jar io.ringloop.net.ExhaustedServerMain epoll callback'},
 * then open a hundred connections to the printed port and watch {@code top}.
 */
class AcceptExhaustionTest {
    static final int FD_LIMIT = 64;
    static final int CLIENTS = 100;
    /** The child's CPU while the limit holds, as a share of one core: a spinning accept takes most of one. */
    static final double MAX_CPU_SHARE = 0.10;
    static final long WINDOW_MS = 1500;
    static final String WARNING = "out of file descriptors";

    static Stream<Arguments> backendsAndStyles() {
        return Backends.all().stream().flatMap(b -> Stream.of(Arguments.of(b, "task"), Arguments.of(b, "callback")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndStyles")
    void shouldBackOffWhileOutOfDescriptorsAndServeAgainWhenFreed(Backend backend, String style) throws Exception {
        Process child = startChild(backend, style);
        List<String> errors = new CopyOnWriteArrayList<>();
        BlockingQueue<String> warnings = new LinkedBlockingQueue<>();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        drain(child.getErrorStream(), line -> {
            errors.add(line);
            if (line.contains(WARNING)) {
                warnings.add(line);
            }
        });
        drain(child.getInputStream(), lines::add);
        List<Socket> clients = new ArrayList<>();
        try {
            String ready = lines.poll(60, TimeUnit.SECONDS);
            assertNotNull(ready, "the child did not start: " + errors);
            int port = Integer.parseInt(ready.substring("port ".length()).trim());
            for (int i = 0; i < CLIENTS; i++) {
                Socket c = new Socket("127.0.0.1", port); // the kernel completes it; the backlog holds it
                c.setSoTimeout(30_000);
                c.getOutputStream().write(i);
                clients.add(c);
            }
            assertNotNull(warnings.poll(30, TimeUnit.SECONDS), "no warning when out of descriptors: " + errors);
            double share = cpuShare(child.pid(), WINDOW_MS);
            System.out.printf(Locale.ROOT, "AcceptExhaustionTest %s %s: child CPU %.1f%% of a core over %d ms "
                    + "at its descriptor limit%n", backend, style, share * 100, WINDOW_MS);
            assertTrue(share < MAX_CPU_SHARE, "accept spins while out of descriptors: " + share + " of a core");
            assertEquals(List.of(), List.copyOf(warnings), "one warning per episode, and this is one episode");
            for (int i = 0; i < CLIENTS; i++) {
                Socket c = clients.get(i);
                assertEquals(i, c.getInputStream().read(), "client " + i + " echoed, once descriptors were freed");
                c.close(); // frees a descriptor in the child for the next client in its backlog
            }
            assertTrue(errors.stream().noneMatch(l -> l.contains("accept failed")), "an accept failed: " + errors);
        } finally {
            for (Socket c : clients) {
                c.close();
            }
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static Process startChild(Backend backend, String style) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String name = switch (backend) {
            case IO_URING -> "io_uring";
            case EPOLL -> "epoll";
            default -> "nio";
        };
        List<String> command = List.of("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$@\"", "bash", java,
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", childJar().toString(), ExhaustedServerMain.class.getName(), name, style);
        return new ProcessBuilder(command).start();
    }

    private static Path childJar;

    /**
     * Our classes in one jar, as an application ships them. From class directories, every class loaded late
     * (an error path's, say) opens a file, which fails with EMFILE once the limit is reached: a jar is opened
     * once, at start.
     */
    private static synchronized Path childJar() throws IOException {
        if (childJar != null) {
            return childJar;
        }
        Path jar = Files.createTempFile("ringloop-exhaustion", ".jar");
        jar.toFile().deleteOnExit();
        java.util.Set<String> added = new java.util.HashSet<>();
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : ourClassPath()) {
                Path dir = Path.of(entry);
                if (!Files.isDirectory(dir)) {
                    continue; // our two class directories only; the child needs no library
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                        if (added.add(name)) {
                            out.putNextEntry(new java.util.jar.JarEntry(name));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        childJar = jar;
        return jar;
    }

    private static void drain(InputStream in, java.util.function.Consumer<String> sink) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignore) {
                // the child is gone
            }
        });
    }

    /** The share of one core process {@code pid} used over the next {@code windowMs} (user + system time). */
    static double cpuShare(long pid, long windowMs) throws IOException, InterruptedException {
        long ticks0 = cpuTicks(pid);
        long t0 = System.nanoTime();
        Thread.sleep(windowMs); // the measurement window, not a wait for something to happen
        long ticks1 = cpuTicks(pid);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return (ticks1 - ticks0) / (double) CLOCK_TICKS_PER_SECOND / seconds;
    }

    /** USER_HZ: what /proc counts CPU time in; 100 on every Linux architecture we run on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /** utime + stime of {@code pid} from /proc/PID/stat (fields 14 and 15), in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 counted from after "(comm)"
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
