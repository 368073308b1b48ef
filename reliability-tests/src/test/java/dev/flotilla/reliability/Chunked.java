package dev.flotilla.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 chunked transfer coding, read from a buffer or, for watches, a live stream. */
final class Chunked {
  private final InputStream in;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  Chunked(InputStream in) {
    this.in = in;
  }

  static byte[] decode(byte[] body) {
    try {
      Chunked c = new Chunked(new java.io.ByteArrayInputStream(body));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] chunk; (chunk = c.nextChunk()) != null; ) {
        out.write(chunk);
      }
      return out.toByteArray();
    } catch (IOException e) {
      return body;
    }
  }

  /** Skips the response head of a streaming response; returns its status code. */
  int readHead() throws IOException {
    String status = readLine();
    if (status == null || !status.startsWith("HTTP/1.1 ")) {
      throw new IOException("no HTTP response: " + status);
    }
    for (String h; (h = readLine()) != null && !h.isEmpty(); ) {
      // headers are not needed
    }
    return Integer.parseInt(status.substring(9, 12));
  }

  /** The next chunk's bytes, or null at the last chunk or end of stream. */
  byte[] nextChunk() throws IOException {
    String size = readLine();
    if (size == null || size.isBlank()) {
      return null;
    }
    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
    if (n == 0) {
      return null;
    }
    byte[] chunk = in.readNBytes(n);
    readLine(); // CRLF after the data
    return chunk;
  }

  private String readLine() throws IOException {
    line.reset();
    for (int b; (b = in.read()) >= 0; ) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
