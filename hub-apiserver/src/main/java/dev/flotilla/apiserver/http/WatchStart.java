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

  /**
   * On the end bookmark from Kubernetes 1.32 to 1.33 (1.34 dropped it): an empty list of the kind,
   * encoded as the watch is (JSON here) and then base64, from which client-go's streaming List
   * builds the list it returns.
   */
  static final String LIST_BLUEPRINT = "kubernetes.io/initial-events-list-blueprint";

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

  /** The {@link #LIST_BLUEPRINT} value for {@code type}: its empty list, JSON, base64. */
  static String listBlueprint(dev.flotilla.apiserver.registry.ResourceType type) {
    String empty =
        "{\"kind\":\""
            + type.listKind()
            + "\",\"apiVersion\":\""
            + type.apiVersion()
            + "\",\"metadata\":{},\"items\":[]}";
    return java.util.Base64.getEncoder()
        .encodeToString(empty.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
