/**
 * ringloop: an asynchronous I/O runtime. Tasks are virtual threads scheduled on an event loop's own thread;
 * the loop drives io_uring, epoll or the JDK selector. Only the user-facing packages are exported:
 * {@code sys} (Linux through FFM) and {@code driver} (the backends) are internal.
 */
module io.ringloop {
    exports io.ringloop;
    exports io.ringloop.loop;
    exports io.ringloop.task;
    exports io.ringloop.net;
    exports io.ringloop.io;
    exports io.ringloop.tls;
    exports io.ringloop.signal;
    exports io.ringloop.time;
    exports io.ringloop.fs;
    exports io.ringloop.sync;

    requires jdk.unsupported; // sun.misc.Signal: the JDK's signal hook, see io.ringloop.signal
}
