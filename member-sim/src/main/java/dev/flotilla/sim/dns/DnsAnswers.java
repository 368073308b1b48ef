package dev.flotilla.sim.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers one DNS query from a {@link DnsIndex} as CoreDNS would with its {@code kubernetes} plugin
 * ({@code <svc>.<ns>.svc.cluster.local}: ClusterIPs, headless endpoints, {@code
 * <hostname>.<svc>...}, SRV per port) and its {@code multicluster} plugin ({@code
 * <svc>.<ns>.svc.clusterset.local}: the ServiceImport's {@code spec.ips}, or for a Headless import
 * the ready endpoints of its MCS-labelled EndpointSlices as {@code
 * <hostname>.<clusterid>.<svc>...}). A name that does not exist is NXDOMAIN, a name without records
 * of the asked type NODATA, both with the zone's SOA; names outside the Corefile's zones are
 * REFUSED. Pure and non-blocking.
 */
public final class DnsAnswers {
  /** The TTL both plugins give by default. */
  static final long TTL = 5;

  /** The DNS schema version both plugins report at {@code dns-version.<zone>}. */
  static final String SCHEMA_VERSION = "1.1.0";

  private static final String ANY = "*";

  private final DnsIndex index;

  public DnsAnswers(DnsIndex index) {
    this.index = index;
  }

  /** One answer before it becomes records: an address (or a name, for ExternalName) and a port. */
  private record Entry(String host, int port, String target) {}

  /** What a lookup found: nothing (NXDOMAIN), or a name with zero or more entries. */
  private record Found(boolean exists, List<Entry> entries) {
    static final Found NONE = new Found(false, List.of());
    static final Found EMPTY = new Found(true, List.of());
  }

