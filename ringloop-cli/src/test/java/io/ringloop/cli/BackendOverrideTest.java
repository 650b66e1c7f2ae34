package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AUTO honours the {@code ringloop.backend} system property (the same override as {@code RINGLOOP_BACKEND})
 * through {@link Backend#parse}: any case of a valid name picks that backend and says why; anything else
 * fails the loop's start with the property and the value named. Tests in this module run one at a time, so
 * setting the property here cannot reach another test.
 */
final class BackendOverrideTest {
    private static final String PROPERTY = "ringloop.backend";

    @AfterEach
    void clearOverride() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void shouldOpenTheBackendNamedInAnyCase() throws IOException {
        System.setProperty(PROPERTY, "EpOlL");

        try (EventLoop loop = EventLoop.start(Backend.AUTO, "override-test")) {
            assertEquals("epoll", loop.backendName());
            assertEquals("-Dringloop.backend=EpOlL", loop.backendReason());
        }
    }

    @Test
    void shouldNameThePropertyAndValueWhenItNamesNoBackend() {
        System.setProperty(PROPERTY, "bogus");

        IOException e = assertThrows(IOException.class, () -> EventLoop.start(Backend.AUTO, "override-test"));

        assertTrue(e.getMessage().contains("-Dringloop.backend: unknown backend 'bogus': expected one of auto, "
                + "io_uring, iouring, uring, epoll, nio"), e.getMessage());
    }
}
