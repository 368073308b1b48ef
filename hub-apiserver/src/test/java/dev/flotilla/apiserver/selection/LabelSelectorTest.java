package dev.flotilla.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Labels written "k=v;k2=v2" so a CSV table can hold them. */
  private static Map<String, String> labels(String spec) {
    Map<String, String> m = new HashMap<>();
    if (spec != null && !spec.isEmpty()) {
      for (String kv : spec.split(";")) {
        String[] p = kv.split("=", 2);
        m.put(p[0], p.length > 1 ? p[1] : "");
      }
    }
    return m;
  }

  @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      nullValues = "NULL",
      value = {
        "``                        | app=web         | true",
        "app=web                   | app=web         | true",
        "app==web                  | app=web         | true",
        "app=web                   | app=db          | false",
        "app=web                   | ``              | false",
        "app!=web                  | app=db          | true",
        "app!=web                  | ``              | true",
        "app!=web                  | app=web         | false",
        "app in (web, db)          | app=db          | true",
        "app in (web,db)           | app=api         | false",
        "app in (web,db)           | ``              | false",
        "app notin (web)           | ``              | true",
        "app notin (web)           | app=web         | false",
        "app                       | app=            | true",
        "app                       | tier=x          | false",
        "!app                      | tier=x          | true",
        "!app                      | app=web         | false",
        "`  app = web ,  tier  `   | app=web;tier=fe | true",
        "`app=web,tier`            | app=web         | false",
        "`app=web,!tier`           | app=web         | true",
        "app=                      | app=            | true",
        "app=                      | ``              | false",
        "`app in (a,)`             | app=            | true",
        "example.com/app=web       | example.com/app=web | true",
        "in in (in, notin)         | in=notin        | true",
        "`a in ()`                 | a=              | true",
        "replicas>2                | replicas=3      | true",
        "replicas>2                | replicas=x      | false",
        "replicas<2                | replicas=1      | true",
      })
  void matchesTable(String selector, String labelSpec, boolean expected) {
    assertEquals(expected, LabelSelector.parse(selector).matches(labels(labelSpec)), selector);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "a in (                   | found '', expected: ',', ')' or identifier",
        "=b                       | found '=', expected: !, identifier, or 'end of string'",
        "a b                      | unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        "a in x                   | found 'x' expected: '('",
        "`a=b,`                   | expected: identifier after ','",
        "a=b c                    | found 'c', expected: ',' or 'end of string'",
        "!a=b                     | found '=', expected: ',' or 'end of string'",
        "a$b=c                    | invalid label key \"a$b\": name part must consist of",
        "-a=b                     | invalid label key \"-a\"",
        "Example.com/a=b          | prefix part",
        "a/b/c=d                  | invalid label key \"a/b/c\"",
        "a=b$                     | invalid label value: \"b$\": at key: \"a\"",
        "a>x                      | the value must be an integer",
        "a in (x y)               | found 'y'",
      })
  void parseErrors(String selector, String fragment) {
    SelectorParseException e =
        assertThrows(SelectorParseException.class, () -> LabelSelector.parse(selector));
    assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " lacks " + fragment);
  }

  @Test
  void keyAndValueLengthLimits() {
    String n63 = "a".repeat(63);
    assertTrue(LabelSelector.parse(n63 + "=" + n63).matches(Map.of(n63, n63)));
    assertThrows(SelectorParseException.class, () -> LabelSelector.parse(n63 + "b=x"));
    assertThrows(SelectorParseException.class, () -> LabelSelector.parse("x=" + n63 + "b"));
    assertTrue(LabelValidation.keyErrors("x".repeat(253) + "/" + n63).isEmpty());
    assertFalse(LabelValidation.keyErrors("x".repeat(254) + "/a").isEmpty());
  }

  @Test
  void emptyAndCanonicalString() {
    assertTrue(LabelSelector.parse("").isEmpty());
    assertTrue(LabelSelector.parse(null).isEmpty());
    assertTrue(LabelSelector.parse("   ").matches(Map.of()));
    LabelSelector s = LabelSelector.parse("z in (b,a,b), !y, x!=1, w, v==2");
    assertFalse(s.isEmpty());
    assertEquals("v==2,w,x!=1,!y,z in (a,b)", s.toString());
    assertEquals(s.toString(), LabelSelector.parse(s.toString()).toString());
    assertEquals(5, s.requirements().size());
  }

  @Test
  void fromMetaV1() throws Exception {
    JsonNode sel =
        JSON.readTree(
            """
        {"matchLabels": {"app": "web"},
         "matchExpressions": [
           {"key": "tier", "operator": "In", "values": ["fe", "be"]},
           {"key": "env", "operator": "NotIn", "values": ["prod"]},
           {"key": "team", "operator": "Exists"},
           {"key": "legacy", "operator": "DoesNotExist", "values": []}]}""");
    LabelSelector s = LabelSelector.fromMetaV1(sel);
    assertTrue(s.matches(Map.of("app", "web", "tier", "fe", "team", "a")));
    assertFalse(s.matches(Map.of("app", "web", "tier", "fe", "team", "a", "env", "prod")));
    assertFalse(s.matches(Map.of("app", "web", "tier", "fe", "team", "a", "legacy", "1")));
    assertFalse(s.matches(Map.of("app", "web", "tier", "fe")));
    assertEquals("app=web,env notin (prod),!legacy,team,tier in (be,fe)", s.toString());

    assertTrue(LabelSelector.fromMetaV1(JSON.readTree("{}")).isEmpty());
    assertTrue(LabelSelector.fromMetaV1(JSON.readTree("{}")).matches(Map.of("a", "b")));
    // Upstream: a nil selector selects nothing.
    LabelSelector nothing = LabelSelector.fromMetaV1(null);
    assertFalse(nothing.isEmpty());
    assertFalse(nothing.matches(Map.of()));
    assertFalse(LabelSelector.fromMetaV1(JSON.readTree("null")).matches(Map.of()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Equals\",\"values\":[\"x\"]}]}"
            + " | matchExpressions[0].operator: \"Equals\" is not a valid label selector operator",
        "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[]}]}"
            + " | matchExpressions[0]: for 'in', 'notin' operators, values set can't be empty",
        "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}"
            + " | values set must be empty",
        "{\"matchExpressions\":[{\"operator\":\"Exists\"}]}                | matchExpressions[0].key: Required value",
        "{\"matchLabels\":{\"a b\":\"x\"}}                                  | matchLabels: invalid label key \"a b\"",
        "{\"matchLabels\":{\"a\":\"x y\"}}                                  | matchLabels: invalid label value",
        "{\"matchLabels\":{\"a\":1}}                                        | must be a string",
        "[]                                                                 | must be an object",
      })
  void fromMetaV1Errors(String json, String fragment) throws Exception {
    JsonNode node = JSON.readTree(json);
    SelectorParseException e =
        assertThrows(SelectorParseException.class, () -> LabelSelector.fromMetaV1(node));
    assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " lacks " + fragment);
  }
}
