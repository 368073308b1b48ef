package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.http.ApiServer;
import dev.flotilla.apiserver.http.ConnectionLimits;
import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections that never finish a request are closed by the read-header timeout (TLS handshake
 * included), the unauthenticated cap holds however many arrive, a slowloris body is cut by the
 * read-body timeout, an idle keep-alive connection by the idle timeout, and kubectl is served
 * throughout.
 */
class ConnectionLimitsIT {
  private static final int RAW = 2_500;
  private static final int PARTIAL_HEADS = 500;
  private static final int CAP = 200;
  private static TestHub hub;
  private static String host;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    ConnectionLimits limits =
        new ConnectionLimits(
            Duration.ofSeconds(4), Duration.ofSeconds(6), Duration.ofSeconds(4), CAP);
    hub =
        TestHub.start(
            HubConfig.of(Files.createTempDirectory("flotilla-conn"), 0).withConnections(limits));
    URI url = URI.create(hub.url());
    host = url.getHost();
    port = url.getPort();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  private static ApiServer api() {
    return hub.server().apiServer();
  }

  private static SSLSocket tls() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, port);
    s.setSoTimeout(180_000);
    s.startHandshake();
    return s;
  }

  /** Reads until the server closes; true when it did (EOF or reset) before the read timeout. */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // an answer (a 408 or a reply) may come first
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** As {@link #closedByServer}, waiting at most {@code millis} for the close. */
  private static boolean closedWithin(Socket s, int millis) {
    try {
      s.setSoTimeout(millis);
      return closedByServer(s);
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void unfinishedConnectionsAreClosedAndKubectlIsServed() throws Exception {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < RAW; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress(host, port), 60_000);
      s.setSoTimeout(180_000);
      sockets.add(s);
    }
    AtomicInteger peak = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<Socket>> heads = new ArrayList<>();
      for (int i = 0; i < PARTIAL_HEADS; i++) {
        heads.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    SSLSocket s = tls();
                    OutputStream out = s.getOutputStream();
                    out.write("GET /api HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    peak.accumulateAndGet(api().unauthenticatedConnections(), Math::max);
                    return s;
                  } catch (Exception e) {
                    return null; // closed during the handshake: a limit at work
                  }
                },
                pool));
      }
      // kubectl connects, authenticates and is answered while the floods are open.
      KubectlRunner.Binary newest =
          KubectlRunner.installed().get(KubectlRunner.installed().size() - 1);
      try (KubectlRunner kubectl = KubectlRunner.of(newest, hub.kubeconfig())) {
        kubectl.run("get", "namespaces", "default").assertOk();
      }
      for (CompletableFuture<Socket> f : heads) {
        Socket s = f.get(300, TimeUnit.SECONDS);
        if (s != null) {
          sockets.add(s);
        }
      }
      peak.accumulateAndGet(api().unauthenticatedConnections(), Math::max);
      List<CompletableFuture<Boolean>> closed = new ArrayList<>();
      for (Socket s : sockets) {
        closed.add(CompletableFuture.supplyAsync(() -> closedByServer(s), pool));
      }
      int stillOpen = 0;
      for (CompletableFuture<Boolean> c : closed) {
        stillOpen += c.get(600, TimeUnit.SECONDS) ? 0 : 1;
      }
      assertEquals(0, stillOpen, "connections the server left open");
      // A connection is counted before the oldest is closed, once per event loop at a time.
      assertTrue(peak.get() <= CAP + 2, "unauthenticated connections peaked at " + peak.get());
      await("no unauthenticated connection left", () -> api().unauthenticatedConnections() == 0);
      try (KubectlRunner kubectl = KubectlRunner.of(newest, hub.kubeconfig())) {
        kubectl.run("get", "namespaces", "default").assertOk();
      }
    } finally {
      pool.shutdownNow();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /**
   * Connections that never start their TLS handshake count toward the cap from the moment they are
   * accepted: on a hub whose timeouts are far away, the oldest past the cap are closed at once.
   */
  @Test
  void connectionsStillHandshakingCountTowardTheCap() throws Exception {
    int cap = 50;
    int extra = 100;
    Duration far = Duration.ofSeconds(300);
    try (TestHub patient =
        TestHub.start(
            HubConfig.of(Files.createTempDirectory("flotilla-handshake"), 0)
                .withConnections(new ConnectionLimits(far, far, far, cap)))) {
      URI url = URI.create(patient.url());
      ApiServer server = patient.server().apiServer();
      List<Socket> sockets = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        for (int i = 0; i < cap + extra; i++) {
          Socket s = new Socket();
          s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 60_000);
          sockets.add(s);
        }
        await(
            "the handshaking connections counted, up to the cap",
            () -> server.unauthenticatedConnections() == cap);
        // Which ones go is the server's accept order, which two event loops may shuffle near the
        // boundary: count the closed ones, and name the oldest that stayed open.
        Set<Integer> closed = ConcurrentHashMap.newKeySet();
        await(
            "the connections past the cap closed by the server",
            () -> {
              List<CompletableFuture<Void>> probes = new ArrayList<>();
              for (int i = 0; i < sockets.size(); i++) {
                int index = i;
                if (!closed.contains(index)) {
                  probes.add(
                      CompletableFuture.runAsync(
                          () -> {
                            if (closedWithin(sockets.get(index), 100)) {
                              closed.add(index);
                            }
                          },
                          pool));
                }
              }
              CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).join();
              return closed.size() >= extra;
            });
        assertEquals(extra, closed.size(), "connections closed by the server");
        List<Integer> oldOpen = new ArrayList<>();
        for (int i = 0; i < extra / 2; i++) {
          if (!closed.contains(i)) {
            oldOpen.add(i);
          }
        }
        assertEquals(List.of(), oldOpen, "the oldest handshaking connections left open");
        assertEquals(cap, server.unauthenticatedConnections());
        try (KubernetesClient client = patient.client()) {
          assertTrue(client.namespaces().withName("default").get() != null);
        }
      } finally {
        pool.shutdownNow();
        for (Socket s : sockets) {
          s.close();
        }
      }
      await("closed connections uncounted", () -> server.unauthenticatedConnections() == 0);
    }
  }

  @Test
  void slowlorisBodyIsCut() throws Exception {
    try (SSLSocket s = tls()) {
      OutputStream out = s.getOutputStream();
      String head =
          "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
              + "Authorization: Bearer "
              + hub.adminToken()
              + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.UTF_8));
      out.flush();
      CompletableFuture<Boolean> cut = CompletableFuture.supplyAsync(() -> closedByServer(s));
      int sent = 0;
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      try {
        // One byte a quarter second: the whole body would take seven hours.
        while (!cut.isDone() && System.nanoTime() < giveUp) {
          out.write('{');
          out.flush();
          sent++;
          Thread.sleep(250);
        }
      } catch (IOException e) {
        // the server closed the connection under our writes
      }
      assertTrue(cut.get(300, TimeUnit.SECONDS), "the slow body was not cut");
      assertTrue(sent < 100_000, "the whole body went through");
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosed() throws Exception {
    try (SSLSocket s = tls()) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + hub.adminToken()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      // The answer arrives, then the connection stays idle until the server closes it.
      assertTrue(closedByServer(s), "an idle keep-alive connection stayed open");
    }
  }
}
