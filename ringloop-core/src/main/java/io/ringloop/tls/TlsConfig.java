package io.ringloop.tls;

import io.ringloop.loop.internal.Timeouts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a {@link TlsStream} needs: one {@link SSLContext} (whose client session cache makes a second connection
 * to the same host and port resume) and the per-connection parameters. Build once, share across connections:
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.server(Path.of("chain.pem"), Path.of("key.pem"))
 *         .sni("api.example.com", Path.of("api-chain.pem"), Path.of("api-key.pem"))
 *         .alpn("h2", "http/1.1")
 *         .build();
 * TlsConfig client = TlsConfig.client().trust(Path.of("ca.pem")).alpn("http/1.1").build();
 * }</pre>
 *
 * <p>Defaults: the JDK's protocols (TLS 1.3 and 1.2) and cipher suites; a client trusts the JDK's CA
 * certificates unless given {@link Builder#trust}, and checks the server's name (RFC 2818, as HTTPS does); a
 * handshake has 10 seconds; the engine's delegated tasks run on a small shared pool of daemon threads.
 */
public final class TlsConfig {
    /** The handshake time limit unless set. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Whether a server asks for a client certificate. */
    public enum ClientAuth {
        /** Does not ask. */
        NONE,
        /** Asks; a client without a certificate is still accepted (an invalid one is not). */
        WANT,
        /** Asks and refuses a client without a valid certificate. */
        NEED
    }

    private final boolean client;
    private final SSLContext context;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final String[] alpn;
    private final ClientAuth clientAuth;
    private final boolean verifyHostname;
    private final Duration handshakeTimeout;
    private final Executor taskExecutor;

    private TlsConfig(Builder b, SSLContext context) {
        this.client = b.client;
        this.context = context;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.alpn = b.alpn;
        this.clientAuth = b.clientAuth;
        this.verifyHostname = b.verifyHostname;
        this.handshakeTimeout = b.handshakeTimeout;
        this.taskExecutor = b.taskExecutor != null ? b.taskExecutor : EngineTasks.shared();
    }

    /** A server presenting the chain (leaf first) and key of these PEM files ({@link Pem}). */
    public static Builder server(Path certChainPem, Path privateKeyPem) throws IOException {
        return server(Pem.certificates(certChainPem), Pem.privateKey(privateKeyPem));
    }

    /** A server presenting {@code chain} (leaf first) with {@code key}. */
    public static Builder server(List<X509Certificate> chain, PrivateKey key) {
        Builder b = new Builder(false, null);
        b.identities.add(newIdentity(null, chain, key));
        return b;
    }

    /** A client; {@link Builder#trust} for CAs other than the JDK's. */
    public static Builder client() {
        return new Builder(true, null);
    }

    /**
     * A server or client over a context made elsewhere (a {@code KeyStore}, a custom trust manager): the
     * builder's key and trust settings are not available, the per-connection ones are.
     */
    public static Builder of(SSLContext context, boolean client) {
        return new Builder(client, Objects.requireNonNull(context, "context"));
    }

    private static SniKeyManager.Identity newIdentity(String name, List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an empty certificate chain");
        }
        String certAlgorithm = chain.getFirst().getPublicKey().getAlgorithm();
        if (!certAlgorithm.equals(key.getAlgorithm()) && !(certAlgorithm.startsWith("Ed")
                && key.getAlgorithm().startsWith("Ed"))) {
            throw new IllegalArgumentException("the key (" + key.getAlgorithm() + ") does not belong to the "
                    + "certificate " + chain.getFirst().getSubjectX500Principal() + " ("
                    + certAlgorithm + ")");
        }
        return new SniKeyManager.Identity(name, Objects.requireNonNull(key, "key"),
                chain.toArray(X509Certificate[]::new));
    }

    public boolean isClient() {
        return client;
    }

    /** The context; its client session context caches sessions for resumption. */
    public SSLContext context() {
        return context;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Where the engine's delegated tasks (key exchange, signatures, certificate checks) run: the builder's
     * executor, or a small shared pool of daemon threads. A transport of its own runs them there, never on a
     * loop thread.
     */
    public Executor taskExecutor() {
        return taskExecutor;
    }

    /**
     * An engine for one connection, set up as this config says (protocols, cipher suites, ALPN, client
     * authentication), for a transport of its own; {@link TlsStream} and the framing server make theirs here.
     * A client's engine knows the peer's {@code host} and {@code port} (the session cache key), sends
     * {@code host} as SNI unless it is an IP literal, and checks the server's certificate against it; a
     * server's ignores both (null and -1).
     */
    public SSLEngine newEngine(String host, int port) {
        SSLEngine engine = client ? context.createSSLEngine(host, port) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters p = engine.getSSLParameters();
        if (protocols != null) {
            p.setProtocols(protocols);
        }
        if (cipherSuites != null) {
            p.setCipherSuites(cipherSuites);
        }
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        if (client) {
            if (host != null && !isIpLiteral(host)) {
                p.setServerNames(List.of(new SNIHostName(host)));
            }
            if (verifyHostname) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
        } else if (clientAuth == ClientAuth.NEED) {
            p.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANT) {
            p.setWantClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** IPv4 dotted or any IPv6 text: no SNI for those (RFC 6066 section 3). */
    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Collects the settings; {@link #build()} reads the files and makes the context. Not thread-safe. */
    public static final class Builder {
        private final boolean client;
        private final SSLContext context;
        private final List<SniKeyManager.Identity> identities = new ArrayList<>();
        private final List<X509Certificate> trusted = new ArrayList<>();
        private String[] protocols;
        private String[] cipherSuites;
        private String[] alpn = new String[0];
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean verifyHostname = true;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Executor taskExecutor;

        private Builder(boolean client, SSLContext context) {
            this.client = client;
            this.context = context;
        }

        /** Trusts the CA certificates of this PEM file: a client for servers, a server for client certificates. */
        public Builder trust(Path caPem) throws IOException {
            trusted.addAll(Pem.certificates(caPem));
            return this;
        }

        public Builder trust(List<X509Certificate> caCertificates) {
            trusted.addAll(caCertificates);
            return this;
        }

        /**
         * Server: presents this chain and key to a client that asks for {@code serverName} by SNI (exact, or
         * {@code *.example.com} for one label); may be called again for more names or more key types.
         */
        public Builder sni(String serverName, Path certChainPem, Path privateKeyPem) throws IOException {
            return sni(serverName, Pem.certificates(certChainPem), Pem.privateKey(privateKeyPem));
        }

        public Builder sni(String serverName, List<X509Certificate> chain, PrivateKey key) {
            if (client) {
                throw new IllegalStateException("sni(name, chain, key) is for servers; a client sends the host "
                        + "given to TlsStream.client");
            }
            identities.add(newIdentity(serverName.toLowerCase(Locale.ROOT), chain, key));
            return this;
        }

        /** Client: the certificate and key offered when a server asks for one (client authentication). */
        public Builder identity(Path certChainPem, Path privateKeyPem) throws IOException {
            return identity(Pem.certificates(certChainPem), Pem.privateKey(privateKeyPem));
        }

        public Builder identity(List<X509Certificate> chain, PrivateKey key) {
            identities.add(newIdentity(null, chain, key));
            return this;
        }

        /**
         * ALPN (RFC 7301): a client offers these protocols; a server selects the first of these, in its own
         * order, that the client offers, and refuses a client that offers only others.
         */
        public Builder alpn(String... protocolNames) {
            alpn = protocolNames.clone();
            return this;
        }

        /** The protocol versions, e.g. {@code "TLSv1.3"}, {@code "TLSv1.2"}. */
        public Builder protocols(String... versions) {
            protocols = versions.clone();
            return this;
        }

        public Builder cipherSuites(String... suites) {
            cipherSuites = suites.clone();
            return this;
        }

        /** Server: whether to ask for a client certificate, checked against {@link #trust} CAs. */
        public Builder clientAuth(ClientAuth mode) {
            clientAuth = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Client: check that the server's certificate names the host (default true). */
        public Builder verifyHostname(boolean on) {
            verifyHostname = on;
            return this;
        }

        /**
         * The handshake must finish within this (default 10 s). Null or zero: no limit (as for every timeout in
         * ringloop); negative: {@link IllegalArgumentException}; over about 146 years: that long.
         */
        public Builder handshakeTimeout(Duration timeout) {
            handshakeTimeout = Duration.ofNanos(Timeouts.limitNanos(timeout, "handshakeTimeout"));
            return this;
        }

        /** Where the engine's delegated tasks (key exchange, signatures) run while the task waits. */
        public Builder taskExecutor(Executor executor) {
            taskExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public TlsConfig build() throws IOException {
            if (context != null) {
                if (!identities.isEmpty() || !trusted.isEmpty()) {
                    throw new IllegalStateException("TlsConfig.of(context): keys and trust belong to the context");
                }
                return new TlsConfig(this, context);
            }
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                KeyManager[] keys = identities.isEmpty() ? null
                        : new KeyManager[] {new SniKeyManager(identities)};
                ctx.init(keys, trustManagers(), null);
                return new TlsConfig(this, ctx);
            } catch (GeneralSecurityException e) {
                throw new IOException("TLS context: " + e.getMessage(), e);
            }
        }

        /** The given CAs; none given: null, which the JDK reads as its own CA certificates. */
        private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
            if (trusted.isEmpty()) {
                return null;
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return f.getTrustManagers();
        }
    }

    /** The default home of delegated tasks: daemon threads, as many as cores, retired after 30 s idle. */
    static ThreadPoolExecutor newTaskPool() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "ringloop-tls-task-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
