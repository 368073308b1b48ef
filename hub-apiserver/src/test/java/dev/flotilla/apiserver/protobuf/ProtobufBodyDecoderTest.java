package dev.flotilla.apiserver.protobuf;

import static dev.flotilla.apiserver.protobuf.Pb.envelope;
import static dev.flotilla.apiserver.protobuf.Pb.intOrString;
import static dev.flotilla.apiserver.protobuf.Pb.msg;
import static dev.flotilla.apiserver.protobuf.Pb.objectMeta;
import static dev.flotilla.apiserver.protobuf.Pb.quantity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtobufBodyDecoderTest {

  private static void assertJson(String expected, ObjectNode actual) {
    assertEquals(
        Json.parseObject(expected.replace('\'', '"').getBytes(StandardCharsets.UTF_8), false),
        actual,
        () -> "decoded: " + actual);
  }

  @Test
  void namespace() {
    byte[] body =
        envelope(
            "v1",
            "Namespace",
            msg().msg(1, objectMeta("foo", "")).msg(2, msg()).msg(3, msg().str(1, "")));
    assertJson(
        "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'foo',"
            + "'creationTimestamp':null},'spec':{},'status':{}}",
        ProtobufBodyDecoder.decode(body));
  }

  @Test
  void configMapWithData() {
    byte[] body =
        envelope(
            "v1",
            "ConfigMap",
            msg()
                .msg(1, objectMeta("c", "default").entry(11, "app", "c"))
                .entry(2, "a", "b")
                .entry(2, "empty", "")
                .entry(3, "bin", new byte[] {1, 2}));
    ObjectNode cm = ProtobufBodyDecoder.decode(body);
    assertJson(
        "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c',"
            + "'namespace':'default','creationTimestamp':null,'labels':{'app':'c'}},"
            + "'data':{'a':'b','empty':''},'binaryData':{'bin':'AQI='}}",
        cm);
  }

  @Test
  void secretBytesBecomeBase64() {
    byte[] body =
        envelope(
            "v1",
            "Secret",
            msg()
                .msg(1, objectMeta("s", "ns1"))
                .entry(2, "k", new byte[] {0, 1, 2, (byte) 255})
                .entry(2, "password", "hunter2".getBytes(StandardCharsets.UTF_8))
                .str(3, "Opaque"));
    assertJson(
        "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s','namespace':'ns1',"
            + "'creationTimestamp':null},'data':{'k':'AAEC/w==','password':'aHVudGVyMg=='},"
            + "'type':'Opaque'}",
        ProtobufBodyDecoder.decode(body));
  }

  @Test
  void deploymentKeepsZeroReplicasAndConvertsQuantitiesAndIntOrString() {
    Pb container =
        msg()
            .str(1, "nginx")
            .str(2, "nginx:1.27")
            .str(5, "")
            .msg(6, msg().str(1, "").varint(2, 0).varint(3, 80).str(4, "TCP").str(5, ""))
            .msg(6, msg().str(1, "metrics").varint(2, 0).varint(3, 9090).str(4, "TCP").str(5, ""))
            .msg(
                8,
                msg()
                    .entry(1, "cpu", quantity("500m"))
                    .entry(1, "memory", quantity("128Mi"))
                    .entry(2, "cpu", quantity("250m")))
            .str(13, "/dev/termination-log")
            .str(14, "IfNotPresent")
            .bool(16, false);
    Pb podSpec = msg().msg(2, container).str(3, "Always").str(6, "ClusterFirst").bool(11, false);
    Pb template = msg().msg(1, objectMeta("", "").entry(11, "app", "web")).msg(2, podSpec);
    Pb spec =
        msg()
            .varint(1, 0)
            .msg(2, msg().entry(1, "app", "web"))
            .msg(3, template)
            .msg(
                4,
                msg()
                    .str(1, "RollingUpdate")
                    .msg(2, msg().msg(1, intOrString(1)).msg(2, intOrString("25%"))))
            .varint(5, 0)
            .bool(7, false);
    Pb meta = objectMeta("web", "default").entry(11, "app", "web");
    byte[] body =
        envelope(
            "apps/v1",
            "Deployment",
            msg().msg(1, meta).msg(2, spec).msg(3, msg().varint(1, 0).varint(2, 0)));
    assertJson(
        "{'apiVersion':'apps/v1','kind':'Deployment',"
            + "'metadata':{'name':'web','namespace':'default','creationTimestamp':null,"
            + "  'labels':{'app':'web'}},"
            + "'spec':{'replicas':0,'selector':{'matchLabels':{'app':'web'}},"
            + "  'template':{'metadata':{'creationTimestamp':null,'labels':{'app':'web'}},"
            + "    'spec':{'containers':[{'name':'nginx','image':'nginx:1.27',"
            + "      'ports':[{'containerPort':80,'protocol':'TCP'},"
            + "               {'name':'metrics','containerPort':9090,'protocol':'TCP'}],"
            + "      'resources':{'limits':{'cpu':'500m','memory':'128Mi'},"
            + "                   'requests':{'cpu':'250m'}},"
            + "      'terminationMessagePath':'/dev/termination-log',"
            + "      'imagePullPolicy':'IfNotPresent'}],"
            + "    'restartPolicy':'Always','dnsPolicy':'ClusterFirst'}},"
            + "  'strategy':{'type':'RollingUpdate',"
            + "    'rollingUpdate':{'maxUnavailable':1,'maxSurge':'25%'}}},"
            + "'status':{}}",
        ProtobufBodyDecoder.decode(body));
  }

  @Test
  void serviceWithIntTargetPort() {
    Pb port =
        msg().str(1, "80-8080").str(2, "TCP").varint(3, 80).msg(4, intOrString(8080)).varint(5, 0);
    Pb spec =
        msg()
            .msg(1, port)
            .entry(2, "app", "s")
            .str(3, "")
            .str(4, "ClusterIP")
            .str(7, "")
            .varint(12, 0)
            .bool(13, false);
    byte[] body =
        envelope(
            "v1",
            "Service",
            msg().msg(1, objectMeta("s", "")).msg(2, spec).msg(3, msg().msg(1, msg())));
    assertJson(
        "{'apiVersion':'v1','kind':'Service','metadata':{'name':'s',"
            + "'creationTimestamp':null},'spec':{'ports':[{'name':'80-8080','protocol':'TCP',"
            + "'port':80,'targetPort':8080}],'selector':{'app':'s'},'type':'ClusterIP'},"
            + "'status':{'loadBalancer':{}}}",
        ProtobufBodyDecoder.decode(body));
  }

  @Test
  void timesListsInlineFieldsAndRawExtensions() {
    Pb meta = msg().str(1, "r").msg(8, msg().varint(1, 1_700_000_000L).varint(2, 5)).varint(10, 0);
    // ControllerRevision: data is a RawExtension holding JSON; revision an int64.
    byte[] rev =
        envelope(
            "apps/v1",
            "ControllerRevision",
            msg()
                .msg(1, meta)
                .msg(2, msg().str(1, "{\"spec\":{\"x\":[1,2]}}"))
                .varint(3, 5_000_000_000L));
    assertJson(
        "{'apiVersion':'apps/v1','kind':'ControllerRevision','metadata':{'name':'r',"
            + "'creationTimestamp':'2023-11-14T22:13:20Z','deletionGracePeriodSeconds':0},"
            + "'data':{'spec':{'x':[1,2]}},'revision':5000000000}",
        ProtobufBodyDecoder.decode(rev));

    // A pod's env var from a configMapKeyRef: LocalObjectReference is inlined.
    Pb env =
        msg()
            .str(1, "A")
            .str(2, "")
            .msg(3, msg().msg(3, msg().msg(1, msg().str(1, "cm")).str(2, "key")));
    byte[] pod = envelope("v1", "Pod", msg().msg(2, msg().msg(2, msg().str(1, "c").msg(7, env))));
    assertJson(
        "{'apiVersion':'v1','kind':'Pod','spec':{'containers':[{'name':'c',"
            + "'env':[{'name':'A','valueFrom':{'configMapKeyRef':{'name':'cm','key':'key'}}}]}]}}",
        ProtobufBodyDecoder.decode(pod));

    // SubjectAccessReview: map<string, ExtraValue> becomes a map of string arrays.
    byte[] sar =
        envelope(
            "authorization.k8s.io/v1",
            "SubjectAccessReview",
            msg().msg(2, msg().str(3, "alice").entry(5, "scopes", msg().str(1, "a").str(1, "b"))));
    assertJson(
        "{'apiVersion':'authorization.k8s.io/v1','kind':'SubjectAccessReview',"
            + "'spec':{'user':'alice','extra':{'scopes':['a','b']}}}",
        ProtobufBodyDecoder.decode(sar));

    // An Event's MicroTime keeps microseconds.
    byte[] event =
        envelope(
            "events.k8s.io/v1",
            "Event",
            msg().msg(2, msg().varint(1, 1_700_000_000L).varint(2, 123_456_789)));
    assertEquals(
        "2023-11-14T22:13:20.123456Z",
        ProtobufBodyDecoder.decode(event).path("eventTime").asText());
  }

  @Test
  void packedRepeatedScalarsAndUnknownFieldsAreAccepted() {
    // Pod spec.securityContext.supplementalGroups (repeated int64 = 4), written packed; then
    // unknown fields of every wire type, which a newer client may send and we skip.
    Pb packed = msg().tag(4, 2).rawVarint(3).rawVarint(1).rawVarint(2).rawVarint(3);
    Pb podSpec =
        msg()
            .msg(14, packed)
            .varint(99, 7)
            .str(97, "x")
            .fixed32(96, -1)
            .fixed64(95, Long.MIN_VALUE)
            .msg(94, msg().varint(1, 1));
    byte[] ok = envelope("v1", "Pod", msg().msg(2, podSpec).fixed32(93, 1).varint(99, 7));
    assertJson(
        "{'apiVersion':'v1','kind':'Pod','spec':{'securityContext':"
            + "{'supplementalGroups':[1,2,3]}}}",
        ProtobufBodyDecoder.decode(ok));
    // An unknown fixed32 field with only one of its four bytes.
    assertBadRequest(envelope("v1", "Pod", msg().tag(96, 5).rawVarint(1)), "truncated fixed32");
    // A known string field (ObjectMeta.name) sent as a fixed64.
    assertBadRequest(envelope("v1", "Pod", msg().msg(1, msg().fixed64(1, 5))), "wire type");
  }

  @Test
  void malformedBodiesAreBadRequests() {
    assertBadRequest("{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8), "magic");
    assertBadRequest(new byte[] {'k', '8', 's'}, "magic");
    assertBadRequest(envelope("v1", "NoSuchKind", msg()), "NoSuchKind");
    assertBadRequest(envelope("example.com/v1", "Widget", msg()), "Widget");
    assertBadRequest(new byte[] {'k', '8', 's', 0, 0x0a, (byte) 0x80}, "truncated varint");
    assertBadRequest(new byte[] {'k', '8', 's', 0, 0x12, 0x7f, 1}, "runs past the end");
    // metadata (field 1) sent as a varint.
    assertBadRequest(envelope("v1", "Namespace", msg().varint(1, 3)), "wire type");
    // An IntOrString with type 7.
    assertBadRequest(
        envelope("v1", "Service", msg().msg(2, msg().msg(1, msg().msg(4, msg().varint(1, 7))))),
        "IntOrString");
    // A RawExtension that is not JSON.
    assertBadRequest(
        envelope("apps/v1", "ControllerRevision", msg().msg(2, msg().str(1, "{"))), "not JSON");
    // A time beyond year 9999.
    assertBadRequest(
        envelope("v1", "Namespace", msg().msg(1, msg().msg(8, msg().varint(1, Long.MAX_VALUE)))),
        "time");
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    // Each ControllerRevision's data (a RawExtension) holds the next envelope.
    byte[] body = envelope("apps/v1", "ControllerRevision", msg());
    for (int i = 0; i < 300; i++) {
      body = envelope("apps/v1", "ControllerRevision", msg().msg(2, msg().bytes(1, body)));
    }
    assertBadRequest(body, "nested");
  }

  @Test
  void hostileInputOnlyEverFailsAsMalformed() {
    List<byte[]> samples = new ArrayList<>();
    samples.add(envelope("v1", "Namespace", msg().msg(1, objectMeta("foo", ""))));
    samples.add(
        envelope(
            "v1",
            "Secret",
            msg()
                .msg(1, objectMeta("s", "x"))
                .entry(2, "k", new byte[] {1, 2, 3})
                .str(3, "Opaque")));
    samples.add(
        envelope(
            "v1",
            "Service",
            msg().msg(2, msg().msg(1, msg().varint(3, 80).msg(4, intOrString("http"))))));
    samples.add(envelope("apps/v1", "ControllerRevision", msg().msg(2, msg().str(1, "{\"a\":1}"))));
    Random random = new Random(42);
    MessageDecoder decoder = new MessageDecoder(ProtoSchema.get());
    int decoded = 0;
    for (byte[] sample : samples) {
      for (int len = 0; len < sample.length; len++) {
        decoded += tryDecode(decoder, Arrays.copyOf(sample, len));
      }
      for (int i = 0; i < 2000; i++) {
        byte[] mutated = sample.clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
          mutated[4 + random.nextInt(mutated.length - 4)] = (byte) random.nextInt(256);
        }
        decoded += tryDecode(decoder, mutated);
      }
    }
    for (int i = 0; i < 5000; i++) {
      byte[] noise = new byte[random.nextInt(200)];
      random.nextBytes(noise);
      if (noise.length >= 4 && random.nextBoolean()) {
        noise[0] = 'k';
        noise[1] = '8';
        noise[2] = 's';
        noise[3] = 0;
      }
      decoded += tryDecode(decoder, noise);
    }
    assertTrue(decoded > 0, "some mutations should still decode");
  }

  /** 1 when the bytes decode, 0 when they fail as malformed; anything else fails the test. */
  private static int tryDecode(MessageDecoder decoder, byte[] bytes) {
    try {
      ProtobufBodyDecoder.decodeEnvelope(decoder, bytes, 0);
      ProtobufBodyDecoder.decode(bytes);
      return 1;
    } catch (MalformedProtobufException e) {
      ApiException api = assertThrows(ApiException.class, () -> ProtobufBodyDecoder.decode(bytes));
      assertEquals(400, api.code());
      return 0;
    } catch (RuntimeException | StackOverflowError e) {
      fail("decoding " + HexFormat.of().formatHex(bytes) + " threw " + e, e);
      return 0;
    }
  }

  @Test
  void everyBuiltinKindHasAProtobufMessage() {
    ProtoSchema schema = ProtoSchema.get();
    List<String> missing = new ArrayList<>();
    for (ResourceType t : BuiltinCatalogue.get().types()) {
      if (schema.kindMessage(t.group(), t.version(), t.kind()) == null) {
        missing.add(t.apiVersion() + " " + t.kind());
        continue;
      }
      ObjectNode empty = ProtobufBodyDecoder.decode(envelope(t.apiVersion(), t.kind(), msg()));
      assertEquals(t.apiVersion(), empty.path("apiVersion").asText());
      assertEquals(t.kind(), empty.path("kind").asText());
    }
    assertEquals(List.of(), missing);
    assertTrue(schema.messageCount() > 1000);
  }

  @Test
  void goDurationFormat() {
    assertEquals("0s", GoDuration.format(0));
    assertEquals("100ns", GoDuration.format(100));
    assertEquals("1.5\u00b5s", GoDuration.format(1_500));
    assertEquals("2ms", GoDuration.format(2_000_000));
    assertEquals("1.5s", GoDuration.format(1_500_000_000L));
    assertEquals("1m0s", GoDuration.format(60_000_000_000L));
    assertEquals("1h30m0s", GoDuration.format(5_400_000_000_000L));
    assertEquals("-1h0m0.000000001s", GoDuration.format(-3_600_000_000_001L));
    assertEquals("-2562047h47m16.854775808s", GoDuration.format(Long.MIN_VALUE));
    assertEquals("2562047h47m16.854775807s", GoDuration.format(Long.MAX_VALUE));
  }

  private static void assertBadRequest(byte[] body, String messagePart) {
    ApiException e = assertThrows(ApiException.class, () -> ProtobufBodyDecoder.decode(body));
    assertEquals(400, e.code());
    assertEquals("BadRequest", e.reason());
    assertTrue(
        e.getMessage().startsWith("the protobuf body could not be decoded: "), e.getMessage());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    assertFalse(e.getMessage().contains("Exception"), e.getMessage());
  }
}
