package io.ringloop.fs;

import java.nio.file.OpenOption;

/** Open options of {@link AsyncFile#open} beyond the JDK's {@link java.nio.file.StandardOpenOption}s. */
public enum FileOption implements OpenOption {
    /**
     * {@code O_DIRECT}: reads and writes bypass the page cache. Buffers, positions and lengths must then be
     * aligned as the file system asks (4096 bytes is safe on common file systems; see
     * {@link AsyncFile#allocateAligned}), or the call fails with EINVAL. A file system that has no direct I/O
     * (procfs; tmpfs before Linux 6.6) refuses the open with an {@code IOException} naming the call, the path
     * and EINVAL.
     */
    DIRECT
}
