package dev.flotilla.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Remembered matches answer as matching would: a value that failed never passes on a later ask. */
class PatternMemoTest {
  @Test
  void rememberedMatchesAnswerAsTheRegexWould() {
    String reason = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";
    for (int i = 0; i < 3; i++) {
      assertTrue(ValueChecks.matches(reason, "AppliedSuccessful"));
      assertFalse(ValueChecks.matches(reason, "Applied Successful"));
      assertFalse(ValueChecks.matches("^x$", "AppliedSuccessful"), "keyed by pattern too");
    }
    String longValue = "A".repeat(500);
    assertTrue(ValueChecks.matches(reason, longValue));
    assertFalse(ValueChecks.matches(reason, longValue + " "));
  }

  @Test
  void aFullPatternSetStartsAgainAndStillAnswersRight() {
    String digits = "^[0-9]+$";
    for (int i = 0; i < 300; i++) {
      assertTrue(ValueChecks.matches(digits, Integer.toString(i)));
      assertFalse(ValueChecks.matches(digits, "x" + i));
    }
  }
}
