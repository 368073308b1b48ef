#!/usr/bin/env python3
"""Generate the protobuf field tables Flotilla uses to decode Kubernetes protobuf request bodies.

kubectl's typed-client commands (create namespace, create configmap, expose, run, ...) send
bodies as `application/vnd.kubernetes.protobuf`. To turn those into the JSON tree the JSON
encoding would give, the hub needs, for every message, its fields: number, JSON name, type,
repeated or map, and the Go facts that shape the JSON (pointer or value, omitempty, inline).

This script reads checkouts of the Kubernetes Go modules at a 1.33-era tag (v0.33.x):

  k8s.io/api, k8s.io/apimachinery, and optionally k8s.io/apiextensions-apiserver and
  k8s.io/kube-aggregator

and writes, committed into the project so that neither the build nor the product needs them:

  hub-apiserver/src/main/resources/catalogue/proto-messages.json.gz

From each module it reads the `generated.proto` files (messages and fields) and the Go sources
beside them (JSON names, `omitempty`, pointer fields, `json:",inline"` embedded structs, named
slice types such as `type ExtraValue []string`, which structs embed TypeMeta, and the group name
from register.go / doc.go). No upstream prose is copied: only names, numbers and types.

Usage (from the repository root):

  python3 hack/gen-proto-fields.py CHECKOUT [CHECKOUT...]

where each CHECKOUT is a module root (a directory holding the module's go.mod) or a directory
whose immediate subdirectories are module roots. A VERSION file beside a go.mod (e.g. holding
"v0.33.13") is recorded in the output. One way to make such a checkout from a clone:

  mkdir -p /tmp/k8s/api && git -C api archive v0.33.13 | tar -x -C /tmp/k8s/api \
    && echo v0.33.13 > /tmp/k8s/api/VERSION
"""
import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "hub-apiserver", "src", "main", "resources", "catalogue",
                   "proto-messages.json.gz")

MODULES = ("k8s.io/api", "k8s.io/apimachinery", "k8s.io/apiextensions-apiserver",
           "k8s.io/kube-aggregator")
REQUIRED = ("k8s.io/api", "k8s.io/apimachinery")
SKIP_DIRS = ("testapigroup", "testing", "examples", "vendor", "third_party", "test")
SCALARS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
           "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"}

# Groups whose Go packages declare no group name we can read (fallback only).
KNOWN_GROUPS = {"core": "", "apps": "apps", "batch": "batch", "autoscaling": "autoscaling",
                "policy": "policy", "extensions": "extensions", "meta": "meta.k8s.io"}


def module_roots(paths):
    roots = {}
    for path in paths:
        candidates = [path] + [os.path.join(path, d) for d in sorted(os.listdir(path))
                               if os.path.isdir(os.path.join(path, d))]
        for c in candidates:
            mod = module_name(c)
            if mod in MODULES and mod not in roots:
                roots[mod] = c
    missing = [m for m in REQUIRED if m not in roots]
    if missing:
        sys.exit("no checkout found for " + ", ".join(missing))
    return roots


def module_name(directory):
    try:
        with open(os.path.join(directory, "go.mod"), encoding="utf-8") as f:
            for line in f:
                m = re.match(r"\s*module\s+(\S+)", line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    return None


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


FIELD_RE = re.compile(
    r"^(?:(optional|repeated|required)\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?;$")
MAP_RE = re.compile(r"^map\s*<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?;$")


def parse_proto(path):
    """Returns (package, go_package, [(message, [raw field dicts])])."""
    with open(path, encoding="utf-8") as f:
        text = strip_comments(f.read())
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M).group(1)
    gp = re.search(r'option\s+go_package\s*=\s*"([^"]+)"', text)
    messages = []
    for m in re.finditer(r"\bmessage\s+(\w+)\s*\{", text):
        depth, i = 1, m.end()
        while depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        body = text[m.end():i - 1]
        if "{" in body:
            sys.exit(f"{path}: {m.group(1)} has nested definitions, not supported")
        fields = []
        for stmt in body.split(";"):
            stmt = " ".join(stmt.split())
            if not stmt:
                continue
            stmt += ";"
            mm = MAP_RE.match(stmt)
            if mm:
                fields.append({"number": int(mm.group(4)), "proto": mm.group(3),
                               "map": (mm.group(1), mm.group(2))})
                continue
            fm = FIELD_RE.match(stmt)
            if not fm:
                sys.exit(f"{path}: {m.group(1)}: cannot parse field {stmt!r}")
            fields.append({"number": int(fm.group(4)), "proto": fm.group(3),
                           "type": fm.group(2), "repeated": fm.group(1) == "repeated"})
        messages.append((m.group(1), fields))
    return package, gp.group(1) if gp else None, messages


GO_TYPE_RE = re.compile(r"^type\s+(\w+)\s+(.+?)\s*$")


