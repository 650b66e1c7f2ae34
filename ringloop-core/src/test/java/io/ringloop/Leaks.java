package io.ringloop;

import java.io.File;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/** What a test checks comes back: open file descriptors and native (direct) memory. */
public final class Leaks {
    private Leaks() {
    }

    /** Entries in /proc/self/fd right now. */
    public static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Bytes of native memory the JDK accounts to direct buffers and FFM arenas. */
    public static long nativeBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }
}
