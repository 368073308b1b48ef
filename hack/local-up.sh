#!/usr/bin/env bash
# Brings up a local Flotilla fleet: the hub and three members, reachable as the kubeconfig contexts
# flotilla, member1, member2 and member3 in DATA_DIR/kubeconfig.
#
# With a Docker daemon and kind: three kind clusters whose pod networks are routed to each other,
# a member agent Deployment in each (its image built by Jib to a tar, no Docker build, loaded with
# `kind load image-archive`), and the hub on this host, listening where the kind nodes reach it.
# Without them, or with --simulated: the hub's simulated members (`flotilla hub --sim-members 3`).
#
#   hack/local-up.sh [up] [--data-dir DIR] [--port PORT] [--simulated | --etcd]
#   hack/local-up.sh down [--data-dir DIR]   # stops the hub; deletes the kind clusters it made
# --etcd: a three-member etcd here and two hub replicas on it, simulated members (local-up-etcd.sh).
#
# Environment: FLOTILLA_BIN (launcher command, default bin/flotilla), KIND and DOCKER (commands),
# KIND_NODE_IMAGE (kind's node image), FLOTILLA_HUB_ADDRESS (the host as kind pods reach it),
# FLOTILLA_UP_TIMEOUT (seconds to wait for each step, default 180).
set -euo pipefail
umask 077 # the data directory holds tokens

readonly MEMBERS=(member1 member2 member3)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly root
readonly agent_manifests=$root/deploy/agent
flotilla=${FLOTILLA_BIN:-$root/bin/flotilla}
kind_cmd=${KIND:-kind}
docker_cmd=${DOCKER:-docker}
timeout=${FLOTILLA_UP_TIMEOUT:-180}

command=up
data_dir=./flotilla-data
port=6443
force_simulated=false
use_etcd=false
started_hub_pid=

say() { printf 'local-up: %s\n' "$*"; }
die() {
  printf 'local-up: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

parse_args() {
  if [[ $# -gt 0 && $1 != -* ]]; then
    command=$1
    shift
  fi
  while [[ $# -gt 0 ]]; do
    case $1 in
      --data-dir) data_dir=${2:?--data-dir needs a value} && shift 2 ;;
      --data-dir=*) data_dir=${1#*=} && shift ;;
      --port) port=${2:?--port needs a value} && shift 2 ;;
      --port=*) port=${1#*=} && shift ;;
      --simulated) force_simulated=true && shift ;;
      --etcd) use_etcd=true && shift ;;
      -h | --help) usage && exit 0 ;;
      *) usage >&2 && die "unknown argument: $1" ;;
    esac
  done
  case $command in
    up | down) ;;
    *) usage >&2 && die "unknown command: $command (up or down)" ;;
  esac
  [[ $port =~ ^[0-9]+$ ]] || die "--port must be a number: $port"
}

# --- the hub process -------------------------------------------------------------------------

pid_file() { printf '%s/hub.pid' "$data_dir"; }
kubeconfig() { printf '%s/kubeconfig' "$data_dir"; }