def parse_go_package(directory):
    """Go facts: {struct: {number: field facts}}, named slice types, TypeMeta structs, group."""
    structs, slices, kinds, group = {}, set(), set(), None
    if not os.path.isdir(directory):
        return structs, slices, kinds, group
    for name in sorted(os.listdir(directory)):
        if (not name.endswith(".go") or name.endswith("_test.go") or name.startswith("zz_")
                or name.endswith(".pb.go")):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            lines = f.read().split("\n")
        current, depth = None, 0
        for line in lines:
            s = line.strip()
            if name in ("register.go", "doc.go") and group is None:
                g = re.search(r'GroupName\s*=\s*"([^"]*)"', s) or re.search(r"\+groupName=(\S*)", s)
                if g:
                    group = g.group(1)
            if s.startswith("//"):
                continue
            if current is None:
                t = GO_TYPE_RE.match(s)
                if not t:
                    continue
                if re.match(r"struct\s*\{\s*$", t.group(2)):
                    current, depth = t.group(1), 1
                    structs.setdefault(current, {})
                elif t.group(2).startswith("[]") and not t.group(2).startswith("[]byte"):
                    slices.add(t.group(1))
                continue
            if depth == 1 and "`" in s:
                decl, tag = s.split("`", 1)
                add_go_field(structs[current], kinds, current, decl.split(), tag)
            depth += s.count("{") - s.count("}")
            if depth <= 0:
                current = None
    return structs, slices, kinds, group


def add_go_field(fields, kinds, struct, decl, tag):
    json_tag = re.search(r'json:"([^"]*)"', tag)
    json_parts = json_tag.group(1).split(",") if json_tag else []
    pb = re.search(r'protobuf:"([^"]*)"', tag)
    if len(decl) == 1 and decl[0].split(".")[-1] == "TypeMeta" and not pb:
        kinds.add(struct)
        return
    if not pb or len(decl) not in (1, 2):
        return
    parts = pb.group(1).split(",")
    if len(parts) < 2 or not parts[1].isdigit():
        return
    go_type = decl[-1]
    fields[int(parts[1])] = {
        "json": json_parts[0] if json_parts and json_parts[0] not in ("", "-") else None,
        "omitEmpty": "omitempty" in json_parts[1:],
        "inline": len(decl) == 1 and "inline" in json_parts[1:],
        "pointer": go_type.startswith("*"),
    }


def resolve(type_name, package, known):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        return type_name[1:]
    scope = package.split(".")
    while scope:
        candidate = ".".join(scope + [type_name])
        if candidate in known:
            return candidate
        scope.pop()
    if type_name in known:
        return type_name
    sys.exit(f"cannot resolve message type {type_name} from package {package}")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    roots = module_roots(argv[1:])
    parsed = []  # (package, go dir, messages)
    for module, root in sorted(roots.items()):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            if "generated.proto" not in filenames:
                continue
            package, go_package, messages = parse_proto(os.path.join(dirpath, "generated.proto"))
            if not go_package or not go_package.startswith(module):
                sys.exit(f"{dirpath}: go_package {go_package} is not in module {module}")
            go_dir = os.path.join(root, go_package[len(module):].lstrip("/"))
            parsed.append((package, go_dir, messages))

    known = {pkg + "." + name for pkg, _, msgs in parsed for name, _ in msgs}
    out_messages, kinds, unmatched = {}, [], 0
    for package, go_dir, messages in sorted(parsed):
        structs, slices, kind_structs, group = parse_go_package(go_dir)
        version = os.path.basename(go_dir)
        if group is None:
            group = KNOWN_GROUPS.get(os.path.basename(os.path.dirname(go_dir)))
        for name, fields in messages:
            fqn = package + "." + name
            go_fields = structs.get(name, {})
            entry = {"fields": []}
            if name in slices:
                entry["list"] = True
            for f in fields:
                go = go_fields.get(f["number"])
                if go is None and go_fields:
                    unmatched += 1
                    print(f"warning: {fqn} field {f['number']} not found in Go", file=sys.stderr)
                out = {"number": f["number"], "name": (go or {}).get("json") or f["proto"]}
                if "map" in f:
                    out["repeated"] = True
                    out["map"] = {"key": resolve(f["map"][0], package, known),
                                  "value": resolve(f["map"][1], package, known)}
                else:
                    out["type"] = resolve(f["type"], package, known)
                    if f["repeated"]:
                        out["repeated"] = True
                for flag in ("omitEmpty", "pointer", "inline"):
                    if go and go[flag]:
                        out[flag] = True
                entry["fields"].append(out)
            out_messages[fqn] = entry
            if name in kind_structs and group is not None:
                kinds.append({"group": group, "version": version, "kind": name, "message": fqn})

    result = {
        "generatedBy": "hack/gen-proto-fields.py",
        "modules": {m: tag_of(r) for m, r in sorted(roots.items())},
        "kinds": sorted(kinds, key=lambda k: (k["group"], k["version"], k["kind"])),
        "messages": dict(sorted(out_messages.items())),
    }
    data = json.dumps(result, separators=(",", ":"), sort_keys=False).encode("utf-8")
    with open(OUT, "wb") as f:
        # mtime=0 keeps the output byte-identical across runs.
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    print(f"wrote {OUT}: {len(out_messages)} messages, {len(kinds)} kinds, "
          f"{os.path.getsize(OUT)} bytes ({unmatched} fields without Go facts)")


def tag_of(root):
    """The checkout's tag as recorded in a VERSION file beside go.mod (e.g. v0.33.13), if any."""
    for name in ("VERSION", ".version"):
        p = os.path.join(root, name)
        if os.path.isfile(p):
            with open(p, encoding="utf-8") as f:
                return f.read().strip()
    return "unknown"


if __name__ == "__main__":
    main(sys.argv)
