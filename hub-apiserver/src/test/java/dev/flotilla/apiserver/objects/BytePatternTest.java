package dev.flotilla.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shifting search finds exactly what a byte-by-byte scan finds. */
class BytePatternTest {

  private static boolean scan(byte[] text, byte[] pattern) {
    for (int i = 0; i + pattern.length <= text.length; i++) {
      if (Arrays.equals(text, i, i + pattern.length, pattern, 0, pattern.length)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void agreesWithAScanOnRandomTextAndPatterns() {
    Random random = new Random(42);
    byte[] alphabet = "\"ab:/.{}".getBytes(StandardCharsets.US_ASCII);
    int found = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] text = new byte[random.nextInt(64)];
      for (int i = 0; i < text.length; i++) {
        text[i] = alphabet[random.nextInt(alphabet.length)];
      }
      byte[] pattern;
      if (text.length > 0 && random.nextBoolean()) {
        int from = random.nextInt(text.length);
        pattern = Arrays.copyOfRange(text, from, from + 1 + random.nextInt(text.length - from));
      } else {
        pattern = new byte[1 + random.nextInt(6)];
        for (int i = 0; i < pattern.length; i++) {
          pattern[i] = alphabet[random.nextInt(alphabet.length)];
        }
      }
      boolean expected = scan(text, pattern);
      found += expected ? 1 : 0;
      assertEquals(
          expected,
          new BytePattern(pattern).in(text),
          new String(pattern, StandardCharsets.US_ASCII)
              + " in "
              + new String(text, StandardCharsets.US_ASCII));
    }
    // Both outcomes were exercised, many times.
    assertTrue(found > 5_000 && found < 15_000, "found in " + found + " of 20000");
  }

  @Test
  void aQuotedLabelKeyIsFoundOnlyAsItsWholeString() {
    BytePattern key = new BytePattern("\"app\"".getBytes(StandardCharsets.UTF_8));
    assertTrue(
        key.in("{\"metadata\":{\"labels\":{\"app\":\"web\"}}}".getBytes(StandardCharsets.UTF_8)));
    assertFalse(
        key.in("{\"metadata\":{\"labels\":{\"apps\":\"web\"}}}".getBytes(StandardCharsets.UTF_8)));
    assertFalse(key.in("\"app".getBytes(StandardCharsets.UTF_8)));
  }
}
