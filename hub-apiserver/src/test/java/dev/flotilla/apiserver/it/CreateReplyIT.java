package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A create's answer is the object as stored, at its resourceVersion, in the version the client
 * spoke: the stored bytes are sent as they are when that is the storage version, and converted when
 * it is not.
 */
class CreateReplyIT {
  private static final String NS = "create-reply";

  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  @Test
  void aCreatesAnswerIsWhatAGetReadsAfterIt() {
    String path = "/api/v1/namespaces/" + NS + "/configmaps";
    HttpResponse<String> created =
        http.send(
            "POST",
            path,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\","
                + "\"labels\":{\"a\":\"b\"}},\"data\":{\"k\":\"v\"}}");
    assertEquals(201, created.statusCode(), created.body());
    HttpResponse<String> read = http.get(path + "/cm");
    assertEquals(200, read.statusCode(), read.body());
    assertEquals(read.body(), created.body());
    JsonNode obj = RawHttp.parse(created.body());
    assertFalse(obj.at("/metadata/resourceVersion").asText("0").equals("0"), created.body());
    assertEquals("v1", obj.path("apiVersion").asText());
    assertEquals("Update", obj.at("/metadata/managedFields/0/operation").asText(), created.body());
  }

  @Test
  void aCreateInAVersionThatIsNotStoredIsAnsweredInThatVersion() {
    String path = "/apis/autoscaling/v1/namespaces/" + NS + "/horizontalpodautoscalers";
    HttpResponse<String> created =
        http.send(
            "POST",
            path,
            "application/json",
            "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\","
                + "\"metadata\":{\"name\":\"h\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d\"},\"maxReplicas\":3}}");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode obj = RawHttp.parse(created.body());
    assertEquals("autoscaling/v1", obj.path("apiVersion").asText(), created.body());
    assertEquals(RawHttp.parse(http.get(path + "/h").body()), obj);
    JsonNode stored =
        RawHttp.parse(
            http.get("/apis/autoscaling/v2/namespaces/" + NS + "/horizontalpodautoscalers/h")
                .body());
    assertEquals("autoscaling/v2", stored.path("apiVersion").asText(), stored.toString());
    assertEquals(stored.at("/metadata/resourceVersion"), obj.at("/metadata/resourceVersion"));
  }
}
