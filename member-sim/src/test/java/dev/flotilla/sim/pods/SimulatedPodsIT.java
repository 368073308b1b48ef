package dev.flotilla.sim.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.fixtures.Await;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Result;
import dev.flotilla.fixtures.TestClients;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stock kubectl 1.27 and 1.33 against a simulated member: logs print one line saying the pod is
 * simulated, exec, attach and port-forward end with an error saying so, and {@code run -i
 * --restart=Never} ends with the pod terminated (Simulated) rather than waiting for a pod that
 * never completes (which kubectl would end with "timed out waiting for the condition").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedPodsIT {
  private SimulatedMember member;
  private KubernetesClient client;
  private Path kubeconfig;
  private String pod;

  @BeforeAll
  void start() throws Exception {
    member =
        SimulatedMember.start(
            MemberCluster.of("member1", 1, Files.createTempDirectory("flotilla-pods-it")));
    kubeconfig = member.writeKubeconfig();
    client =
        TestClients.fabric8(
            member.url(), member.kubeconfigContext().caPem(), member.kubeconfigContext().token());
    client
        .load(
            new java.io.ByteArrayInputStream(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                """
                    .getBytes()))
        .serverSideApply();
    Pod running =
        Await.until(
                "a running web pod",
                () ->
                    client.pods().inNamespace("default").withLabel("app", "web").list().getItems(),
                l -> l.size() == 1 && "Running".equals(l.get(0).getStatus().getPhase()))
            .get(0);
    pod = running.getMetadata().getName();
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (member != null) {
      member.close();
    }
  }

  private KubectlRunner kubectl(int minor) {
    var binary = KubectlRunner.installed(minor);
    assumeTrue(binary.isPresent(), "kubectl.1." + minor + " is not installed");
    return KubectlRunner.of(binary.get(), kubeconfig);
  }

  @ParameterizedTest(name = "kubectl 1.{0}")
  @ValueSource(ints = {27, 33})
  void logsSayThePodIsSimulated(int minor) {
    try (KubectlRunner k = kubectl(minor)) {
      logsSayThePodIsSimulated(k);
    }
  }

  private void logsSayThePodIsSimulated(KubectlRunner k) {
    Result r = k.run("logs", pod);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(1, r.stdout().lines().count(), r.toString());
    assertTrue(
        r.stdout().contains("is simulated by Flotilla in member cluster member1"), r.toString());
    assertFalse(r.stdout().contains("\"kind\""), "the Pod's JSON in place of logs: " + r);
    Result wrong = k.run("logs", pod, "-c", "nope");
    assertNotEquals(0, wrong.exitCode());
    assertTrue(
        wrong.stderr().contains("container nope is not valid for pod " + pod), wrong.toString());
  }

  @ParameterizedTest(name = "kubectl 1.{0}")
  @ValueSource(ints = {27, 33})
  void execAttachAndPortForwardAreRefused(int minor) {
    try (KubectlRunner k = kubectl(minor)) {
      execAttachAndPortForwardAreRefused(k);
    }
  }

  private void execAttachAndPortForwardAreRefused(KubectlRunner k) {
    for (String[] args :
        new String[][] {
          {"exec", pod, "--", "ls"},
          {"attach", pod},
          {"port-forward", pod, "18080:80"},
        }) {
      Result r = k.run(args);
      assertNotEquals(0, r.exitCode(), r.toString());
      assertTrue(r.stderr().contains("is simulated by Flotilla"), args[0] + ": " + r);
    }
  }

  @ParameterizedTest(name = "kubectl 1.{0}")
  @ValueSource(ints = {27, 33})
  void runInteractiveEndsAtOnce(int minor) {
    Result r;
    try (KubectlRunner k = kubectl(minor)) {
      r =
          k.run(
              "run",
              "-i",
              "--rm",
              "--restart=Never",
              "--image=jeremyot/request:0a40de8",
              "request-" + minor,
              "--",
              "--duration=3s");
    }
    assertEquals(InteractivePods.EXIT_CODE, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("terminated (Simulated)"), r.toString());
    assertFalse(r.stderr().contains("timed out"), r.toString());
  }
}
