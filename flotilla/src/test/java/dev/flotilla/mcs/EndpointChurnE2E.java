package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.Workloads;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of endpoint changes (scale up and down, pods turning not ready and ready again) fired at
 * the providers without waiting for any of them to propagate, so that every step of the pipeline
 * (provider agent, hub controller, consumer agent) sees versions superseded while it works. Then
 * every consumer must hold each provider's final endpoints, on the hub's Works and in its own
 * derived EndpointSlices, and keep them: an intermediate version left as a consumer's state is the
 * bug this guards against. {@code -Dflotilla.churn.changes=N} runs a longer form.
 */
class EndpointChurnE2E {
  static final String NS = "churn";
  static final int SERVICES = 4;
  static final int CHANGES = Integer.getInteger("flotilla.churn.changes", 400);
  static final String READY = "sim.flotilla.dev/ready";
  static final String MCS = "multicluster.x-k8s.io/v1alpha1";
  static McsFleet fleet;

  /** Service i is exported by member1, even ones by member2 too; imported where not exported. */
  static List<String> providers(int i) {
    return i % 2 == 0 ? List.of("member1", "member2") : List.of("member1");
  }

  static List<String> consumers(int i) {
    return i % 2 == 0 ? List.of("member3") : List.of("member2", "member3");
  }

  static String svc(int i) {
    return "churn-" + i;
  }

  @BeforeAll
  static void start() throws Exception {
    fleet = new McsFleet("derived-");
    for (KubernetesClient m : fleet.members.values()) {
      installMcsCrds(m);
      Workloads.namespace(m, NS);
    }
    for (int i = 0; i < SERVICES; i++) {
      for (String p : providers(i)) {
        AckFleetMcsE2E.app(fleet.member(p), NS, svc(i), 2, 80, null);
        Workloads.export(fleet.member(p), NS, svc(i));
      }
      for (String c : consumers(i)) {
        awaitServed(fleet.member(c));
        AckFleetMcsE2E.importIn(fleet.member(c), NS, svc(i), "ClusterSetIP");
      }
    }
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void everyConsumerEndsOnEachProvidersFinalEndpoints() throws Exception {
    awaitConverged("initial convergence");
    Random random = new Random(15);
    ExecutorService writers = Executors.newFixedThreadPool(4);
    AtomicInteger failed = new AtomicInteger();
    for (int k = 0; k < CHANGES; k++) {
      int i = random.nextInt(SERVICES);
      List<String> ps = providers(i);
      String provider = ps.get(random.nextInt(ps.size()));
      KubernetesClient member = fleet.member(provider);
      switch (random.nextInt(3)) {
        case 0 -> {
          int next = random.nextInt(5); // 0..4: a provider with no endpoints at all included
          writers.execute(() -> run(failed, () -> scale(member, svc(i), next)));
        }
        default -> {
          boolean ready = random.nextBoolean();
          int podIndex = random.nextInt(4);
          writers.execute(() -> run(failed, () -> flip(member, svc(i), podIndex, ready)));
        }
      }
    }
    writers.shutdown();
    writers.awaitTermination(5, TimeUnit.MINUTES);
    assertEquals(0, failed.get(), "changes that could not be written");
    awaitConverged(CHANGES + " changes");
    // Twice: a stale version written late by any stage would show on the second look.
    awaitConverged("the second look");
  }

  private static void run(AtomicInteger failed, Runnable change) {
    try {
      change.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        failed.incrementAndGet();
        throw e;
      }
      // the pod went away with a scale-down meanwhile: a change that no longer applies
    }
  }

