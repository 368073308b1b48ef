package dev.flotilla.policies.placement;

import dev.flotilla.policies.names.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Divides seats (replicas) among parties (clusters) by weight with the Webster/Sainte-Laguë method,
 * as Karmada's dispenser does: each next seat goes to the highest {@code votes / (2 * seats + 1)};
 * ties go to the party with fewer seats, then by name in an order fixed per resource UID so equal
 * clusters are not always favoured alike.
 */
public final class Webster {

  private Webster() {}

  /** One party's votes and seats. */
  public record Party(String name, long votes, int seats) {}

  /**
   * Hands out {@code seats} on top of {@code initial} by {@code votes}; returns every party sorted
   * by name.
   *
   * @param uid the resource template's UID; its FNV-32a parity picks ascending or descending name
   *     tie-breaks
   */
  public static List<TargetCluster> allocate(
      int seats, Map<String, Long> votes, Map<String, Integer> initial, String uid) {
    Map<String, Party> parties = new LinkedHashMap<>();
    initial.forEach((name, s) -> parties.put(name, new Party(name, 0, s)));
    votes.forEach(
        (name, v) ->
            parties.merge(
                name, new Party(name, v, 0), (old, fresh) -> new Party(name, v, old.seats())));
    if (parties.isEmpty()) {
      return List.of();
    }
    boolean descendingNames = uid != null && !uid.isEmpty() && (Names.fnv32a(uid) & 1) == 1;
    PriorityQueue<Party> queue = new PriorityQueue<>(priority(descendingNames));
    queue.addAll(parties.values());
    for (int remaining = seats; remaining > 0; remaining--) {
      Party next = queue.poll();
      queue.add(new Party(next.name(), next.votes(), next.seats() + 1));
    }
    List<Party> result = new ArrayList<>(queue);
    result.sort(Comparator.comparing(Party::name));
    return result.stream().map(p -> new TargetCluster(p.name(), p.seats())).toList();
  }

  // Karmada compares the quotients as float64; doubles here give the same ties.
  private static Comparator<Party> priority(boolean descendingNames) {
    return (a, b) -> {
      double pa = (double) a.votes() / (2.0 * a.seats() + 1);
      double pb = (double) b.votes() / (2.0 * b.seats() + 1);
      if (pa != pb) {
        return pa > pb ? -1 : 1;
      }
      if (a.seats() != b.seats()) {
        return Integer.compare(a.seats(), b.seats());
      }
      return descendingNames ? b.name().compareTo(a.name()) : a.name().compareTo(b.name());
    };
  }
}
