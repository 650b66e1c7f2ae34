package io.ringloop.signal;

/** The process signals a task can wait for. */
public enum Signal {
    /** Ctrl-C. */
    INT,
    /** Polite termination (kill, systemd, Kubernetes). */
    TERM,
    /** Reload configuration, by convention. */
    HUP
}
