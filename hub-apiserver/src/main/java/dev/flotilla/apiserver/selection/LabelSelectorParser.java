package dev.flotilla.apiserver.selection;

import dev.flotilla.apiserver.selection.LabelSelector.Operator;
import dev.flotilla.apiserver.selection.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Recursive-descent parser for the label selector string syntax, a port of apimachinery's {@code
 * labels.Parser} so that accepted inputs and error wording match kube-apiserver.
 */
final class LabelSelectorParser {
  private enum Tok {
    END,
    IDENT,
    OPEN,
    CLOSE,
    COMMA,
    EQ,
    DEQ,
    NEQ,
    BANG,
    GT,
    LT
  }

  private record Token(Tok type, String text) {}

  private final List<Token> tokens = new ArrayList<>();
  private int pos;

  private LabelSelectorParser(String input) {
    scan(input);
  }

  static List<Requirement> parse(String input) {
    return new LabelSelectorParser(input).parseAll();
  }

  /**
   * Upstream splits on whitespace and the symbols {@code = ! ( ) , < >}; everything else is text.
   */
  private void scan(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (isSpecial(c)) {
        // Longest match: "!=" and "==" before the one-character symbols.
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (two.equals("!=") || two.equals("==")) {
          tokens.add(new Token(two.equals("!=") ? Tok.NEQ : Tok.DEQ, two));
          i += 2;
          continue;
        }
        Tok t =
            switch (c) {
              case '=' -> Tok.EQ;
              case '!' -> Tok.BANG;
              case '(' -> Tok.OPEN;
              case ')' -> Tok.CLOSE;
              case ',' -> Tok.COMMA;
              case '>' -> Tok.GT;
              default -> Tok.LT;
            };
        tokens.add(new Token(t, String.valueOf(c)));
        i++;
      } else {
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && !isSpecial(s.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Tok.IDENT, s.substring(start, i)));
      }
    }
    tokens.add(new Token(Tok.END, ""));
  }

  private static boolean isSpecial(char c) {
    return "=!(),<>".indexOf(c) >= 0;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.type != Tok.END) {
      pos++;
    }
    return t;
  }

  private List<Requirement> parseAll() {
    List<Requirement> result = new ArrayList<>();
    while (true) {
      Token t = peek();
      switch (t.type) {
        case END:
          return result;
        case IDENT:
        case BANG:
          try {
            result.add(parseRequirement());
          } catch (SelectorParseException e) {
            throw new SelectorParseException("unable to parse requirement: " + e.getMessage());
          }
          Token after = next();
          if (after.type == Tok.END) {
            return result;
          }
          if (after.type != Tok.COMMA) {
            throw fail("found '" + after.text + "', expected: ',' or 'end of string'");
          }
          Token t2 = peek();
          if (t2.type != Tok.IDENT && t2.type != Tok.BANG) {
            throw fail("found '" + t2.text + "', expected: identifier after ','");
          }
          break;
        default:
          throw fail("found '" + t.text + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

  private Requirement parseRequirement() {
    boolean negated = false;
    Token t = next();
    if (t.type == Tok.BANG) {
      negated = true;
      t = next();
    }
    if (t.type != Tok.IDENT) {
      throw fail("found '" + t.text + "', expected: identifier");
    }
    String key = t.text;
    LabelValidation.checkKey(key, "");
    Tok la = peek().type;
    if (negated || la == Tok.END || la == Tok.COMMA) {
      // "!key" is complete by itself; "!key=v" then fails in parseAll on the stray '='.
      return LabelSelector.requirement(
          key, negated ? Operator.DOES_NOT_EXIST : Operator.EXISTS, List.of(), "");
    }
    Operator op = parseOperator();
    List<String> values =
        switch (op) {
          case IN, NOT_IN -> parseValues();
          default -> parseExactValue();
        };
    return LabelSelector.requirement(key, op, values, "");
  }

  private Operator parseOperator() {
    Token t = next();
    switch (t.type) {
      case EQ:
        return Operator.EQUALS;
      case DEQ:
        return Operator.DOUBLE_EQUALS;
      case NEQ:
        return Operator.NOT_EQUALS;
      case GT:
        return Operator.GREATER_THAN;
      case LT:
        return Operator.LESS_THAN;
      case IDENT:
        // "in" and "notin" are keywords only in operator position, so they remain valid values.
        if (t.text.equals("in")) {
          return Operator.IN;
        }
        if (t.text.equals("notin")) {
          return Operator.NOT_IN;
        }
        break;
      default:
        break;
    }
    throw fail("found '" + t.text + "', expected: in, notin, =, ==, !=, gt, lt");
  }

  /** A parenthesised, comma-separated set; empty members (as in "(a,)") mean the empty value. */
  private List<String> parseValues() {
    Token t = next();
    if (t.type != Tok.OPEN) {
      throw fail("found '" + t.text + "' expected: '('");
    }
    TreeSet<String> values = new TreeSet<>();
    Token la = peek();
    if (la.type == Tok.CLOSE) {
      next();
      values.add("");
      return List.copyOf(values);
    }
    if (la.type != Tok.IDENT && la.type != Tok.COMMA) {
      throw fail("found '" + la.text + "', expected: ',', ')' or identifier");
    }
    boolean expectValue = true;
    while (true) {
      Token v = next();
      if (v.type == Tok.IDENT && expectValue) {
        values.add(v.text);
        expectValue = false;
      } else if (v.type == Tok.COMMA) {
        if (expectValue) {
          values.add("");
        }
        expectValue = true;
      } else if (v.type == Tok.CLOSE) {
        if (expectValue) {
          values.add("");
        }
        return List.copyOf(values);
      } else {
        throw fail("found '" + v.text + "', expected: ',', ')' or identifier");
      }
    }
  }

  private List<String> parseExactValue() {
    Tok la = peek().type;
    if (la == Tok.END || la == Tok.COMMA) {
      return List.of(""); // "a=" selects the empty value, as upstream
    }
    Token t = next();
    if (t.type != Tok.IDENT) {
      throw fail("found '" + t.text + "', expected: identifier");
    }
    return List.of(t.text);
  }

  private static SelectorParseException fail(String message) {
    return new SelectorParseException(message);
  }
}
