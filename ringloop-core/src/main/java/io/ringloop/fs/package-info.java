/**
 * Files for tasks: {@link io.ringloop.fs.AsyncFile}. Through io_uring submissions where the loop's driver
 * does files (the loop never blocks), else through a bounded pool of platform threads while the task parks.
 */
package io.ringloop.fs;
