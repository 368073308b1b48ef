package dev.flotilla.controller.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flotilla.policies.names.McsNames;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DerivedWorksTest {

  @ParameterizedTest(name = "prefix {0}, origin {1} -> {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "null, hub, derived-",
        "null, null, derived-", // agents that predate the origin annotation
        "null, member, amcs-",
        "mcs-, hub, mcs-", // the flag overrides both namings
        "mcs-, member, mcs-",
        "derived-, member, derived-",
      })
  void prefixFollowsOriginUnlessConfigured(String configured, String origin, String expected) {
    assertEquals(expected, new DerivedWorks(configured).prefixFor(origin));
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "import, null, null",
        "import, hub, null",
        "import, member, null",
        "import, Hub, 'annotation flotilla.dev/import-origin must be hub or member, not \"Hub\"'",
        "export, hub, an export report carries no flotilla.dev/import-origin annotation",
        "export, null, null",
      })
  void originAnnotationChecked(String role, String origin, String problem) {
    Map<String, String> annotations = new HashMap<>();
    if (origin != null) {
      annotations.put(McsNames.IMPORT_ORIGIN, origin);
    }
    String found = McsReports.originProblem(role, annotations);
    if (problem == null) {
      assertNull(found);
    } else {
      assertEquals(problem, found);
    }
  }
}
