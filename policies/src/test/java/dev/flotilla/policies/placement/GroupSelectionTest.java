package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.placement.GroupSelection.Group;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GroupSelectionTest {

  private static final List<Group> REGIONS =
      List.of(
          new Group("r1", 2, 300),
          new Group("r2", 3, 200),
          new Group("r3", 6, 100),
          new Group("r4", 7, 50));

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "one region holds enough clusters: the heaviest that does", 1, 1, 6, List.of("r3")),
        Arguments.of("two regions, best weight", 2, 2, 5, List.of("r1", "r2")),
        Arguments.of("a single group suffices", 1, 3, 2, List.of("r1")),
        Arguments.of("impossible target", 1, 2, 20, List.of()),
        Arguments.of("all groups required", 4, 4, 1, List.of("r1", "r2", "r3", "r4")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void select(String name, int min, int max, int target, List<String> expected) {
    assertEquals(
        expected,
        GroupSelection.select(REGIONS, min, max, target).stream().map(Group::name).toList());
  }

  @Test
  void feasiblePrefixBeatsTheHeavierLongerPath() {
    // [a, b] is heaviest, but [b] alone is feasible and is its prefix once sorted by weight.
    List<Group> groups = List.of(new Group("a", 1, 10), new Group("b", 5, 1000));
    assertEquals(
        List.of("b"), GroupSelection.select(groups, 1, 2, 5).stream().map(Group::name).toList());
  }
}
