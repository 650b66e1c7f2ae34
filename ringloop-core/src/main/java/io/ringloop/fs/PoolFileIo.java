package io.ringloop.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * File calls on the blocking pool, through a JDK {@link FileChannel} (epoll and NIO backends). Errors take the
 * io_uring path's shape ({@link FileErrors}): {@code pread(/tmp/d): EISDIR (21) Is a directory}.
 */
final class PoolFileIo implements AsyncFile.FileIo {
    private final FileChannel channel;
    private final Path path;

    PoolFileIo(FileChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        ByteBuffer view = dst.duplicate(); // the caller advances its own buffer from the count
        int n = AsyncFile.blocking(() -> channel.read(view, position), "pread(" + path + ")");
        return n < 0 ? 0 : n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        ByteBuffer view = src.duplicate();
        return AsyncFile.blocking(() -> channel.write(view, position), "pwrite(" + path + ")");
    }

    @Override
    public void sync(boolean dataOnly) throws IOException {
        AsyncFile.blocking(() -> {
            channel.force(!dataOnly);
            return null;
        }, (dataOnly ? "fdatasync(" : "fsync(") + path + ")");
    }

    @Override
    public long size() throws IOException {
        try {
            return channel.size(); // fstat: never blocks on I/O
        } catch (IOException e) {
            throw FileErrors.translate("fstat(" + path + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } catch (IOException e) {
            throw FileErrors.translate("close(" + path + ")", e);
        }
    }
}
