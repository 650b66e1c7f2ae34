package io.ringloop.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The little DER (ITU-T X.690) that PEM private keys need: walk a structure's elements and wrap a PKCS#1 RSA
 * key (RFC 8017 A.1.2) or a SEC1 EC key (RFC 5915) into a PKCS#8 {@code PrivateKeyInfo} (RFC 5208), which the
 * JDK's {@code KeyFactory} reads. Not a general ASN.1 library: definite lengths only, no indefinite forms.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0] EXPLICIT}: the curve parameters of a SEC1 key. */
    static final int CONTEXT_0 = 0xA0;

    /** rsaEncryption, 1.2.840.113549.1.1.1, as a whole TLV. */
    static final byte[] OID_RSA = HexFormat.of().parseHex("06092a864886f70d010101");
    /** id-RSASSA-PSS, 1.2.840.113549.1.1.10. */
    static final byte[] OID_RSA_PSS = HexFormat.of().parseHex("06092a864886f70d01010a");
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    static final byte[] OID_EC = HexFormat.of().parseHex("06072a8648ce3d0201");
    /** id-Ed25519 and id-Ed448, RFC 8410. */
    static final byte[] OID_ED25519 = HexFormat.of().parseHex("06032b6570");
    static final byte[] OID_ED448 = HexFormat.of().parseHex("06032b6571");
    /** id-dsa, 1.2.840.10040.4.1. */
    static final byte[] OID_DSA = HexFormat.of().parseHex("06072a8648ce380401");
    private static final byte[] NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {INTEGER, 1, 0};

    private Der() {
    }

    /** One element: its tag, and where its content starts and ends in the array. */
    record Tlv(int tag, int start, int end, int contentStart) {
        int contentLength() {
            return end - contentStart;
        }

        byte[] whole(byte[] der) {
            return Arrays.copyOfRange(der, start, end);
        }
    }

    /** The element at {@code pos}, which must end by {@code limit}. */
    static Tlv read(byte[] der, int pos, int limit) throws DerException {
        if (pos + 2 > limit) {
            throw new DerException("truncated at byte " + pos);
        }
        int tag = der[pos] & 0xFF;
        int first = der[pos + 1] & 0xFF;
        int p = pos + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7F;
            if (count == 0 || count > 4 || p + count > limit) {
                throw new DerException("bad length at byte " + (pos + 1));
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (der[p++] & 0xFF);
            }
        }
        if (p + length > limit) {
            throw new DerException("element at byte " + pos + " runs past its container");
        }
        return new Tlv(tag, pos, (int) (p + length), p);
    }

    /** The element at {@code pos} with the expected tag. */
    static Tlv expect(byte[] der, int pos, int limit, int tag, String what) throws DerException {
        Tlv t = read(der, pos, limit);
        if (t.tag() != tag) {
            throw new DerException(what + ": expected tag 0x" + Integer.toHexString(tag) + ", found 0x"
                    + Integer.toHexString(t.tag()));
        }
        return t;
    }

    /**
     * The algorithm OID (a whole TLV) of a PKCS#8 {@code PrivateKeyInfo}:
     * {@code SEQUENCE { INTEGER version, SEQUENCE { OID algorithm, params }, OCTET STRING key }}.
     */
    static byte[] pkcs8Algorithm(byte[] der) throws DerException {
        Tlv info = expect(der, 0, der.length, SEQUENCE, "PrivateKeyInfo");
        Tlv version = expect(der, info.contentStart(), info.end(), INTEGER, "PrivateKeyInfo.version");
        Tlv algorithm = expect(der, version.end(), info.end(), SEQUENCE, "PrivateKeyInfo.privateKeyAlgorithm");
        return expect(der, algorithm.contentStart(), algorithm.end(), OID, "AlgorithmIdentifier").whole(der);
    }

    /** PKCS#1 {@code RSAPrivateKey} into PKCS#8: rsaEncryption with NULL parameters around the key. */
    static byte[] pkcs8FromPkcs1(byte[] pkcs1) throws DerException {
        expect(pkcs1, 0, pkcs1.length, SEQUENCE, "RSAPrivateKey");
        return privateKeyInfo(encode(SEQUENCE, OID_RSA, NULL), pkcs1);
    }

    /**
     * SEC1 {@code ECPrivateKey} ({@code SEQUENCE { INTEGER 1, OCTET STRING key, [0] curve OID, [1] public key }})
     * into PKCS#8: id-ecPublicKey with the curve from {@code [0]} around the whole SEC1 structure.
     */
    static byte[] pkcs8FromSec1(byte[] sec1) throws DerException {
        Tlv key = expect(sec1, 0, sec1.length, SEQUENCE, "ECPrivateKey");
        int pos = key.contentStart();
        while (pos < key.end()) {
            Tlv element = read(sec1, pos, key.end());
            if (element.tag() == CONTEXT_0) {
                byte[] curve = expect(sec1, element.contentStart(), element.end(), OID, "ECPrivateKey.parameters")
                        .whole(sec1);
                return privateKeyInfo(encode(SEQUENCE, OID_EC, curve), sec1);
            }
            pos = element.end();
        }
        throw new DerException("ECPrivateKey has no [0] curve parameters");
    }

    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        return encode(SEQUENCE, VERSION_0, algorithm, encode(OCTET_STRING, key));
    }

    /** A TLV of {@code tag} whose content is {@code parts} in order. */
    static byte[] encode(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Malformed DER; {@link Pem} names the file. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }
}
