package io.ringloop.unix.internal;

import io.ringloop.unix.UnixAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The socket file a bind to a path creates: its identity ({@link BasicFileAttributes#fileKey()}) taken right after
 * the bind, and its removal at close only while the path still holds that same file (a later server may have
 * replaced it). Shared by {@code UnixListener}, {@code UnixDatagram} and the framing server on a Unix address.
 */
public final class SocketFile {
    private SocketFile() {
    }

    /** The identity of the file at {@code address}'s path now; null for an address with no path. */
    public static Object identity(UnixAddress address) throws IOException {
        if (address.path().isEmpty()) {
            return null;
        }
        return Files.readAttributes(address.path().get(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    /** Removes {@code address}'s file if it is still the one whose identity is {@code created} (null: none made). */
    public static void removeIfSame(UnixAddress address, Object created) throws IOException {
        if (created == null) {
            return;
        }
        Path path = address.path().orElseThrow();
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (created.equals(now)) {
                Files.delete(path);
            }
        } catch (NoSuchFileException ignore) {
            // Removed by someone else already: nothing of ours is left.
        }
    }
}
