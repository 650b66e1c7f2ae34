package io.ringloop.bench.load;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The bench's TLS clients trust any certificate: the servers' is self-signed and made for the run, and what is
 * measured is CPU and memory, not authentication. Loopback only; not a client to copy.
 */
public final class TrustAnything implements X509TrustManager {
    private TrustAnything() {
    }

    /** A TLS context whose trust manager takes any server certificate. */
    public static SSLContext context() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAnything()}, null);
        return context;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
