package dev.flotilla.sim.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Answers as CoreDNS's kubernetes and multicluster plugins give them, from a hand-filled index. */
class DnsAnswersTest {
  private DnsIndex index;
  private DnsAnswers answers;

  @BeforeEach
  void fill() {
    index = new DnsIndex();
    answers = new DnsAnswers(index);
    index.namespace("shop", true);
    index.service(
        "shop",
        "web",
        Json.read(
            """
            {"spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
             "ports":[{"name":"http","port":80,"protocol":"TCP"},{"port":9090,"protocol":"TCP"}]}}
            """
                .getBytes()));
    index.service(
        "shop",
        "db",
        Json.read(
            "{\"spec\":{\"clusterIP\":\"None\",\"ports\":[{\"name\":\"sql\",\"port\":5432}]}}"
                .getBytes()));
    index.endpointSlice(
        "shop",
        "db-abc",
        slice(
            "{\"kubernetes.io/service-name\":\"db\"}",
            "[{\"addresses\":[\"10.244.0.5\"],\"hostname\":\"db-0\",\"conditions\":{\"ready\":true}},"
                + "{\"addresses\":[\"10.244.0.6\"],\"conditions\":{\"ready\":false}},"
                + "{\"addresses\":[\"10.244.0.7\"]}]",
            "[{\"name\":\"sql\",\"port\":5432,\"protocol\":\"TCP\"}]"));
    index.serviceImport(
        "shop",
        "web",
        Json.read(
            ("{\"spec\":{\"type\":\"ClusterSetIP\",\"ips\":[\"10.97.0.9\"],"
                    + "\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"}]}}")
                .getBytes()));
    index.serviceImport(
        "shop",
        "db",
        Json.read(
            "{\"spec\":{\"type\":\"Headless\",\"ports\":[{\"name\":\"sql\",\"port\":5432}]}}"
                .getBytes()));
    index.endpointSlice(
        "shop",
        "derived-db-member1",
        slice(
            "{\"kubernetes.io/service-name\":\"derived-db\","
                + "\"multicluster.kubernetes.io/service-name\":\"db\","
                + "\"multicluster.kubernetes.io/source-cluster\":\"member1\"}",
            "[{\"addresses\":[\"10.10.0.5\"],\"hostname\":\"db-0\"}]",
            "[{\"name\":\"sql\",\"port\":5432,\"protocol\":\"TCP\"}]"));
  }

  private static ObjectNode slice(String labels, String endpoints, String ports) {
    return Json.read(
        ("{\"metadata\":{\"labels\":"
                + labels
                + "},\"addressType\":\"IPv4\",\"endpoints\":"
                + endpoints
                + ",\"ports\":"
                + ports
                + "}")
            .getBytes());
  }

  private Message ask(String name, int type) throws Exception {
    Message query =
        Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
    return answers.answer(new Message(query.toWire())); // through the wire format, as served
  }

  private static Set<String> rdata(Message m) {
    Set<String> out = new TreeSet<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      out.add(r.rdataToString());
    }
    return out;
  }

  @Test
  void clusterIpServiceIsItsClusterIp() throws Exception {
    Message m = ask("web.shop.svc.cluster.local", Type.A);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals(Set.of("10.96.0.20"), rdata(m));
    assertEquals(5, m.getSection(Section.ANSWER).get(0).getTTL());
  }

  @Test
  void headlessServiceIsItsReadyEndpoints() throws Exception {
    assertEquals(
        Set.of("10.244.0.5", "10.244.0.7"), rdata(ask("db.shop.svc.cluster.local", Type.A)));
    assertEquals(Set.of("10.244.0.5"), rdata(ask("db-0.db.shop.svc.cluster.local", Type.A)));
    assertEquals(Set.of("10.244.0.7"), rdata(ask("10-244-0-7.db.shop.svc.cluster.local", Type.A)));
  }

  @Test
  void srvPerNamedPortOrEveryPort() throws Exception {
    Message named = ask("_http._tcp.web.shop.svc.cluster.local", Type.SRV);
    assertEquals(Set.of("0 100 80 web.shop.svc.cluster.local."), rdata(named));
    assertEquals(
        "10.96.0.20", named.getSection(Section.ADDITIONAL).get(0).rdataToString(), "target's A");
    assertEquals(
        Set.of("0 50 80 web.shop.svc.cluster.local.", "0 50 9090 web.shop.svc.cluster.local."),
        rdata(ask("web.shop.svc.cluster.local", Type.SRV)));
    assertEquals(
        Set.of(
            "0 50 5432 db-0.db.shop.svc.cluster.local.",
            "0 50 5432 10-244-0-7.db.shop.svc.cluster.local."),
        rdata(ask("_sql._tcp.db.shop.svc.cluster.local", Type.SRV)));
  }

  @Test
  void clustersetIpIsTheServiceImportsIps() throws Exception {
    assertEquals(Set.of("10.97.0.9"), rdata(ask("web.shop.svc.clusterset.local", Type.A)));
    Message srv = ask("_http._tcp.web.shop.svc.clusterset.local", Type.SRV);
    assertEquals(Set.of("0 100 80 web.shop.svc.clusterset.local."), rdata(srv));
  }

  @Test
  void clustersetHeadlessIsEndpointsNamedWithTheirCluster() throws Exception {
    assertEquals(Set.of("10.10.0.5"), rdata(ask("db.shop.svc.clusterset.local", Type.A)));
    assertEquals(
        Set.of("10.10.0.5"), rdata(ask("db-0.member1.db.shop.svc.clusterset.local", Type.A)));
    assertEquals(
        Set.of("0 100 5432 db-0.member1.db.shop.svc.clusterset.local."),
        rdata(ask("_sql._tcp.db.shop.svc.clusterset.local", Type.SRV)));
    assertEquals(
        Rcode.NXDOMAIN, ask("db-0.member2.db.shop.svc.clusterset.local", Type.A).getRcode());
  }

  @Test
  void missingNamesAreNxdomainAndMissingTypesNodata() throws Exception {
    for (String name :
        List.of(
            "nope.shop.svc.cluster.local",
            "web.nons.svc.cluster.local",
            "nope.shop.svc.clusterset.local",
            "derived-db.shop.svc.clusterset.local",
            "a.b.c.web.shop.svc.cluster.local",
            "10-244-0-5.shop.pod.cluster.local")) {
      Message m = ask(name, Type.A);
      assertEquals(Rcode.NXDOMAIN, m.getRcode(), name);
      assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType(), name);
    }
    Message nodata = ask("web.shop.svc.cluster.local", Type.AAAA);
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
    assertEquals(Rcode.NOERROR, ask("shop.svc.cluster.local", Type.A).getRcode());
    for (String apex : List.of("cluster.local", "svc.cluster.local", "pod.cluster.local")) {
      Message m = ask(apex, Type.A);
      assertEquals(Rcode.NOERROR, m.getRcode(), apex);
      assertTrue(m.getSection(Section.ANSWER).isEmpty(), apex);
    }
    assertEquals(
        Type.SOA, ask("clusterset.local", Type.SOA).getSection(Section.ANSWER).get(0).getType());
  }

  @Test
  void namesOutsideTheCorefileZonesAreRefused() throws Exception {
    assertEquals(Rcode.REFUSED, ask("example.com", Type.A).getRcode());
    index.corefile(Corefile.parse(".:53 {\n  kubernetes cluster.local {\n  }\n}\n"));
    assertEquals(
        Rcode.REFUSED,
        ask("web.shop.svc.clusterset.local", Type.A).getRcode(),
        "no multicluster line, no clusterset zone");
    assertEquals(Set.of("10.96.0.20"), rdata(ask("web.shop.svc.cluster.local", Type.A)));
  }

  @Test
  void schemaVersion() throws Exception {
    assertEquals(Set.of("\"1.1.0\""), rdata(ask("dns-version.clusterset.local", Type.TXT)));
  }

  @Test
  void defaultCorefileShowsBothPlugins() {
    assertEquals(List.of("cluster.local"), Corefile.DEFAULT.clusterZones());
    assertEquals(List.of("clusterset.local"), Corefile.DEFAULT.clustersetZones());
    assertTrue(Corefile.DEFAULT_TEXT.contains("multicluster clusterset.local"));
  }

  @Test
  void deletedSliceLeavesTheIndex() throws Exception {
    index.endpointSlice("shop", "db-abc", null);
    assertEquals(Rcode.NXDOMAIN, ask("db.shop.svc.cluster.local", Type.A).getRcode());
    assertTrue(rdata(ask("db.shop.svc.clusterset.local", Type.A)).contains("10.10.0.5"));
  }
}
