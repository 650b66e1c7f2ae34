package io.ringloop.cli.wire;

import io.ringloop.frame.FrameView;
import io.ringloop.io.ByteView;

/**
 * Received bytes as a parser sees them, whichever style received them: the few reads a protocol parser needs, over
 * a {@link ByteView} ({@link OfByteView}) or a {@link FrameView} ({@link OfFrameView}). The adapters are mutable
 * holders, reused for every call of one connection, so parsing allocates nothing.
 */
public interface Bytes {
    /** How many bytes are shown. */
    int length();

    /** The byte at {@code index}. */
    byte get(int index);

    /** The first index in {@code [from, to)} holding {@code b}, or -1. */
    int indexOf(byte b, int from, int to);

    /** Copies {@code len} bytes from {@code from} into {@code dst[off...]}. */
    void copyTo(int from, byte[] dst, int off, int len);

    /** A reusable adapter over a {@link ByteView}. */
    final class OfByteView implements Bytes {
        private ByteView view;

        /** Shows {@code v} until the next call. */
        public OfByteView set(ByteView v) {
            view = v;
            return this;
        }

        @Override
        public int length() {
            return view.length();
        }

        @Override
        public byte get(int index) {
            return view.get(index);
        }

        @Override
        public int indexOf(byte b, int from, int to) {
            int i = view.indexOf(b, from);
            return i >= to ? -1 : i;
        }

        @Override
        public void copyTo(int from, byte[] dst, int off, int len) {
            view.copyTo(from, dst, off, len);
        }
    }

    /** A reusable adapter over a {@link FrameView} (shorter than 2 GiB: a frame is at most {@code maxFrame}). */
    final class OfFrameView implements Bytes {
        private FrameView view;
        private int length;

        /** Shows {@code v} until the next call. */
        public OfFrameView set(FrameView v) {
            view = v;
            length = (int) Math.min(v.length(), Integer.MAX_VALUE - 8);
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public byte get(int index) {
            return view.get(index);
        }

        @Override
        public int indexOf(byte b, int from, int to) {
            return (int) view.indexOf(b, from, to);
        }

        @Override
        public void copyTo(int from, byte[] dst, int off, int len) {
            view.copyTo(from, dst, off, len);
        }
    }
}
