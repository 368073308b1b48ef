package dev.flotilla.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A subscription's progress: the revision up to which it has had every change under its prefix,
 * which moves on with changes elsewhere too (what a watch's bookmark may carry).
 */
class EventLogProgressTest {

  private static StoreEvent put(String key, long rev) {
    return new StoreEvent(StoreEvent.Type.PUT, new KeyValue(key, new byte[0], rev, rev), null);
  }

  @Test
  void progressFollowsTheLogEvenWhenNothingMatches() {
    EventLog log = new EventLog(100, 10);
    List<Long> seen = new CopyOnWriteArrayList<>();
    Store.Watch watch = log.subscribe("/a/", 10, e -> seen.add(e.revision()));
    assertEquals(10, watch.progress(), "it starts where it was asked to");
    log.publish(List.of(put("/b/x", 11), put("/b/y", 12)));
    assertEquals(List.of(), seen);
    assertEquals(12, watch.progress(), "changes elsewhere move it on");
    log.publish(List.of(put("/a/x", 13), put("/b/z", 14)));
    assertEquals(List.of(13L), seen);
    assertEquals(14, watch.progress());
  }

  @Test
  void aLateSubscriberStartsAtTheLogsHeadOnceItsReplayIsDone() {
    EventLog log = new EventLog(100, 10);
    log.publish(List.of(put("/a/x", 11), put("/b/x", 12)));
    List<Long> seen = new CopyOnWriteArrayList<>();
    Store.Watch watch = log.subscribe("/a/", 10, e -> seen.add(e.revision()));
    assertEquals(List.of(11L), seen, "the window's match is replayed");
    assertEquals(12, watch.progress(), "and it has passed the log's head");
  }

  @Test
  void aClosedWatchNoLongerMoves() {
    EventLog log = new EventLog(100, 10);
    Store.Watch watch = log.subscribe("/a/", 10, e -> {});
    watch.close();
    log.publish(List.of(put("/b/x", 11)));
    assertEquals(10, watch.progress());
  }
}
