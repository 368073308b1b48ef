package dev.flotilla.policies.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the best combination of topology groups (regions) by depth-first search, as Karmada's
 * selectGroups: every combination of between {@code min} and {@code max} groups whose values
 * (cluster counts) add up to {@code target} is feasible; the heaviest wins, then the largest value,
 * then the earliest found, and a feasible prefix of the winner is preferred to the longer path.
 */
final class GroupSelection {

  /** A group: its name, its value (clusters it holds) and its weight (group score). */
  record Group(String name, int value, long weight) {}

  private record Path(int id, List<Group> groups, long weight, int value) {
    boolean hasPrefix(Path shorter) {
      if (shorter.groups.size() >= groups.size()) {
        return false;
      }
      for (int i = 0; i < shorter.groups.size(); i++) {
        if (!groups.get(i).name().equals(shorter.groups.get(i).name())) {
          return false;
        }
      }
      return true;
    }
  }

  private GroupSelection() {}

  static List<Group> select(List<Group> groups, int min, int max, int target) {
    if (groups.isEmpty()) {
      return List.of();
    }
    List<Path> paths = feasiblePaths(groups, min, max, target);
    if (paths.isEmpty()) {
      return List.of();
    }
    paths.sort(
        Comparator.comparingLong(Path::weight)
            .reversed()
            .thenComparing(Comparator.comparingInt(Path::value).reversed())
            .thenComparingInt(Path::id));
    Path best = paths.get(0);
    for (int i = 1; i < paths.size(); i++) {
      if (best.hasPrefix(paths.get(i))) {
        best = paths.get(i);
      }
    }
    return best.groups();
  }

  private static List<Path> feasiblePaths(List<Group> input, int min, int max, int target) {
    List<Group> groups = new ArrayList<>(input);
    groups.sort(
        Comparator.comparingInt(Group::value)
            .thenComparing(Comparator.comparingLong(Group::weight).reversed())
            .thenComparing(Group::name));
    List<Path> paths = new ArrayList<>();
    search(groups, min, max, target, 0, 0, new ArrayList<>(), paths);
    return paths;
  }

  private static void search(
      List<Group> groups,
      int min,
      int max,
      int target,
      int sum,
      int begin,
      List<Group> current,
      List<Path> paths) {
    if (sum >= target && current.size() >= min && current.size() <= max) {
      paths.add(record(paths.size() + 1, current));
      return;
    }
    if (current.size() >= max) {
      return;
    }
    for (int i = begin; i < groups.size(); i++) {
      current.add(groups.get(i));
      search(groups, min, max, target, sum + groups.get(i).value(), i + 1, current, paths);
      // When every group is needed to reach the minimum there is nothing to backtrack to.
      if (groups.size() == min) {
        break;
      }
      current.remove(current.size() - 1);
    }
  }

  private static Path record(int id, List<Group> current) {
    List<Group> sorted = new ArrayList<>(current);
    sorted.sort(Comparator.comparingLong(Group::weight).reversed().thenComparing(Group::name));
    long weight = sorted.stream().mapToLong(Group::weight).sum();
    int value = sorted.stream().mapToInt(Group::value).sum();
    return new Path(id, List.copyOf(sorted), weight, value);
  }
}
