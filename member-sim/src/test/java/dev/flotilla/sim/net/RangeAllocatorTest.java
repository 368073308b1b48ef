package dev.flotilla.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RangeAllocatorTest {
  private final AtomicLong clock = new AtomicLong(1_000);

  @Test
  void handsOutTheDynamicBandFirstAndNeverTwice() {
    RangeAllocator a = new RangeAllocator(1, 20, 10, 60_000, clock::get);
    assertEquals(10, a.allocate().getAsLong());
    assertEquals(11, a.allocate().getAsLong());
    a.markUsed(12);
    assertEquals(13, a.allocate().getAsLong());
    for (int i = 14; i <= 20; i++) {
      assertEquals(i, a.allocate().getAsLong());
    }
    assertEquals(1, a.allocate().getAsLong(), "then the static band");
  }

  @Test
  void reservationsExpireAndStoredValuesStayUntilReleased() {
    RangeAllocator a = new RangeAllocator(1, 3, 1, 1_000, clock::get);
    assertTrue(a.reserve(2, "ns/a"));
    assertTrue(a.reserve(2, "ns/a"), "the same holder may ask again");
    assertFalse(a.reserve(2, "ns/b"));
    clock.addAndGet(1_001);
    assertTrue(a.reserve(2, "ns/b"), "an abandoned reservation lapses");
    a.markUsed(2);
    clock.addAndGet(10_000);
    assertFalse(a.reserve(2, "ns/c"), "a stored value never lapses");
    a.release(2);
    assertTrue(a.reserve(2, "ns/c"));
    assertFalse(a.reserve(4, "ns/c"), "outside the range");
  }

  @Test
  void allocatesInsideASubrange() {
    RangeAllocator a = new RangeAllocator(1, 100, 60_000);
    assertEquals(52, a.allocateIn(52, 60).getAsLong());
    assertEquals(53, a.allocateIn(52, 60).getAsLong());
    assertTrue(a.allocateIn(200, 300).isEmpty());
  }
}
