package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.WAIT;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Label selectors (=, !=, in, notin, exists, !key) and field selectors on lists. */
class Fabric8SelectorIT {
  private static TestHub hub;
  private static KubernetesClient client;
  private static String ns;
  private static String other;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
    ns = newNamespace(client, "selectors");
    other = newNamespace(client, "selectors-other");
    create(ns, "a", Map.of("env", "prod", "tier", "web"));
    create(ns, "b", Map.of("env", "dev", "tier", "web"));
    create(ns, "c", Map.of("env", "staging"));
    create(ns, "d", Map.of());
    create(other, "a", Map.of("env", "prod", "tier", "web"));
    event("ev-1", "pod-a");
    event("ev-2", "pod-b");
    event("ev-3", "pod-a");
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static void create(String namespace, String name, Map<String, String> labels) {
    client.configMaps().inNamespace(namespace).resource(configMap(name, labels, Map.of())).create();
  }

  private static void event(String name, String involved) {
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("Pod")
            .withApiVersion("v1")
            .withNamespace(ns)
            .withName(involved)
            .endInvolvedObject()
            .withReason("Testing")
            .withMessage("selector test")
            .withType("Normal")
            .build();
    client.v1().events().inNamespace(ns).resource(e).create();
  }

  private static Set<String> names(KubernetesResourceList<? extends HasMetadata> list) {
    // The CA ConfigMap published in every namespace matches negative selectors too; it is not
    // one of the objects these cases choose between.
    return list.getItems().stream()
        .map(o -> o.getMetadata().getName())
        .filter(n -> !n.equals("kube-root-ca.crt"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> byLabels(String selector) {
    return names(
        client
            .configMaps()
            .inNamespace(ns)
            .list(new ListOptionsBuilder().withLabelSelector(selector).build()));
  }

  private static Set<String> byFields(String selector) {
    return names(
        client
            .configMaps()
            .inNamespace(ns)
            .list(new ListOptionsBuilder().withFieldSelector(selector).build()));
  }

  @Test
  void equalityOperators() {
    assertEquals(Set.of("a"), byLabels("env=prod"));
    assertEquals(Set.of("a"), byLabels("env==prod"));
    assertEquals(Set.of("b", "c", "d"), byLabels("env!=prod"), "!= also matches a missing key");
    assertEquals(Set.of("a"), byLabels("env=prod,tier=web"), "terms are ANDed");
    assertEquals(Set.of(), byLabels("env=prod,tier!=web"));
  }

  @Test
  void setOperators() {
    assertEquals(Set.of("a", "b"), byLabels("env in (prod,dev)"));
    assertEquals(
        Set.of("c", "d"), byLabels("env notin (prod,dev)"), "notin also matches a missing key");
    assertEquals(Set.of("a", "b"), byLabels("tier"));
    assertEquals(Set.of("c", "d"), byLabels("!tier"));
    assertEquals(Set.of("b"), byLabels("tier,env notin (prod)"));
  }

  @Test
  void fabric8SelectorDsl() {
    assertEquals(
        Set.of("a", "b"),
        names(client.configMaps().inNamespace(ns).withLabelIn("env", "prod", "dev").list()));
    assertEquals(
        Set.of("c", "d"),
        names(client.configMaps().inNamespace(ns).withLabelNotIn("env", "prod", "dev").list()));
    assertEquals(
        Set.of("a", "b"), names(client.configMaps().inNamespace(ns).withLabel("tier").list()));
    assertEquals(
        Set.of("c", "d"), names(client.configMaps().inNamespace(ns).withoutLabel("tier").list()));
    assertEquals(
        Set.of("b", "c", "d"),
        names(client.configMaps().inNamespace(ns).withoutLabel("env", "prod").list()));
  }

  @Test
  void metadataFieldSelectors() {
    assertEquals(Set.of("a"), byFields("metadata.name=a"));
    assertEquals(Set.of("b", "c", "d"), byFields("metadata.name!=a"));
    assertEquals(Set.of("a", "b", "c", "d"), byFields("metadata.namespace=" + ns));
    assertEquals(Set.of(), byFields("metadata.namespace=" + other));
    Set<String> everywhere =
        client
            .configMaps()
            .inAnyNamespace()
            .withField("metadata.name", "a")
            .list()
            .getItems()
            .stream()
            .map(cm -> cm.getMetadata().getNamespace())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of(ns, other)), everywhere);
    Set<String> inOther =
        client
            .configMaps()
            .inAnyNamespace()
            .withField("metadata.namespace", other)
            .list()
            .getItems()
            .stream()
            .map(ConfigMap::getMetadata)
            .filter(m -> !m.getName().equals("kube-root-ca.crt"))
            .map(m -> m.getNamespace() + "/" + m.getName())
            .collect(Collectors.toSet());
    assertEquals(Set.of(other + "/a"), inOther);
  }

  @Test
  void labelAndFieldSelectorsCombine() {
    assertEquals(
        Set.of("b"),
        names(
            client
                .configMaps()
                .inNamespace(ns)
                .list(
                    new ListOptionsBuilder()
                        .withLabelSelector("tier=web")
                        .withFieldSelector("metadata.name!=a")
                        .build())));
  }

  @Test
  void eventInvolvedObjectSelector() {
    assertEquals(
        Set.of("ev-1", "ev-3"),
        names(
            client.v1().events().inNamespace(ns).withField("involvedObject.name", "pod-a").list()));
    assertEquals(
        Set.of("ev-2"),
        names(
            client
                .v1()
                .events()
                .inNamespace(ns)
                .withField("involvedObject.name", "pod-b")
                .withField("involvedObject.kind", "Pod")
                .list()));
    assertEquals(
        Set.of(),
        names(
            client.v1().events().inNamespace(ns).withField("involvedObject.name", "pod-z").list()));
  }

  /**
   * A label-selected watch sees an object as ADDED when it starts to match, MODIFIED while it does,
   * DELETED when it stops matching (a label changed) and nothing of others; a watch for objects
   * without a label sees the ones that lack it.
   */
  @Test
  void labelSelectedWatchesSeeObjectsEnterAndLeaveTheirSelection() throws Exception {
    BlockingQueue<String> selected = new LinkedBlockingQueue<>();
    BlockingQueue<String> unlabelled = new LinkedBlockingQueue<>();
    var cms = client.configMaps().inNamespace(ns);
    try (Watch w = cms.withLabel("tier", "web").watch(recorder(selected));
        Watch u = cms.withoutLabel("tier").watch(recorder(unlabelled))) {
      cms.resource(configMap("moving", Map.of(), Map.of("k", "1"))).create();
      cms.withName("moving")
          .edit(
              cm ->
                  new ConfigMapBuilder(cm)
                      .editMetadata()
                      .addToLabels("tier", "web")
                      .endMetadata()
                      .build());
      cms.withName("moving").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
      cms.withName("moving")
          .edit(
              cm ->
                  new ConfigMapBuilder(cm)
                      .editMetadata()
                      .addToLabels("tier", "db")
                      .endMetadata()
                      .build());
      cms.withName("moving").delete();
      assertEquals("ADDED moving", selected.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals("MODIFIED moving", selected.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals("DELETED moving", selected.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals("ADDED moving", unlabelled.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals("DELETED moving", unlabelled.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(null, selected.poll(), "nothing after it left the selection");
    assertEquals(null, unlabelled.poll(), "nothing while it carried the label");
    // The object's other events were seen by the selected watch, so the unlabelled one had them
    // offered too and left them out.
  }

  /** Records the events of "moving" (the namespace holds other tests' objects too). */
  private static Watcher<ConfigMap> recorder(BlockingQueue<String> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap cm) {
        if (action != Action.BOOKMARK && "moving".equals(cm.getMetadata().getName())) {
          events.add(action + " " + cm.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  @Test
  void watchByNameSeesOnlyThatObject() throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Watcher<ConfigMap> watcher =
        new Watcher<>() {
          @Override
          public void eventReceived(Action action, ConfigMap cm) {
            if (action != Action.BOOKMARK) {
              events.add(action + " " + cm.getMetadata().getName());
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        };
    var cms = client.configMaps().inNamespace(ns);
    // fabric8 watches a named resource with fieldSelector=metadata.name=<name>.
    try (Watch w = cms.withName("watched").watch(watcher)) {
      cms.resource(configMap("unwatched", Map.of(), Map.of())).create();
      cms.resource(configMap("watched", Map.of(), Map.of())).create();
      cms.withName("unwatched").delete();
      cms.withName("watched").delete();
      assertEquals("ADDED watched", events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals("DELETED watched", events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(null, events.poll(), "nothing about other objects");
  }

  @Test
  void badSelectorsAreBadRequests() {
    failsWith(400, "BadRequest", () -> byLabels("env in (prod"));
    failsWith(400, "BadRequest", () -> byLabels("env=prod=x"));
    failsWith(400, "BadRequest", () -> byLabels("-bad-key-=x"));
    failsWith(400, "BadRequest", () -> byFields("spec.color=blue"));
    failsWith(400, "BadRequest", () -> byFields("metadata.name"));
    failsWith(
        400,
        "BadRequest",
        () ->
            names(
                client
                    .v1()
                    .events()
                    .inNamespace(ns)
                    .withField("involvedObject.color", "red")
                    .list()));
  }
}
