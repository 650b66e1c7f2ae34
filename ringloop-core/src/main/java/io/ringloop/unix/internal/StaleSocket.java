package io.ringloop.unix.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What occupies a path a bind found taken (EADDRINUSE): a stale socket file (left by a process that did not
 * remove it: a connect is refused), a live listener (a connect is accepted or queued), or not a socket at all.
 * Only a stale socket file is ever removed ({@code UnixListener.Builder.removeStale}).
 */
public enum StaleSocket {
    STALE("the socket file is stale (nobody listens on it): remove it, or bind with "
            + "UnixListener.builder().removeStale(true)"),
    LIVE("a listener is serving on it"),
    NOT_A_SOCKET("the path is a file that is not a socket; it is never removed"),
    UNKNOWN("could not tell whether a listener serves on it");

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final String explanation;

    StaleSocket(String explanation) {
        this.explanation = explanation;
    }

    /** What the bind failure says about the path. */
    public String explanation() {
        return explanation;
    }

    /**
     * Looks at {@code path}: its file type, then a non-blocking connect (a Unix connect completes or fails at
     * once; EAGAIN, a full backlog, means a live listener).
     */
    public static StaleSocket probe(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK) {
                return NOT_A_SOCKET;
            }
        } catch (IOException | UnsupportedOperationException e) {
            return UNKNOWN;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return LIVE;
        } catch (ConnectException e) {
            return STALE;
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
