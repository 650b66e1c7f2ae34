package io.ringloop.loop.internal;

/**
 * Logging that cannot take the caller down. The runtime logs from places that must go on whatever happens (a
 * loop's catch of a failing runnable, accept out of descriptors), and logging itself can fail there: out of file
 * descriptors, the JDK's formatter reads the time-zone database at its first record and its class initializer
 * throws a plain {@link Error}; a quiet program's first record may be exactly that one. A record the logger
 * cannot take goes to standard error (open already) with the logger's own failure; only a
 * {@link VirtualMachineError} (out of memory or stack) passes on, as it is not the logger's failure.
 */
public final class SafeLog {
    private SafeLog() {
    }

    /** {@code logger.log(level, message, thrown)}; {@code thrown} may be null. Never throws but a VM error. */
    public static void log(System.Logger logger, System.Logger.Level level, String message, Throwable thrown) {
        try {
            if (thrown == null) {
                logger.log(level, message);
            } else {
                logger.log(level, message, thrown);
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            try {
                System.err.println("ringloop " + level + ": " + message + " (the logger failed: " + e + ")");
                if (thrown != null) {
                    thrown.printStackTrace();
                }
            } catch (RuntimeException | Error ignore) {
                // standard error is gone too: there is nowhere left to say it, and the caller must go on
            }
        }
    }
}
