package io.ringloop.bench.report;

import io.ringloop.bench.run.ServerCatalog;
import io.ringloop.bench.run.ZeroCopySweep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The zero-copy sweep side by side: per payload size, the echo with copying sends and with SEND_ZC, and the
 * verdict, the threshold to give {@code zeroCopyWritesAbove}.
 *
 * <p>Zero-copy "pays" at a size when, by the medians of the windows, it echoes at least as many messages/s and
 * costs no more server CPU per byte (both variants move the same bytes per message there, so that is CPU per
 * message), and the kernel counted zero-copy sends at all. The verdict is the smallest size from which on it
 * pays at every measured size: a threshold sends every larger write zero-copy too, so a size where it pays
 * but a larger one where it loses is no threshold to recommend.
 *
 * @param sizes          ascending by payload
 * @param thresholdBytes the verdict, or -1 when no size qualifies
 */
public record ZeroCopySummary(List<Size> sizes, int thresholdBytes) {
    /** The columns of {@link #cells}. */
    static final String[] HEADERS = {"size", "msgs/s copy", "msgs/s zc", "MB/s copy", "MB/s zc", "us/msg copy",
        "us/msg zc", "zc/copy msgs", "zc/copy CPU", "zc sends/msg", "zero-copy"};

    /** The two rows of one payload size; either may be null when its point is missing. */
    public record Size(int payloadBytes, Row copy, Row zeroCopy) {

        boolean measured() {
            return copy != null && zeroCopy != null && copy.point().ok() && zeroCopy.point().ok();
        }

        /** Median CQEs beyond one per SQE per message of the zero-copy variant; NaN when not read. */
        public double zeroCopySendsPerMsg() {
            return zeroCopy == null ? Double.NaN : zeroCopy.point().median("ringExtraCqesPerMsg");
        }

        /** False only when the kernel's counters were read and showed no zero-copy send at all. */
        boolean zeroCopyHappened() {
            double perMsg = zeroCopySendsPerMsg();
            return Double.isNaN(perMsg) || perMsg > 0;
        }

        boolean atLeastAsFast() {
            return zeroCopy.msgsPerSec() >= copy.msgsPerSec();
        }

        boolean noMoreCpuPerByte() {
            return cpuNsPerKib(zeroCopy) <= cpuNsPerKib(copy);
        }

        public boolean pays() {
            return measured() && zeroCopyHappened() && atLeastAsFast() && noMoreCpuPerByte();
        }

        /** The last column of the tables: why zero-copy does or does not pay at this size. */
        public String outcome() {
            if (!measured()) {
                return "not measured";
            }
            if (!zeroCopyHappened()) {
                return "NO-ZC: the kernel counted no zero-copy send";
            }
            if (pays()) {
                return "pays";
            }
            List<String> why = new ArrayList<>();
            if (!atLeastAsFast()) {
                why.add("slower");
            }
            if (!noMoreCpuPerByte()) {
                why.add("more CPU per byte");
            }
            return String.join(", ", why);
        }
    }

    /** Null when {@code rows} hold no point of the sweep. */
    public static ZeroCopySummary of(List<Row> rows) {
        Map<Integer, Row[]> bySize = new TreeMap<>();
        for (Row r : rows) {
            if (!ZeroCopySweep.isSweep(r.point().scenario())) {
                continue;
            }
            Row[] pair = bySize.computeIfAbsent(r.point().scenario().payloadBytes(), k -> new Row[2]);
            pair[r.server().equals(ServerCatalog.SWEEP_ZERO_COPY_ID) ? 1 : 0] = r;
        }
        if (bySize.isEmpty()) {
            return null;
        }
        List<Size> sizes = new ArrayList<>();
        bySize.forEach((bytes, pair) -> sizes.add(new Size(bytes, pair[0], pair[1])));
        return new ZeroCopySummary(List.copyOf(sizes), threshold(sizes));
    }

    /** The smallest size at which zero-copy pays and keeps paying at every larger size, or -1. */
    static int threshold(List<Size> ascending) {
        int threshold = -1;
        for (int i = ascending.size() - 1; i >= 0 && ascending.get(i).pays(); i--) {
            threshold = ascending.get(i).payloadBytes();
        }
        return threshold;
    }

