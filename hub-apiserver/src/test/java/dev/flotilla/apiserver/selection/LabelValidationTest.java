package dev.flotilla.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scanners answer as upstream's regular expressions do, for every string up to six
 * characters over an alphabet with each character class the expressions tell apart (lower and upper
 * case letters, digits, '-', '_', '.', and a letter outside ASCII).
 */
class LabelValidationTest {
  private static final String ALPHABET = "aZ0-_.é";

  private static List<String> allStrings(int maxLength) {
    List<String> out = new ArrayList<>(List.of(""));
    List<String> last = List.of("");
    for (int len = 1; len <= maxLength; len++) {
      List<String> next = new ArrayList<>();
      for (String prefix : last) {
        for (char c : ALPHABET.toCharArray()) {
          next.add(prefix + c);
        }
      }
      out.addAll(next);
      last = next;
    }
    return out;
  }

  @Test
  void scannersAgreeWithTheRegularExpressions() {
    Pattern name = Pattern.compile(LabelValidation.NAME_FMT);
    Pattern dns = Pattern.compile(LabelValidation.DNS1123_FMT);
    int names = 0;
    int subdomains = 0;
    for (String s : allStrings(6)) {
      boolean isName = name.matcher(s).matches();
      boolean isDns = dns.matcher(s).matches();
      assertEquals(isName, LabelValidation.isName(s), () -> "name: \"" + s + "\"");
      assertEquals(isDns, LabelValidation.isDns1123Subdomain(s), () -> "subdomain: \"" + s + "\"");
      names += isName ? 1 : 0;
      subdomains += isDns ? 1 : 0;
    }
    // Both sides of each check were exercised.
    assertTrue(names > 100 && subdomains > 10, names + " names, " + subdomains + " subdomains");
  }

  @Test
  void keysAndValuesKeepUpstreamsMessages() {
    assertEquals(List.of(), LabelValidation.keyErrors("karmada.io/managed"));
    assertEquals(List.of(), LabelValidation.valueErrors(""));
    assertTrue(
        LabelValidation.keyErrors("Bad_Prefix/name")
            .get(0)
            .startsWith("prefix part a lowercase RFC 1123"));
    assertTrue(LabelValidation.keyErrors("-name").get(0).startsWith("name part must consist of"));
    assertTrue(LabelValidation.valueErrors("a b").get(0).startsWith("a valid label must be"));
  }
}
