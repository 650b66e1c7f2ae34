package io.ringloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A logger that fails (out of descriptors, the JDK's formatter cannot open the time-zone database and throws an
 * {@link Error}) must not take a loop down with it: what the loop wanted to log goes to standard error and the
 * loop serves on.
 */
class LoggerFailureTest {

    /** A JUL handler that fails the way a logger out of file descriptors does. */
    private static final class FailingHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
            throw new Error("no file descriptor for the time-zone database");
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepServingWhenTheLoggerFailsWhileReportingAFailedRunnable(Backend backend) throws Exception {
        Logger jul = Logger.getLogger("io.ringloop");
        Handler failing = new FailingHandler();
        boolean useParent = jul.getUseParentHandlers();
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (EventLoop loop = EventLoop.start(backend, "logger-failure-" + backend)) {
            jul.addHandler(failing);
            jul.setUseParentHandlers(false);
            System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
            loop.execute(() -> {
                throw new IllegalStateException("callback code failed");
            });
            CompletableFuture<String> after = new CompletableFuture<>();
            loop.execute(() -> after.complete(Thread.currentThread().getName()));
            assertEquals(loop.thread().getName(), after.get(10, TimeUnit.SECONDS), "the loop still runs");
            assertFalse(loop.isTerminated());
        } finally {
            System.setErr(err);
            jul.removeHandler(failing);
            jul.setUseParentHandlers(useParent);
        }
        String text = said.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("callback code failed"), text);
        assertTrue(text.contains("the logger failed"), text);
    }
}
