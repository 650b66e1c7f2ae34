package io.ringloop.bench.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's own count of a process's io_uring traffic, read from outside it: for every
 * {@code anon_inode:[io_uring]} fd, {@code SqHead} (SQEs the kernel has consumed) and {@code CqTail} (CQEs it
 * has posted) from {@code /proc/<pid>/fdinfo/<fd>} (io_uring_show_fdinfo, io_uring/fdinfo.c, Linux 5.19+).
 *
 * <p>Why: the driver keeps no count of zero-copy sends, and the bench must not reach into ringloop-core. A
 * SEND_ZC posts two CQEs for its one SQE (the result, then the IORING_CQE_F_NOTIF notification), every other
 * op the echo uses posts one, so over a window {@code CQEs - SQEs} is the number of zero-copy sends. (Multishot
 * ops would also post extra CQEs; the callback echo has none in a window: its accept completes before it.)
 *
 * @param rings   io_uring fds found; 0 when the process has none (epoll, NIO, the JDK), and then both counts
 *                are 0
 * @param sqHead  SQEs consumed, summed over the rings, as the kernel's u32 counters (they wrap)
 * @param cqTail  CQEs posted, likewise
 */
public record RingCounters(int rings, long sqHead, long cqTail) {
    private static final long U32 = 1L << 32;

    /** Reads of one ring's fdinfo before it counts as a ring without counters (each takes microseconds). */
    private static final int READ_ATTEMPTS = 10_000;

    /** Sums the counters of every io_uring fd of {@code pid}; fds that close meanwhile are skipped. */
    public static RingCounters read(long pid) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        int rings = 0;
        long sq = 0;
        long cq = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
            for (Path fd : dir) {
                try {
                    if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:[io_uring]")) {
                        continue;
                    }
                    RingCounters one = readRing(Path.of("/proc", Long.toString(pid), "fdinfo",
                            fd.getFileName().toString()));
                    rings += one.rings;
                    sq += one.sqHead;
                    cq += one.cqTail;
                } catch (IOException ignore) {
                    // the fd closed between the listing and the read: it is not a ring that serves the window
                }
            }
        } catch (IOException ignore) {
            // the process is gone or /proc is not Linux's: no rings to count
        }
        return new RingCounters(rings, sq, cq);
    }

    /**
     * One ring's counters. Since Linux 6.x the kernel prints a ring's fields only when it gets the ring's lock
     * at once (mutex_trylock in io_uring_show_fdinfo), so under load a read may show none: read again, up to
     * {@link #READ_ATTEMPTS} times, before taking the ring for one without the fields (a kernel before 5.19).
     */
    private static RingCounters readRing(Path fdinfo) throws IOException {
        RingCounters one = parse(Files.readString(fdinfo));
        for (int attempt = 1; one.rings == 0 && attempt < READ_ATTEMPTS; attempt++) {
            Thread.onSpinWait();
            one = parse(Files.readString(fdinfo));
        }
        return one;
    }

    /** One fdinfo text; a ring without both fields (a kernel before 5.19) counts as no ring. */
    static RingCounters parse(String fdinfo) {
        long sq = -1;
        long cq = -1;
        for (String line : fdinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("SqHead")) {
                sq = Long.parseLong(line.substring(colon + 1).trim());
            } else if (key.equals("CqTail")) {
                cq = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return sq < 0 || cq < 0 ? new RingCounters(0, 0, 0) : new RingCounters(1, sq, cq);
    }

    /**
     * SQEs consumed and CQEs posted from {@code start} to this reading. Each ring's counters are u32 and wrap
     * (every 2^32 ops); a ring that wrapped makes the plain difference of the sums short by exactly 2^32, so the
     * difference modulo 2^32 is right while a window sees fewer than 2^32 ops in all (hours at any echo rate)
     * and the same rings at both readings (the echo opens its one ring before it accepts).
     */
    public long sqesSince(RingCounters start) {
        return Math.floorMod(sqHead - start.sqHead, U32);
    }

    public long cqesSince(RingCounters start) {
        return Math.floorMod(cqTail - start.cqTail, U32);
    }
}
