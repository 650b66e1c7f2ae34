package io.ringloop.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of a {@link TlsConfig}: its identities (certificate chain and key), each for one server name
 * (exact, or a {@code *.example.com} wildcard of one label) or for any name (the default).
 *
 * <p>A server picks by the client's SNI name: the identities given for that name (exact before wildcard), else
 * the default ones; among them the first whose key fits the key type the JDK asks for. The JDK asks once per
 * usable type (for TLS 1.3: EC, then RSA ...), so an RSA-only name answers null to "EC" and gets its RSA
 * certificate at the next question; it never falls back to the default certificate of another name.
 *
 * <p>A client (client authentication) offers its first identity whose key type the server accepts.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    /** One certificate chain and its key; {@code name} null: for any name. Aliases are list indexes. */
    record Identity(String name, PrivateKey key, X509Certificate[] chain) {
        boolean fits(String keyType) {
            String algorithm = key.getAlgorithm();
            // "EC_EC"/"EC_RSA": legacy ECDH suites name the key and its issuer's signature.
            return keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
                    || (keyType.equals("EdDSA") && algorithm.startsWith("Ed"));
        }
    }

    private final List<Identity> identities;

    SniKeyManager(List<Identity> identities) {
        this.identities = List.copyOf(identities);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServer(keyType, requestedName(engine == null ? null : engine.getHandshakeSession()));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseServer(keyType, null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        for (int i = 0; i < identities.size(); i++) {
            for (String type : keyTypes) {
                if (identities.get(i).fits(type)) {
                    return Integer.toString(i);
                }
            }
        }
        return null;
    }

    /** The identities meant for {@code name}: exact, else wildcard, else the default; the first that fits. */
    private String chooseServer(String keyType, String name) {
        if (name != null) {
            int dot = name.indexOf('.');
            for (String candidate : dot < 0 ? List.of(name) : List.of(name, "*" + name.substring(dot))) {
                if (named(candidate)) {
                    return fitting(candidate, keyType);
                }
            }
        }
        return fitting(null, keyType);
    }

    private boolean named(String name) {
        for (Identity id : identities) {
            if (name.equals(id.name())) {
                return true;
            }
        }
        return false;
    }

    private String fitting(String name, String keyType) {
        for (int i = 0; i < identities.size(); i++) {
            Identity id = identities.get(i);
            if (Objects.equals(name, id.name()) && id.fits(keyType)) {
                return Integer.toString(i);
            }
        }
        return null;
    }

    /** The host name the client asked for (SNI), lower case; null when none. */
    private static String requestedName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession extended) {
            for (SNIServerName n : extended.getRequestedServerNames()) {
                if (n instanceof SNIHostName host) {
                    return host.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    private String[] aliases(String keyType) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < identities.size(); i++) {
            if (identities.get(i).fits(keyType)) {
                out.add(Integer.toString(i));
            }
        }
        return out.isEmpty() ? null : out.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Identity id = identity(alias);
        return id == null ? null : id.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Identity id = identity(alias);
        return id == null ? null : id.key();
    }

    private Identity identity(String alias) {
        try {
            int i = Integer.parseInt(alias);
            return i >= 0 && i < identities.size() ? identities.get(i) : null;
        } catch (NumberFormatException e) {
            return null; // not one of our aliases: the JDK's contract is null for an unknown alias
        }
    }
}
