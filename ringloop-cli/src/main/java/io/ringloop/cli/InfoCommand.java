package io.ringloop.cli;

import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.sys.uring.IoUring;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop info}: what this machine and JVM offer the runtime. The first thing to paste into a bug
 * report: the JDK, kernel and OS, whether the JVM flags the runtime wants are there, which backends open here
 * (and which one AUTO picks, and why), and what this kernel's io_uring gives a loop.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Print the JDK, kernel and OS ringloop runs on, the backends usable here (and AUTO's "
                + "choice) and the io_uring features a loop would use.")
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
        Module ringloop = Backend.class.getModule();
        // The flags name the module on the module path and ALL-UNNAMED on the class path (as ./ringloop runs it).
        String target = ringloop.isNamed() ? ringloop.getName() : "ALL-UNNAMED";
        row(out, "native access", ringloop.isNativeAccessEnabled()
                ? "enabled"
                : "DISABLED (run with --enable-native-access=" + target + ", as ./ringloop does)");
        row(out, "loop threads", Thread.class.getModule().isOpen("java.lang", ringloop)
                ? "virtual threads can run on the loop thread (java.lang is open)"
                : "tasks use the JDK's default scheduler (run with --add-opens java.base/java.lang=" + target + ")");
        for (Backend b : new Backend[] {Backend.IO_URING, Backend.EPOLL, Backend.NIO, Backend.AUTO}) {
            row(out, "backend " + b.name().toLowerCase(Locale.ROOT), probe(b));
        }
        row(out, "io_uring has", ioUringFeatures());
        out.flush();
        return 0;
    }

    /** Opens a loop on {@code backend} and closes it: "usable", or why not; for AUTO, what it picks and why. */
    private static String probe(Backend backend) {
        try (EventLoop loop = EventLoop.start(backend, "info-" + backend)) {
            return backend == Backend.AUTO ? loop.backendName() + " (" + loop.backendReason() + ")" : "usable";
        } catch (IOException | RuntimeException e) {
            return "unusable: " + e.getMessage();
        }
    }

    /** What this kernel's io_uring gives a loop: the setup flags it took and the fast paths it allows. */
    static String ioUringFeatures() {
        if (IoUringDriver.unusableReason() != null) {
            return "-";
        }
        try (IoUringDriver d = new IoUringDriver(8)) {
            List<String> has = new ArrayList<>();
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
        } catch (IOException | RuntimeException e) {
            return "unusable: " + e.getMessage();
        }
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-14s %s%n", key, value);
    }
}
