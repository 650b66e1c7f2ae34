package io.ringloop.fs;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.HashMap;
import java.util.Map;

/**
 * One shape for file errors on every backend: {@code pread(/tmp/d): EISDIR (21) Is a directory}, the call, the
 * path, the errno's name, number and text, as {@link Errno#exception} makes them (with its JDK types:
 * {@code NoSuchFileException} for ENOENT, ...). io_uring's submissions give the errno itself; the JDK's
 * {@code FileChannel} on the thread pool (epoll, NIO) gives an exception whose type or strerror text names it,
 * which this turns back into the errno. What it cannot place keeps the JDK's text behind the call.
 */
final class FileErrors {
    /** strerror text, as the JDK's messages carry it, to errno: built once from {@link Errno}'s own table. */
    private static final Map<String, Integer> BY_TEXT = new HashMap<>();

    static {
        for (int e = 1; e < 134; e++) {
            String d = Errno.describe(e); // "EISDIR (21) Is a directory", or "errno 200" when unnamed
            int text = d.indexOf(") ");
            if (!d.startsWith("errno ") && text > 0) {
                BY_TEXT.put(d.substring(text + 2), e);
            }
        }
    }

    private FileErrors() {
    }

    /** {@code call} (e.g. {@code pread(/tmp/d)}) failed in the JDK with {@code jdk}: the same error as io_uring's. */
    static IOException translate(String call, IOException jdk) {
        int errno = errnoOf(jdk);
        if (errno == 0) {
            // Not an errno (a closed channel, an interrupt...): the JDK's own type; a bare text gets the call.
            return jdk.getClass() == IOException.class ? new IOException(call + ": " + jdk.getMessage(), jdk) : jdk;
        }
        IOException ours = Errno.exception(call, errno);
        if (ours.getCause() == null) {
            ours.initCause(jdk);
        }
        return ours;
    }

    private static int errnoOf(IOException jdk) {
        return switch (jdk) {
            case NoSuchFileException ignore -> Errno.ENOENT;
            case FileAlreadyExistsException ignore -> Errno.EEXIST;
            case AccessDeniedException ignore -> Errno.EACCES;
            case NotDirectoryException ignore -> Errno.ENOTDIR;
            case FileSystemException fs -> BY_TEXT.getOrDefault(String.valueOf(fs.getReason()), 0);
            default -> jdk.getClass() == IOException.class
                    ? BY_TEXT.getOrDefault(String.valueOf(jdk.getMessage()), 0) : 0;
        };
    }
}
