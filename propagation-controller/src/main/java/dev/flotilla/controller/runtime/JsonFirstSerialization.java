package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;

/**
 * fabric8's serialization, reading JSON held in memory without a second buffer. fabric8 wraps every
 * stream it decodes in a fresh 8 KiB {@code BufferedInputStream} to look for YAML first; the hub's
 * controllers decode every watch event and response that way (their bytes already in memory), and
 * those buffers were 13% of what the hub allocated in a 100-cluster burst (bench/README.md, session
 * 15). A stream that can mark itself is looked at in place; YAML, and streams that cannot, go
 * fabric8's way.
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
    if (!is.markSupported()) {
      return super.unmarshal(is, type);
    }
    int first;
    try {
      is.mark(Integer.MAX_VALUE);
      do {
        first = is.read();
      } while (first > -1 && Character.isWhitespace(first));
      is.reset();
    } catch (IOException e) {
      throw KubernetesClientException.launderThrowable(e);
    }
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
