package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebsterTest {

  static Map<String, Long> votes(Object... pairs) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
    }
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("1:2 of 9", 9, votes("a", 1, "b", 2), "", "a=3 b=6"),
        Arguments.of("1:3 of 9 (Karmada's doc example)", 9, votes("a", 1, "b", 3), "", "a=2 b=7"),
        Arguments.of(
            "equal weights, odd seats, ascending names", 3, votes("a", 1, "b", 1), "", "a=2 b=1"),
        // FNV-32a("uid-1") is odd: ties go to the larger name.
        Arguments.of(
            "equal weights, odd seats, descending names",
            3,
            votes("a", 1, "b", 1),
            "uid-1",
            "a=1 b=2"),
        Arguments.of("zero weight gets nothing", 4, votes("a", 0, "b", 5), "", "a=0 b=4"),
        Arguments.of("no seats", 0, votes("a", 1), "", "a=0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void allocate(String name, int seats, Map<String, Long> votes, String uid, String expected) {
    List<TargetCluster> result = Webster.allocate(seats, votes, Map.of(), uid);
    assertEquals(
        expected,
        String.join(" ", result.stream().map(t -> t.name() + "=" + t.replicas()).toList()));
  }
}
