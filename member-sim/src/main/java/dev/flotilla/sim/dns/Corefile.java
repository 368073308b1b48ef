package dev.flotilla.sim.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The part of a CoreDNS Corefile a simulated member's DNS honours: the zones of the {@code
 * kubernetes} plugin (cluster-local records) and of the {@code multicluster} plugin (clusterset
 * records). Everything else in the file is shown, not interpreted.
 *
 * @param clusterZones zones answered as CoreDNS's kubernetes plugin would, e.g. cluster.local
 * @param clustersetZones zones answered as the multicluster plugin would, e.g. clusterset.local
 */
public record Corefile(List<String> clusterZones, List<String> clustersetZones) {

  /** What a simulated member's kube-system/coredns ConfigMap holds until someone edits it. */
  public static final String DEFAULT_TEXT =
      """
      # A simulated member (Flotilla) answers on the address in the annotation
      # sim.flotilla.dev/dns-endpoint of Service kube-system/kube-dns. It reads the zones of
      # the kubernetes and multicluster lines below; names outside them are REFUSED.
      .:53 {
          errors
          multicluster clusterset.local
          kubernetes cluster.local {
              pods disabled
          }
      }
      """;

  public static final Corefile DEFAULT = parse(DEFAULT_TEXT);

  /** The zones of the kubernetes and multicluster lines of {@code text}. */
  public static Corefile parse(String text) {
    List<String> cluster = new ArrayList<>();
    List<String> clusterset = new ArrayList<>();
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
      String[] tokens = content.split("\\s+");
      List<String> into =
          switch (tokens[0]) {
            case "kubernetes" -> cluster;
            case "multicluster" -> clusterset;
            default -> null;
          };
      if (into == null) {
        continue;
      }
      for (int i = 1; i < tokens.length && !tokens[i].equals("{"); i++) {
        String zone = tokens[i].toLowerCase(Locale.ROOT);
        into.add(zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone);
      }
    }
    return new Corefile(List.copyOf(cluster), List.copyOf(clusterset));
  }
}
