package dev.flotilla.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A hub in its own process with data in it for the fuzz to aim at: a namespace with ConfigMaps,
 * Secrets, a Pod, a Deployment, a PropagationPolicy, a CRD and one of its objects.
 */
final class FuzzFixture implements AutoCloseable {
  static final String NS = "fuzz";
  static final String CRD = "widgets.fuzz.example.com";

  final Processes process;
  final RawHttps hub;

  private FuzzFixture(Processes process, RawHttps hub) {
    this.process = process;
    this.hub = hub;
  }

  static FuzzFixture start() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-fuzz");
    Processes p = Processes.start("fuzz-hub", "768m", HubMain.class.getName(), dir.toString(), "0");
    int port = Integer.parseInt(p.await(l -> l.startsWith("PORT "), Processes.START).substring(5));
    FuzzFixture f = new FuzzFixture(p, RawHttps.forHub(port, dir));
    f.seed();
    return f;
  }

  private void seed() throws Exception {
    create(
        "/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NS + "\"}}");
    String ns = "/api/v1/namespaces/" + NS;
    for (int i = 0; i < 5; i++) {
      create(
          ns + "/configmaps",
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-%d\",\"labels\":{\"app\":\"fuzz\"}},\"data\":{\"k\":\"v%d\"}}"
              .formatted(i, i));
      create(
          ns + "/secrets",
          "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s-%d\"},\"stringData\":{\"k\":\"v\"}}"
              .formatted(i));
    }
    create(
        ns + "/pods",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p-0\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
    create(
        "/apis/apps/v1/namespaces/" + NS + "/deployments",
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":2,"
            + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}}}");
    create(
        "/apis/policy.karmada.io/v1alpha1/namespaces/" + NS + "/propagationpolicies",
        "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"PropagationPolicy\",\"metadata\":{\"name\":\"pp\"},"
            + "\"spec\":{\"resourceSelectors\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"}],"
            + "\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member1\"]}}}}");
    create(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":\""
            + CRD
            + "\"},"
            + "\"spec\":{\"group\":\"fuzz.example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"widgets\",\"singular\":\"widget\",\"kind\":\"Widget\"},"
            + "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":"
            + "{\"spec\":{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\",\"pattern\":\"^(.*a){12}$\"}}}}}}}]}}");
    // The CRD's resource is served once registered: retry the first object until it is.
    String widget =
        "{\"apiVersion\":\"fuzz.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w-0\"},\"spec\":{\"size\":3}}";
    for (int i = 0; ; i++) {
      RawHttps.Response r = post("/apis/fuzz.example.com/v1/namespaces/" + NS + "/widgets", widget);
      if (r.status() == 201) {
        break;
      }
      if (i > 600) {
        throw new IllegalStateException("widget not created: " + r.status() + " " + r.text());
      }
      Thread.sleep(100);
    }
  }

  private void create(String collection, String json) throws Exception {
    RawHttps.Response r = post(collection, json);
    if (r.status() != 201) {
      throw new IllegalStateException("seeding " + collection + ": " + r.status() + " " + r.text());
    }
  }

  private RawHttps.Response post(String collection, String json) throws Exception {
    return hub.send(
        "POST",
        collection,
        "application/json",
        json.getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(60));
  }

  @Override
  public void close() throws InterruptedException {
    process.kill();
  }
}
