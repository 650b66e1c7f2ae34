package io.ringloop.net;

/**
 * Callback-style completion of one I/O operation, for code that runs on the loop thread without a virtual
 * thread. Called on the loop thread, never from inside the call that started the operation (an immediate
 * result is delivered on the next run of the loop's queue, so callbacks cannot recurse without bound).
 */
public interface IoCallback {
    /** The byte count; for a read, -1 at end of stream. */
    void completed(int result);

    /** The operation failed; the stream stays usable unless the error says otherwise. */
    void failed(Throwable error);
}
