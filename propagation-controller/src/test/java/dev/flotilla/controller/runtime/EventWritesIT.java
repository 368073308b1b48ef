package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.apiserver.it.Fabric8Hub;
import io.fabric8.kubernetes.api.model.Event;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Recording an event hands its write to the recorder's writers and returns: the reconcile that
 * recorded it does not wait for the hub. Repeats recorded before the write ran are counted into it,
 * a series resolved before its write ran is never written, and a resolved series' Event is deleted
 * by the writers too, in order with the writes of its series.
 */
class EventWritesIT {
  @RegisterExtension static final Fabric8Hub rig = Fabric8Hub.plain();

  /** Writes queued by the recorder, run when the test says so. */
  private final Queue<Runnable> queued = new ArrayDeque<>();

  private EventRecorder recorder() {
    return new EventRecorder(
        rig.admin(), "test-controller", new EventSeries(System::nanoTime), queued::add);
  }

  private static List<Event> events(String objectName) {
    return rig.admin().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(objectName))
        .toList();
  }

  private void runQueued() {
    while (!queued.isEmpty()) {
      queued.poll().run();
    }
  }

  @Test
  void recordingReturnsBeforeTheWriteAndRepeatsJoinIt() {
    EventRecorder recorder = recorder();
    EventRecorder.Ref ref = new EventRecorder.Ref("v1", "ConfigMap", "default", "queued", "u-1");
    recorder.record(ref, "Normal", "ScheduleBindingSucceed", "first");
    recorder.record(ref, "Normal", "ScheduleBindingSucceed", "second");
    assertEquals(List.of(), events("queued"), "nothing written on the recording thread");
    assertEquals(1, queued.size(), "one write for the series, the repeat counted into it");

    runQueued();
    List<Event> written = events("queued");
    assertEquals(1, written.size(), written.toString());
    assertEquals(2, written.get(0).getCount());
    assertEquals("second", written.get(0).getMessage());
  }

  @Test
  void aSeriesResolvedBeforeItsWriteRanIsNotWritten() {
    EventRecorder recorder = recorder();
    EventRecorder.Ref ref = new EventRecorder.Ref("v1", "ConfigMap", "default", "flips", "u-2");
    recorder.record(ref, "Warning", "ScheduleBindingFailed", "no cluster fits");
    recorder.record(ref, "Normal", "ScheduleBindingSucceed", "scheduled");

    runQueued();
    List<Event> written = events("flips");
    assertEquals(1, written.size(), "the failure no longer holds: " + written);
    assertEquals("ScheduleBindingSucceed", written.get(0).getReason());
  }

  private static List<String> reasons(String objectName) {
    return events(objectName).stream().map(Event::getReason).sorted().toList();
  }

  @Test
  void theEventOfAResolvedSeriesIsDeletedByTheWritersNotByTheRecordingThread() {
    EventRecorder recorder = recorder();
    EventRecorder.Ref ref = new EventRecorder.Ref("v1", "ConfigMap", "default", "heals", "u-3");
    recorder.record(ref, "Warning", "ScheduleBindingFailed", "no cluster fits");
    runQueued();
    assertEquals(List.of("ScheduleBindingFailed"), reasons("heals"));

    recorder.record(ref, "Normal", "ScheduleBindingSucceed", "scheduled");
    assertEquals(
        List.of("ScheduleBindingFailed"), reasons("heals"), "no request on the recording thread");

    runQueued();
    assertEquals(List.of("ScheduleBindingSucceed"), reasons("heals"));
  }

  @Test
  void aSeriesRecordedAgainAfterItsDeleteIsWrittenAfterTheDeleteWhateverOrderTheWritersRunIn() {
    EventRecorder recorder = recorder();
    EventRecorder.Ref ref = new EventRecorder.Ref("v1", "ConfigMap", "default", "flaps", "u-4");
    recorder.record(ref, "Warning", "ScheduleBindingFailed", "no cluster fits");
    runQueued();
    recorder.record(ref, "Normal", "ScheduleBindingSucceed", "scheduled");
    recorder.record(ref, "Warning", "ScheduleBindingFailed", "no cluster fits again");

    // The newest task first: the new Failed Event's create still follows the old one's delete,
    // which shares its name (a create first would count on in the old Event, then lose it).
    java.util.Deque<Runnable> newestFirst = new java.util.ArrayDeque<>();
    while (!queued.isEmpty()) {
      newestFirst.push(queued.poll());
    }
    newestFirst.forEach(Runnable::run);
    runQueued();

    List<Event> written = events("flaps");
    assertEquals(1, written.size(), written.toString());
    assertEquals("ScheduleBindingFailed", written.get(0).getReason());
    assertEquals("no cluster fits again", written.get(0).getMessage());
    assertEquals(1, written.get(0).getCount(), "a new series, not the old one counted on");
  }
}
