package io.ringloop.bench.report;

import java.util.Collection;
import java.util.Map;

/** A minimal JSON writer for results.json: maps, collections, strings, numbers, booleans, null. */
public final class Json {
    private Json() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        switch (value) {
            case null -> out.append("null");
            case Map<?, ?> map -> {
                out.append('{');
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                    string(out, String.valueOf(e.getKey()));
                    out.append(": ");
                    write(out, e.getValue(), indent + 1);
                }
                out.append(map.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                int i = 0;
                for (Object item : list) {
                    out.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                    write(out, item, indent + 1);
                }
                out.append(list.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append(']');
            }
            case Double d -> out.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Float f -> out.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            default -> string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
