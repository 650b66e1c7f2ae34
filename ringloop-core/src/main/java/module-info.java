/**
 * ringloop: an asynchronous I/O runtime. Tasks are virtual threads scheduled on an event loop's own thread;
 * the loop drives io_uring, epoll or the JDK selector. Only the user-facing packages are exported:
 * {@code sys} (Linux through FFM) and {@code driver} (the backends) are internal.
 */
module io.ringloop {
    exports io.ringloop.loop;
    exports io.ringloop.sync;
}
