#!/usr/bin/env python3
"""Generate Flotilla's built-in resource catalogue and schemas from the Kubernetes 1.33 swagger.

Reads ../shared/data/kubernetes-1.33-swagger.json (relative to the repository root) and writes,
committed into the project so that neither the build nor the product needs ../shared:

  hub-apiserver/src/main/resources/catalogue/builtin-resources.json
  hub-apiserver/src/main/resources/catalogue/builtin-schemas.json.gz

Upstream description texts are dropped on purpose: we ship facts (names, types, merge keys),
never upstream prose. Short names and categories are not in the swagger, so they come from the
explicit tables below (what `kubectl api-resources` shows against a 1.33 server).

Usage (from the repository root): python3 hack/gen-catalogue.py [path/to/swagger.json]
"""
import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SWAGGER = os.path.join(ROOT, "..", "shared", "data", "kubernetes-1.33-swagger.json")
OUT_DIR = os.path.join(ROOT, "hub-apiserver", "src", "main", "resources", "catalogue")

# (group, plural) -> short names, as kubectl api-resources lists them for 1.33.
SHORT_NAMES = {
    ("", "componentstatuses"): ["cs"],
    ("", "configmaps"): ["cm"],
    ("", "endpoints"): ["ep"],
    ("", "events"): ["ev"],
    ("", "limitranges"): ["limits"],
    ("", "namespaces"): ["ns"],
    ("", "nodes"): ["no"],
    ("", "persistentvolumeclaims"): ["pvc"],
    ("", "persistentvolumes"): ["pv"],
    ("", "pods"): ["po"],
    ("", "replicationcontrollers"): ["rc"],
    ("", "resourcequotas"): ["quota"],
    ("", "serviceaccounts"): ["sa"],
    ("", "services"): ["svc"],
    ("apiextensions.k8s.io", "customresourcedefinitions"): ["crd", "crds"],
    ("apps", "daemonsets"): ["ds"],
    ("apps", "deployments"): ["deploy"],
    ("apps", "replicasets"): ["rs"],
    ("apps", "statefulsets"): ["sts"],
    ("autoscaling", "horizontalpodautoscalers"): ["hpa"],
    ("batch", "cronjobs"): ["cj"],
    ("certificates.k8s.io", "certificatesigningrequests"): ["csr"],
    ("events.k8s.io", "events"): ["ev"],
    ("networking.k8s.io", "ingresses"): ["ing"],
    ("networking.k8s.io", "ipaddresses"): ["ip"],
    ("networking.k8s.io", "networkpolicies"): ["netpol"],
    ("policy", "poddisruptionbudgets"): ["pdb"],
    ("scheduling.k8s.io", "priorityclasses"): ["pc"],
    ("storage.k8s.io", "storageclasses"): ["sc"],
    ("storage.k8s.io", "volumeattributesclasses"): ["vac"],
}

# (group, plural) -> discovery categories; they apply to every served version.
CATEGORIES = {
    ("", "pods"): ["all"],
    ("", "replicationcontrollers"): ["all"],
    ("", "services"): ["all"],
    ("apps", "daemonsets"): ["all"],
    ("apps", "deployments"): ["all"],
    ("apps", "replicasets"): ["all"],
    ("apps", "statefulsets"): ["all"],
    ("autoscaling", "horizontalpodautoscalers"): ["all"],
    ("batch", "cronjobs"): ["all"],
    ("batch", "jobs"): ["all"],
    ("apiextensions.k8s.io", "customresourcedefinitions"): ["api-extensions"],
    ("apiregistration.k8s.io", "apiservices"): ["api-extensions"],
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"): ["api-extensions"],
    ("admissionregistration.k8s.io", "validatingwebhookconfigurations"): ["api-extensions"],
    ("admissionregistration.k8s.io", "validatingadmissionpolicies"): ["api-extensions"],
    ("admissionregistration.k8s.io", "validatingadmissionpolicybindings"): ["api-extensions"],
    ("admissionregistration.k8s.io", "mutatingadmissionpolicies"): ["api-extensions"],
    ("admissionregistration.k8s.io", "mutatingadmissionpolicybindings"): ["api-extensions"],
}

VERB_ORDER = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
ACTION_VERBS = {
    "get": "get", "list": "list", "post": "create", "put": "update", "patch": "patch",
    "delete": "delete", "deletecollection": "deletecollection", "watch": "watch",
    "watchlist": "watch",
}
# connect subresources (exec, attach, proxy, ...) are described by HTTP method instead.
METHOD_VERBS = {"get": "get", "post": "create", "put": "update", "patch": "patch",
                "delete": "delete"}
HTTP_METHODS = ["get", "put", "post", "patch", "delete", "head", "options"]

PATH_RE = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))/(?P<rest>.+)$")


def parse_path(path):
    """Split an API path into (group, version, namespaced, plural, subresource) or None."""
    m = PATH_RE.match(path)
    if not m:
        return None
    group, version = ("", "v1") if m.group("core") else (m.group("group"), m.group("version"))
    segs = m.group("rest").split("/")
    if segs and segs[0] == "watch":
        segs = segs[1:]
    namespaced = False
    if len(segs) >= 3 and segs[0] == "namespaces" and segs[1] == "{namespace}":
        namespaced = True
        segs = segs[2:]
    if not segs or not segs[0] or segs[0].startswith("{"):
        return None
    plural = segs[0]
    sub = None
    if len(segs) >= 3 and segs[1] == "{name}":
        sub = segs[2]
    return group, version, namespaced, plural, sub


