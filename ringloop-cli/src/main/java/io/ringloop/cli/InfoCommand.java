package io.ringloop.cli;

import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.sys.uring.IoUring;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop info}: what this machine and JVM offer the runtime. The first thing to paste into a bug
 * report. Backend probing (which of io_uring / epoll / NIO would AUTO pick, and why) is added with the drivers.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Print the JDK, kernel and OS ringloop runs on.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        row(out, "ringloop", Main.version());
        row(out, "java", Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        row(out, "java.home", System.getProperty("java.home"));
        row(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        row(out, "kernel", System.getProperty("os.version"));
        row(out, "cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Module runtime = Backend.class.getModule();
        row(out, "native access", runtime.isNativeAccessEnabled()
                ? "enabled"
                : "DISABLED (run with --enable-native-access=ALL-UNNAMED, as ./ringloop does)");
        row(out, "loop threads", Thread.class.getModule().isOpen("java.lang", runtime)
                ? "virtual threads can run on the loop thread (java.lang is open)"
                : "tasks use the JDK's default scheduler (run with --add-opens java.base/java.lang=ALL-UNNAMED)");
        for (Backend b : new Backend[] {Backend.IO_URING, Backend.EPOLL, Backend.NIO, Backend.AUTO}) {
            row(out, "backend " + b.name().toLowerCase(java.util.Locale.ROOT), probe(b));
        }
        row(out, "io_uring has", ioUringFeatures());
        out.flush();
        return 0;
    }

    /** Opens a loop on {@code backend} and closes it: "usable", or why not; for AUTO, what it picks and why. */
    private static String probe(Backend backend) {
        try (EventLoop loop = EventLoop.start(backend, "info-" + backend)) {
            return backend == Backend.AUTO ? loop.backendName() + " (" + loop.backendReason() + ")" : "usable";
        } catch (java.io.IOException | RuntimeException e) {
            return "unusable: " + e.getMessage();
        }
    }

    /** What this kernel's io_uring gives a loop: the setup flags it took and the fast paths it allows. */
    static String ioUringFeatures() {
        if (IoUringDriver.unusableReason() != null) {
            return "-";
        }
        try (IoUringDriver d = new IoUringDriver(8)) {
            java.util.List<String> has = new java.util.ArrayList<>();
            int flags = d.setupFlags();
            String[] names = {"SINGLE_ISSUER", "DEFER_TASKRUN", "COOP_TASKRUN", "SUBMIT_ALL", "CQSIZE"};
            int[] bits = {IoUring.SETUP_SINGLE_ISSUER, IoUring.SETUP_DEFER_TASKRUN, IoUring.SETUP_COOP_TASKRUN,
                IoUring.SETUP_SUBMIT_ALL, IoUring.SETUP_CQSIZE};
            for (int i = 0; i < names.length; i++) {
                if ((flags & bits[i]) != 0) {
                    has.add(names[i]);
                }
            }
            has.add(d.multishotReceive(true) ? "provided-buffer ring" : "no provided-buffer ring");
            has.add(d.fixedFilesAfter(64) ? "fixed files" : "no fixed files");
            has.add(d.supports(IoUring.OP_SEND_ZC) ? "SEND_ZC" : "no SEND_ZC");
            has.add(d.supports(IoUring.OP_LINK_TIMEOUT) ? "LINK_TIMEOUT" : "no LINK_TIMEOUT");
            return String.join(", ", has);
        } catch (java.io.IOException | RuntimeException e) {
            return "unusable: " + e.getMessage();
        }
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-14s %s%n", key, value);
    }
}
