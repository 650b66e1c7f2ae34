/**
 * What the protocol servers ({@code ringloop http}, {@code ringloop kv}) share between their two styles, so one
 * parser and one set of response writers serve both: {@link io.ringloop.cli.wire.Bytes}, the received bytes a
 * parser is shown (a {@link io.ringloop.io.StreamReader}'s buffer in the task style, the loop's receive memory in
 * place in the framing style), and {@link io.ringloop.cli.wire.Sink}, where answers are written (a
 * {@link io.ringloop.io.StreamWriter}, or a loop's staging buffer queued on a
 * {@link io.ringloop.frame.FrameConnection} in one send per handler call).
 *
 * <p>Invariants: a {@code Bytes} is valid while the view it wraps is (one parser call); a {@link FrameSink} is
 * one per loop thread, filled and handed to one connection within one handler call, so an idle connection holds
 * no output buffer.
 */
package io.ringloop.cli.wire;
