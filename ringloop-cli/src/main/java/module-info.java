/**
 * The {@code ringloop} command ({@link io.ringloop.cli.Main}): echo, timers, info. It uses the runtime as any user
 * does, through {@code io.ringloop}'s exported packages; only {@code info} reads the io_uring driver's setup flags,
 * through the two internal packages the core exports to this module alone.
 */
module io.ringloop.cli {
    requires io.ringloop;
    requires info.picocli;

    exports io.ringloop.cli;   // CallbackEcho is also the JMH echo benchmark's server
    opens io.ringloop.cli to info.picocli; // picocli fills the annotated fields and reads the commands reflectively
}
