package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.RawHttp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unpaged lists of thousands of objects are streamed: every object arrives once, the list is the
 * state at its one resourceVersion even when writes land while it is sent, and a client that stops
 * reading stops the hub making the list (it is not buffered whole on the hub).
 */
class StreamedListIT {
  private static final int COUNT = 2000;

  /** 16 KiB per object: the list is about 32 MiB, far beyond what sockets and Netty buffer. */
  private static final String PAYLOAD = "x".repeat(16 * 1024);

  private static TestHub hub;
  private static KubernetesClient client;
  private static String ns;
  private static Set<String> expected;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
    ns = newNamespace(client, "streamed");
    expected = new HashSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Void>> creates = new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        String name = String.format("cm-%04d", i);
        expected.add(name);
        creates.add(
            CompletableFuture.runAsync(
                () ->
                    client
                        .configMaps()
                        .inNamespace(ns)
                        .resource(configMap(name, Map.of(), Map.of("payload", PAYLOAD)))
                        .create(),
                pool));
      }
      CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }
    Fabric8Support.await(
        "kube-root-ca.crt",
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    expected.add("kube-root-ca.crt");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void fabric8GetsEveryObjectOnceFromAStream() {
    double before = metric("flotilla_list_stream_bytes_total");
    ConfigMapList list = client.configMaps().inNamespace(ns).list();
    List<String> names = new ArrayList<>();
    long rv = Long.parseLong(list.getMetadata().getResourceVersion());
    for (ConfigMap cm : list.getItems()) {
      names.add(cm.getMetadata().getName());
      assertTrue(
          Long.parseLong(cm.getMetadata().getResourceVersion()) <= rv,
          "no item is newer than the list");
    }
    assertEquals(expected.size(), names.size(), "no object listed twice or left out");
    assertEquals(expected, new HashSet<>(names));
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(null);
    assertEquals(sorted, names, "key order");
    assertEquals(PAYLOAD, list.getItems().get(0).getData().get("payload"));
    assertTrue(
        metric("flotilla_list_stream_bytes_total") - before >= COUNT * (double) PAYLOAD.length(),
        "the list was streamed (flotilla_list_stream_bytes_total grew by the list's size)");
  }

  @Test
  void kubectlGetsEveryObjectUnpaged() {
    List<KubectlRunner.Binary> installed = KubectlRunner.installed();
    org.junit.jupiter.api.Assumptions.assumeFalse(
        installed.isEmpty(), KubectlRunner.notInstalledMessage());
    // The oldest and the newest: -o name asks for the list, the default output for a Table.
    for (KubectlRunner.Binary binary :
        List.of(installed.get(0), installed.get(installed.size() - 1))) {
      try (KubectlRunner kubectl = KubectlRunner.of(binary, hub.kubeconfig())) {
        String names =
            kubectl
                .run("get", "configmaps", "-n", ns, "--chunk-size=0", "-o", "name")
                .assertOk()
                .stdout();
        Set<String> seen = new HashSet<>();
        List<String> lines = names.lines().filter(l -> !l.isBlank()).toList();
        lines.forEach(l -> seen.add(l.substring(l.indexOf('/') + 1)));
        assertEquals(expected.size(), lines.size(), binary + ": one line per object");
        assertEquals(expected, seen, binary.toString());
        List<String> rows =
            kubectl
                .run("get", "configmaps", "-n", ns, "--chunk-size=0")
                .assertOk()
                .stdout()
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        assertTrue(rows.get(0).startsWith("NAME"), binary + ": a Table's header: " + rows.get(0));
        assertEquals(expected.size(), rows.size() - 1, binary + ": one Table row per object");
        assertTrue(rows.get(1).startsWith("cm-0000 "), binary + ": " + rows.get(1));
      }
    }
  }

  @Test
  void aSlowReaderHoldsTheListBackAndWritesMeanwhileStayOut() throws Exception {
    LongSupplier produced = () -> (long) metric("flotilla_list_stream_bytes_total");
    long before = produced.getAsLong();
    URI base = URI.create(hub.url());
    RawHttp http = hub.http();
    try (SSLSocket socket = (SSLSocket) http.ssl().getSocketFactory().createSocket()) {
      // A small receive window: what the kernel may buffer for a client that does not read.
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 60_000);
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/v1/namespaces/"
                  + ns
                  + "/configmaps HTTP/1.1\r\nHost: "
                  + base.getHost()
                  + "\r\nAuthorization: Bearer "
                  + http.token()
                  + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      ChunkedBody body = new ChunkedBody(new java.io.BufferedInputStream(socket.getInputStream()));
      assertTrue(body.head().startsWith("HTTP/1.1 200"), body.head());
      assertTrue(body.head().toLowerCase().contains("transfer-encoding: chunked"), body.head());
      byte[] start = body.read(32 * 1024);
      assertTrue(
          new String(start, StandardCharsets.UTF_8).startsWith("{\"kind\":\"ConfigMapList\""));

      // The client stops reading. The hub makes pieces until the connection is full, then waits.
      long total = COUNT * (long) PAYLOAD.length();
      long last = -1;
      int steady = 0;
      for (int i = 0; i < 240 && steady < 6; i++) {
        Thread.sleep(500);
        long now = produced.getAsLong() - before;
        steady = now == last ? steady + 1 : 0;
        last = now;
      }
      System.out.printf(
          "[StreamedListIT] a client stalled after 32 KiB: the hub made %d of ~%d bytes%n",
          last, total);
      assertEquals(1.0, metric("flotilla_list_streams"), "the list is still being sent");
      assertTrue(
          last < total / 2,
          "a client that stopped reading after 32 KiB had the hub make "
              + last
              + " of the list's ~"
              + total
              + " bytes: it should wait for the client instead");

      // Writes made now are after the list's resourceVersion: they must not show in it.
      String lastName = String.format("cm-%04d", COUNT - 1);
      ConfigMap late =
          client
              .configMaps()
              .inNamespace(ns)
              .resource(configMap("zz-late", Map.of(), Map.of()))
              .create();
      client.configMaps().inNamespace(ns).withName(lastName).delete();
      try {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.writeBytes(start);
        whole.writeBytes(body.readAll());
        JsonNode list = RawHttp.parse(whole.toString(StandardCharsets.UTF_8));
        Set<String> names = new HashSet<>();
        for (JsonNode item : list.path("items")) {
          assertTrue(names.add(item.path("metadata").path("name").asText()), "listed once");
        }
        assertEquals(expected, names, "the list is the state at its resourceVersion");
        assertTrue(
            list.path("metadata").path("resourceVersion").asLong()
                < Long.parseLong(late.getMetadata().getResourceVersion()));
      } finally {
        client.configMaps().inNamespace(ns).withName("zz-late").delete();
        client
            .configMaps()
            .inNamespace(ns)
            .resource(configMap(lastName, Map.of(), Map.of("payload", PAYLOAD)))
            .create();
      }
    }
    Fabric8Support.await("the stream to end", () -> metric("flotilla_list_streams") == 0.0);
  }

  private static double metric(String name) {
    String text = hub.http().get("/metrics").body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " is not on /metrics");
  }

  /** An HTTP/1.1 response read by hand: its head, then its chunked body as far as asked. */
  private static final class ChunkedBody {
    private final InputStream in;
    private final String head;
    private int left; // bytes left in the current chunk
    private boolean ended;

    ChunkedBody(InputStream in) throws IOException {
      this.in = in;
      StringBuilder h = new StringBuilder();
      while (!h.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("the connection closed in the head: " + h);
        }
        h.append((char) c);
      }
      this.head = h.toString();
    }

    String head() {
      return head;
    }

    /** Up to {@code max} bytes of the body (fewer only at its end). */
    byte[] read(int max) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (out.size() < max && !ended) {
        if (left == 0) {
          String size = line();
          left = Integer.parseInt(size.split(";")[0].trim(), 16);
          if (left == 0) {
            ended = true;
            break;
          }
        }
        byte[] buf = in.readNBytes(Math.min(left, max - out.size()));
        if (buf.length == 0) {
          throw new IOException("the connection closed in a chunk");
        }
        out.writeBytes(buf);
        left -= buf.length;
        if (left == 0) {
          line(); // the CRLF after the chunk
        }
      }
      return out.toByteArray();
    }

    byte[] readAll() throws IOException {
      return read(Integer.MAX_VALUE);
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("the connection closed mid-line");
        }
        s.append((char) c);
      }
      return s.toString().trim();
    }
  }
}
