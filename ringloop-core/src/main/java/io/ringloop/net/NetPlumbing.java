package io.ringloop.net;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.net.internal.CallbackAccept;
import io.ringloop.net.internal.Directions;
import io.ringloop.net.internal.StreamSockets;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Installs {@link StreamSockets.Access}: what {@code net} lends the stream sockets of other packages (a
 * {@link TcpStream} over a handle, its direction guard, a listener's callback accept, {@link LoopCall}).
 * Initialised by {@link StreamSockets#access()} on first use.
 */
final class NetPlumbing implements StreamSockets.Access {
    static {
        StreamSockets.install(new NetPlumbing());
    }

    private NetPlumbing() {
    }

    @Override
    public TcpStream stream(Loop loop, int handle, String kind) {
        return new TcpStream(loop, handle, kind);
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

    @Override
    public CallbackAccept callbackAccept(Loop loop, int handle, Directions directions, AcceptBackoff backoff,
            BooleanSupplier closed, Object listener, String where) {
        return new ListenerCallbacks(loop, handle, directions, backoff, closed, listener, where);
    }
}
