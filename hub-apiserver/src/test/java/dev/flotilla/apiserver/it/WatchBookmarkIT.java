package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A watch of a collection that does not change still gets bookmarks that keep up with the store:
 * its resourceVersion moves past the writes made elsewhere, so after a pause (or a hub restart) the
 * watcher resumes inside the hub's event window instead of listing everything again.
 */
class WatchBookmarkIT {
  private static final String NS = "watch-bookmark";

  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS).healthyAfter();
  private static final RawHttp http = rig.http();

  @Test
  void aQuietWatchsBookmarkCarriesTheStoresProgress() throws Exception {
    HttpResponse<String> quiet =
        http.send(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            "{\"metadata\":{\"name\":\"watch-bookmark-quiet\"}}");
    assertEquals(201, quiet.statusCode(), quiet.body());
    String secrets = "/api/v1/namespaces/watch-bookmark-quiet/secrets";
    String from = http.getJson(secrets).path("metadata").path("resourceVersion").asText();
    HttpResponse<Stream<String>> r =
        http.lines(
            secrets
                + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=40"
                + "&resourceVersion="
                + from);
    assertEquals(200, r.statusCode());
    // A write elsewhere, after the watch's start: the watched collection never changes.
    HttpResponse<String> elsewhere =
        http.send(
            "POST",
            "/api/v1/namespaces/" + NS + "/configmaps",
            "application/json",
            "{\"metadata\":{\"name\":\"elsewhere\"}}");
    assertEquals(201, elsewhere.statusCode(), elsewhere.body());
    long written =
        Long.parseLong(
            RawHttp.parse(elsewhere.body()).path("metadata").path("resourceVersion").asText());
    JsonNode bookmark = null;
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      while (bookmark == null && it.hasNext()) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = RawHttp.parse(line);
        assertEquals("BOOKMARK", event.path("type").asText(), "nothing changed here: " + line);
        long at =
            Long.parseLong(event.path("object").path("metadata").path("resourceVersion").asText());
        if (at >= written) {
          bookmark = event;
        }
      }
    }
    assertTrue(bookmark != null, "a bookmark at or past the write elsewhere came before the end");
    String resume = bookmark.path("object").path("metadata").path("resourceVersion").asText();
    HttpResponse<String> again =
        http.get(secrets + "?watch=true&timeoutSeconds=1&resourceVersion=" + resume);
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(again.body().isBlank(), "nothing after the bookmark: " + again.body());
  }
}
