package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DiscoverCommandTest {
  @Test
  void unnamedPortsPrintAsPortAndProtocol() throws Exception {
    String table =
        DiscoverCommand.table(
            new ObjectMapper()
                .readTree(
                    "{\"revision\":\"3\",\"instances\":[{\"cluster\":\"member1\","
                        + "\"address\":\"10.0.0.1\",\"ready\":true,\"ports\":["
                        + "{\"name\":\"\",\"port\":8080,\"protocol\":\"TCP\"},"
                        + "{\"port\":9090},"
                        + "{\"name\":\"metrics\",\"port\":9100,\"protocol\":\"TCP\"}]}]}"));
    assertTrue(table.contains(" 8080/TCP,9090/TCP,metrics:9100/TCP "), table);
  }
}
