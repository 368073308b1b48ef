package dev.flotilla.apiserver.http;

/**
 * Where a watch starts: with the collection's current state sent first as ADDED events, or only
 * with the changes after its resourceVersion. Without {@code sendInitialEvents} that follows the
 * resourceVersion (state first for "" and "0"). With it (the watch-list request of client-go's
 * WatchListClient), the parameter decides, {@code resourceVersionMatch=NotOlderThan} is required,
 * and when bookmarks are allowed the state ends with a BOOKMARK annotated {@link
 * #INITIAL_EVENTS_END}, the signal such clients wait for before they call themselves synced.
 *
 * @param initialState send the current state first
 * @param endBookmark after that state, send the annotated bookmark at its revision
 */
record WatchStart(boolean initialState, boolean endBookmark) {
  static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";

  /** Validates the watch's start parameters (422 as upstream, before any byte is written). */
  static WatchStart of(ApiRequest r, boolean bookmarks) {
    ListOptionChecks.watch(r);
    String rv = r.param("resourceVersion", "");
    if (r.param("sendInitialEvents") == null) {
      return new WatchStart(rv.isEmpty() || rv.equals("0"), false);
    }
    boolean initial = r.flag("sendInitialEvents");
    return new WatchStart(initial, initial && bookmarks);
  }
}
