package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.http.ApiServer;
import dev.flotilla.apiserver.http.ConnectionLimits;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watchers that never read, under write load: what the hub holds for all of them stays under the
 * overall cap (the slowest are cut off), a watcher that reads gets every event, and once the slow
 * clients are gone nothing is held for them. A lone watcher that never reads is cut off by its own
 * 16 MiB cap.
 */
class SlowWatchersIT {
  private static final long CAP = 24L << 20;
  private static final int SLOW = 20;
  private static final int WRITES = 300;
  private static final String PAYLOAD = "x".repeat(100 * 1024);
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    ConnectionLimits limits =
        new ConnectionLimits(
            Duration.ofSeconds(90), Duration.ofSeconds(32), Duration.ofSeconds(60), 1024, CAP);
    hub =
        TestHub.start(
            HubConfig.of(Files.createTempDirectory("flotilla-slow-watch"), 0)
                .withConnections(limits));
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static ApiServer api() {
    return hub.server().apiServer();
  }

  /** A watch over TLS from a socket with a tiny receive buffer, which is then never read. */
  private static Socket slowWatch(String ns) throws Exception {
    URI url = URI.create(hub.url());
    Socket plain = new Socket();
    plain.setReceiveBufferSize(4096);
    plain.connect(new InetSocketAddress(url.getHost(), url.getPort()), 60_000);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket(plain, url.getHost(), url.getPort(), true);
    s.startHandshake();
    s.getOutputStream()
        .write(
            ("GET /api/v1/namespaces/"
                    + ns
                    + "/configmaps?watch=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + hub.adminToken()
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    return s;
  }

  @Test
  void slowWatchersStayUnderTheCapAndOthersAreServed() throws Exception {
    String ns = Fabric8Support.newNamespace(client, "slow-watch");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Watch fast =
        client
            .configMaps()
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap cm) {
                    if (cm.getMetadata().getName().startsWith("cm-")) {
                      seen.add(cm.getMetadata().getName()); // not the namespace's kube-root-ca.crt
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < SLOW; i++) {
      slow.add(slowWatch(ns));
    }
    long heapBefore = usedHeap();
    ExecutorService writers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int first = w;
        done.add(
            writers.submit(
                () -> {
                  for (int i = first; i < WRITES; i += 2) {
                    client
                        .configMaps()
                        .inNamespace(ns)
                        .resource(
                            Fabric8Support.configMap("cm-" + i, Map.of(), Map.of("d", PAYLOAD)))
                        .create();
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(600, TimeUnit.SECONDS);
      }
      await("the reading watcher saw every write", () -> seen.size() == WRITES);
      long[] buffered = api().watchBufferedBytes();
      long heapLoaded = usedHeap();
      System.out.printf(
          "slow watchers: %d never reading, %d writes of 100 KiB; held now %d MiB, peak %d MiB"
              + " (cap %d MiB), %d cut off by the cap; heap used %d MiB before, %d MiB loaded%n",
          SLOW,
          WRITES,
          buffered[0] >> 20,
          buffered[1] >> 20,
          CAP >> 20,
          api().watchesCutForBufferCap(),
          heapBefore >> 20,
          heapLoaded >> 20);
      // One event per event loop may land before the slowest watch is cut.
      assertTrue(buffered[1] <= CAP + (2L << 20), "held " + buffered[1] + " bytes at peak");
      assertTrue(api().watchesCutForBufferCap() > 0, "the cap never cut a watch off");
      // Cut off means closed at once, with what was queued for it dropped: before, the 20
      // connections stayed open holding every event (over 600 MiB of heap in this test).
      assertTrue(
          heapLoaded < heapBefore + (256L << 20),
          "heap used went from " + heapBefore + " to " + heapLoaded + " bytes");
      int closedByServer = 0;
      for (Socket s : slow) {
        closedByServer += closedByServer(s) ? 1 : 0;
      }
      assertTrue(
          closedByServer >= api().watchesCutForBufferCap(),
          closedByServer + " slow watch connections closed by the hub");
    } finally {
      writers.shutdownNow();
      fast.close();
      for (Socket s : slow) {
        s.close();
      }
    }
    await("nothing held once the slow clients are gone", () -> api().watchBufferedBytes()[0] == 0);
    System.out.printf("heap used after the slow clients left: %d MiB%n", usedHeap() >> 20);
  }

  @Test
  void oneWatcherPastItsOwnBufferIsCutOff() throws Exception {
    // 23 MiB of events for one watcher that never reads: past its own 16 MiB (the loopback socket
    // absorbs a few MiB), under the 24 MiB of all watches together, so its own cap must cut it.
    String ns = Fabric8Support.newNamespace(client, "one-slow-watch");
    int cutByOverallCap = api().watchesCutForBufferCap();
    try (Socket slow = slowWatch(ns)) {
      for (int i = 0; i < 230; i++) {
        client
            .configMaps()
            .inNamespace(ns)
            .resource(Fabric8Support.configMap("cm-" + i, Map.of(), Map.of("d", PAYLOAD)))
            .create();
      }
      // Closed, so that the client re-lists, as kube-apiserver closes a watch that cannot keep up.
      assertTrue(closedByServer(slow), "the hub kept a watch open holding over 16 MiB");
    }
    assertEquals(
        cutByOverallCap, api().watchesCutForBufferCap(), "cut by the overall cap, not its own");
    await("nothing held once the watch is cut", () -> api().watchBufferedBytes()[0] == 0);
  }

  /** Reads what the kernel holds; true when the hub closed or reset the connection. */
  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      while (in.read(buf) >= 0) {
        // what was sent before the cut
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static long usedHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** The test trusts the hub it started. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
