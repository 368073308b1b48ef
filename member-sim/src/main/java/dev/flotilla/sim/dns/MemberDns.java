package dev.flotilla.sim.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.sim.engine.Writes;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/**
 * A simulated member's cluster DNS: UDP and TCP on one loopback port, answering from a {@link
 * DnsIndex} as CoreDNS with the kubernetes and multicluster plugins would. Parsing a query,
 * building its answer and encoding it run on a worker (a crafted message can be costly to decode);
 * the event loop only receives and sends bytes. A TCP connection's answers leave in its queries'
 * order. The member gets the {@code kube-system/kube-dns} Service, annotated {@value
 * #ENDPOINT_ANNOTATION} with where to send queries, and a {@code kube-system/coredns} ConfigMap
 * whose Corefile zones the server follows.
 */
public final class MemberDns implements AutoCloseable {
  /** On Service kube-system/kube-dns: {@code 127.0.0.1:<port>}, where this member's DNS listens. */
  public static final String ENDPOINT_ANNOTATION = "sim.flotilla.dev/dns-endpoint";

  private static final Logger LOG = LoggerFactory.getLogger(MemberDns.class);
  private static final String HOST = "127.0.0.1";
  private static final int UDP_DEFAULT_SIZE = 512;
  private static final int BIND_ATTEMPTS = 10;

  /** Queries being answered at once; past it UDP queries are dropped, as a loaded server does. */
  private static final int MAX_IN_FLIGHT = 1024;

  private final DnsIndex index = new DnsIndex();
  private final DnsAnswers answers = new DnsAnswers(index);
  private final DnsFeed feed;
  private final Vertx vertx;
  private final ResourceStorage storage;
  private final Executor pool;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private DatagramSocket udp;
  private NetServer tcp;

  private MemberDns(Vertx vertx, ResourceStorage storage, Executor pool) {
    this.vertx = vertx;
    this.storage = storage;
    this.pool = pool;
    this.feed = new DnsFeed(storage.store(), index, pool);
  }

  /**
   * Starts the index and both listeners, then publishes kube-dns and coredns in the member. Call
   * once the member's API server has started (kube-system must exist).
   */
  public static MemberDns start(Vertx vertx, ResourceStorage storage, Executor pool) {
    MemberDns dns = new MemberDns(vertx, storage, pool);
    try {
      dns.feed.start();
      dns.bind();
      dns.publish();
    } catch (RuntimeException e) {
      dns.close();
      throw e;
    }
    return dns;
  }