def version_key(v):
    """Kubernetes version priority: GA > beta > alpha, then higher major, then higher minor."""
    m = re.match(r"^v(\d+)(?:(alpha|beta)(\d+))?$", v)
    if not m:
        return (-1, 0, 0)
    stability = {None: 2, "beta": 1, "alpha": 0}[m.group(2)]
    return (stability, int(m.group(1)), int(m.group(3) or 0))


def gvk_of(op):
    g = op.get("x-kubernetes-group-version-kind")
    return (g["group"], g["version"], g["kind"]) if g else None


def build_resources(swagger):
    defs = swagger["definitions"]
    kinds_defined = set()
    for d in defs.values():
        for g in d.get("x-kubernetes-group-version-kind", []):
            kinds_defined.add((g["group"], g["version"], g["kind"]))
    res = {}
    for path, item in swagger["paths"].items():
        parsed = parse_path(path)
        if not parsed:
            continue
        group, version, namespaced, plural, sub = parsed
        key = (group, version, plural)
        r = res.setdefault(key, {"namespaced": False, "verbs": set(), "kind": None, "subs": {}})
        r["namespaced"] = r["namespaced"] or namespaced
        for method in HTTP_METHODS:
            op = item.get(method)
            if not op:
                continue
            action = op.get("x-kubernetes-action")
            if sub is None:
                verb = ACTION_VERBS.get(action)
                if verb:
                    r["verbs"].add(verb)
                if r["kind"] is None and gvk_of(op):
                    r["kind"] = gvk_of(op)[2]
            else:
                s = r["subs"].setdefault(sub, {"verbs": set(), "gvk": None})
                verb = METHOD_VERBS.get(method) if action == "connect" else ACTION_VERBS.get(action)
                if verb:
                    s["verbs"].add(verb)
                if s["gvk"] is None and gvk_of(op):
                    s["gvk"] = gvk_of(op)
    # Which version of each (group, plural) objects are stored in and clients prefer.
    best = {}
    for (group, version, plural) in res:
        cur = best.get((group, plural))
        if cur is None or version_key(version) > version_key(cur):
            best[(group, plural)] = version
    out = []
    for (group, version, plural), r in sorted(res.items(), key=lambda e: (e[0][0], e[0][1], e[0][2])):
        kind = r["kind"]
        if kind is None:
            raise SystemExit("no kind for %s/%s %s" % (group, version, plural))
        list_kind = kind + "List" if (group, version, kind + "List") in kinds_defined else ""
        subs = []
        for name in sorted(r["subs"]):
            s = r["subs"][name]
            g = s["gvk"] or (group, version, kind)
            subs.append({"name": name, "group": g[0], "version": g[1], "kind": g[2],
                         "verbs": [v for v in VERB_ORDER if v in s["verbs"]]})
        out.append({
            "group": group,
            "version": version,
            "kind": kind,
            "plural": plural,
            "singular": kind.lower(),
            "namespaced": r["namespaced"],
            "verbs": [v for v in VERB_ORDER if v in r["verbs"]],
            "shortNames": SHORT_NAMES.get((group, plural), []),
            "categories": CATEGORIES.get((group, plural), []),
            "subresources": [s["name"] for s in subs],
            "listKind": list_kind,
            "storageVersion": best[(group, plural)] == version,
            "subresourceDetails": subs,
        })
    return out


# Schema keywords whose value is one schema, a list of schemas, or a map of name -> schema.
SCHEMA_ONE = {"items", "not", "additionalItems"}
SCHEMA_LIST = {"allOf", "anyOf", "oneOf"}
SCHEMA_MAP = {"properties", "patternProperties", "definitions"}


def convert_schema(node):
    """Swagger v2 schema -> OpenAPI v3 component schema, without description texts."""
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "description":
            continue
        if k == "$ref":
            out[k] = v.replace("#/definitions/", "#/components/schemas/")
        elif k in SCHEMA_ONE:
            out[k] = convert_schema(v)
        elif k in SCHEMA_LIST:
            out[k] = [convert_schema(x) for x in v]
        elif k in SCHEMA_MAP:
            out[k] = {name: convert_schema(s) for name, s in v.items()}
        elif k == "additionalProperties":
            out[k] = convert_schema(v) if isinstance(v, dict) else v
        else:
            out[k] = v  # type, format, required, enum, x-kubernetes-* ... kept verbatim
    # OpenAPI 3.0 ignores siblings of $ref; wrap like upstream's v3 documents do.
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def build_schemas(swagger):
    return {name: convert_schema(d) for name, d in sorted(swagger["definitions"].items())}


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SWAGGER
    with open(src, encoding="utf-8") as f:
        swagger = json.load(f)
    os.makedirs(OUT_DIR, exist_ok=True)
    resources = build_resources(swagger)
    res_path = os.path.join(OUT_DIR, "builtin-resources.json")
    with open(res_path, "w", encoding="utf-8") as f:
        json.dump({"kubernetesVersion": "v1.33.0", "resources": resources}, f,
                  indent=1, sort_keys=False)
        f.write("\n")
    schemas = build_schemas(swagger)
    data = json.dumps(schemas, separators=(",", ":"), sort_keys=True).encode("utf-8")
    sch_path = os.path.join(OUT_DIR, "builtin-schemas.json.gz")
    # mtime=0 keeps the committed file byte-identical across regenerations.
    with open(sch_path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(data)
    print("%d resources -> %s (%d bytes)" % (len(resources), res_path, os.path.getsize(res_path)))
    print("%d schemas -> %s (%d bytes, %d uncompressed)"
          % (len(schemas), sch_path, os.path.getsize(sch_path), len(data)))


if __name__ == "__main__":
    main()
