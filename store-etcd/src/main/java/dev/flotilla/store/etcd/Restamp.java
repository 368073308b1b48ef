package dev.flotilla.store.etcd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Puts a revision into a stored value. etcd assigns a write's revision only when it commits, so the
 * driver stores values encoded at revision 0 and stamps the real one in when it reads them, as
 * kube-apiserver's codec sets resourceVersion from the key's modRevision on decode.
 */
@FunctionalInterface
public interface Restamp {
  /** The value as it reads at {@code revision}. */
  byte[] at(byte[] stored, long revision);

  /** For Kubernetes objects in JSON: sets {@code metadata.resourceVersion}. */
  Restamp JSON_RESOURCE_VERSION =
      new Restamp() {
        private final ObjectMapper mapper = new ObjectMapper();

        @Override
        public byte[] at(byte[] stored, long revision) {
          try {
            if (!(mapper.readTree(stored) instanceof ObjectNode obj)) {
              return stored;
            }
            if (obj.get("metadata") instanceof ObjectNode meta) {
              meta.put("resourceVersion", Long.toString(revision));
              return mapper.writeValueAsBytes(obj);
            }
            return stored;
          } catch (IOException e) {
            return stored; // not an object of ours: read it as it is
          }
        }
      };
}
