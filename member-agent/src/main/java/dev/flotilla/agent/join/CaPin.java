package dev.flotilla.agent.join;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * kubeadm's CA public-key pins ({@code --discovery-token-ca-cert-hash sha256:<hex>}, the SHA-256 of
 * the CA certificate's SubjectPublicKeyInfo), and discovery of the hub's CA from the chain its TLS
 * handshake presents: the CA is trusted only when its key matches a pin and it signed the server's
 * certificate.
 */
public final class CaPin {
  private CaPin() {}

  /** The pin of {@code ca}, as {@code karmadactl token create --print-register-command} prints. */
  public static String of(X509Certificate ca) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Connects to {@code host:port} without trusting anything yet, and returns the certificate of the
   * presented chain whose key matches one of {@code pins} and that signed the server's certificate.
   *
   * @throws IllegalStateException when no such certificate is presented (wrong hub, or a hub in the
   *     middle)
   */
  public static X509Certificate discover(String host, int port, List<String> pins)
      throws IOException {
    List<String> wanted = pins.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).toList();
    for (String p : wanted) {
      if (!p.matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "invalid --discovery-token-ca-cert-hash \"" + p + "\": the format is sha256:<64 hex>");
      }
    }
    Certificate[] chain;
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new Recording()}, null);
      try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
        socket.startHandshake();
        chain = socket.getSession().getPeerCertificates();
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS handshake with " + host + ":" + port + " failed: " + e, e);
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate server)) {
      throw new IllegalStateException(host + ":" + port + " presented no certificate");
    }
    for (Certificate c : chain) {
      if (c instanceof X509Certificate candidate && wanted.contains(of(candidate))) {
        try {
          server.verify(candidate.getPublicKey());
          return candidate;
        } catch (GeneralSecurityException e) {
          break; // the pinned key did not sign the server's certificate
        }
      }
    }
    throw new IllegalStateException(
        "the hub at "
            + host
            + ":"
            + port
            + " presented no CA matching --discovery-token-ca-cert-hash "
            + String.join(",", wanted)
            + " that signed its certificate: not the hub the token was made for");
  }

  /** Accepts any chain: the pin, not a trust store, decides afterwards. */
  private static final class Recording implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
