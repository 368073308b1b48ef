package dev.flotilla.policies.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One malformed metadata value neither fails the list around it nor shifts what follows. */
class TolerantDecodingTest {
  /** Stands in for fabric8's ObjectMeta: typed fields and an any-setter. */
  public static final class Meta {
    public String name;
    public Map<String, String> labels;
    public List<Ref> ownerReferences;
    public final Map<String, Object> extra = new HashMap<>();

    @JsonAnySetter
    public void set(String key, Object value) {
      extra.put(key, value);
    }
  }

  /** An owner reference. */
  public static final class Ref {
    public String uid;
  }

  /** An object with metadata. */
  public static final class Item {
    public String kind;
    public Meta metadata;
  }

  /** A list of objects. */
  public static final class ItemList {
    public List<Item> items;
    public String resourceVersion;
  }

  private static final ObjectMapper TOLERANT = TolerantDecoding.mapper(Set.of(Meta.class));

  private static ItemList list(String items) throws IOException {
    return TOLERANT.readValue(
        "{\"items\":[" + items + "],\"resourceVersion\":\"9\"}", ItemList.class);
  }

  @Test
  void wellFormedValuesDecodeAsUsualWithoutMarks() throws IOException {
    ItemList l =
        list(
            "{\"kind\":\"K\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"},"
                + "\"ownerReferences\":[{\"uid\":\"1\"}],\"other\":5}}");
    Meta m = l.items.get(0).metadata;
    assertEquals("a", m.name);
    assertEquals(Map.of("x", "y"), m.labels);
    assertEquals("1", m.ownerReferences.get(0).uid);
    assertEquals(Map.of("other", 5), m.extra);
    assertEquals(Optional.empty(), TolerantDecoding.problems(m.extra));
  }

  @Test
  void aMalformedFieldIsDroppedAndNamedWhileTheRestOfTheListDecodes() throws IOException {
    ItemList l =
        list(
            "{\"kind\":\"K\",\"metadata\":{\"name\":\"good1\"}},"
                + "{\"kind\":\"K\",\"metadata\":{\"name\":\"bad\",\"ownerReferences\":\"x\","
                + "\"labels\":{\"a\":\"b\"}}},"
                + "{\"kind\":\"K\",\"metadata\":{\"name\":\"good2\",\"ownerReferences\":[{\"uid\":\"2\"}]}}");
    assertEquals(3, l.items.size());
    assertEquals("9", l.resourceVersion);
    Meta bad = l.items.get(1).metadata;
    assertEquals("bad", bad.name);
    assertEquals(Map.of("a", "b"), bad.labels);
    assertEquals(null, bad.ownerReferences);
    String problems = TolerantDecoding.problems(bad.extra).orElseThrow();
    assertTrue(problems.startsWith("ownerReferences: "), problems);
    assertEquals("good2", l.items.get(2).metadata.name);
    assertEquals("2", l.items.get(2).metadata.ownerReferences.get(0).uid);
    assertEquals(Optional.empty(), TolerantDecoding.problems(l.items.get(2).metadata.extra));
    assertEquals("K", l.items.get(2).kind);
  }

  @Test
  void nestedProblemsAndNonObjectsAreMarkedToo() throws IOException {
    ItemList l =
        list(
            "{\"kind\":\"A\",\"metadata\":{\"name\":\"n\",\"ownerReferences\":[{\"uid\":{\"x\":[1]}}]}},"
                + "{\"kind\":\"B\",\"metadata\":[1,2]},"
                + "{\"kind\":\"C\",\"metadata\":{\"name\":\"c\"}}");
    assertTrue(
        TolerantDecoding.problems(l.items.get(0).metadata.extra)
            .orElseThrow()
            .startsWith("ownerReferences: "));
    assertEquals("n", l.items.get(0).metadata.name);
    assertEquals(
        Optional.of("expected an object, got array"),
        TolerantDecoding.problems(l.items.get(1).metadata.extra));
    assertEquals("C", l.items.get(2).kind);
    assertEquals("c", l.items.get(2).metadata.name);
  }

  @Test
  void withoutTheModuleTheSameListFails() {
    assertThrows(
        IOException.class,
        () ->
            new ObjectMapper()
                .readValue(
                    "{\"items\":[{\"metadata\":{\"ownerReferences\":\"x\"}}]}", ItemList.class));
  }
}