  /** The response to {@code query} (already parsed). */
  public Message answer(Message query) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    Record question = query.getQuestion();
    if (question == null || query.getHeader().getOpcode() != 0) {
      response.getHeader().setRcode(Rcode.FORMERR);
      return response;
    }
    response.addRecord(question, Section.QUESTION);
    Name qname = question.getName();
    String name = qname.toString(true).toLowerCase(Locale.ROOT);
    Corefile corefile = index.corefile();
    String zone = longestZone(name, corefile.clusterZones());
    boolean clusterset = false;
    String setZone = longestZone(name, corefile.clustersetZones());
    if (setZone != null && (zone == null || setZone.length() > zone.length())) {
      zone = setZone;
      clusterset = true;
    }
    if (zone == null) {
      response.getHeader().setRcode(Rcode.REFUSED);
      return response;
    }
    response.getHeader().setFlag(Flags.AA);
    int type = question.getType();
    String rest =
        name.length() == zone.length() ? "" : name.substring(0, name.length() - zone.length() - 1);
    List<String> labels = rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\."));
    try {
      if (labels.isEmpty() && type == Type.SOA) {
        response.addRecord(soa(zone), Section.ANSWER);
        return response;
      }
      if (type == Type.TXT && labels.equals(List.of("dns-version"))) {
        response.addRecord(new TXTRecord(qname, DClass.IN, 28800, SCHEMA_VERSION), Section.ANSWER);
        return response;
      }
      Found found = clusterset ? clusterset(labels, zone) : cluster(labels, zone);
      if (!found.exists()) {
        response.getHeader().setRcode(Rcode.NXDOMAIN);
        response.addRecord(soa(zone), Section.AUTHORITY);
        return response;
      }
      List<Record> answers = records(qname, type, found.entries(), response);
      if (answers.isEmpty()) {
        response.addRecord(soa(zone), Section.AUTHORITY); // NODATA
      }
      answers.forEach(r -> response.addRecord(r, Section.ANSWER));
      return response;
    } catch (TextParseException | UnknownHostException e) {
      response.getHeader().setRcode(Rcode.SERVFAIL);
      return response;
    }
  }

  private static String longestZone(String name, List<String> zones) {
    String best = null;
    for (String z : zones) {
      boolean matches = name.equals(z) || name.endsWith("." + z);
      if (matches && (best == null || z.length() > best.length())) {
        best = z;
      }
    }
    return best;
  }

  // ---- lookups ----

  /**
   * The kubernetes plugin: service.ns.svc, endpoint.service.ns.svc, _port._proto.service.ns.svc.
   */
  private Found cluster(List<String> labels, String zone) {
    Request r = Request.parse(labels, false);
    if (r == null) {
      return Found.NONE;
    }
    if (r.apex()) {
      return r.namespace() == null || index.namespaceExists(r.namespace())
          ? Found.EMPTY
          : Found.NONE;
    }
    if (!index.namespaceExists(r.namespace())) {
      return Found.NONE;
    }
    DnsIndex.Service svc = index.service(r.namespace(), r.service());
    if (svc == null) {
      return Found.NONE;
    }
    String svcName = r.service() + "." + r.namespace() + ".svc." + zone;
    if ("ExternalName".equals(svc.type())) {
      return svc.externalName() == null
          ? Found.NONE
          : new Found(true, List.of(new Entry(svc.externalName(), 0, svcName)));
    }
    if (svc.headless() || r.endpoint() != null) {
      return endpoints(index.slicesOfService(r.namespace(), r.service()), r, null, "." + svcName);
    }
    return clusterIps(svc.ips(), svc.ports(), r, svcName);
  }

  /**
   * The multicluster plugin: the same names under the clusterset zone, endpoints with a cluster.
   */
  private Found clusterset(List<String> labels, String zone) {
    Request r = Request.parse(labels, true);
    if (r == null) {
      return Found.NONE;
    }
    if (r.apex()) {
      return r.namespace() == null || index.namespaceExists(r.namespace())
          ? Found.EMPTY
          : Found.NONE;
    }
    if (!index.namespaceExists(r.namespace())) {
      return Found.NONE;
    }
    DnsIndex.Import si = index.serviceImport(r.namespace(), r.service());
    if (si == null) {
      return Found.NONE;
    }
    String svcName = r.service() + "." + r.namespace() + ".svc." + zone;
    if (si.headless() || r.endpoint() != null) {
      return endpoints(index.slicesOfImport(r.namespace(), r.service()), r, r.cluster(), svcName);
    }
    return clusterIps(si.ips(), si.ports(), r, svcName);
  }

  private static Found clusterIps(
      List<String> ips, List<DnsIndex.Port> ports, Request r, String svcName) {
    boolean matched = false;
    List<Entry> entries = new ArrayList<>();
    for (DnsIndex.Port p : ports) {
      if (!matches(r.port(), p.name()) || !matches(r.protocol(), p.protocol())) {
        continue;
      }
      matched = true;
      for (String ip : ips) {
        entries.add(new Entry(ip, p.port(), svcName));
      }
    }
    return matched ? new Found(true, entries) : Found.NONE;
  }

  /**
   * Ready endpoints: as {@code <hostname>.<svc>...} (cluster.local, {@code suffix} starting with a
   * dot) or {@code <hostname>.<clusterid>.<svc>...} (clusterset, {@code cluster} filtering).
   */
  private static Found endpoints(
      Iterable<DnsIndex.Slice> slices, Request r, String cluster, String suffix) {
    List<Entry> entries = new ArrayList<>();
    for (DnsIndex.Slice s : slices) {
      boolean clustersetName = !suffix.startsWith(".");
      if (clustersetName && cluster != null && !cluster.equalsIgnoreCase(s.sourceCluster())) {
        continue;
      }
      for (DnsIndex.Address a : s.addresses()) {
        if (!a.ready()) {
          continue;
        }
        String host = hostname(a);
        if (r.endpoint() != null && !r.endpoint().equalsIgnoreCase(host)) {
          continue;
        }
        String target =
            clustersetName
                ? host + "." + (s.sourceCluster() == null ? "" : s.sourceCluster() + ".") + suffix
                : host + suffix;
        List<DnsIndex.Port> ports =
            s.ports().isEmpty() ? List.of(new DnsIndex.Port("", -1, "")) : s.ports();
        for (DnsIndex.Port p : ports) {
          if (p.port() >= 0
              && (!matches(r.port(), p.name()) || !matches(r.protocol(), p.protocol()))) {
            continue;
          }
          entries.add(new Entry(a.ip(), p.port(), target));
        }
      }
    }
    return entries.isEmpty() ? Found.NONE : new Found(true, entries);
  }

  /** The endpoint's hostname, or its address with dashes, as both plugins name endpoints. */
  private static String hostname(DnsIndex.Address a) {
    if (a.hostname() != null && !a.hostname().isEmpty()) {
      return a.hostname();
    }
    return a.ip().replace('.', '-').replace(':', '-');
  }

  private static boolean matches(String wanted, String have) {
    return ANY.equals(wanted) || wanted.equalsIgnoreCase(have);
  }

  // ---- records ----

  private List<Record> records(Name qname, int type, List<Entry> entries, Message response)
      throws TextParseException, UnknownHostException {
    List<Record> out = new ArrayList<>();
    switch (type) {
      case Type.A, Type.AAAA -> {
        Set<String> seen = new LinkedHashSet<>();
        for (Entry e : entries) {
          if (!seen.add(e.host())) {
            continue;
          }
          Record rec = addressRecord(qname, e.host(), type);
          if (rec != null) {
            out.add(rec);
          }
        }
      }
      case Type.SRV -> {
        Set<String> seen = new LinkedHashSet<>();
        List<Entry> srv = new ArrayList<>();
        for (Entry e : entries) {
          if (e.port() >= 0 && seen.add(e.target() + ":" + e.port())) {
            srv.add(e);
          }
        }
        int weight = srv.isEmpty() ? 0 : 100 / srv.size();
        Set<String> extra = new LinkedHashSet<>();
        for (Entry e : srv) {
          Name target = Name.fromString(e.target() + ".");
          out.add(new SRVRecord(qname, DClass.IN, TTL, 0, weight, e.port(), target));
          if (extra.add(e.target())) {
            Record a = addressRecord(target, e.host(), ipv6(e.host()) ? Type.AAAA : Type.A);
            if (a != null) {
              response.addRecord(a, Section.ADDITIONAL);
            }
          }
        }
      }
      default -> {}
    }
    return out;
  }

  /** An A or AAAA record for an address of that family, a CNAME for a name, else null. */
  private static Record addressRecord(Name owner, String host, int type)
      throws TextParseException, UnknownHostException {
    if (!Address.isDottedQuad(host) && !host.contains(":")) {
      return new CNAMERecord(owner, DClass.IN, TTL, Name.fromString(host + "."));
    }
    InetAddress ip = Address.getByAddress(host);
    if (type == Type.A && !ipv6(host)) {
      return new ARecord(owner, DClass.IN, TTL, ip);
    }
    if (type == Type.AAAA && ipv6(host)) {
      return new AAAARecord(owner, DClass.IN, TTL, ip);
    }
    return null;
  }

  private static boolean ipv6(String host) {
    return host.contains(":");
  }

  private SOARecord soa(String zone) throws TextParseException {
    Name z = Name.fromString(zone + ".");
    return new SOARecord(
        z,
        DClass.IN,
        TTL,
        Name.fromString("ns.dns." + zone + "."),
        Name.fromString("hostmaster." + zone + "."),
        index.serial() & 0xffffffffL,
        7200,
        1800,
        86400,
        TTL);
  }
}
