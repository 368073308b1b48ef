package dev.flotilla.apiserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every class the watch preload names exists on this classpath (a dependency upgrade may rename
 * one).
 */
class WatchClassPreloadTest {
  @Test
  void everyNamedClassLoads() {
    assertEquals(List.of(), WatchClassPreload.load(), "renamed or gone: update the list");
  }
}
