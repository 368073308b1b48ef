package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Picks free Service cluster IPs (in 10.96.0.0/12, the kubeadm default; 10.96.0.1 stays reserved
 * for the "kubernetes" Service) and node ports (30000-32767), avoiding those the stored Services
 * hold. A random pick keeps two concurrent creates from choosing the same address in practice;
 * nothing here reserves across requests, which a hub that runs no Pods does not need.
 */
final class ServiceAddresses {
  private static final int NETWORK = (10 << 24) | (96 << 16); // 10.96.0.0
  private static final int HOSTS = 1 << 20; // a /12
  private static final int FIRST_NODE_PORT = 30000;
  private static final int NODE_PORTS = 32767 - FIRST_NODE_PORT + 1;
  private static final int ATTEMPTS = 64;

  private final Supplier<Iterable<JsonNode>> services;
  private final Random random;

  /** {@code services} yields the stored Services, read when an address is needed. */
  ServiceAddresses(Supplier<Iterable<JsonNode>> services, Random random) {
    this.services = services;
    this.random = random;
  }

  String allocateClusterIp() {
    Set<String> used = new HashSet<>();
    for (JsonNode s : services.get()) {
      s.at("/spec/clusterIPs").forEach(ip -> used.add(ip.asText()));
      used.add(s.at("/spec/clusterIP").asText());
    }
    for (int i = 0; i < ATTEMPTS; i++) {
      int host = 2 + random.nextInt(HOSTS - 3); // skip the network, .0.1 and the broadcast
      String ip = format(NETWORK + host);
      if (!used.contains(ip)) {
        return ip;
      }
    }
    throw new IllegalStateException("no free cluster IP found in 10.96.0.0/12");
  }

  int allocateNodePort() {
    Set<Integer> used = new HashSet<>();
    for (JsonNode s : services.get()) {
      s.at("/spec/ports").forEach(p -> used.add(p.path("nodePort").asInt()));
    }
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = FIRST_NODE_PORT + random.nextInt(NODE_PORTS);
      if (!used.contains(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free node port found in 30000-32767");
  }

  private static String format(int ip) {
    return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
  }
}