# The pid in the pid file, if that process is alive and is a Flotilla launcher (not a reused pid).
running_hub_pid() {
  local pid args
  [[ -f $(pid_file) ]] || return 1
  pid=$(<"$(pid_file)")
  if [[ ! $pid =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
    return 1
  fi
  args=$(ps -p "$pid" -o args= 2>/dev/null) || return 1
  [[ $args == *flotilla* || $args == *Flotilla* ]] || return 1
  printf '%s\n' "$pid"
}

build_launcher_if_missing() {
  if [[ -z ${FLOTILLA_BIN:-} && ! -f $root/flotilla/target/flotilla.jar ]]; then
    say "building flotilla/target/flotilla.jar (mvn -pl flotilla -am package)"
    (cd "$root" && mvn -B -q -pl flotilla -am -DskipTests package)
  fi
}

# Starts `flotilla hub` in the background with the given extra flags; its output goes to hub.log.
start_hub() {
  rm -f "$(kubeconfig)"
  nohup "$flotilla" hub --data-dir "$data_dir" --port "$port" "$@" \
    </dev/null >"$data_dir/hub.log" 2>&1 &
  printf '%s\n' "$!" >"$(pid_file)"
  started_hub_pid=$!
  say "hub starting (pid $!, log $data_dir/hub.log)"
}

# On a failed `up`, stops the hub this run started; kind clusters stay for the next run.
stop_started_hub_on_failure() {
  local status=$?
  if [[ $status -ne 0 && -n ${started_hub_pid:-} ]] && kill -0 "$started_hub_pid" 2>/dev/null; then
    printf 'local-up: stopping the hub this run started (pid %s); its log: %s\n' \
      "$started_hub_pid" "$data_dir/hub.log" >&2
    kill "$started_hub_pid" 2>/dev/null || true
    rm -f "$(pid_file)"
  fi
  if [[ $status -ne 0 && -s $data_dir/kind/clusters ]]; then
    printf 'local-up: kind clusters are kept; %s down --data-dir %s deletes them\n' \
      "$0" "$data_dir" >&2
  fi
}

hub_died() {
  printf 'local-up: the hub exited; the end of %s:\n' "$data_dir/hub.log" >&2
  tail -n 30 "$data_dir/hub.log" >&2 || true
  rm -f "$(pid_file)"
  exit 1
}

wait_for_hub() {
  local deadline=$((SECONDS + timeout))
  until [[ -f $(kubeconfig) ]] &&
    kubectl --kubeconfig "$(kubeconfig)" --context flotilla get --raw /healthz >/dev/null 2>&1; do
    running_hub_pid >/dev/null || hub_died
    ((SECONDS < deadline)) || die "the hub did not answer within ${timeout}s (see $data_dir/hub.log)"
    sleep 1
  done
}

# Waits until every member's Cluster on the hub has condition Ready=True.
wait_for_ready_members() {
  local deadline=$((SECONDS + timeout)) ready member missing
  say "waiting for ${MEMBERS[*]} to be Ready on the hub"
  while true; do
    ready=$(kubectl --kubeconfig "$(kubeconfig)" --context flotilla get clusters -o \
      jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' \
      2>/dev/null || true)
    missing=()
    for member in "${MEMBERS[@]}"; do
      grep -qx "$member True" <<<"$ready" || missing+=("$member")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    running_hub_pid >/dev/null || hub_died
    ((SECONDS < deadline)) || die "not Ready after ${timeout}s: ${missing[*]}"
    sleep 1
  done
}

print_usage_hints() {
  cat <<EOF

  export KUBECONFIG=$(kubeconfig)
  kubectl --context flotilla get clusters
  kubectl --context member1 get pods -A

Stop it with: $0 down --data-dir $data_dir
EOF
}

# --- simulated members -----------------------------------------------------------------------

up_simulated() {
  say "using SIMULATED members ($1): the hub runs member1..member3 in its own JVM"
  build_launcher_if_missing
  start_hub --sim-members "${#MEMBERS[@]}"
  wait_for_hub
  wait_for_ready_members
  say "up with simulated members member1..member3 (contexts flotilla, member1..member3)"
  print_usage_hints
}

# --- kind members ----------------------------------------------------------------------------

# Why kind cannot be used, or nothing when it can.
kind_unavailable_reason() {
  if ! command -v "$kind_cmd" >/dev/null 2>&1; then
    printf 'no kind on PATH'
  elif ! command -v "$docker_cmd" >/dev/null 2>&1; then
    printf 'no docker on PATH'
  elif ! "$docker_cmd" info >/dev/null 2>&1; then
    printf 'no Docker daemon answers'
  fi
}

# Member i's pod and service networks, distinct so that routed pod IPs never collide.
pod_cidr() { printf '10.10%d.0.0/16' "$1"; }
service_cidr() { printf '10.20%d.0.0/16' "$1"; }

create_kind_clusters() {
  local i name config existing
  existing=$("$kind_cmd" get clusters 2>/dev/null || true)
  mkdir -p "$data_dir/kind"
  for i in "${!MEMBERS[@]}"; do
    name=${MEMBERS[i]}
    if grep -qx "$name" <<<"$existing"; then
      say "kind cluster $name exists; reusing it"
    else
      config=$data_dir/kind/$name.yaml
      cat >"$config" <<EOF
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  podSubnet: "$(pod_cidr $((i + 1)))"
  serviceSubnet: "$(service_cidr $((i + 1)))"
EOF
      say "creating kind cluster $name (pods $(pod_cidr $((i + 1))), services $(service_cidr $((i + 1))))"
      "$kind_cmd" create cluster --name "$name" --config "$config" \
        ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} \
        --kubeconfig "$data_dir/kind/$name.kubeconfig" --wait "${timeout}s"
      # Only clusters made here are deleted by `down`.
      printf '%s\n' "$name" >>"$data_dir/kind/clusters"
    fi
  done
}

# Writes DATA_DIR/kind/<member>.kubeconfig with its context renamed from kind-<member> to <member>.
export_kind_kubeconfigs() {
  local name file
  for name in "${MEMBERS[@]}"; do
    file=$data_dir/kind/$name.kubeconfig
    "$kind_cmd" get kubeconfig --name "$name" >"$file"
    kubectl --kubeconfig "$file" config rename-context "kind-$name" "$name" >/dev/null
  done
}

# Adds the members' contexts to the hub's kubeconfig, keeping current-context flotilla.
merge_member_contexts() {
  local paths name
  paths=$(kubeconfig)
  for name in "${MEMBERS[@]}"; do
    paths+=":$data_dir/kind/$name.kubeconfig"
  done
  KUBECONFIG=$paths kubectl config view --flatten --raw >"$(kubeconfig).merged"
  mv "$(kubeconfig).merged" "$(kubeconfig)"
}

# "podCIDR nodeIP" for every node of a member, read from the member's API.
node_routes() {
  kubectl --kubeconfig "$data_dir/kind/$1.kubeconfig" --context "$1" get nodes -o \
    jsonpath='{range .items[*]}{.spec.podCIDR}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'
}

# Routes every member's pod networks through the other members' nodes, so a pod IP of one
# member is reachable from the nodes and pods of the others (all nodes share docker's kind network).
route_pod_networks() {
  local name other node nodes routes cidr via
  for name in "${MEMBERS[@]}"; do
    nodes=$("$kind_cmd" get nodes --name "$name")
    for other in "${MEMBERS[@]}"; do
      [[ $other == "$name" ]] && continue
      routes=$(node_routes "$other")
      while read -r cidr via; do
        [[ -n $cidr && -n $via ]] || die "$other: a node without podCIDR or InternalIP"
        for node in $nodes; do
          say "route on $node: $cidr via $via ($other)"
          "$docker_cmd" exec "$node" ip route replace "$cidr" via "$via"
        done
      done <<<"$routes"
    done
  done
}

# The hub's address as pods in kind reach it: the kind network's gateway (this host) on Linux,
# host.docker.internal on Docker Desktop.
hub_address() {
  local node
  if [[ -n ${FLOTILLA_HUB_ADDRESS:-} ]]; then
    printf '%s' "$FLOTILLA_HUB_ADDRESS"
  elif [[ $("$docker_cmd" info --format '{{.OperatingSystem}}') == *"Docker Desktop"* ]]; then
    printf 'host.docker.internal'
  else
    node=$("$kind_cmd" get nodes --name "${MEMBERS[0]}")
    node=${node%%$'\n'*}
    "$docker_cmd" exec "$node" ip -4 route show default | awk 'NR == 1 { print $3 }'
  fi
}

# Jib's platform for the Docker host's architecture (kind nodes run the host's).
image_platform() {
  case $("$docker_cmd" info --format '{{.Architecture}}') in
    aarch64 | arm64) printf 'linux/arm64' ;;
    *) printf 'linux/amd64' ;;
  esac
}

