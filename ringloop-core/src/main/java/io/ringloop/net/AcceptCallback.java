package io.ringloop.net;

/** Callback-style accept: called on the listener's loop thread. */
public interface AcceptCallback {
    void accepted(TcpStream stream);

    void failed(Throwable error);
}
