package io.ringloop.bench.run;

/**
 * One point to run: which server under which load. The matrix pairs every chosen server with every chosen
 * scenario; the zero-copy sweep brings its own pairs (see ZeroCopySweep).
 */
public record PointPlan(ServerSpec server, Scenario scenario) {
}
