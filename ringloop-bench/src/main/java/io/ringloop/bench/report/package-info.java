/**
 * What a run leaves behind: the terminal table, {@code results.json} (machine, configuration, every
 * window of every point), charts drawn with JFreeChart and saved as PNG and SVG (JFreeSVG), and a static
 * {@code report.html} that shows them without fetching anything. Every server is compared with the best
 * Netty transport of the same scenario: msgs/s ratio (higher is better) and CPU-per-message ratio (lower is
 * better). The zero-copy sweep gets its own table and two charts instead (ZeroCopySummary): copying sends
 * beside SEND_ZC per payload size, and the verdict, the smallest size from which on zero-copy pays.
 */
package io.ringloop.bench.report;
