package dev.flotilla.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.net.ssl.SSLSocket;

/** One chunked watch response, read event by event, that the client can cut at any moment. */
final class WatchStream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SSLSocket socket;
  private final Chunked chunks;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  final int status;

  WatchStream(RawHttps hub, String target) throws IOException {
    socket = hub.stream(target);
    chunks = new Chunked(socket.getInputStream());
    status = chunks.readHead();
    if (status != 200 && status != 410) {
      socket.close();
      throw new IOException("watch " + target + " answered " + status);
    }
  }

  /** The next event (one JSON line), or null when the server ended the stream. */
  JsonNode next() throws IOException {
    while (true) {
      byte[] buffered = pending.toByteArray();
      for (int i = 0; i < buffered.length; i++) {
        if (buffered[i] == '\n') {
          pending.reset();
          pending.write(buffered, i + 1, buffered.length - i - 1);
          String line = new String(buffered, 0, i, java.nio.charset.StandardCharsets.UTF_8);
          if (!line.isBlank()) {
            return JSON.readTree(line);
          }
        }
      }
      byte[] chunk = chunks.nextChunk();
      if (chunk == null) {
        return null;
      }
      pending.write(chunk);
    }
  }

  /** Cuts the connection from the client side with a TCP reset, as a dying client or NAT does. */
  void cut() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