  /** The UDP and TCP port on 127.0.0.1. */
  public int port() {
    return udp.localAddress().port();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String endpoint() {
    return HOST + ":" + port();
  }

  /** UDP on an ephemeral port, then TCP on the same number; another pair if TCP finds it taken. */
  private void bind() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions());
      socket.handler(p -> onDatagram(socket, p.data(), p.sender().port(), p.sender().host()));
      socket.listen(0, HOST).toCompletionStage().toCompletableFuture().join();
      int port = socket.localAddress().port();
      NetServer server = vertx.createNetServer(new NetServerOptions());
      server.connectHandler(this::onConnection);
      try {
        server.listen(port, HOST).toCompletionStage().toCompletableFuture().join();
        udp = socket;
        tcp = server;
        return;
      } catch (RuntimeException e) {
        last = e;
        socket.close();
        server.close();
      }
    }
    throw new IllegalStateException("no loopback port free for both UDP and TCP DNS", last);
  }

  /** On the loop: hands the datagram to a worker, whose answer is sent from the loop. */
  private void onDatagram(DatagramSocket socket, Buffer data, int port, String host) {
    Context loop = Vertx.currentContext();
    if (!admit()) {
      return; // overloaded: dropped, the client retries
    }
    byte[] bytes = data.getBytes();
    run(
        pool,
        () -> {
          byte[] wire = udpAnswer(bytes);
          if (wire != null) {
            loop.runOnContext(v -> socket.send(Buffer.buffer(wire), port, host));
          }
        });
  }

  /** On a worker: the answer's wire form, or null for a message that is not DNS. */
  private byte[] udpAnswer(byte[] bytes) {
    Message query;
    try {
      query = new Message(bytes);
    } catch (IOException e) {
      return null; // not DNS: dropped, as a server does
    }
    Message response = answer(query);
    OPTRecord opt = query.getOPT();
    int max = opt == null ? UDP_DEFAULT_SIZE : Math.max(UDP_DEFAULT_SIZE, opt.getPayloadSize());
    if (opt != null) {
      response.addRecord(
          new OPTRecord(Math.min(max, 4096), 0, 0), org.xbill.DNS.Section.ADDITIONAL);
    }
    return response.toWire(max);
  }

  /** TCP: each message is preceded by its length in two bytes (RFC 1035 4.2.2). */
  private void onConnection(NetSocket socket) {
    Context loop = Vertx.currentContext();
    // One connection's answers go out in its queries' order.
    Executor serial = new dev.flotilla.apiserver.concurrent.SerialExecutor(pool);
    RecordParser parser = RecordParser.newFixed(2);
    boolean[] readingLength = {true};
    parser.handler(
        chunk -> {
          if (readingLength[0]) {
            int length = chunk.getUnsignedShort(0);
            if (length == 0) {
              socket.close();
              return;
            }
            readingLength[0] = false;
            parser.fixedSizeMode(length);
            return;
          }
          readingLength[0] = true;
          parser.fixedSizeMode(2);
          if (!admit()) {
            socket.close();
            return;
          }
          byte[] bytes = chunk.getBytes();
          run(
              serial,
              () -> {
                byte[] wire;
                try {
                  wire = answer(new Message(bytes)).toWire();
                } catch (IOException e) {
                  loop.runOnContext(v -> socket.close());
                  return;
                }
                Buffer framed = Buffer.buffer().appendUnsignedShort(wire.length).appendBytes(wire);
                loop.runOnContext(v -> socket.write(framed));
              });
        });
    socket.handler(parser);
  }

  private boolean admit() {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Runs an admitted query's work; a refused task is dropped like a lost packet. */
  private void run(Executor executor, Runnable task) {
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } finally {
              inFlight.decrementAndGet();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      inFlight.decrementAndGet();
    }
  }

  private Message answer(Message query) {
    try {
      return answers.answer(query);
    } catch (RuntimeException e) {
      LOG.warn("DNS query failed: " + query.getQuestion(), e);
      Message failed = new Message(query.getHeader().getID());
      failed.getHeader().setFlag(org.xbill.DNS.Flags.QR);
      failed.getHeader().setRcode(org.xbill.DNS.Rcode.SERVFAIL);
      return failed;
    }
  }

  /** kube-dns (created, or its endpoint annotation brought up to date) and coredns (if absent). */
  private void publish() {
    ResourceType services = type("services");
    ResourceType configMaps = type("configmaps");
    Writes writes = new Writes(storage);
    String endpoint = endpoint();
    Optional<ObjectNode> existing = storage.find(services, "kube-system", "kube-dns");
    if (existing.isEmpty()) {
      Writes.await(writes.create(services, "kube-system", kubeDns(endpoint)));
    } else if (!endpoint.equals(
        existing.get().path("metadata").path("annotations").path(ENDPOINT_ANNOTATION).asText())) {
      Writes.await(
          writes.patch(
              services,
              "kube-system",
              "kube-dns",
              s -> {
                s.with("metadata").with("annotations").put(ENDPOINT_ANNOTATION, endpoint);
                return s;
              }));
    }
    if (storage.find(configMaps, "kube-system", "coredns").isEmpty()) {
      ObjectNode cm = Json.MAPPER.createObjectNode();
      cm.putObject("metadata").put("name", "coredns");
      cm.putObject("data").put("Corefile", Corefile.DEFAULT_TEXT);
      Writes.await(writes.create(configMaps, "kube-system", cm));
    }
  }

  private static ObjectNode kubeDns(String endpoint) {
    ObjectNode svc = Json.MAPPER.createObjectNode();
    ObjectNode meta = svc.putObject("metadata");
    meta.put("name", "kube-dns");
    meta.putObject("labels")
        .put("k8s-app", "kube-dns")
        .put("kubernetes.io/name", "CoreDNS")
        .put("kubernetes.io/cluster-service", "true");
    meta.putObject("annotations").put(ENDPOINT_ANNOTATION, endpoint);
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP");
    spec.putObject("selector").put("k8s-app", "kube-dns");
    var ports = spec.putArray("ports");
    ports
        .addObject()
        .put("name", "dns")
        .put("port", 53)
        .put("protocol", "UDP")
        .put("targetPort", 53);
    ports
        .addObject()
        .put("name", "dns-tcp")
        .put("port", 53)
        .put("protocol", "TCP")
        .put("targetPort", 53);
    return svc;
  }

  private ResourceType type(String plural) {
    return storage.registry().find("", "v1", plural).orElseThrow();
  }

  @Override
  public void close() {
    feed.close();
    if (udp != null) {
      udp.close();
    }
    if (tcp != null) {
      tcp.close();
    }
  }
}
