package dev.flotilla.store.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real etcd members on this machine (Debian's {@code etcd-server}), each with its own data dir and
 * free loopback ports: what tests, benchmarks and {@code hack/local-up.sh --etcd} run the etcd
 * driver against. Members can be killed and restarted to exercise failover.
 */
public final class LocalEtcd implements AutoCloseable {
  private final Path dir;
  private final List<Member> members = new ArrayList<>();
  private Tls tls;

  /**
   * Serving over TLS, clients authenticated by certificate: the members' serving pair and CA, and
   * the pair clients present.
   */
  public record Tls(Path caFile, Path certFile, Path keyFile, Path clientCert, Path clientKey) {}

  /** One member of the cluster: its ports and its process, if running. */
  public static final class Member {
    final String name;
    final int clientPort;
    final int peerPort;
    Process process;

    Member(String name, int clientPort, int peerPort) {
      this.name = name;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
    }

    String scheme = "http";

    public URI clientUrl() {
      return URI.create(scheme + "://127.0.0.1:" + clientPort);
    }

    public boolean running() {
      return process != null && process.isAlive();
    }

    /** The member's process id, for benchmarks that read its CPU time (-1 when not running). */
    public long pid() {
      return running() ? process.pid() : -1;
    }
  }

  private LocalEtcd(Path dir) {
    this.dir = dir;
  }

  /** The etcd binary on the PATH, if Debian's etcd-server (or any etcd) is installed. */
  public static Optional<Path> binary() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, "etcd");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether tests that need etcd can run here: false where it is not installed, so they skip
   * visibly; under CI (CI=true) a missing etcd is an error instead, since CI installs it.
   */
  public static boolean availableForTests() {
    boolean installed = binary().isPresent();
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "etcd is not installed, and CI must run the etcd tests: .ci/run installs etcd-server");
    }
    return installed;
  }

  /** Starts an {@code size}-member cluster under {@code dir} and waits until it serves. */
  public static LocalEtcd start(Path dir, int size) throws IOException {
    return start(dir, size, null);
  }

  /** As {@link #start(Path, int)}, serving clients over TLS when {@code tls} is given. */
  public static LocalEtcd start(Path dir, int size, Tls tls) throws IOException {
    LocalEtcd etcd = new LocalEtcd(dir);
    etcd.tls = tls;
    for (int i = 0; i < size; i++) {
      Member m = new Member("m" + i, freePort(), freePort());
      m.scheme = tls == null ? "http" : "https";
      etcd.members.add(m);
    }
    for (Member m : etcd.members) {
      etcd.launch(m);
    }
    etcd.awaitServing();
    return etcd;
  }

  /**
   * Starts a one-member etcd from a snapshot, restored as the README says: {@code etcdctl snapshot
   * restore} into the member's data directory, then etcd on it.
   */
  public static LocalEtcd restore(Path dir, Path snapshot)
      throws IOException, InterruptedException {
    LocalEtcd etcd = new LocalEtcd(dir);
    Member m = new Member("m0", freePort(), freePort());
    etcd.members.add(m);
    Files.createDirectories(dir);
    Process restore =
        new ProcessBuilder(
                "etcdctl",
                "snapshot",
                "restore",
                snapshot.toString(),
                "--data-dir=" + dir.resolve(m.name),
                "--name=" + m.name,
                "--initial-cluster=" + m.name + "=http://127.0.0.1:" + m.peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + m.peerPort,
                "--initial-cluster-token=flotilla-" + dir.getFileName())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("restore.log").toFile())
            .start();
    if (restore.waitFor() != 0) {
      throw new IOException(
          "etcdctl snapshot restore failed: " + Files.readString(dir.resolve("restore.log")));
    }
    etcd.launch(m);
    etcd.awaitServing();
    return etcd;
  }

  /** {@code etcdctl snapshot save FILE} against the first member. */
  public void snapshot(Path file) throws IOException, InterruptedException {
    ProcessBuilder save =
        new ProcessBuilder(
            "etcdctl",
            "--endpoints=" + members.get(0).clientUrl(),
            "snapshot",
            "save",
            file.toString());
    save.environment().put("ETCDCTL_API", "3");
    Process p =
        save.redirectErrorStream(true).redirectOutput(dir.resolve("snapshot.log").toFile()).start();
    if (p.waitFor() != 0) {
      throw new IOException(
          "etcdctl snapshot save failed: " + Files.readString(dir.resolve("snapshot.log")));
    }
  }

  public List<Member> members() {
    return members;
  }

  /** The client URLs of all members, comma-separated, as --etcd-servers takes them. */
  public String servers() {
    return String.join(",", members.stream().map(m -> m.clientUrl().toString()).toList());
  }

  /** A connection to all members under {@code prefix} (with the client pair under TLS). */
  public EtcdConnection connection(String prefix) {
    if (tls == null) {
      return EtcdConnection.of(servers(), prefix);
    }
    return new EtcdConnection(
        EtcdConnection.parseServers(servers()),
        java.util.Optional.of(tls.caFile()),
        java.util.Optional.of(tls.clientCert()),
        java.util.Optional.of(tls.clientKey()),
        prefix);
  }

  /** SIGKILLs a member (its data stays, so {@link #restart} brings it back). */
  public void kill(Member m) throws InterruptedException {
    m.process.destroyForcibly();
    m.process.waitFor(30, TimeUnit.SECONDS);
  }

  public void restart(Member m) throws IOException {
    launch(m);
  }

  private void launch(Member m) throws IOException {
    Path data = dir.resolve(m.name);
    Files.createDirectories(data);
    String cluster =
        String.join(
            ",", members.stream().map(x -> x.name + "=http://127.0.0.1:" + x.peerPort).toList());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary().orElseThrow(() -> new IOException("etcd is not installed")).toString(),
                "--name=" + m.name,
                "--data-dir=" + data,
                "--listen-client-urls=" + m.clientUrl(),
                "--advertise-client-urls=" + m.clientUrl(),
                "--listen-peer-urls=http://127.0.0.1:" + m.peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + m.peerPort,
                "--initial-cluster=" + cluster,
                "--initial-cluster-state=new",
                "--initial-cluster-token=flotilla-" + dir.getFileName(),
                // A loaded machine stalls fsyncs; the defaults (100 ms / 1 s) would elect leaders
                // in
                // a loop there.
                "--heartbeat-interval=250",
                "--election-timeout=2500",
                "--log-level=warn"));
    // More etcd flags for a benchmark to compare, e.g. -Dflotilla.localEtcd.args=
    // "--backend-batch-interval=10ms" (bench/README.md, "Session 10, etcdrate").
    for (String arg : System.getProperty("flotilla.localEtcd.args", "").trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        cmd.add(arg);
      }
    }
    if (tls != null) {
      cmd.addAll(
          List.of(
              "--cert-file=" + tls.certFile(),
              "--key-file=" + tls.keyFile(),
              "--trusted-ca-file=" + tls.caFile(),
              "--client-cert-auth"));
    }
    m.process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(m.name + ".log").toFile())
            .start();
  }

  /** Waits until a quorum answers a linearizable read. */
  private void awaitServing() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (var client = connection(EtcdConnection.DEFAULT_PREFIX).connect()) {
        client
            .getKVClient()
            .get(io.etcd.jetcd.ByteSequence.from(new byte[] {0}))
            .get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        last = e;
        for (Member m : members) {
          if (!m.running()) {
            throw new IOException("etcd member " + m.name + " exited, see " + dir, e);
          }
        }
      }
    }
    throw new IOException("etcd did not serve within 120 s: " + last, last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Member m : members) {
      if (m.process != null) {
        m.process.destroyForcibly();
        try {
          m.process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
