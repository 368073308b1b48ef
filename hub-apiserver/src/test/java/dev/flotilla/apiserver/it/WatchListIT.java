package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watch-list request of client-go's WatchListClient ({@code sendInitialEvents}): the state as
 * ADDED events, then a bookmark annotated {@code k8s.io/initial-events-end} at the state's
 * revision, then the changes; {@code sendInitialEvents=false} starts without the state; the
 * parameter combinations upstream refuses get its 422.
 */
class WatchListIT {
  private static final String NS = "watch-list";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
  private static final String USER = "fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS).healthyAfter();
  private static final RawHttp http = rig.http();

  @BeforeAll
  static void seed() {
    for (String name : List.of("a", "b", "c")) {
      create(name);
    }
  }

  private static void create(String name) {
    HttpResponse<String> r =
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}");
    assertEquals(201, r.statusCode(), r.body());
  }

  private static List<JsonNode> events(String query) {
    HttpResponse<String> r = http.get(CMS + "?watch=true&timeoutSeconds=2&" + USER + "&" + query);
    assertEquals(200, r.statusCode(), r.body());
    List<JsonNode> events = new ArrayList<>();
    r.body().lines().filter(l -> !l.isBlank()).forEach(l -> events.add(RawHttp.parse(l)));
    return events;
  }

  /** The objects a list shows now, sorted by name. */
  private static List<String> listedNames() {
    List<String> names = new ArrayList<>();
    http.getJson(CMS + "?" + USER)
        .path("items")
        .forEach(i -> names.add(i.path("metadata").path("name").asText()));
    return names.stream().sorted().toList();
  }

  @Test
  void theStateComesFirstThenABookmarkMarksItsEnd() {
    long listed =
        Long.parseLong(
            http.getJson(CMS + "?" + USER).path("metadata").path("resourceVersion").asText());
    List<JsonNode> events =
        events("sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
    List<String> names = new ArrayList<>();
    for (JsonNode e : events.subList(0, events.size() - 1)) {
      assertEquals("ADDED", e.path("type").asText(), e.toString());
      names.add(e.path("object").path("metadata").path("name").asText());
    }
    assertEquals(listedNames(), names.stream().sorted().toList(), events.toString());
    JsonNode end = events.get(events.size() - 1);
    assertEquals("BOOKMARK", end.path("type").asText(), events.toString());
    JsonNode meta = end.path("object").path("metadata");
    assertEquals("true", meta.path("annotations").path("k8s.io/initial-events-end").asText());
    JsonNode blueprint =
        RawHttp.parse(
            new String(
                java.util.Base64.getDecoder()
                    .decode(
                        meta.path("annotations")
                            .path("kubernetes.io/initial-events-list-blueprint")
                            .asText()),
                java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("ConfigMapList", blueprint.path("kind").asText(), blueprint.toString());
    assertEquals("v1", blueprint.path("apiVersion").asText(), blueprint.toString());
    assertTrue(blueprint.path("items").isEmpty(), "an empty list: " + blueprint);
    assertTrue(
        Long.parseLong(meta.path("resourceVersion").asText()) >= listed,
        "the bookmark's revision is not older than the list before it: " + end);
  }

  @Test
  void withoutBookmarksTheStateComesWithoutTheMarker() {
    List<JsonNode> events = events("sendInitialEvents=true&resourceVersionMatch=NotOlderThan");
    assertEquals(listedNames().size(), events.size(), events.toString());
    assertTrue(events.stream().allMatch(e -> e.path("type").asText().equals("ADDED")));
  }

  @Test
  void noInitialEventsFromAVersionSendsOnlyLaterChanges() {
    String rv = http.getJson(CMS + "?" + USER).path("metadata").path("resourceVersion").asText();
    create("after-" + rv);
    List<JsonNode> events =
        events(
            "sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
                + "&resourceVersion="
                + rv);
    assertEquals(1, events.size(), events.toString());
    assertEquals("ADDED", events.get(0).path("type").asText());
    assertEquals(
        "after-" + rv, events.get(0).path("object").path("metadata").path("name").asText());
  }

  @Test
  void noInitialEventsWithoutAVersionStartsNow() throws Exception {
    HttpResponse<Stream<String>> r =
        http.lines(
            CMS
                + "?watch=true&timeoutSeconds=30&"
                + USER
                + "&sendInitialEvents=false&resourceVersionMatch=NotOlderThan");
    assertEquals(200, r.statusCode());
    // When the watch has subscribed is not observable: create until one change arrives.
    Thread creator =
        new Thread(
            () -> {
              for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++) {
                create("now-" + i);
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    creator.start();
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      JsonNode first = RawHttp.parse(it.next());
      assertEquals("ADDED", first.path("type").asText(), first.toString());
      String name = first.path("object").path("metadata").path("name").asText();
      assertTrue(name.startsWith("now-"), "no initial state, only changes: " + first);
    } finally {
      creator.interrupt();
      creator.join();
    }
  }

  @Test
  void theStateFromAVersionIsNotOlderThanIt() {
    String rv = http.getJson(CMS + "?" + USER).path("metadata").path("resourceVersion").asText();
    create("newer-" + rv);
    List<JsonNode> events =
        events(
            "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
                + "&resourceVersion="
                + rv);
    List<String> names = new ArrayList<>();
    events.stream()
        .filter(e -> e.path("type").asText().equals("ADDED"))
        .forEach(e -> names.add(e.path("object").path("metadata").path("name").asText()));
    assertEquals(listedNames(), names.stream().sorted().toList(), events.toString());
    assertTrue(names.contains("newer-" + rv), "the state includes what came after it: " + names);
    assertEquals("BOOKMARK", events.get(events.size() - 1).path("type").asText());
  }

  /**
   * A state of many store batches (several MiB) is read and sent a batch at a time, all at the
   * state's one revision: with creates landing while it streams, every object comes exactly once,
   * before the end bookmark when the state holds it and after it otherwise.
   */
  @Test
  void aLargeStateComesOnceAtOneRevisionWhileWritesLand() throws Exception {
    String ns = "watch-list-bulk";
    HttpResponse<String> made =
        http.send(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            "{\"metadata\":{\"name\":\"" + ns + "\"}}");
    assertEquals(201, made.statusCode(), made.body());
    String cms = "/api/v1/namespaces/" + ns + "/configmaps";
    String payload = "x".repeat(32 * 1024);
    int seeded = 200;
    for (int i = 0; i < seeded; i++) {
      HttpResponse<String> r =
          http.send(
              "POST",
              cms,
              "application/json",
              "{\"metadata\":{\"name\":\"bulk-"
                  + i
                  + "\",\"labels\":{\"bulk\":\"yes\"}},\"data\":{\"k\":\""
                  + payload
                  + "\"}}");
      assertEquals(201, r.statusCode(), r.body());
    }
    HttpResponse<Stream<String>> r =
        http.lines(
            cms
                + "?watch=true&timeoutSeconds=15"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                + "&allowWatchBookmarks=true");
    assertEquals(200, r.statusCode());
    int late = 20;
    Thread creator =
        new Thread(
            () -> {
              for (int i = 0; i < late; i++) {
                http.send(
                    "POST",
                    cms,
                    "application/json",
                    "{\"metadata\":{\"name\":\"late-" + i + "\",\"labels\":{\"bulk\":\"yes\"}}}");
              }
            });
    creator.start();
    List<JsonNode> events = new ArrayList<>();
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (!line.isBlank()) {
          events.add(RawHttp.parse(line));
        }
        if (events.size() < 150) {
          Thread.sleep(5); // a reader slower than the hub: the state waits for it
        }
      }
    } finally {
      creator.join();
    }
    long end = -1;
    List<Long> before = new ArrayList<>();
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (JsonNode e : events) {
      JsonNode meta = e.path("object").path("metadata");
      long rv = Long.parseLong(meta.path("resourceVersion").asText());
      if (e.path("type").asText().equals("BOOKMARK")) {
        if (meta.path("annotations").has("k8s.io/initial-events-end")) {
          assertEquals(-1, end, "one end bookmark");
          end = rv;
        }
        continue;
      }
      assertEquals("ADDED", e.path("type").asText(), e.toString());
      String name = meta.path("name").asText();
      if (name.equals("kube-root-ca.crt")) {
        continue; // the hub's own, published into every namespace as it appears
      }
      seen.merge(name, 1, Integer::sum);
      if (end < 0) {
        assertTrue(name.startsWith("bulk-") || name.startsWith("late-"), name);
        before.add(rv);
      } else {
        assertTrue(rv > end, "after the end bookmark only later changes: " + name + " " + rv);
        assertTrue(name.startsWith("late-"), "the state came whole before its end: " + name);
      }
    }
    assertTrue(end > 0, "the end bookmark came");
    long state = end;
    assertTrue(
        before.stream().allMatch(rv -> rv <= state), "the state is at its revision: " + before);
    assertEquals(seeded + late, seen.size(), "every object, once: " + seen.keySet());
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "none twice: " + seen);
  }

  @Test
  void aFutureVersionEndsTheWatchWithA504() {
    long future =
        Long.parseLong(
                http.getJson(CMS + "?" + USER).path("metadata").path("resourceVersion").asText())
            + 1_000_000;
    List<JsonNode> events =
        events(
            "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=" + future);
    assertEquals(1, events.size(), events.toString());
    assertEquals("ERROR", events.get(0).path("type").asText());
    assertEquals(504, events.get(0).path("object").path("code").asInt(), events.toString());
    assertTrue(
        events
            .get(0)
            .path("object")
            .path("message")
            .asText()
            .contains("Too large resource version"));
  }

  @Test
  void combinationsUpstreamRefusesAre422() {
    JsonNode s =
        assertStatus(
            http.get(CMS + "?watch=true&sendInitialEvents=true"),
            422,
            "Invalid",
            "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    assertEquals("ListOptions", s.path("details").path("kind").asText(), s.toString());
    assertEquals("meta.k8s.io", s.path("details").path("group").asText(), s.toString());
    assertTrue(s.path("details").path("name").isMissingNode(), "no empty name: " + s);
    JsonNode two =
        assertStatus(
            http.get(CMS + "?watch=true&sendInitialEvents=true&resourceVersionMatch=Bogus"),
            422,
            "Invalid",
            "resourceVersionMatch: Unsupported value: \"Bogus\"");
    assertEquals(2, two.path("details").path("causes").size(), two.toString());
    assertTrue(two.path("message").asText().contains("is invalid: ["), two.toString());
    assertStatus(
        http.get(
            CMS
                + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                + "&continue=abc"),
        422,
        "Invalid",
        "resourceVersionMatch is forbidden when continue is provided");
    assertStatus(
        http.get(CMS + "?resourceVersionMatch=NotOlderThan"),
        422,
        "Invalid",
        "resourceVersionMatch is forbidden unless resourceVersion is provided");
    assertStatus(
        http.get(CMS + "?resourceVersionMatch=Exact&resourceVersion=0"),
        422,
        "Invalid",
        "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
    assertStatus(
        http.get(CMS + "?watch=true&sendInitialEvents=true&resourceVersionMatch=Exact"),
        422,
        "Invalid",
        "resourceVersionMatch to NotOlderThan");
    assertStatus(
        http.get(CMS + "?watch=true&resourceVersionMatch=NotOlderThan&resourceVersion=1"),
        422,
        "Invalid",
        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
    assertStatus(
        http.get(CMS + "?sendInitialEvents=true"),
        422,
        "Invalid",
        "sendInitialEvents is forbidden for list");
    assertStatus(
        http.get(CMS + "?watch=true&sendInitialEvents=maybe&resourceVersionMatch=NotOlderThan"),
        400,
        "BadRequest",
        "sendInitialEvents");
    assertFalse(
        http.getJson(CMS + "?" + USER).path("items").isEmpty(), "nothing was changed by them");
  }
}
