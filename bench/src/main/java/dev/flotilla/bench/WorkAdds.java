package dev.flotilla.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.flotilla.agent.kube.SharedJdkTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;

/**
 * The burst's count of Works added on the hub, from a watch of all Works read as a stream of
 * tokens: only each event's type, name and resourceVersion are looked at. The same watch through
 * fabric8 decoded every Work event of the burst (an ADDED and a MODIFIED per Work, 40,000 at 100
 * clusters) into a fabric8 object in the benchmark's JVM, CPU that the simulation's figures then
 * carried and that no member or agent of a real fleet spends. The hub serves the same watch either
 * way.
 */
final class WorkAdds implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final HttpClient http;
  private final String url;
  private final String token;
  private final Consumer<String> onAdded;
  private final Thread reader;
  private volatile boolean closed;
  private volatile InputStream body;
  private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Watches Works on the fleet's hub, calling {@code onAdded} once with each added Work's name (one
   * per member namespace; Works that exist already come first, as ADDED events).
   */
  WorkAdds(FleetUnderTest fleet, Consumer<String> onAdded) throws IOException {
    HubProcess hub = fleet.hub;
    this.http =
        SharedJdkTransport.trusting(List.of(Files.readString(hub.dataDir.resolve("pki/ca.crt"))))
            .httpClient();
    this.url = "https://127.0.0.1:" + hub.port + "/apis/work.karmada.io/v1alpha1/works?watch=true";
    this.token = Files.readString(hub.dataDir.resolve("admin.token")).trim();
    this.onAdded = onAdded;
    this.reader = new Thread(this::run, "bench-work-adds");
    reader.setDaemon(true);
    reader.start();
  }

  /** Watches until closed, resuming after the last event seen when the hub ends the watch. */
  private void run() {
    String resourceVersion = null;
    while (!closed) {
      String from = resourceVersion == null ? "" : "&resourceVersion=" + resourceVersion;
      try {
        HttpResponse<InputStream> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url + from))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        body = response.body();
        if (response.statusCode() != 200) {
          body.close();
          Thread.sleep(1000);
          continue;
        }
        try (JsonParser p = JSON.createParser(body)) {
          while (!closed && p.nextToken() == JsonToken.START_OBJECT) {
            String[] event = event(p);
            if (event[1] != null) {
              resourceVersion = event[1];
            }
            if ("ERROR".equals(event[0])) {
              resourceVersion = null; // e.g. 410 Gone: start over; seen keeps the count right
            } else if ("ADDED".equals(event[0])
                && event[2] != null
                && seen.add(event[3] + "/" + event[2])) {
              onAdded.accept(event[2]);
            }
          }
        }
      } catch (IOException e) {
        // the hub ended the stream, or close() did: resume unless closed
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One watch event from its opening brace: its type, resourceVersion, name and namespace. */
  static String[] event(JsonParser p) throws IOException {
    String[] out = new String[4];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if ("type".equals(field)) {
        out[0] = p.getText();
      } else if ("object".equals(field) && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          if (p.nextToken() == JsonToken.START_OBJECT && "metadata".equals(f)) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String m = p.currentName();
              p.nextToken();
              if ("name".equals(m)) {
                out[2] = p.getText();
              } else if ("namespace".equals(m)) {
                out[3] = p.getText();
              } else if ("resourceVersion".equals(m)) {
                out[1] = p.getText();
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    InputStream in = body;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    reader.interrupt();
  }
}