image_tar() { printf '%s/flotilla/target/flotilla-image.tar' "$root"; }

# Builds the launcher jar and the agent image tar (Jib, no Docker daemon involved).
build_image() {
  say "building flotilla.jar and $(image_tar) (mvn -Pimage, Jib $(image_platform))"
  (cd "$root" && mvn -B -q -pl flotilla -am -Pimage -DskipTests \
    -Djib.from.platforms="$(image_platform)" package)
}

# The image name Jib wrote into the tar, e.g. flotilla/flotilla:0.1.0-SNAPSHOT.
image_name() {
  tar -xOf "$(image_tar)" manifest.json | sed -n 's/.*"RepoTags":\["\([^"]*\)".*/\1/p'
}

# Deploys member <name>'s agent: RBAC, a Secret with its hub kubeconfig, and the Deployment (the
# agent reaches its member with its ServiceAccount, in-cluster).
deploy_agent() {
  local name=$1 hub_url=$2 image=$3 dir node_ip out
  local -a member=(kubectl --kubeconfig "$(kubeconfig)" --context "$name")
  dir=$data_dir/agents/$name
  mkdir -p "$dir"
  say "$name: deploying the agent ($image)"
  "${member[@]}" apply -f "$agent_manifests/rbac.yaml" >/dev/null

  out=$("$flotilla" agent-token create "$name" --hub-kubeconfig "$(kubeconfig)" \
    --output "$dir/hub.kubeconfig" 2>&1) || die "$name: flotilla agent-token create failed: $out"
  kubectl --kubeconfig "$dir/hub.kubeconfig" config set-cluster flotilla \
    --server="$hub_url" >/dev/null

  node_ip=$(node_routes "$name")
  node_ip=${node_ip%%$'\n'*}
  node_ip=${node_ip#* }
  "${member[@]}" -n karmada-system create secret generic flotilla-agent \
    --from-file=hub.kubeconfig="$dir/hub.kubeconfig" \
    --from-literal=cluster-name="$name" \
    --from-literal=api-endpoint="https://$node_ip:6443" \
    --dry-run=client -o yaml | "${member[@]}" apply -f - >/dev/null

  # A new restartedAt on every run: the agent restarts with this run's token and image.
  sed -e "s|@IMAGE@|$image|" -e "s|@RESTARTED_AT@|$(date -u +%Y-%m-%dT%H:%M:%SZ)|" \
    "$agent_manifests/deployment.yaml" | "${member[@]}" apply -f - >/dev/null
}

up_kind() {
  local address hub_url image name
  command -v mvn >/dev/null 2>&1 || die "the kind path builds the agent image with Maven (Jib): no mvn on PATH"
  say "using KIND members: ${MEMBERS[*]} in Docker"
  create_kind_clusters
  export_kind_kubeconfigs
  route_pod_networks
  build_image
  image=$(image_name)
  [[ -n $image ]] || die "no RepoTags in $(image_tar)"
  for name in "${MEMBERS[@]}"; do
    say "$name: loading $image"
    "$kind_cmd" load image-archive "$(image_tar)" --name "$name"
  done

  address=$(hub_address)
  [[ -n $address ]] || die "cannot tell the host's address on the kind network; set FLOTILLA_HUB_ADDRESS"
  # All interfaces: the kubeconfig's 127.0.0.1 for this host, $address for the kind pods.
  start_hub --bind-address 0.0.0.0 --tls-san "$address"
  wait_for_hub
  hub_url=$(kubectl --kubeconfig "$(kubeconfig)" config view --minify --context flotilla \
    -o 'jsonpath={.clusters[0].cluster.server}')
  hub_url="https://$address:${hub_url##*:}"
  merge_member_contexts
  say "hub at $hub_url for the agents"

  for name in "${MEMBERS[@]}"; do
    deploy_agent "$name" "$hub_url" "$image"
  done
  for name in "${MEMBERS[@]}"; do
    kubectl --kubeconfig "$(kubeconfig)" --context "$name" -n karmada-system \
      rollout status deployment/flotilla-agent --timeout="${timeout}s"
  done
  wait_for_ready_members
  say "up with kind members member1..member3 (contexts flotilla, member1..member3)"
  print_usage_hints
}

# --- commands --------------------------------------------------------------------------------

up() {
  local pid reason
  command -v kubectl >/dev/null 2>&1 || die "kubectl is needed on PATH"
  mkdir -p "$data_dir"
  data_dir=$(cd "$data_dir" && pwd)
  if pid=$(running_hub_pid); then
    die "a hub is already running for $data_dir (pid $pid); run: $0 down --data-dir $data_dir"
  fi
  trap stop_started_hub_on_failure EXIT
  if [[ $use_etcd == true ]]; then
    up_etcd
  elif [[ $force_simulated == true ]]; then
    up_simulated "--simulated"
  elif reason=$(kind_unavailable_reason) && [[ -n $reason ]]; then
    up_simulated "$reason"
  else
    up_kind
  fi
}

down() {
  local pid name deadline
  [[ -d $data_dir ]] || die "no data directory $data_dir"
  data_dir=$(cd "$data_dir" && pwd)
  if pid=$(running_hub_pid); then
    say "stopping the hub (pid $pid)"
    kill "$pid"
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        say "the hub did not stop within 30s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  else
    say "no hub running for $data_dir"
  fi
  rm -f "$(pid_file)"
  if [[ -s $data_dir/kind/clusters ]]; then
    while read -r name; do
      [[ -n $name ]] || continue
      say "deleting kind cluster $name"
      "$kind_cmd" delete cluster --name "$name"
    done <"$data_dir/kind/clusters"
    rm -f "$data_dir/kind/clusters"
  fi
  down_etcd
  say "down"
}

# shellcheck source=SCRIPTDIR/local-up-etcd.sh disable=SC1091
source "$root/hack/local-up-etcd.sh"
parse_args "$@"
"$command"
