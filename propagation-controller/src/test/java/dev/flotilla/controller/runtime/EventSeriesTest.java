package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.runtime.EventSeries.Action;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Series, spacing and the per-object budget, on a clock the test moves. */
class EventSeriesTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final EventSeries series = new EventSeries(clock::get);

  @Test
  void aRepeatWithinTheIntervalIsHeldAndWrittenOnceWithItsCount() {
    EventSeries.Entry e = series.entry("Deployment|ns|web|u1", "SyncWorkSucceed");
    assertEquals(Action.CREATE, series.record(e, "Normal", "first").action());
    series.written(e, "web.1");
    clock.addAndGet(1_000_000_000L);
    EventSeries.Decision held = series.record(e, "Normal", "second");
    assertEquals(Action.HOLD, held.action());
    assertEquals(EventSeries.INTERVAL_NANOS - 1_000_000_000L, held.delayNanos());
    assertEquals(Action.COUNTED, series.record(e, "Normal", "third").action());
    clock.addAndGet(held.delayNanos());
    assertEquals(Action.PATCH, series.flush(e).action());
    assertEquals(3, e.count);
    assertEquals("third", e.message);
    series.written(e, "web.1");
    assertEquals(Action.COUNTED, series.flush(e).action(), "nothing left to write");
  }

  @Test
  void anObjectSpendsItsBurstThenWaitsForATokenWithoutLosingTheLatest() {
    for (int i = 0; i < EventSeries.BURST; i++) {
      EventSeries.Entry e = series.entry("Deployment|ns|web|u1", "Reason" + i);
      assertEquals(Action.CREATE, series.record(e, "Normal", "m").action());
      series.written(e, "web." + i);
    }
    EventSeries.Entry warning = series.entry("Deployment|ns|web|u1", "SomethingFailed");
    assertEquals(
        Action.CREATE,
        series.record(warning, "Warning", "shown at once").action(),
        "a Warning does not wait on the budget");
    EventSeries.Entry over = series.entry("Deployment|ns|web|u1", "OneTooMany");
    EventSeries.Decision d = series.record(over, "Normal", "late");
    assertEquals(Action.HOLD, d.action());
    assertTrue(d.delayNanos() > 0 && d.delayNanos() <= EventSeries.REFILL_NANOS + 1);
    assertNull(over.eventName);
    // Another object has its own budget.
    EventSeries.Entry other = series.entry("Deployment|ns|db|u2", "OneTooMany");
    assertEquals(Action.CREATE, series.record(other, "Normal", "m").action());
    clock.addAndGet(d.delayNanos());
    assertEquals(Action.CREATE, series.flush(over).action());
    assertEquals("late", over.message);
  }

  @Test
  void succeedAndFailedAreCounterparts() {
    assertEquals("ScheduleBindingFailed", EventRecorder.counterpart("ScheduleBindingSucceed"));
    assertEquals("ApplyPolicySucceed", EventRecorder.counterpart("ApplyPolicyFailed"));
    assertNull(EventRecorder.counterpart("ScheduleBindingFilteredClusters"));
  }

  @Test
  void pastTheCapTheIdleNormalSeriesSeenLongestAgoAreForgotten() {
    EventSeries.Entry warning = series.entry("ResourceBinding|ns|w|u0", "SyncWorkFailed");
    assertEquals(Action.CREATE, series.record(warning, "Warning", "failed").action());
    series.written(warning, "w.1");
    EventSeries.Entry held = series.entry("ResourceBinding|ns|h|u0", "SyncWorkSucceed");
    series.record(held, "Normal", "first");
    series.written(held, "h.1");
    assertEquals(Action.HOLD, series.record(held, "Normal", "second").action());
    int total = EventSeries.MAX_SERIES * 2;
    for (int i = 0; i < total; i++) {
      clock.addAndGet(1_000L);
      EventSeries.Entry e = series.entry("ConfigMap|ns|cm" + i + "|u" + i, "ApplyPolicySucceed");
      series.record(e, "Normal", "m");
      series.written(e, "cm" + i + ".1");
    }
    assertTrue(
        series.size() <= EventSeries.MAX_SERIES + 1024,
        "bounded: " + series.size() + " series remembered");
    assertEquals(warning, series.existing("ResourceBinding|ns|w|u0", "SyncWorkFailed"), "kept");
    assertEquals(held, series.existing("ResourceBinding|ns|h|u0", "SyncWorkSucceed"), "kept");
    assertNull(series.existing("ConfigMap|ns|cm0|u0", "ApplyPolicySucceed"), "the oldest went");
    String newest = "ConfigMap|ns|cm" + (total - 1) + "|u" + (total - 1);
    assertEquals(
        "cm" + (total - 1) + ".1", series.existing(newest, "ApplyPolicySucceed").eventName);
  }
}
