/**
 * ringloop: an asynchronous I/O runtime. Tasks are virtual threads scheduled on an event loop's own thread;
 * the loop drives io_uring, epoll or the JDK selector. Only the user-facing packages are exported (what users
 * catch is in {@code io.ringloop.error}); {@code sys} (Linux through FFM), {@code driver} (the backends) and the
 * {@code internal} subpackages (the plumbing behind a package's public face) are not. {@code ApiBoundaryTest}
 * checks that no exported signature names one of them.
 */
@SuppressWarnings("module") // the qualified exports name io.ringloop.cli, which is compiled after this module
module io.ringloop {
    exports io.ringloop;
    exports io.ringloop.error;
    exports io.ringloop.loop;
    exports io.ringloop.task;
    exports io.ringloop.net;
    exports io.ringloop.io;
    exports io.ringloop.frame;
    exports io.ringloop.tls;
    exports io.ringloop.unix;
    exports io.ringloop.signal;
    exports io.ringloop.time;
    exports io.ringloop.fs;
    exports io.ringloop.process;
    exports io.ringloop.sync;

    // `ringloop info` prints what the kernel's io_uring gave the ring (setup flags, opcodes): no user API.
    exports io.ringloop.driver.uring to io.ringloop.cli;
    exports io.ringloop.sys.uring to io.ringloop.cli;

    requires jdk.unsupported; // sun.misc.Signal: the JDK's signal hook, see io.ringloop.signal
    requires jdk.jfr; // the runtime's Flight Recorder events, see io.ringloop.loop.internal.LoopEvents
}
