package dev.flotilla.inprocess;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The response bodies of one client (and its derived clients) that have not ended yet. */
final class OpenStreams {
  private final Set<ResponseBody> open = ConcurrentHashMap.newKeySet();

  void add(ResponseBody body) {
    open.add(body);
    body.onEnd(() -> open.remove(body));
  }

  int size() {
    return open.size();
  }

  void cancelAll() {
    for (ResponseBody body : open) {
      body.cancel();
    }
  }
}
