package dev.flotilla.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldSelectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String POD =
      """
      {"kind":"Pod","metadata":{"name":"web-1","namespace":"default"},
       "spec":{"nodeName":"n1","restartPolicy":"Always","serviceAccountName":"sa"},
       "status":{"phase":"Running","podIP":"10.0.0.9","podIPs":[{"ip":"10.0.0.1"}]}}""";
  private static final String EVENT =
      """
      {"kind":"Event","metadata":{"name":"e1","namespace":"default"},
       "involvedObject":{"kind":"Pod","name":"web-1","namespace":"default","uid":"u-1"},
       "reason":"Started","type":"Normal","source":{"component":""},
       "reportingComponent":"kubelet"}""";
  private static final String NEW_EVENT =
      """
      {"kind":"Event","apiVersion":"events.k8s.io/v1","metadata":{"name":"e2","namespace":"ns"},
       "regarding":{"kind":"Deployment","name":"d"},"reason":"Scaled","type":"Normal",
       "reportingController":"deployment-controller"}""";
  private static final String OTHERS =
      """
      {"metadata":{"name":"x"},"type":"kubernetes.io/tls","status":{"phase":"Active"},
       "spec":{"unschedulable":true,"signerName":"kubernetes.io/kubelet-serving","color":"red",
       "size":3}}""";

  @ParameterizedTest(name = "[{index}] {1}: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``                                      | Pod                   | POD    | true",
        "metadata.name=web-1                     | Pod                   | POD    | true",
        "metadata.name==web-1                    | Pod                   | POD    | true",
        "metadata.name!=web-1                    | Pod                   | POD    | false",
        "`metadata.name=web-1,metadata.namespace=default` | Pod          | POD    | true",
        "`metadata.name=web-1,metadata.namespace=other`   | Pod          | POD    | false",
        "spec.nodeName=n1                        | Pod                   | POD    | true",
        "spec.nodeName!=                         | Pod                   | POD    | true",
        "spec.schedulerName=                     | Pod                   | POD    | true",
        "spec.hostNetwork=false                  | Pod                   | POD    | true",
        "status.phase=Running                    | Pod                   | POD    | true",
        "status.podIP=10.0.0.1                   | Pod                   | POD    | true",
        "status.nominatedNodeName=               | Pod                   | POD    | true",
        "`involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u-1,involvedObject.name=web-1` | Event | EVENT | true",
        "involvedObject.name=web-2               | Event                 | EVENT  | false",
        "reason=Started                          | Event                 | EVENT  | true",
        "source=kubelet                          | Event                 | EVENT  | true",
        "reportingComponent=kubelet              | Event                 | EVENT  | true",
        "type!=Warning                           | Event                 | EVENT  | true",
        "regarding.kind=Deployment               | Event.events.k8s.io   | NEW_EVENT | true",
        "reportingController=deployment-controller | Event.events.k8s.io | NEW_EVENT | true",
        "regarding.name=web-1                    | Event.events.k8s.io   | EVENT  | true",
        "involvedObject.kind=Deployment          | Event                 | NEW_EVENT | true",
        "type=kubernetes.io/tls                  | Secret                | OTHERS | true",
        "status.phase=Active                     | Namespace             | OTHERS | true",
        "spec.unschedulable=true                 | Node                  | OTHERS | true",
        "spec.unschedulable=false                | Node                  | POD    | true",
        "status.replicas=0                       | ReplicaSet            | POD    | true",
        "status.replicas=0                       | ReplicationController | POD    | true",
        "status.successful=0                     | Job.batch             | POD    | true",
        "spec.signerName=kubernetes.io/kubelet-serving | CertificateSigningRequest | OTHERS | true",
        "metadata.namespace=                     | Node                  | OTHERS | true",
      })
  void matchesTable(String selector, String kind, String object, boolean expected)
      throws Exception {
    String json =
        switch (object) {
          case "POD" -> POD;
          case "EVENT" -> EVENT;
          case "NEW_EVENT" -> NEW_EVENT;
          default -> OTHERS;
        };
    assertEquals(expected, FieldSelector.parse(selector, kind).matches(JSON.readTree(json)));
  }

  @ParameterizedTest(name = "[{index}] {1}: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "spec.nodeName=n1       | ConfigMap           | field label not supported: spec.nodeName",
        "spec.foo=x             | Pod                 | field label not supported: spec.foo",
        "involvedObject.kind=P  | Event.events.k8s.io | field label not supported: involvedObject.kind",
        "regarding.kind=P       | Event               | field label not supported: regarding.kind",
        "status.replicas=1      | Widget.example.com  | field label not supported: status.replicas",
        "spec.nodeName=n1       | Pod.example.com     | field label not supported: spec.nodeName",
        "metadata.name          | Pod                 | invalid selector: 'metadata.name'; can't understand 'metadata.name'",
        "=b                     | Pod                 | can't understand '=b'",
        "`a=b,metadata.name`    | Pod                 | can't understand 'metadata.name'",
        "metadata.name=a=b      | Pod                 | unescaped character in value: =",
        "metadata.name=a\\x     | Pod                 | invalid escape sequence: \\x",
        "metadata.name=a\\      | Pod                 | invalid escape sequence: \\",
      })
  void parseErrors(String selector, String kind, String fragment) {
    SelectorParseException e =
        assertThrows(SelectorParseException.class, () -> FieldSelector.parse(selector, kind));
    assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " lacks " + fragment);
  }

  @Test
  void escapes() throws Exception {
    FieldSelector s = FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d", "ConfigMap");
    assertEquals(Optional.of("a,b=c\\d"), s.requiresExactMatch("metadata.name"));
    assertTrue(s.matches(JSON.readTree("{\"metadata\":{\"name\":\"a,b=c\\\\d\"}}")));
    assertEquals("metadata.name=a\\,b\\=c\\\\d", s.toString());
    assertEquals(s.toString(), FieldSelector.parse(s.toString(), "ConfigMap").toString());
  }

  @Test
  void customKindExtraFields() throws Exception {
    JsonNode obj = JSON.readTree(OTHERS);
    Set<String> extra = Set.of(".spec.color", "spec.size");
    assertTrue(
        FieldSelector.parse("spec.color=red,spec.size=3", "Widget.example.com", extra)
            .matches(obj));
    assertFalse(FieldSelector.parse("spec.color!=red", "Widget.example.com", extra).matches(obj));
    assertThrows(
        SelectorParseException.class,
        () -> FieldSelector.parse("spec.shape=round", "Widget.example.com", extra));
  }

  @Test
  void emptyAndAccessors() throws Exception {
    assertTrue(FieldSelector.parse(null, "Pod").isEmpty());
    assertTrue(FieldSelector.parse(",", "Pod").isEmpty());
    FieldSelector s = FieldSelector.parse("metadata.namespace!=x,metadata.name=a,", "Pod");
    assertEquals(2, s.requirements().size());
    assertEquals(Optional.of("a"), s.requiresExactMatch("metadata.name"));
    assertEquals(Optional.empty(), s.requiresExactMatch("metadata.namespace"));
    assertTrue(FieldSelector.supportedFields("Pod").contains("spec.hostNetwork"));
    assertEquals(
        Set.of("metadata.name", "metadata.namespace"), FieldSelector.supportedFields("ConfigMap"));
  }
}
