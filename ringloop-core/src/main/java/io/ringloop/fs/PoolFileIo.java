package io.ringloop.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** File calls on the blocking pool, through a JDK {@link FileChannel} (epoll and NIO backends). */
final class PoolFileIo implements AsyncFile.FileIo {
    private final FileChannel channel;

    PoolFileIo(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        ByteBuffer view = dst.duplicate(); // the caller advances its own buffer from the count
        int n = AsyncFile.blocking(() -> channel.read(view, position), "pread");
        return n < 0 ? 0 : n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        ByteBuffer view = src.duplicate();
        return AsyncFile.blocking(() -> channel.write(view, position), "pwrite");
    }

    @Override
    public void sync(boolean dataOnly) throws IOException {
        AsyncFile.blocking(() -> {
            channel.force(!dataOnly);
            return null;
        }, dataOnly ? "fdatasync" : "fsync");
    }

    @Override
    public long size() throws IOException {
        return channel.size(); // fstat: never blocks on I/O
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
