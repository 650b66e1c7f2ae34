package io.ringloop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Property: whatever the chunking of the input (how the bytes arrive), {@code readLine}, {@code readUntil},
 * {@code readExactly}, {@code peek}, {@code skip} and {@code readByte} give the results of a reference model
 * that sees the whole input at once, including which calls fail (too long, end of stream) and that a failed
 * call consumes nothing. Once in memory with chosen chunk sizes and buffer sizes, once over TCP on every
 * backend (where the kernel merges the writer's chunks as it likes).
 */
class StreamReaderModelTest {
    private static final int WINDOW = 64;
    private static final Map<Backend, Ringloop> RUNTIMES = new EnumMap<>(Backend.class);

    /** One call on the reader; its limit is at most 40, within the window. */
    record Op(String kind, int limit, byte delimiter) {
        @Override
        public String toString() {
            return kind + "(" + limit + (kind.equals("until") ? ", '" + (char) delimiter + "'" : "") + ")";
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        // A small alphabet, so lines, delimiters and CRs are frequent.
        return Arbitraries.of((byte) 'a', (byte) 'b', (byte) ';', (byte) '\r', (byte) '\n').array(byte[].class)
                .ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<Integer>> chunkings() {
        return Arbitraries.integers().between(1, 50).list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<String> kinds = Arbitraries.of("line", "until", "exactly", "peek", "skip", "byte");
        Arbitrary<Integer> limits = Arbitraries.integers().between(0, 40);
        Arbitrary<Byte> delimiters = Arbitraries.of((byte) ';', (byte) '\n', (byte) 'a');
        return Combinators.combine(kinds, limits, delimiters).as(Op::new).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 1000)
    void shouldMatchModelForAnyChunking(@ForAll("inputs") byte[] input, @ForAll("chunkings") List<Integer> chunks,
                                        @ForAll("ops") List<Op> ops,
                                        @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 64) int buffer)
            throws IOException {
        StreamReader reader = new StreamReader(new MemoryStream(input, chunks), buffer, WINDOW);
        assertEquals(model(input, ops), run(reader, ops), "chunks " + chunks + ", buffer " + buffer);
    }

    @Provide
    Arbitrary<Backend> backends() {
        return Arbitraries.of(io.ringloop.Backends.all());
    }

    @Property(tries = 90)
    void shouldMatchModelOverTcp(@ForAll("backends") Backend backend, @ForAll("inputs") byte[] input,
                                 @ForAll("chunkings") List<Integer> chunks, @ForAll("ops") List<Op> ops)
            throws Exception {
        Ringloop rt = runtime(backend);
        List<String> actual = rt.blockOn(() -> {
            try (TcpListener l = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                 TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                s.setNoDelay(true);
                JoinHandle<Void> writer = Tasks.spawn(() -> {
                    int at = 0;
                    for (int i = 0; at < input.length; i++) {
                        int n = Math.min(chunks.get(i % chunks.size()), input.length - at);
                        s.writeAll(input, at, n);
                        at += n;
                    }
                    s.shutdownOutput();
                    return null;
                });
                List<String> results = run(new StreamReader(c, 8, WINDOW), ops);
                writer.join();
                return results;
            }
        });
        assertEquals(model(input, ops), actual, backend + ", chunks " + chunks);
    }

    private static synchronized Ringloop runtime(Backend backend) throws IOException {
        Ringloop rt = RUNTIMES.get(backend);
        if (rt == null) {
            rt = Ringloop.builder().backend(backend).threads(1).start();
            RUNTIMES.put(backend, rt);
        }
        return rt;
    }

    @AfterContainer
    static synchronized void closeRuntimes() {
        RUNTIMES.values().forEach(Ringloop::close);
        RUNTIMES.clear();
    }

    /** Runs {@code ops} on the reader; each result as the model writes it. */
    static List<String> run(StreamReader r, List<Op> ops) throws IOException {
        List<String> out = new ArrayList<>();
        for (Op op : ops) {
            try {
                out.add(switch (op.kind()) {
                    case "line" -> text("line", r.readLine(op.limit()));
                    case "until" -> text("until", r.readUntil(op.delimiter(), op.limit()));
                    case "exactly" -> text("exactly", r.readExactly(op.limit()));
                    case "peek" -> text("peek", r.peek(op.limit()));
                    case "skip" -> "skip " + r.skip(op.limit());
                    default -> "byte " + r.readByte();
                });
            } catch (FrameTooLongException e) {
                out.add("too long");
            } catch (EOFException e) {
                out.add("eof");
            }
        }
        return out;
    }

    private static String text(String kind, ByteView v) {
        return v == null ? kind + " null" : kind + " " + v.toString(StandardCharsets.ISO_8859_1);
    }

    /** The reference: the whole input and a position; a failed call leaves the position. */
    static List<String> model(byte[] in, List<Op> ops) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        for (Op op : ops) {
            int rest = in.length - pos;
            int max = op.limit();
            switch (op.kind()) {
                case "line" -> {
                    int lf = indexOf(in, pos, (byte) '\n');
                    if (lf < 0) {
                        if (rest == 0) {
                            out.add("line null");
                        } else if (rest > max) {
                            out.add("too long");
                        } else {
                            out.add("line " + str(in, pos, rest));
                            pos += rest;
                        }
                    } else {
                        int len = lf - pos;
                        int content = len > 0 && in[lf - 1] == '\r' ? len - 1 : len;
                        if (content > max) {
                            out.add("too long");
                        } else {
                            out.add("line " + str(in, pos, content));
                            pos = lf + 1;
                        }
                    }
                }
                case "until" -> {
                    int at = indexOf(in, pos, op.delimiter());
                    if (at >= 0 && at - pos <= max) {
                        out.add("until " + str(in, pos, at - pos));
                        pos = at + 1;
                    } else if (at >= 0 || rest > max) {
                        out.add("too long");
                    } else {
                        out.add(rest == 0 ? "until null" : "eof");
                    }
                }
                case "exactly" -> {
                    if (rest >= max) {
                        out.add("exactly " + str(in, pos, max));
                        pos += max;
                    } else {
                        out.add("eof");
                    }
                }
                case "peek" -> out.add("peek " + str(in, pos, Math.min(max, rest)));
                case "skip" -> {
                    int n = Math.min(max, rest);
                    out.add("skip " + n);
                    pos += n;
                }
                default -> {
                    out.add("byte " + (rest == 0 ? -1 : in[pos] & 0xff));
                    pos += rest == 0 ? 0 : 1;
                }
            }
        }
        return out;
    }

    private static int indexOf(byte[] in, int from, byte b) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String str(byte[] in, int from, int len) {
        return new String(in, from, len, StandardCharsets.ISO_8859_1);
    }
}
