package io.ringloop;

import java.io.File;
import java.lang.reflect.Method;
import java.util.List;

/** What a test checks comes back: open file descriptors and native (direct) memory. */
public final class Leaks {
    private Leaks() {
    }

    /** Entries in /proc/self/fd right now. */
    public static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /**
     * Bytes of native memory the JDK accounts to direct buffers and FFM arenas (the "direct" buffer pool).
     * Read reflectively: tests compile inside the io.ringloop module, which does not read java.management.
     */
    public static long nativeBytes() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> poolType = Class.forName("java.lang.management.BufferPoolMXBean");
            Method beans = factory.getMethod("getPlatformMXBeans", Class.class);
            for (Object pool : (List<?>) beans.invoke(null, poolType)) {
                if ("direct".equals(poolType.getMethod("getName").invoke(pool))) {
                    return (long) poolType.getMethod("getMemoryUsed").invoke(pool);
                }
            }
            return -1;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the direct buffer pool", e);
        }
    }
}
