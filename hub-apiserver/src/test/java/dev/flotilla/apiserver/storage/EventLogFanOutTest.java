package dev.flotilla.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Each subscriber gets exactly the events under its prefix, in revision order, whether its prefix
 * is a resource's, a namespace's, one object's key, part of a segment, or empty; a closed one gets
 * nothing more, and others on the same prefix go on.
 */
class EventLogFanOutTest {
  private static StoreEvent put(String key, long rev) {
    return new StoreEvent(StoreEvent.Type.PUT, new KeyValue(key, new byte[0], rev, rev), null);
  }

  @Test
  void everySubscriberGetsWhatItsPrefixCoversInOrder() {
    EventLog log = new EventLog(1000, 0);
    List<String> prefixes =
        List.of(
            "",
            "/registry/",
            "/registry/works/",
            "/registry/works/ns1/",
            "/registry/works/ns1/",
            "/registry/works/ns1/web",
            "/registry/works/ns",
            "/registry/configmaps/ns1/",
            "/registry/none/");
    Map<Integer, List<Long>> seen = new LinkedHashMap<>();
    List<Store.Watch> watches = new ArrayList<>();
    for (int i = 0; i < prefixes.size(); i++) {
      List<Long> got = new CopyOnWriteArrayList<>();
      seen.put(i, got);
      watches.add(log.subscribe(prefixes.get(i), 0, e -> got.add(e.revision())));
    }
    List<String> keys =
        List.of(
            "/registry/works/ns1/web",
            "/registry/works/ns1/web-2",
            "/registry/works/ns2/web",
            "/registry/works/ns10/a",
            "/registry/configmaps/ns1/web",
            "/registry/configmaps/ns2/x");
    List<StoreEvent> events = new ArrayList<>();
    for (int r = 1; r <= 30; r++) {
      events.add(put(keys.get(r % keys.size()), r));
    }
    log.publish(events.subList(0, 13));
    log.publish(events.subList(13, 30));
    for (int i = 0; i < prefixes.size(); i++) {
      assertEquals(expected(events, prefixes.get(i)), seen.get(i), "prefix " + prefixes.get(i));
    }

    watches.get(3).close(); // one of the two on /registry/works/ns1/
    log.publish(List.of(put("/registry/works/ns1/late", 31)));
    assertEquals(expected(events, prefixes.get(3)), seen.get(3), "closed: nothing more");
    assertEquals(31L, seen.get(4).get(seen.get(4).size() - 1), "the other one goes on");
  }

  private static List<Long> expected(List<StoreEvent> events, String prefix) {
    List<Long> out = new ArrayList<>();
    for (StoreEvent e : events) {
      if (e.kv().key().startsWith(prefix)) {
        out.add(e.revision());
      }
    }
    return out;
  }
}
