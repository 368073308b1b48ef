package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.it.Fabric8Hub;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events are named after their series, so a series the recorder forgot (past its cap of {@link
 * EventSeries#MAX_SERIES}, or after a restart) that repeats finds its Event on the hub and counts
 * on in it, instead of listing a second Event for the same thing.
 */
class EventNamesIT {
  @RegisterExtension static final Fabric8Hub rig = Fabric8Hub.plain();

  private static List<Event> events(String ns, String objectName) {
    return rig.admin().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(objectName))
        .toList();
  }

  @Test
  void aForgottenSeriesThatRepeatsCountsOnInItsEvent() {
    EventSeries series = new EventSeries(System::nanoTime);
    EventRecorder recorder = new EventRecorder(rig.admin(), "test-controller", series);
    EventRecorder.Ref ref = new EventRecorder.Ref("v1", "ConfigMap", "default", "web", "uid-1");
    recorder.record(ref, "Normal", "ApplyPolicySucceed", "applied once");
    List<Event> first = events("default", "web");
    assertEquals(1, first.size(), first.toString());
    assertEquals(1, first.get(0).getCount());
    String name = first.get(0).getMetadata().getName();

    // The cap's sweep drops the series as this does; the Event stays on the hub.
    for (int repeat = 2; repeat <= 3; repeat++) {
      series.remove(ref.key(), "ApplyPolicySucceed");
      recorder.record(ref, "Normal", "ApplyPolicySucceed", "applied again " + repeat);
      List<Event> now = events("default", "web");
      assertEquals(1, now.size(), "one Event for the series: " + now);
      Event e = now.get(0);
      assertEquals(name, e.getMetadata().getName());
      assertEquals(repeat, e.getCount(), e.toString());
      assertEquals("applied again " + repeat, e.getMessage());
      assertEquals(first.get(0).getFirstTimestamp(), e.getFirstTimestamp());
    }

    assertTrue(name.matches("web\\.[0-9a-f]{16}"), "<object>.<hex>, as upstream: " + name);

    // The same reason on a new object of the same name (another uid) is another series.
    EventRecorder.Ref recreated =
        new EventRecorder.Ref("v1", "ConfigMap", "default", "web", "uid-2");
    recorder.record(recreated, "Normal", "ApplyPolicySucceed", "the new one");
    assertEquals(2, events("default", "web").size());
  }
}
