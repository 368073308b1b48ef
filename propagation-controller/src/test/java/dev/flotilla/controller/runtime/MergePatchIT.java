package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.apiserver.it.TestHub;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.Interceptor.RequestTags;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A merge patch by name is one request on the hub, the patch itself: fabric8's {@code
 * withName(n).patch(...)} GETs the object first, a round trip that stood in front of every claim
 * the detector writes on a template. Checked on a namespaced and a cluster-scoped object, against
 * the requests a real client sends to a real hub.
 */
class MergePatchIT {
  private static TestHub hub;
  private static KubernetesClient counted;
  private static final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    counted =
        new KubernetesClientBuilder()
            .withConfig(hub.client().getConfiguration())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "count",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            requests.add(request.method() + " " + request.uri().getPath());
                          }
                        }))
            .build();
  }

  @AfterAll
  static void stop() {
    counted.close();
    hub.close();
  }

  /** The requests the counted client sent for {@code path} while {@code action} ran. */
  private static List<String> requestsFor(String path, Runnable action) {
    requests.clear();
    action.run();
    return requests.stream().filter(r -> r.endsWith(path)).toList();
  }

  @Test
  void namespacedObjectIsPatchedInOneRequest() {
    hub.client()
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder().withNewMetadata().withName("claimed").endMetadata().build())
        .create();
    GenericKubernetesResource[] stored = new GenericKubernetesResource[1];
    List<String> sent =
        requestsFor(
            "/configmaps/claimed",
            () ->
                stored[0] =
                    MergePatch.apply(
                        counted,
                        "v1",
                        "ConfigMap",
                        "default",
                        "claimed",
                        "{\"metadata\":{\"labels\":{\"claimed\":\"yes\"}}}"));
    assertEquals(List.of("PATCH /api/v1/namespaces/default/configmaps/claimed"), sent);
    assertEquals("yes", stored[0].getMetadata().getLabels().get("claimed"));
    assertEquals(
        "yes",
        hub.client()
            .configMaps()
            .inNamespace("default")
            .withName("claimed")
            .get()
            .getMetadata()
            .getLabels()
            .get("claimed"));
  }

  @Test
  void clusterScopedObjectIsPatchedInOneRequest() {
    hub.client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("patched").endMetadata().build())
        .create();
    List<String> sent =
        requestsFor(
            "/namespaces/patched",
            () ->
                MergePatch.apply(
                    counted,
                    new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                        .withGroup("")
                        .withVersion("v1")
                        .withKind("Namespace")
                        .withPlural("namespaces")
                        .withNamespaced(false)
                        .build(),
                    null,
                    "patched",
                    null,
                    "{\"metadata\":{\"labels\":{\"patched\":\"yes\"}}}"));
    assertEquals(List.of("PATCH /api/v1/namespaces/patched"), sent);
    assertEquals(
        "yes",
        hub.client()
            .namespaces()
            .withName("patched")
            .get()
            .getMetadata()
            .getLabels()
            .get("patched"));
  }
}
