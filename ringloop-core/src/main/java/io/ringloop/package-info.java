/**
 * The way in: {@link io.ringloop.Ringloop} (a set of loops, spawn/blockOn, serve, spawnBlocking, shutdown)
 * and {@link io.ringloop.ShutdownHandle}. See DESIGN.md for the floor plan of the packages below.
 */
package io.ringloop;
