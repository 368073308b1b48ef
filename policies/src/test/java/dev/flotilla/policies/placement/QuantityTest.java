package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

  @ParameterizedTest(name = "{0}: value {1}, milli {2}")
  @CsvSource({
    "1, 1, 1000",
    "500m, 1, 500",
    "2.5, 3, 2500",
    "1Ki, 1024, 1024000",
    "2Gi, 2147483648, 2147483648000",
    "1k, 1000, 1000000",
    "1e3, 1000, 1000000",
    "100n, 1, 1",
    "-1, -1, -1000",
  })
  void parse(String text, long value, long milli) {
    BigDecimal amount = Quantity.parse(text).orElseThrow();
    assertEquals(value, Quantity.value(amount));
    assertEquals(milli, Quantity.milliValue(amount));
  }

  @Test
  void malformed() {
    assertTrue(Quantity.parse("ten").isEmpty());
    assertTrue(Quantity.parse("1Xi").isEmpty());
  }
}