  private static void scale(KubernetesClient member, String name, int replicas) {
    member
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  private static void flip(KubernetesClient member, String name, int podIndex, boolean ready) {
    List<Pod> pods = member.pods().inNamespace(NS).withLabel("app", name).list().getItems();
    if (pods.isEmpty()) {
      return;
    }
    Pod pod = pods.get(podIndex % pods.size());
    member
        .pods()
        .inNamespace(NS)
        .withName(pod.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + READY
                + "\":"
                + (ready ? "null" : "\"false\"")
                + "}}}");
  }

  /**
   * Waits until every provider has settled (its slice lists exactly its Deployment's live pods,
   * with their readiness) and every consumer holds that content, through the hub's Works to its own
   * derived slices. On a timeout the message names each pair and what each stage holds.
   */
  private static void awaitConverged(String when) {
    McsFleet.await(
        "every consumer holding each provider's final endpoints after " + when,
        Duration.ofSeconds(90),
        EndpointChurnE2E::differences,
        List::isEmpty);
  }

  /** Every (service, provider, consumer) whose stages disagree, described; empty when converged. */
  static List<String> differences() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < SERVICES; i++) {
      for (String p : providers(i)) {
        KubernetesClient provider = fleet.member(p);
        String expected = fromPods(provider, svc(i));
        String slice = providerSlice(provider, svc(i));
        if (expected == null || !expected.equals(slice)) {
          out.add(p + "/" + svc(i) + " still settling: pods " + expected + ", slice " + slice);
          continue;
        }
        String reported = exportWork(p, svc(i));
        for (String c : consumers(i)) {
          String derivedWork = derivedWork(c, svc(i), p);
          String consumerSlice = consumerSlice(fleet.member(c), svc(i), p);
          if (!slice.equals(reported)
              || !slice.equals(derivedWork)
              || !slice.equals(consumerSlice)) {
            out.add(
                String.format(
                    "%s from %s in %s: provider [%s], export Work [%s], derived Work [%s],"
                        + " consumer slice [%s]",
                    svc(i), p, c, slice, reported, derivedWork, consumerSlice));
          }
        }
      }
    }
    return out;
  }

  /** The content the provider's slice must reach: its live pods with IPs, or null if scaling. */
  static String fromPods(KubernetesClient member, String name) {
    Integer want =
        member.apps().deployments().inNamespace(NS).withName(name).get().getSpec().getReplicas();
    List<String> eps = new ArrayList<>();
    for (Pod pod : member.pods().inNamespace(NS).withLabel("app", name).list().getItems()) {
      if (pod.getMetadata().getDeletionTimestamp() != null
          || pod.getStatus() == null
          || pod.getStatus().getPodIP() == null) {
        return null;
      }
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      boolean ready = annotations == null || !"false".equals(annotations.get(READY));
      eps.add(pod.getStatus().getPodIP() + "=" + (ready ? "ready" : "not-ready"));
    }
    if (want == null || eps.size() != want) {
      return null;
    }
    return sorted(eps);
  }

  static String providerSlice(KubernetesClient member, String name) {
    List<String> all = new ArrayList<>();
    for (EndpointSlice s :
        member
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(NS)
            .withLabel("kubernetes.io/service-name", name)
            .withoutLabel("multicluster.kubernetes.io/service-name")
            .list()
            .getItems()) {
      all.add(content(Generic.MAPPER.valueToTree(s)));
    }
    return all.size() == 1 ? all.get(0) : "slices " + all;
  }

  static String consumerSlice(KubernetesClient member, String name, String source) {
    List<String> all = new ArrayList<>();
    for (EndpointSlice s :
        member
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(NS)
            .withLabel("multicluster.kubernetes.io/service-name", name)
            .withLabel("multicluster.kubernetes.io/source-cluster", source)
            .list()
            .getItems()) {
      all.add(content(Generic.MAPPER.valueToTree(s)));
    }
    return all.size() == 1 ? all.get(0) : "slices " + all;
  }

  static String exportWork(String provider, String name) {
    return workSlices(provider, "svcexport-" + NS + "-" + name, null);
  }

  static String derivedWork(String consumer, String name, String source) {
    return workSlices(consumer, "mcs-derived-" + NS + "-" + name, source);
  }

  private static String workSlices(String cluster, String work, String source) {
    GenericKubernetesResource w =
        fleet
            .hub
            .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inNamespace("karmada-es-" + cluster)
            .withName(work)
            .get();
    if (w == null) {
      return "no Work";
    }
    List<String> all = new ArrayList<>();
    for (JsonNode m :
        Generic.MAPPER.valueToTree(w).path("spec").path("workload").path("manifests")) {
      String from =
          m.path("metadata")
              .path("labels")
              .path("multicluster.kubernetes.io/source-cluster")
              .asText(null);
      if ("EndpointSlice".equals(m.path("kind").asText())
          && (source == null || source.equals(from))) {
        all.add(content(m));
      }
    }
    return all.size() == 1 ? all.get(0) : "slices " + all;
  }

  /** Addresses with readiness, sorted: what a consumer routes by. */
  static String content(JsonNode slice) {
    List<String> eps = new ArrayList<>();
    for (JsonNode e : slice.path("endpoints")) {
      boolean ready = e.path("conditions").path("ready").asBoolean(true);
      for (JsonNode a : e.path("addresses")) {
        eps.add(a.asText() + "=" + (ready ? "ready" : "not-ready"));
      }
    }
    return sorted(eps);
  }

  private static String sorted(List<String> eps) {
    List<String> copy = new ArrayList<>(eps);
    copy.sort(null);
    return String.join(",", copy);
  }

  private static void installMcsCrds(KubernetesClient member) throws Exception {
    for (String file :
        List.of(
            "crds/multicluster.x-k8s.io_serviceexports.yaml",
            "crds/multicluster.x-k8s.io_serviceimports.yaml")) {
      try (InputStream in = EndpointChurnE2E.class.getClassLoader().getResourceAsStream(file)) {
        for (HasMetadata crd : member.load(in).items()) {
          member.resource(crd).createOr(x -> x.update());
        }
      }
    }
  }

  private static void awaitServed(KubernetesClient member) {
    McsFleet.await(
        "the MCS kinds served",
        () -> {
          try {
            return member.genericKubernetesResources(MCS, "ServiceImport").inNamespace(NS).list()
                != null;
          } catch (KubernetesClientException e) {
            return false;
          }
        },
        Boolean.TRUE::equals);
  }
}
