package dev.flotilla.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.NameValidation;
import dev.flotilla.apiserver.selection.LabelValidation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Syntax checks of untrusted strings run on RE2/J: a long dotted name, label key or condition type
 * is an error, never a StackOverflowError (java.util.regex recurses once per repetition of a group,
 * which is how a 6 KB condition type once took the server down to a 500), and a catastrophic
 * pattern answers.
 */
class RegexSafetyTest {
  private static final String DOTTED = "a.".repeat(50_000) + "a";

  @Test
  void longNamesAndLabelKeysAreErrorsNotStackOverflows() {
    assertEquals(
        List.of("must be no more than 253 characters"), NameValidation.check(DOTTED, false));
    assertTrue(
        LabelValidation.keyErrors(DOTTED + "/x")
            .contains("prefix part must be no more than 253 characters"));
    assertFalse(LabelValidation.valueErrors(DOTTED).isEmpty());
  }

  @Test
  void patternsMatchInLinearTime() {
    ObjectNode schema = JsonNodeFactory.instance.objectNode().put("pattern", "^(.*a){12}$");
    List<FieldError> errors = new ArrayList<>();
    ValueChecks.string("a".repeat(29) + "!", null, schema, "spec.value", errors);
    assertEquals(1, errors.size());
    errors.clear();
    ObjectNode condition =
        JsonNodeFactory.instance
            .objectNode()
            .put(
                "pattern",
                "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                    + "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$");
    ValueChecks.string(DOTTED + "/!", null, condition, "type", errors);
    assertEquals(1, errors.size());
  }
}
