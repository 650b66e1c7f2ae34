package io.ringloop.cli.kv;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.cli.wire.FrameSink;
import io.ringloop.frame.FrameConnection;
import io.ringloop.frame.FrameHandler;
import io.ringloop.frame.FrameView;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One RESP connection in the framing style ({@code ringloop kv --style framing}): the same parser
 * ({@link RespParser}) and commands ({@link KvCommands}) as {@link KvConnection}, run in the loop's receive path
 * on the bytes in place, with no task. A partial command stays unconsumed (the server's accumulator holds it and
 * its read timeout runs), except past {@link RespParser#COMMIT_BYTES} or inside a long bulk, which are consumed
 * as they arrive; the replies to every command of one receive leave in one write. QUIT sends what is queued,
 * then closes.
 *
 * <p>An idle connection holds no buffer: the command's arena is taken from a per-loop-thread pool when bytes
 * arrive and given back once everything shown was consumed between commands (so a pipelined batch, or a
 * request/response client, reuses one arena without allocating).
 */
final class KvFrameHandler implements FrameHandler {
    private static final byte[] EMPTY = new byte[0];
    private static final int POOLED = 64;
    /** Per loop thread: free arenas of {@link RespCommand#ARENA_BYTES}. */
    private static final ThreadLocal<ArrayDeque<byte[]>> ARENAS = ThreadLocal.withInitial(ArrayDeque::new);

    private final RespParser parser;
    private final RespCommand command = new RespCommand(EMPTY);
    private final KvCommands commands;
    private final Bytes.OfFrameView bytes = new Bytes.OfFrameView();
    private FrameSink sink;
    private ArrayDeque<byte[]> arenas;

    KvFrameHandler(KvStore store, long maxBulkBytes) {
        this.parser = new RespParser(maxBulkBytes);
        this.commands = new KvCommands(store);
    }

    @Override
    public void onOpen(FrameConnection c) {
        sink = FrameSink.forThisThread();
        arenas = ARENAS.get();
    }

    @Override
    public void onClosed(FrameConnection c, Throwable cause) {
        giveArena();
    }

    private void giveArena() {
        byte[] a = command.arena;
        command.arena = EMPTY;
        if (a.length == RespCommand.ARENA_BYTES && arenas.size() < POOLED) {
            arenas.push(a);
        }
    }

    @Override
    public long onData(FrameConnection c, FrameView in) throws IOException {
        if (command.arena.length == 0) {
            byte[] a = arenas.poll();
            command.arena = a != null ? a : new byte[RespCommand.ARENA_BYTES];
        }
        int r = parser.parse(bytes.set(in), command);
        long consumed = parser.consumed;
        if (r == RespParser.NEED_MORE) {
            if (consumed > 0) {
                return consumed;
            }
            return parser.need > in.length() ? FrameHandler.needAtLeast(parser.need) : NEED_MORE;
        }
        FrameSink out = sink.begin(c);
        boolean quit = false;
        try {
            if (r == RespParser.PROTOCOL_ERROR) {
                Resp.error(out, parser.error);
            } else if (command.argc > 0) {
                quit = commands.execute(command, out);
            }
        } finally {
            out.end();
        }
        if (quit) {
            c.close();
        } else if (consumed == in.length()) {
            giveArena(); // nothing more shown: between commands, maybe idle
        }
        return consumed;
    }
}
