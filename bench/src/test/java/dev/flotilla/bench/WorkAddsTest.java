package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

/** The burst's Work count reads type, resourceVersion, name and namespace off each watch event. */
class WorkAddsTest {
  @Test
  void readsEachEventOfAStreamWhateverItsFieldOrder() throws Exception {
    String stream =
        """
        {"type":"ADDED","object":{"apiVersion":"work.karmada.io/v1alpha1","kind":"Work",\
        "metadata":{"name":"burst-1","namespace":"karmada-es-member1","resourceVersion":"7",\
        "labels":{"name":"not-this"},"managedFields":[{"manager":"m"}]},\
        "spec":{"workload":{"manifests":[{"metadata":{"name":"cm"}}]}}}}
        {"object":{"metadata":{"resourceVersion":"8","namespace":"karmada-es-member2",\
        "name":"burst-1"},"status":{}},"type":"MODIFIED"}
        {"type":"ERROR","object":{"kind":"Status","code":410}}
        """;
    try (JsonParser p = new JsonFactory().createParser(stream)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertArrayEquals(
          new String[] {"ADDED", "7", "burst-1", "karmada-es-member1"}, WorkAdds.event(p));
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertArrayEquals(
          new String[] {"MODIFIED", "8", "burst-1", "karmada-es-member2"}, WorkAdds.event(p));
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertArrayEquals(new String[] {"ERROR", null, null, null}, WorkAdds.event(p));
      assertEquals(null, p.nextToken());
    }
  }
}
