package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSONPath dialect kubectl and kube-apiserver use (client-go {@code util/jsonpath}), for the
 * subset printer columns need: fields ({@code .a.b}, escaped dots {@code .a\.b}, {@code ['a']}),
 * wildcards ({@code .*}, {@code [*]}), indexes and slices ({@code [0]}, {@code [-1]}, {@code
 * [1:3]}, {@code [::2]}), unions ({@code [0,2]}), recursive descent ({@code ..name}) and filters
 * ({@code [?(@.type=="Ready")]}, {@code [?(@.x)]}, with {@code == != < > <= >=}), with or without
 * {@code {}} around the whole expression. Missing keys yield no results, as with {@code
 * AllowMissingKeys(true)}; type mismatches (indexing a map, an index past the end) raise {@link
 * JsonPathException}, which callers turn into an empty cell.
 */
public final class JsonPath {
  private final String source;
  private final List<Step> steps;

  private JsonPath(String source, List<Step> steps) {
    this.source = source;
    this.steps = steps;
  }

  /** Thrown for an expression that does not parse or a lookup that upstream rejects. */
  public static final class JsonPathException extends RuntimeException {
    JsonPathException(String message) {
      super(message);
    }
  }

  /** Parses {@code expression}; {@code {.a.b}} and {@code .a.b} mean the same. */
  public static JsonPath compile(String expression) {
    String text = expression.trim();
    if (text.startsWith("{") && text.endsWith("}")) {
      text = text.substring(1, text.length() - 1).trim();
    }
    return new JsonPath(expression, new Parser(text).parse());
  }

  public String source() {
    return source;
  }

  /** All values the path selects, in document order (map wildcards in key order). */
  public List<JsonNode> find(JsonNode root) {
    List<JsonNode> current = new ArrayList<>();
    current.add(root);
    for (Step step : steps) {
      current = step.apply(current);
    }
    return current;
  }

  /** The first value the path selects, or null when there is none. */
  public JsonNode first(JsonNode root) {
    List<JsonNode> found = find(root);
    return found.isEmpty() ? null : found.get(0);
  }

  // ---- steps ----

  private interface Step {
    List<JsonNode> apply(List<JsonNode> input);
  }

