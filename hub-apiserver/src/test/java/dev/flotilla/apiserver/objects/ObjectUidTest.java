package dev.flotilla.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** New objects' uids: random version 4 UUIDs, as kube-apiserver's, from per-thread generators. */
class ObjectUidTest {
  @Test
  void uidsAreDistinctVersion4Uuids() throws Exception {
    Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread other =
        new Thread(
            () -> {
              for (int i = 0; i < 5_000; i++) {
                seen.add(ObjectRules.newUid());
              }
            });
    other.start();
    Set<String> mine = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      String uid = ObjectRules.newUid();
      mine.add(uid);
      UUID parsed = UUID.fromString(uid);
      assertEquals(4, parsed.version(), uid);
      assertEquals(2, parsed.variant(), uid);
      assertEquals(uid, parsed.toString());
    }
    other.join();
    assertEquals(5_000, mine.size());
    assertEquals(5_000, seen.size());
    mine.retainAll(seen);
    assertTrue(mine.isEmpty(), "two threads drew the same uid: " + mine);
  }
}
