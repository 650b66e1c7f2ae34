/**
 * The {@code ringloop} command ({@link io.ringloop.cli.Main}): echo, http, kv, proxy, timers, info. It uses the runtime
 * as any user does, through {@code io.ringloop}'s exported packages; only {@code info} reads the io_uring driver's
 * setup flags, through the two internal packages the core exports to this module alone.
 */
module io.ringloop.cli {
    requires io.ringloop;
    requires info.picocli;
    requires jdk.management; // soak's status line: heap after the last GC (GcInfo); brings java.management

    // No exports: a command line, not a library (the bench uses CallbackEcho from the class path).
    // picocli makes the commands, their mixins and converters, and fills their annotated fields reflectively.
    opens io.ringloop.cli to info.picocli;
    opens io.ringloop.cli.http to info.picocli;
    opens io.ringloop.cli.kv to info.picocli;
    opens io.ringloop.cli.proxy to info.picocli;
}
