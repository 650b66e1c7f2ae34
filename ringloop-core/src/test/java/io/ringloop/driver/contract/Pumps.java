package io.ringloop.driver.contract;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Completions that submit their next operation from inside {@link Completion#complete}, as a loop's code does:
 * a writer, a reader and an echo. Each also takes results that come at once. Failures go to a shared list.
 */
final class Pumps {
    private Pumps() {
    }

    /** Writes a whole segment. */
    static final class Writer extends Completion {
        private final Driver driver;
        private final int handle;
        private final MemorySegment data;
        private final List<String> errors;
        private long offset;

        Writer(Driver driver, int handle, MemorySegment data, List<String> errors) {
            this.driver = driver;
            this.handle = handle;
            this.data = data;
            this.errors = errors;
        }

        void start() {
            complete(DriverTestSupport.checkReturned(driver.write(handle, data, this)));
        }

        boolean done() {
            return offset == data.byteSize();
        }

        @Override
        public void complete(int result) {
            for (int r = result; r != Driver.PENDING; r = driver.write(handle, data.asSlice(offset), this)) {
                if (r <= 0) {
                    errors.add("write: " + Errno.describe(r));
                    return;
                }
                offset += r;
                if (done()) {
                    return;
                }
            }
        }
    }

    /** Reads until its segment is full. */
    static final class Reader extends Completion {
        private final Driver driver;
        private final int handle;
        private final MemorySegment data;
        private final List<String> errors;
        private long offset;

        Reader(Driver driver, int handle, MemorySegment data, List<String> errors) {
            this.driver = driver;
            this.handle = handle;
            this.data = data;
            this.errors = errors;
        }

        void start() {
            complete(DriverTestSupport.checkReturned(driver.read(handle, data, this)));
        }

        boolean done() {
            return offset == data.byteSize();
        }

        @Override
        public void complete(int result) {
            for (int r = result; r != Driver.PENDING; r = driver.read(handle, data.asSlice(offset), this)) {
                if (r <= 0) {
                    errors.add(r == 0 ? "end of stream at " + offset : "read: " + Errno.describe(r));
                    return;
                }
                offset += r;
                if (done()) {
                    return;
                }
            }
        }
    }

    /**
     * Reads into its buffer and writes back what it read, until end of stream or cancellation: a read's
     * completion submits the write, the write's the next read.
     */
    static final class Echo extends Completion {
        private final Driver driver;
        private final int handle;
        private final MemorySegment buffer;
        private final List<String> errors;
        private boolean writing;
        private int filled;
        private int written;

        Echo(Driver driver, int handle, MemorySegment buffer, List<String> errors) {
            this.driver = driver;
            this.handle = handle;
            this.buffer = buffer;
            this.errors = errors;
        }

        void start() {
            complete(DriverTestSupport.checkReturned(driver.read(handle, buffer, this)));
        }

        @Override
        public void complete(int result) {
            int r = result;
            while (r != Driver.PENDING) {
                if (r < 0) {
                    if (r != -Errno.ECANCELED) {
                        errors.add((writing ? "echo write: " : "echo read: ") + Errno.describe(r));
                    }
                    return;
                }
                if (writing) {
                    written += r;
                    writing = written < filled;
                } else if (r == 0) {
                    return; // end of stream
                } else {
                    filled = r;
                    written = 0;
                    writing = true;
                }
                r = writing ? driver.write(handle, buffer.asSlice(written, filled - written), this)
                        : driver.read(handle, buffer, this);
            }
        }
    }
}
