package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  @Test
  void levelThenPackageLevels() {
    Map<String, Level> levels = LogSetup.parseLevels("warn, dev.flotilla.controller=DEBUG");
    assertEquals(Level.WARN, levels.get(""));
    assertEquals(Level.DEBUG, levels.get("dev.flotilla.controller"));
    assertEquals(Map.of("", Level.INFO), LogSetup.parseLevels(null));
  }

  @Test
  void badLevelsAndFormatsAreRefusedWithTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LogSetup.parseLevels("loud"));
    assertTrue(e.getMessage().contains("trace, debug, info, warn, error or off"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LogSetup.parseLevels("=debug"));
    assertThrows(IllegalArgumentException.class, () -> LogSetup.parseFormat("xml"));
    assertTrue(LogSetup.parseFormat("JSON"));
    assertFalse(LogSetup.parseFormat(null));
  }

  @Test
  void ourJulRecordsAndLibrariesSlf4jRecordsEndInOneBackendAsJson() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LogSetup.levels("info,dev.flotilla.logtest=debug");
      LogSetup.format("json");
      LogSetup.apply();
      java.util.logging.Logger.getLogger("dev.flotilla.logtest.Queue").fine("fine from our code");
      java.util.logging.Logger.getLogger("dev.flotilla.quiet").fine("below the root level");
      org.slf4j.LoggerFactory.getLogger("io.fabric8.logtest").info("info from a library");
    } finally {
      System.setErr(stderr);
      LogSetup.levels(null);
      LogSetup.format(null);
      LogSetup.apply();
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("\"message\":\"fine from our code\""), out);
    assertTrue(out.contains("\"level\":\"DEBUG\""), out);
    assertTrue(out.contains("\"message\":\"info from a library\""), out);
    assertFalse(out.contains("below the root level"), out);
    assertFalse(out.contains("SLF4J"), out);
  }
}
