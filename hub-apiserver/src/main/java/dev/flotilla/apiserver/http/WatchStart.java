package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import java.util.List;

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

  private static final String SEND = "sendInitialEvents";
  private static final String MATCH = "resourceVersionMatch";

  /** Validates the watch's start parameters (422 as upstream, before any byte is written). */
  static WatchStart of(ApiRequest r, boolean bookmarks) {
    String rv = r.param("resourceVersion", "");
    String match = r.param(MATCH, "");
    if (r.param(SEND) == null) {
      if (!match.isEmpty()) {
        throw forbidden(
            MATCH,
            "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
      }
      return new WatchStart(rv.isEmpty() || rv.equals("0"), false);
    }
    boolean initial = r.flag(SEND);
    if (!match.equals("NotOlderThan")) {
      throw forbidden(
          MATCH, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    }
    return new WatchStart(initial, initial && bookmarks);
  }

  /** A list (not a watch) takes no {@code sendInitialEvents}: refused as upstream does. */
  static void refuseOnList(ApiRequest r) {
    if (r.param(SEND) != null) {
      throw forbidden(SEND, "sendInitialEvents is forbidden for list");
    }
  }

  /** kube-apiserver's answer to invalid list options: 422 on the kind ListOptions.meta.k8s.io. */
  private static ApiException forbidden(String field, String why) {
    String detail = "Forbidden: " + why;
    return new ApiException(
        422,
        "Invalid",
        "ListOptions.meta.k8s.io \"\" is invalid: " + field + ": " + detail,
        "meta.k8s.io",
        "ListOptions",
        "",
        List.of(new ApiException.Cause("FieldValueForbidden", field, detail)));
  }
}
