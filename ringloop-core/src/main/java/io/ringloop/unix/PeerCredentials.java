package io.ringloop.unix;

/**
 * Who is at the other end of a Unix stream: the process, user and group the kernel recorded when the connection was
 * made ({@code SO_PEERCRED}, {@code struct ucred}; man 7 unix). The kernel vouches for them: a peer cannot lie
 * about these, which is why servers use them for access control (as the D-Bus daemon and systemd do).
 *
 * @param pid the peer's process id (at connect or listen time; the process may have gone since)
 * @param uid its effective user id
 * @param gid its effective group id
 */
public record PeerCredentials(long pid, long uid, long gid) {
}