    public String verdict() {
        if (thresholdBytes > 0) {
            return "zero-copy pays from " + size(thresholdBytes) + " up: zeroCopyWritesAbove(" + thresholdBytes
                    + "), echo --zero-copy-kib " + (thresholdBytes + 1023) / 1024;
        }
        List<String> paid = sizes.stream().filter(Size::pays).map(s -> size(s.payloadBytes())).toList();
        return paid.isEmpty() ? "none (zero-copy never paid here)"
                : "none (zero-copy paid at " + String.join(", ", paid) + " but not at every larger size)";
    }

    /** One table row per size, for the terminal and the HTML page alike. */
    String[][] cells() {
        String[][] cells = new String[sizes.size()][];
        for (int i = 0; i < sizes.size(); i++) {
            Size s = sizes.get(i);
            Row c = s.copy();
            Row z = s.zeroCopy();
            cells[i] = new String[] {size(s.payloadBytes()), TerminalTable.count(msgs(c)),
                TerminalTable.count(msgs(z)), TerminalTable.num(mb(c), 1), TerminalTable.num(mb(z), 1),
                TerminalTable.num(usPerMsg(c), 2), TerminalTable.num(usPerMsg(z), 2),
                TerminalTable.ratio(msgs(z) / msgs(c)), TerminalTable.ratio(usPerMsg(z) / usPerMsg(c)),
                TerminalTable.num(s.zeroCopySendsPerMsg(), 2), s.outcome()};
        }
        return cells;
    }

    public String renderTerminal() {
        StringBuilder out = new StringBuilder("zero-copy sweep (ringloop io_uring callback echo, "
                + "copying sends vs SEND_ZC for writes >= the payload):\n");
        TerminalTable.grid(out, HEADERS, cells(), 1);
        return out.append("verdict: ").append(verdict()).append('\n').toString();
    }

    public static String legend() {
        return """
                zero-copy sweep: us/msg is server CPU per message (at one size both variants move the same bytes, \
                so also per byte);
                zc/copy: ratios of the medians (msgs: above 1.00x is better; CPU: below 1.00x is better).
                zc sends/msg: zero-copy sends per message counted by the kernel (CQEs beyond one per SQE in the \
                echo's ring, from /proc/<pid>/fdinfo); 0 means no send went zero-copy. 1.00 when each message is \
                one write; below 1 when one read (and write) carries several messages, or a message arrives in \
                pieces whose writes fall under the threshold and are copied.
                verdict: the smallest size from which on zero-copy is at least as fast and costs no more CPU per \
                byte at every measured size.
                """;
    }

    /** For results.json. */
    public Map<String, Object> json() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Size s : sizes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("payloadBytes", s.payloadBytes());
            m.put("copyMsgsPerSec", msgs(s.copy()));
            m.put("zeroCopyMsgsPerSec", msgs(s.zeroCopy()));
            m.put("copyMbPerSec", mb(s.copy()));
            m.put("zeroCopyMbPerSec", mb(s.zeroCopy()));
            m.put("copyServerCpuUsPerMsg", usPerMsg(s.copy()));
            m.put("zeroCopyServerCpuUsPerMsg", usPerMsg(s.zeroCopy()));
            m.put("copyServerCpuNsPerKib", cpuNsPerKib(s.copy()));
            m.put("zeroCopyServerCpuNsPerKib", cpuNsPerKib(s.zeroCopy()));
            // The control: the copying echo posts one CQE per SQE, so anything but ~0 here voids the count above.
            m.put("copyExtraCqesPerMsg",
                    s.copy() == null ? Double.NaN : s.copy().point().median("ringExtraCqesPerMsg"));
            m.put("zeroCopySendsPerMsg", s.zeroCopySendsPerMsg());
            m.put("pays", s.pays());
            m.put("outcome", s.outcome());
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("sizes", list);
        root.put("thresholdBytes", thresholdBytes > 0 ? thresholdBytes : null);
        root.put("verdict", verdict());
        return root;
    }

    static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static double msgs(Row r) {
        return r == null ? Double.NaN : r.msgsPerSec();
    }

    private static double mb(Row r) {
        return r == null ? Double.NaN : r.mbPerSec();
    }

    private static double usPerMsg(Row r) {
        return r == null ? Double.NaN : r.serverUsPerMsg();
    }

    /** Server CPU per KiB echoed: what the verdict compares, and what the sweep's chart shows across sizes. */
    static double cpuNsPerKib(Row r) {
        return r == null ? Double.NaN : r.serverUsPerMsg() * 1e3 / (r.point().scenario().payloadBytes() / 1024.0);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d sizes, %s", sizes.size(), verdict());
    }
}
