package dev.flotilla.apiserver.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.apiserver.objects.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock kubectl's typed-client commands (create namespace/configmap/secret/deployment/...,
 * expose, run) send protobuf bodies since kubectl 1.32 (JSON before); each must create the object
 * it describes. Skipped when no kubectl is installed.
 */
class ProtobufKubectlIT {
  private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

  /** The first kubectl minor version whose typed clients send protobuf bodies. */
  private static final int FIRST_PROTOBUF_MINOR = 32;

  @TempDir static Path tmp;
  private static Path kubectl;
  private static TestHub hub;

  /** One kubectl run's exit code and output. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() {
    kubectl = findOnPath("kubectl");
    if (kubectl == null) {
      return;
    }
    List<Path> versions = versionedKubectls();
    if (!versions.isEmpty()) {
      kubectl = versions.get(versions.size() - 1); // the newest: it sends protobuf
    }
    hub = TestHub.start();
  }

  /** Per test, so that each one shows up as skipped rather than the class vanishing. */
  @BeforeEach
  void needKubectl() {
    assumeTrue(kubectl != null, "no kubectl on PATH: skipping the kubectl protobuf tests");
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void typedCreateCommandsStoreWhatTheySent() {
    Run ns = ok(kubectl, "create", "namespace", "pb", "-v=8");
    if (clientMinor(kubectl) >= FIRST_PROTOBUF_MINOR) {
      assertTrue(ns.err().contains(PROTOBUF), "kubectl should send protobuf:\n" + ns.err());
    }
    assertEquals("pb", get("namespace", "pb", null).at("/metadata/name").asText());

    ok(
        kubectl,
        "create",
        "configmap",
        "cm",
        "-n",
        "pb",
        "--from-literal=a=b",
        "--from-literal=empty=");
    JsonNode cm = get("configmap", "cm", "pb");
    assertEquals("b", cm.at("/data/a").asText());
    assertTrue(cm.at("/data/empty").isTextual(), cm.toString());
    assertEquals("", cm.at("/data/empty").asText());

    ok(
        kubectl,
        "create",
        "secret",
        "generic",
        "sec",
        "-n",
        "pb",
        "--from-literal=user=admin",
        "--from-literal=pw=s3cr3t!");
    JsonNode sec = get("secret", "sec", "pb");
    assertEquals("admin", unbase64(sec.at("/data/user").asText()));
    assertEquals("s3cr3t!", unbase64(sec.at("/data/pw").asText()));

    ok(
        kubectl,
        "create",
        "deployment",
        "web",
        "-n",
        "pb",
        "--image=nginx",
        "--replicas=3",
        "--port=8080");
    JsonNode web = get("deployment", "web", "pb");
    assertEquals(3, web.at("/spec/replicas").asInt());
    assertEquals("web", web.at("/spec/selector/matchLabels/app").asText());
    assertEquals("web", web.at("/spec/template/metadata/labels/app").asText());
    assertEquals("nginx", web.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("nginx", web.at("/spec/template/spec/containers/0/name").asText());
    assertEquals(8080, web.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());

    ok(kubectl, "create", "service", "clusterip", "s", "-n", "pb", "--tcp=80:8080");
    JsonNode svc = get("service", "s", "pb");
    assertEquals("ClusterIP", svc.at("/spec/type").asText());
    assertEquals(80, svc.at("/spec/ports/0/port").asInt());
    assertTrue(svc.at("/spec/ports/0/targetPort").isInt(), svc.toString());
    assertEquals(8080, svc.at("/spec/ports/0/targetPort").asInt());
    assertEquals("80-8080", svc.at("/spec/ports/0/name").asText());
    assertEquals("TCP", svc.at("/spec/ports/0/protocol").asText());
    assertEquals("s", svc.at("/spec/selector/app").asText());

    ok(kubectl, "create", "serviceaccount", "robot", "-n", "pb");
    assertEquals("robot", get("serviceaccount", "robot", "pb").at("/metadata/name").asText());

    ok(
        kubectl,
        "create",
        "role",
        "reader",
        "-n",
        "pb",
        "--verb=get,list",
        "--resource=pods,deployments.apps");
    JsonNode role = get("role", "reader", "pb");
    assertEquals(Json.MAPPER.createArrayNode().add("get").add("list"), role.at("/rules/0/verbs"));
    assertEquals(2, role.at("/rules").size(), role.toString());

    ok(kubectl, "create", "job", "once", "-n", "pb", "--image=busybox", "--", "echo", "hi");
    JsonNode job = get("job", "once", "pb");
    assertEquals("busybox", job.at("/spec/template/spec/containers/0/image").asText());
    assertEquals(
        Json.MAPPER.createArrayNode().add("echo").add("hi"),
        job.at("/spec/template/spec/containers/0/command"));
    assertEquals("Never", job.at("/spec/template/spec/restartPolicy").asText());

    ok(
        kubectl,
        "expose",
        "deployment",
        "web",
        "-n",
        "pb",
        "--port=80",
        "--target-port=8080",
        "--name=web-svc");
    JsonNode exposed = get("service", "web-svc", "pb");
    assertEquals(80, exposed.at("/spec/ports/0/port").asInt());
    assertEquals(8080, exposed.at("/spec/ports/0/targetPort").asInt());
    assertEquals("web", exposed.at("/spec/selector/app").asText());

    ok(
        kubectl,
        "create",
        "cronjob",
        "tick",
        "-n",
        "pb",
        "--image=busybox",
        "--schedule=*/5 * * * *",
        "--",
        "date");
    assertEquals("*/5 * * * *", get("cronjob", "tick", "pb").at("/spec/schedule").asText());

    ok(
        kubectl,
        "create",
        "rolebinding",
        "rb",
        "-n",
        "pb",
        "--role=reader",
        "--serviceaccount=pb:robot");
    assertEquals("robot", get("rolebinding", "rb", "pb").at("/subjects/0/name").asText());

    ok(kubectl, "create", "quota", "q", "-n", "pb", "--hard=cpu=1,memory=1Gi,pods=2");
    JsonNode quota = get("resourcequota", "q", "pb");
    assertEquals("1Gi", quota.at("/spec/hard/memory").asText());
    assertEquals("2", quota.at("/spec/hard/pods").asText());

    ok(kubectl, "create", "pdb", "budget", "-n", "pb", "--selector=app=web", "--min-available=50%");
    assertEquals("50%", get("pdb", "budget", "pb").at("/spec/minAvailable").asText());

    ok(kubectl, "create", "priorityclass", "high", "--value=1000", "--description=urgent");
    assertEquals(1000, get("priorityclass", "high", null).at("/value").asInt());

    ok(kubectl, "run", "solo", "-n", "pb", "--image=nginx", "--labels=app=solo", "--port=80");
    JsonNode pod = get("pod", "solo", "pb");
    assertEquals(80, pod.at("/spec/containers/0/ports/0/containerPort").asInt());
    assertEquals("solo", pod.at("/metadata/labels/app").asText());
  }

  @Test
  void everyInstalledKubectlVersionCreatesDeployments() {
    List<Path> versions = versionedKubectls();
    assumeTrue(!versions.isEmpty(), "no versioned kubectl binaries beside kubectl");
    ok(kubectl, "create", "namespace", "versions");
    for (Path bin : versions) {
      String name =
          "zero-" + bin.getFileName().toString().replace("kubectl.", "").replace('.', '-');
      Run run =
          ok(
              bin,
              "create",
              "deployment",
              name,
              "-n",
              "versions",
              "--image=nginx",
              "--replicas=0",
              "-v=8");
      if (clientMinor(bin) >= FIRST_PROTOBUF_MINOR) {
        assertTrue(run.err().contains(PROTOBUF), bin + " should send protobuf:\n" + run.err());
      }
      JsonNode d = get("deployment", name, "versions");
      // replicas is a pointer in Go: 0 was sent, so 0 is stored (not defaulted, not dropped).
      assertTrue(d.at("/spec/replicas").isInt(), bin + ": " + d);
      assertEquals(0, d.at("/spec/replicas").asInt(), bin + ": " + d);
    }
  }

  /** The client's minor version, from {@code kubectl version --client -o json}. */
  private static int clientMinor(Path bin) {
    Run run = run(bin, "version", "--client", "-o", "json");
    JsonNode v = Json.parseObject(run.out().getBytes(StandardCharsets.UTF_8), false);
    String minor = v.at("/clientVersion/minor").asText().replaceAll("\\D.*", "");
    return minor.isEmpty() ? 0 : Integer.parseInt(minor);
  }

  private static JsonNode get(String resource, String name, String namespace) {
    List<String> args = new ArrayList<>(List.of("get", resource, name, "-o", "json"));
    if (namespace != null) {
      args.addAll(List.of("-n", namespace));
    }
    Run run = ok(kubectl, args.toArray(String[]::new));
    return Json.parseObject(run.out().getBytes(StandardCharsets.UTF_8), false);
  }

  private static String unbase64(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  private static Run ok(Path bin, String... args) {
    Run run = run(bin, args);
    assertEquals(
        0,
        run.exit(),
        () ->
            bin.getFileName()
                + " "
                + String.join(" ", args)
                + " failed:\n"
                + run.err()
                + run.out());
    return run;
  }

  private static Run run(Path bin, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                bin.toString(),
                "--kubeconfig",
                hub.kubeconfig().toString(),
                "--cache-dir",
                tmp.resolve("kube-cache").toString()));
    command.addAll(List.of(args));
    Process p = null;
    try {
      p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      Process proc = p;
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(proc, true));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(proc, false));
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new Run(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + bin, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static String read(Process p, boolean stdout) {
    try {
      return new String(
          (stdout ? p.getInputStream() : p.getErrorStream()).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** kubectl.1.NN binaries beside the real kubectl, oldest first. */
  private static List<Path> versionedKubectls() {
    List<Path> out = new ArrayList<>();
    try {
      Path dir = kubectl.toRealPath().getParent();
      for (int minor = 20; minor <= 40; minor++) {
        Path bin = dir.resolve("kubectl.1." + minor);
        if (Files.isRegularFile(bin) && Files.isExecutable(bin)) {
          out.add(bin);
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }
}
