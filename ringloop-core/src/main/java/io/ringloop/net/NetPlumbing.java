package io.ringloop.net;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.StreamSockets;
import java.io.IOException;

/**
 * Installs {@link StreamSockets.Access}: what {@code net} lends the stream sockets of other packages (a
 * {@link TcpStream} over a handle, its direction guard, {@link LoopCall}). Initialised by
 * {@link StreamSockets#access()} on first use.
 */
final class NetPlumbing implements StreamSockets.Access {
    static {
        StreamSockets.install(new NetPlumbing());
    }

    private NetPlumbing() {
    }

    @Override
    public TcpStream stream(Loop loop, int handle) {
        return new TcpStream(loop, handle);
    }

    @Override
    public void enter(TcpStream stream, boolean read, String call) {
        stream.directions.enter(read, call);
    }

    @Override
    public void exit(TcpStream stream, boolean read) {
        stream.directions.exit(read);
    }

    @Override
    public <T> T call(Loop loop, StreamSockets.DriverCall<T> call) throws IOException {
        return LoopCall.call(loop, call::call);
    }

    @Override
    public Loop requireLoop(String call) {
        return LoopCall.requireLoop(call);
    }

    @Override
    public int spliceOut(TcpStream stream, int pipe, int length) throws IOException {
        return TcpSplice.spliceOut(stream, pipe, length);
    }
}