  /** {@code .name}: missing keys and non-objects contribute nothing. */
  private record Field(String name) implements Step {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode n : input) {
        if (n == null || n.isNull()) {
          continue;
        }
        if (n.isObject() && n.has(name)) {
          out.add(n.get(name));
        }
      }
      return out;
    }
  }

  /** {@code .*}: every value of an object (keys sorted) or element of an array. */
  private record Wildcard() implements Step {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode n : input) {
        if (n == null || n.isNull()) {
          continue;
        }
        if (n.isObject()) {
          out.addAll(sortedFields(n).values());
        } else if (n.isArray()) {
          n.forEach(out::add);
        }
      }
      return out;
    }
  }

  /** {@code ..}: the node and all its descendants, each once, parents first. */
  private record Recursive() implements Step {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode n : input) {
        collect(n, out);
      }
      return out;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
      if (n == null) {
        return;
      }
      out.add(n);
      if (n.isObject()) {
        for (JsonNode child : sortedFields(n).values()) {
          collect(child, out);
        }
      } else if (n.isArray()) {
        n.forEach(child -> collect(child, out));
      }
    }
  }

  /**
   * {@code [start:end:step]} with client-go's rules: a single index is the slice {@code [i:i+1]},
   * negative bounds count from the end, out-of-range bounds are errors.
   */
  private record Slice(Integer start, Integer end, Integer step, boolean endDerived)
      implements Step {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode n : input) {
        if (n == null || n.isNull()) {
          continue;
        }
        if (!n.isArray()) {
          throw new JsonPathException(
              n.getNodeType().toString().toLowerCase() + " is not array or slice");
        }
        int len = n.size();
        int from = start == null ? 0 : start;
        if (from < 0) {
          from += len;
        }
        int to = end == null ? len : end;
        if (end != null && (to < 0 || (to == 0 && endDerived))) {
          to += len;
        }
        if (to == from) {
          continue;
        }
        if (from >= len || from < 0) {
          throw new JsonPathException(
              "array index out of bounds: index " + from + ", length " + len);
        }
        if (to > len || to < 0) {
          throw new JsonPathException(
              "array index out of bounds: index " + (to - 1) + ", length " + len);
        }
        if (from > to) {
          throw new JsonPathException(
              "starting index " + from + " is greater than ending index " + to);
        }
        int by = 1;
        if (step != null) {
          if (step <= 0) {
            throw new JsonPathException("step must be > 0");
          }
          by = step;
        }
        for (int i = from; i < to; i += by) {
          out.add(n.get(i));
        }
      }
      return out;
    }
  }

  /** {@code [a,b]}: each branch applied to the same input, results concatenated. */
  private record Union(List<List<Step>> branches) implements Step {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (List<Step> branch : branches) {
        List<JsonNode> current = input;
        for (Step s : branch) {
          current = s.apply(current);
        }
        out.addAll(current);
      }
      return out;
    }
  }

  /** {@code [?(left op right)]} or {@code [?(@.x)]} over the elements of arrays. */
  private record Filter(Operand left, String op, Operand right) implements Step {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode n : input) {
        if (n == null || n.isNull()) {
          continue;
        }
        if (!n.isArray()) {
          throw new JsonPathException(
              n.getNodeType().toString().toLowerCase()
                  + " is not array or slice and cannot be filtered");
        }
        for (JsonNode element : n) {
          List<JsonNode> lefts = left.eval(element);
          if (lefts.isEmpty()) {
            continue;
          }
          if (lefts.size() > 1) {
            throw new JsonPathException("can only compare one element at a time");
          }
          if (op == null) {
            out.add(element);
            continue;
          }
          List<JsonNode> rights = right.eval(element);
          if (rights.isEmpty()) {
            continue;
          }
          if (rights.size() > 1) {
            throw new JsonPathException("can only compare one element at a time");
          }
          if (compare(lefts.get(0), op, rights.get(0))) {
            out.add(element);
          }
        }
      }
      return out;
    }

    private static boolean compare(JsonNode a, String op, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        int c = a.decimalValue().compareTo(b.decimalValue());
        return switch (op) {
          case "==" -> c == 0;
          case "!=" -> c != 0;
          case "<" -> c < 0;
          case ">" -> c > 0;
          case "<=" -> c <= 0;
          case ">=" -> c >= 0;
          default -> throw new JsonPathException("unrecognized filter operator " + op);
        };
      }
      if (a.isTextual() && b.isTextual()) {
        int c = a.asText().compareTo(b.asText());
        return switch (op) {
          case "==" -> c == 0;
          case "!=" -> c != 0;
          case "<" -> c < 0;
          case ">" -> c > 0;
          case "<=" -> c <= 0;
          case ">=" -> c >= 0;
          default -> throw new JsonPathException("unrecognized filter operator " + op);
        };
      }
      if (a.isBoolean() && b.isBoolean() && (op.equals("==") || op.equals("!="))) {
        return (a.asBoolean() == b.asBoolean()) == op.equals("==");
      }
      if (a.isNull() || b.isNull()) {
        if (op.equals("==")) {
          return a.isNull() && b.isNull();
        }
        if (op.equals("!=")) {
          return !(a.isNull() && b.isNull());
        }
      }
      throw new JsonPathException("incompatible types for comparison");
    }
  }

  /** One side of a filter: a path relative to the element ({@code @...}) or a literal. */
  private record Operand(List<Step> path, JsonNode literal) {
    List<JsonNode> eval(JsonNode element) {
      if (literal != null) {
        return List.of(literal);
      }
      List<JsonNode> current = new ArrayList<>();
      current.add(element);
      for (Step s : path) {
        current = s.apply(current);
      }
      return current;
    }
  }

  private static Map<String, JsonNode> sortedFields(JsonNode object) {
    Map<String, JsonNode> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sorted.put(e.getKey(), e.getValue());
    }
    return sorted;
  }

  // ---- parsing ----

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    List<Step> parse() {
      List<Step> steps = parseSteps();
      if (pos != text.length()) {
        throw error("unexpected character '" + text.charAt(pos) + "'");
      }
      return steps;
    }

    /** Steps until the end of the text or a character that closes an enclosing construct. */
    private List<Step> parseSteps() {
      List<Step> steps = new ArrayList<>();
      if (pos < text.length() && text.charAt(pos) == '$') {
        pos++;
      }
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '.') {
          if (pos + 1 < text.length() && text.charAt(pos + 1) == '.') {
            pos += 2;
            steps.add(new Recursive());
            if (pos < text.length() && text.charAt(pos) != '[' && text.charAt(pos) != '.') {
              steps.add(fieldOrWildcard(readName()));
            }
            continue;
          }
          pos++;
          if (pos >= text.length() || isTerminator(text.charAt(pos))) {
            // A bare "." selects the current node; "." before "[" is allowed too.
            continue;
          }
          steps.add(fieldOrWildcard(readName()));
        } else if (c == '[') {
          steps.add(parseBracket());
        } else if (c == ' ' || c == ')' || c == ']' || c == ',' || c == '=' || c == '!' || c == '<'
            || c == '>') {
          break;
        } else if (steps.isEmpty() && Character.isLetter(c)) {
          // client-go accepts a leading field without a dot only inside filters ("@.x");
          // be lenient and treat "a.b" as ".a.b".
          steps.add(fieldOrWildcard(readName()));
        } else {
          throw error("unexpected character '" + c + "'");
        }
      }
      return steps;
    }

    private static Step fieldOrWildcard(String name) {
      return name.equals("*") ? new Wildcard() : new Field(name);
    }

    private static boolean isTerminator(char c) {
      return c == '.' || c == '[' || c == ']' || c == ' ' || c == ',' || c == ')' || c == '('
          || c == '=' || c == '!' || c == '<' || c == '>' || c == '}' || c == '{';
    }

    /** A field name up to a terminator; a backslash escapes the next character. */
    private String readName() {
      StringBuilder name = new StringBuilder();
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '\\' && pos + 1 < text.length()) {
          name.append(text.charAt(pos + 1));
          pos += 2;
          continue;
        }
        if (isTerminator(c)) {
          break;
        }
        name.append(c);
        pos++;
      }
      if (name.length() == 0) {
        throw error("missing field name");
      }
      return name.toString();
    }

    private Step parseBracket() {
      pos++; // '['
      skipSpaces();
      if (peek() == '?') {
        pos++;
        skipSpaces();
        expect('(');
        Step filter = parseFilter();
        skipSpaces();
        expect(')');
        skipSpaces();
        expect(']');
        return filter;
      }
      if (peek() == '\'' || peek() == '"') {
        List<List<Step>> keys = new ArrayList<>();
        while (true) {
          skipSpaces();
          String key = readQuoted();
          keys.add(List.of(new Field(key)));
          skipSpaces();
          if (peek() == ',') {
            pos++;
            continue;
          }
          break;
        }
        expect(']');
        return keys.size() == 1 ? keys.get(0).get(0) : new Union(keys);
      }
      int close = text.indexOf(']', pos);
      if (close < 0) {
        throw error("unterminated array");
      }
      String inside = text.substring(pos, close).trim();
      pos = close + 1;
      if (inside.equals("*")) {
        return new Slice(null, null, null, false);
      }
      if (inside.contains(",")) {
        List<List<Step>> branches = new ArrayList<>();
        for (String part : inside.split(",")) {
          branches.add(List.of(slice(part.trim())));
        }
        return new Union(branches);
      }
      return slice(inside);
    }

    private Step slice(String inside) {
      String[] parts = inside.split(":", -1);
      if (parts.length > 3 || inside.isEmpty()) {
        throw error("invalid array index " + inside);
      }
      Integer start = integer(parts[0]);
      if (parts.length == 1) {
        if (start == null) {
          throw error("invalid array index " + inside);
        }
        // A single index i is the slice [i:i+1]; -1 selects the last element.
        return new Slice(start, start + 1, null, true);
      }
      Integer end = integer(parts[1]);
      Integer step = parts.length == 3 ? integer(parts[2]) : null;
      return new Slice(start, end, step, false);
    }

    private Integer integer(String s) {
      String t = s.trim();
      if (t.isEmpty()) {
        return null;
      }
      try {
        return Integer.parseInt(t);
      } catch (NumberFormatException e) {
        throw error("invalid array index " + t);
      }
    }

    private Step parseFilter() {
      skipSpaces();
      Operand left = operand();
      skipSpaces();
      String op = null;
      Operand right = null;
      if (pos < text.length() && "=!<>".indexOf(text.charAt(pos)) >= 0) {
        int start = pos;
        while (pos < text.length() && "=!<>".indexOf(text.charAt(pos)) >= 0) {
          pos++;
        }
        op = text.substring(start, pos);
        if (!List.of("==", "!=", "<", ">", "<=", ">=").contains(op)) {
          throw error("unrecognized filter operator " + op);
        }
        skipSpaces();
        right = operand();
      }
      return new Filter(left, op, right);
    }

    private Operand operand() {
      char c = peek();
      if (c == '@') {
        pos++;
        return new Operand(parseSteps(), null);
      }
      if (c == '\'' || c == '"') {
        return new Operand(
            null, com.fasterxml.jackson.databind.node.TextNode.valueOf(readQuoted()));
      }
      int start = pos;
      while (pos < text.length() && " )=!<>".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      String word = text.substring(start, pos);
      if (word.equals("true") || word.equals("false")) {
        return new Operand(
            null, com.fasterxml.jackson.databind.node.BooleanNode.valueOf(word.equals("true")));
      }
      if (word.equals("null")) {
        return new Operand(null, com.fasterxml.jackson.databind.node.NullNode.getInstance());
      }
      try {
        BigDecimal number = new BigDecimal(word);
        return new Operand(null, com.fasterxml.jackson.databind.node.DecimalNode.valueOf(number));
      } catch (NumberFormatException e) {
        throw error("unrecognized filter operand " + word);
      }
    }

    private String readQuoted() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error("expected a quoted string");
      }
      pos++;
      StringBuilder out = new StringBuilder();
      while (pos < text.length() && text.charAt(pos) != quote) {
        char c = text.charAt(pos);
        if (c == '\\' && pos + 1 < text.length()) {
          out.append(text.charAt(pos + 1));
          pos += 2;
          continue;
        }
        out.append(c);
        pos++;
      }
      if (pos >= text.length()) {
        throw error("unterminated quoted string");
      }
      pos++;
      return out.toString();
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < text.length() && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    private JsonPathException error(String message) {
      return new JsonPathException("invalid JSONPath \"" + text + "\" at " + pos + ": " + message);
    }
  }
}
