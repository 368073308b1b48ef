package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * fabric8's serialization, reading JSON held in memory without a second buffer. fabric8 wraps every
 * stream it decodes in a fresh 8 KiB {@code BufferedInputStream} to look for YAML first; the hub's
 * controllers decode every watch event and response that way (their bytes already in memory), and
 * those buffers were 13% of what the hub allocated in a 100-cluster burst (bench/README.md, session
 * 15). Bytes in a {@code ByteArrayInputStream} (what fabric8 hands over for a watch event or a
 * response body it holds) are looked at in place; YAML, and other streams, go fabric8's way.
 */
public final class JsonFirstSerialization extends KubernetesSerialization {
  private final ObjectMapper mapper;

  /** As {@code new KubernetesSerialization(mapper, true)}, which configures {@code mapper}. */
  public JsonFirstSerialization(ObjectMapper mapper) {
    super(mapper, true);
    this.mapper = mapper;
  }

  /** As {@code new KubernetesSerialization()}. */
  public JsonFirstSerialization() {
    this(new ObjectMapper());
  }

  @Override
  public <T> T unmarshal(InputStream is, TypeReference<T> type) {
    if (!(is instanceof ByteArrayInputStream bytes)) {
      return super.unmarshal(is, type); // a stream being read: fabric8 buffers it
    }
    bytes.mark(0); // a ByteArrayInputStream keeps everything; the limit means nothing to it
    int first;
    do {
      first = bytes.read();
    } while (first > -1 && Character.isWhitespace(first));
    bytes.reset();
    if (first != '{' && first != '[') {
      return super.unmarshal(is, type); // YAML, or nothing: fabric8's own handling
    }
    try (is) {
      return mapper.readerFor(type).readValue(is);
    } catch (IOException e) {
      throw KubernetesClientException.launderThrowable(e);
    }
  }
}
