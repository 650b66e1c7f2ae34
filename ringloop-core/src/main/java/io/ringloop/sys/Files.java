package io.ringloop.sys;

/** File constants (fcntl.h); the file system calls are in {@link FileCalls}, {@code struct statx} in {@link Statx}. */
public final class Files {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_DSYNC = 0x1000;
    public static final int O_SYNC = 0x101000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int AT_FDCWD = -100;

    private Files() {
    }
}
