package io.ringloop.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files (RFC 7468) with the JDK alone: no Bouncy Castle.
 *
 * <ul>
 *   <li>{@code CERTIFICATE} blocks: X.509 through {@code CertificateFactory}, in file order (a chain: the leaf
 *       first). Text between blocks (openssl's {@code subject=} lines) is ignored.</li>
 *   <li>{@code PRIVATE KEY}: PKCS#8, RSA, RSASSA-PSS, EC, Ed25519, Ed448 or DSA (the algorithm is read from the
 *       key itself).</li>
 *   <li>{@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY} (SEC1, with its curve): wrapped into PKCS#8
 *       by a few lines of DER ({@link Der}), as {@code openssl pkcs8 -topk8 -nocrypt} would.</li>
 *   <li>Encrypted keys ({@code ENCRYPTED PRIVATE KEY}, or a {@code Proc-Type: 4,ENCRYPTED} header): refused with
 *       the openssl command that writes them unencrypted.</li>
 * </ul>
 * Every failure is an {@link IOException} naming the file and what was wrong with it.
 */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private Pem() {
    }

    /** Every {@code CERTIFICATE} of {@code file}, in order; at least one. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (GeneralSecurityException e) {
            throw new IOException("X.509 certificates: " + e.getMessage(), e);
        }
        for (Block b : blocks(file)) {
            if (!b.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (GeneralSecurityException e) {
                throw new IOException(file + ": certificate " + (out.size() + 1) + " is not valid X.509: "
                        + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no -----BEGIN CERTIFICATE----- block");
        }
        return List.copyOf(out);
    }

    /** The one private key of {@code file} (PKCS#8, PKCS#1 RSA or SEC1 EC). */
    public static PrivateKey privateKey(Path file) throws IOException {
        Block key = null;
        for (Block b : blocks(file)) {
            if (b.type().endsWith("PRIVATE KEY")) {
                if (key != null) {
                    throw new IOException(file + ": more than one private key");
                }
                key = b;
            }
        }
        if (key == null) {
            throw new IOException(file + ": no -----BEGIN PRIVATE KEY----- block (nor RSA or EC PRIVATE KEY)");
        }
        try {
            byte[] pkcs8 = switch (key.type()) {
                case "PRIVATE KEY" -> key.der();
                case "RSA PRIVATE KEY" -> Der.pkcs8FromPkcs1(key.der());
                case "EC PRIVATE KEY" -> Der.pkcs8FromSec1(key.der());
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                default -> throw new IOException(file + ": unsupported key type '" + key.type() + "'; convert it "
                        + "with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
            };
            String algorithm = algorithm(Der.pkcs8Algorithm(pkcs8));
            if (algorithm == null) {
                throw new IOException(file + ": unsupported key algorithm (OID TLV "
                        + HexFormat.of().formatHex(Der.pkcs8Algorithm(pkcs8)) + ")");
            }
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (Der.DerException e) {
            throw new IOException(file + ": malformed " + key.type() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot read the " + key.type() + ": " + e.getMessage(), e);
        }
    }

    private static String algorithm(byte[] oid) {
        if (Arrays.equals(oid, Der.OID_RSA)) {
            return "RSA";
        } else if (Arrays.equals(oid, Der.OID_RSA_PSS)) {
            return "RSASSA-PSS";
        } else if (Arrays.equals(oid, Der.OID_EC)) {
            return "EC";
        } else if (Arrays.equals(oid, Der.OID_ED25519)) {
            return "Ed25519";
        } else if (Arrays.equals(oid, Der.OID_ED448)) {
            return "Ed448";
        } else if (Arrays.equals(oid, Der.OID_DSA)) {
            return "DSA";
        }
        return null;
    }

    private static IOException encrypted(Path file) {
        return new IOException(file + ": the private key is encrypted, which is not supported; write it "
                + "unencrypted with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
    }

    /** One PEM block: its label and its decoded content. */
    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1); // never fails on binary input
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains("Proc-Type:")) {
                throw encrypted(file);
            }
            try {
                out.add(new Block(m.group(1), Base64.getDecoder().decode(body.replaceAll("\\s+", ""))));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": the " + m.group(1) + " block is not valid base64: "
                        + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": not a PEM file (no -----BEGIN ...----- block)");
        }
        return out;
    }
}
