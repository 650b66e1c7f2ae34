package io.ringloop.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys in the formats openssl writes, and the errors for the ones it cannot read. */
class PemTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReadChainInOrderIgnoringTextBetweenBlocks() throws IOException {
        TestCerts c = TestCerts.get();
        List<X509Certificate> chain = Pem.certificates(c.file("localhost-chain.pem"));
        assertEquals(2, chain.size());
        assertEquals("CN=localhost", chain.get(0).getSubjectX500Principal().getName());
        assertEquals("CN=ringloop-test-ca", chain.get(1).getSubjectX500Principal().getName());
    }

    @Test
    void shouldReadPkcs8AndTraditionalRsaAndEcKeysAsTheSameKey() throws IOException {
        TestCerts c = TestCerts.get();
        PrivateKey rsa = Pem.privateKey(c.bTestKey());
        PrivateKey rsaPkcs1 = Pem.privateKey(c.file("b.test.pkcs1.key"));
        assertEquals("RSA", rsa.getAlgorithm());
        assertArrayEquals(rsa.getEncoded(), rsaPkcs1.getEncoded());
        PrivateKey ec = Pem.privateKey(c.aTestKey());
        PrivateKey ecSec1 = Pem.privateKey(c.file("a.test.sec1.key"));
        assertEquals("EC", ec.getAlgorithm());
        assertEquals(((java.security.interfaces.ECPrivateKey) ec).getS(),
                ((java.security.interfaces.ECPrivateKey) ecSec1).getS());
        assertTrue(Files.readString(c.file("b.test.pkcs1.key")).startsWith("-----BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(c.file("a.test.sec1.key")).contains("-----BEGIN EC PRIVATE KEY"));
    }

    @Test
    void shouldRefuseEncryptedKeyNamingTheOpensslCommand() throws IOException {
        Path key = TestCerts.get().file("a.test.encrypted.key");
        IOException e = assertThrows(IOException.class, () -> Pem.privateKey(key));
        assertTrue(e.getMessage().contains("encrypted") && e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"),
                e.getMessage());
    }

    @Test
    void shouldNameFileAndProblemOfBadInput() throws IOException {
        Path notPem = Files.write(tmp.resolve("binary.der"), new byte[] {0x30, (byte) 0x82, 1, 2, (byte) 0xFF});
        assertTrue(assertThrows(IOException.class, () -> Pem.certificates(notPem)).getMessage()
                .contains("binary.der: not a PEM file"));
        Path keyOnly = TestCerts.get().aTestKey();
        assertTrue(assertThrows(IOException.class, () -> Pem.certificates(keyOnly)).getMessage()
                .contains("no -----BEGIN CERTIFICATE----- block"));
        Path badBase64 = Files.writeString(tmp.resolve("bad.pem"),
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(IOException.class, () -> Pem.certificates(badBase64)).getMessage()
                .contains("bad.pem: the CERTIFICATE block is not valid base64"));
        Path garbage = Files.writeString(tmp.resolve("garbage.pem"),
                "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n");
        assertTrue(assertThrows(IOException.class, () -> Pem.privateKey(garbage)).getMessage()
                .startsWith(garbage + ": malformed PRIVATE KEY"));
    }

    @Test
    void shouldRefuseKeyOfAnotherAlgorithmThanTheCertificate() throws IOException {
        TestCerts c = TestCerts.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.server(c.localhost(), c.bTestKey()));
        assertTrue(e.getMessage().contains("does not belong to the certificate CN=localhost"), e.getMessage());
    }
}
