// The fleet view: refetches /ui/api/fleet (with its ETag) on each "changed" event of the
// /ui/api/fleet/stream event stream, which the hub sends as its watches see the fleet change, and
// redraws. Only where the stream cannot be had does it poll every 2 s instead (the hub answers 304
// while nothing changed). Text goes in with textContent only.
(function () {
  "use strict";
  var etag = null;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function denied(container, section, colspan) {
    var msg = el("span", { "class": "denied", text: "Hidden: " + section.denied });
    if (colspan) {
      container.replaceChildren(el("tr", {}, [el("td", { colspan: colspan }, [msg])]));
    } else {
      container.replaceChildren(msg);
    }
  }

  function quantity(q) {
    return (q.allocated || "-") + " / " + (q.allocatable || "-");
  }

  function clusters(section) {
    var body = document.querySelector("#clusters tbody");
    if (section.denied) return denied(body, section, 8);
    body.replaceChildren.apply(body, section.items.map(function (c) {
      return el("tr", { "data-cluster": c.name }, [
        el("td", { text: c.name }),
        el("td", { text: c.mode }),
        el("td", { "class": "ready " + c.ready, text: c.ready }),
        el("td", { text: c.version }),
        el("td", { text: c.taints.join(", ") || "-" }),
        el("td", { text: quantity(c.resources.cpu) }),
        el("td", { text: quantity(c.resources.memory) }),
        el("td", { text: quantity(c.resources.pods) })
      ]);
    }));
  }

  function templates(section) {
    var body = document.querySelector("#templates tbody");
    if (section.denied) return denied(body, section, 4);
    body.replaceChildren.apply(body, section.items.map(function (t) {
      var key = (t.namespace ? t.namespace + "/" : "") + t.kind + "/" + t.name;
      var cells = t.placement.map(function (p) {
        var text = p.cluster + (p.replicas !== undefined ? " \u00d7" + p.replicas : "") +
          ": " + p.health + (p.applied ? "" : " (not applied)");
        return el("span", { "class": "placement " + p.health, "data-placement": p.cluster, text: text });
      });
      return el("tr", { "data-template": key }, [
        el("td", { text: key }),
        el("td", { text: t.policy || "-" }),
        el("td", { text: t.scheduled }),
        el("td", {}, cells.length ? cells : [el("span", { text: "not placed" })])
      ]);
    }));
  }

  function node(kind, attrs, text) {
    attrs["class"] = "node " + kind;
    attrs.text = text;
    return el("div", attrs);
  }

  // One row per service: providers -> service -> consumers, as a small left-to-right graph.
  function services(section) {
    var box = document.getElementById("services");
    if (section.denied) return denied(box, section);
    if (!section.items.length) {
      box.replaceChildren(el("p", { text: "No service is exported yet." }));
      return;
    }
    box.replaceChildren.apply(box, section.items.map(function (s) {
      var key = s.namespace + "/" + s.name;
      var providers = s.providers.map(function (p) {
        return node("provider", { "data-provider": p.cluster, "data-endpoints": String(p.endpoints) },
          p.cluster + ": " + p.ready + "/" + p.endpoints + " endpoints ready");
      });
      var consumers = s.consumers.map(function (c) {
        return node("consumer", { "data-consumer": c.cluster }, c.cluster + " (" + c.derivedService + ")");
      });
      return el("div", { "class": "graph", "data-service": key }, [
        el("div", { "class": "column" }, providers.length ? providers : [node("none", {}, "no provider")]),
        el("div", { "class": "arrow", text: "\u2192" }),
        el("div", { "class": "column" }, [node("service", {}, key)]),
        el("div", { "class": "arrow", text: "\u2192" }),
        el("div", { "class": "column" }, consumers.length ? consumers : [node("none", {}, "no consumer")])
      ]);
    }));
  }

  function state(text, cls) {
    var s = document.getElementById("state");
    s.textContent = text;
    s.className = "state " + (cls || "");
  }

  var inFlight = false, again = false, how = "polled";

  // One fetch at a time: an event arriving meanwhile fetches once more when it is done.
  function refresh() {
    if (inFlight) {
      again = true;
      return Promise.resolve();
    }
    inFlight = true;
    var headers = etag ? { "If-None-Match": etag } : {};
    return fetch("/ui/api/fleet", { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) {
          window.location.reload(); // the token was revoked: back to the login form
          return null;
        }
        if (r.status === 304) return null;
        if (!r.ok) throw new Error("HTTP " + r.status);
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (view) {
        if (view) {
          document.getElementById("user").textContent = "as " + view.user;
          clusters(view.clusters);
          templates(view.templates);
          services(view.services);
        }
        state("live (" + how + "), updated " + new Date().toLocaleTimeString(), "live");
      })
      .catch(function (e) { state("hub unreachable (" + e.message + "), retrying", "down"); })
      .then(function () {
        inFlight = false;
        if (again) {
          again = false;
          return refresh();
        }
      });
  }

  function poll() {
    refresh().then(function () { setTimeout(poll, 2000); });
  }

  function stream() {
    if (!window.EventSource) return poll();
    var source = new EventSource("/ui/api/fleet/stream");
    source.addEventListener("changed", function () {
      how = "streamed";
      refresh();
    });
    source.onerror = function () {
      // CONNECTING: the browser reconnects by itself. CLOSED: refused (a 401, say), so poll,
      // which also takes a revoked session back to the login form.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        how = "polled";
        poll();
      } else {
        state("stream interrupted, reconnecting", "down");
      }
    };
  }

  stream();
})();
