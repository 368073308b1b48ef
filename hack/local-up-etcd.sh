# shellcheck shell=bash
# shellcheck disable=SC2154 # data_dir, port, timeout and MEMBERS are local-up.sh's
# Sourced by hack/local-up.sh for --etcd: a three-member etcd on this machine (Debian's etcd-server)
# and two hub replicas on it, with the simulated members member1..member3. Replica a (DATA_DIR/
# replica-a) starts first and leads the controllers; replica b (DATA_DIR, whose kubeconfig has the
# member contexts) shares its CA, ServiceAccount key and admin token, and runs the members' agents.
# Kill either replica and the other one serves and, within the lease, runs the controllers.
#
# Environment: FLOTILLA_ETCD_PORT_BASE (client ports BASE..BASE+2, peer ports BASE+100..BASE+102;
# default 32379).

readonly ETCD_NAMES=(etcd0 etcd1 etcd2)
etcd_port_base=${FLOTILLA_ETCD_PORT_BASE:-32379}

etcd_dir() { printf '%s/etcd' "$data_dir"; }
replica_dir() { printf '%s/replica-a' "$data_dir"; }

etcd_servers() {
  local i servers=""
  for i in "${!ETCD_NAMES[@]}"; do
    servers+="${servers:+,}http://127.0.0.1:$((etcd_port_base + i))"
  done
  printf '%s\n' "$servers"
}

start_etcd() {
  local i name cluster="" deadline
  command -v etcd >/dev/null 2>&1 || die "--etcd needs etcd on PATH (apt-get install etcd-server)"
  mkdir -p "$(etcd_dir)"
  for i in "${!ETCD_NAMES[@]}"; do
    cluster+="${cluster:+,}${ETCD_NAMES[$i]}=http://127.0.0.1:$((etcd_port_base + 100 + i))"
  done
  for i in "${!ETCD_NAMES[@]}"; do
    name=${ETCD_NAMES[$i]}
    # Timings for a loaded machine: the defaults (100 ms, 1 s) re-elect a leader in a loop there.
    nohup etcd --name "$name" --data-dir "$(etcd_dir)/$name" \
      --listen-client-urls "http://127.0.0.1:$((etcd_port_base + i))" \
      --advertise-client-urls "http://127.0.0.1:$((etcd_port_base + i))" \
      --listen-peer-urls "http://127.0.0.1:$((etcd_port_base + 100 + i))" \
      --initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port_base + 100 + i))" \
      --initial-cluster "$cluster" --initial-cluster-state new \
      --initial-cluster-token flotilla-local-up \
      --heartbeat-interval 250 --election-timeout 2500 --log-level warn \
      </dev/null >"$(etcd_dir)/$name.log" 2>&1 &
    printf '%s\n' "$!" >"$(etcd_dir)/$name.pid"
  done
  say "etcd starting: $(etcd_servers) (logs in $(etcd_dir))"
  deadline=$((SECONDS + timeout))
  until etcd_healthy; do
    ((SECONDS < deadline)) || die "etcd did not become healthy within ${timeout}s (see $(etcd_dir))"
    sleep 1
  done
}

# True when the first member reports a healthy cluster (it needs a quorum to say so).
etcd_healthy() {
  local health
  health=$(curl -fsS --max-time 5 "http://127.0.0.1:$etcd_port_base/health" 2>/dev/null) || return 1
  [[ $health == *'"health":"true"'* ]]
}

up_etcd() {
  local main_dir=$data_dir main_port=$port servers
  start_etcd
  servers=$(etcd_servers)
  build_launcher_if_missing
  data_dir=$(replica_dir)
  mkdir -p "$data_dir"
  if [[ $main_port != 0 ]]; then port=$((main_port + 1)); fi
  start_hub --etcd-servers "$servers"
  wait_for_hub
  say "replica a is up (data $data_dir)"
  # Replica b trusts and is trusted as replica a: one CA, one ServiceAccount key, one admin token.
  mkdir -p "$main_dir/pki"
  cp "$data_dir/pki/ca.crt" "$data_dir/pki/ca.key" "$data_dir/pki/sa.key" "$main_dir/pki/"
  cp "$data_dir/admin.token" "$main_dir/"
  data_dir=$main_dir
  port=$main_port
  start_hub --etcd-servers "$servers" --sim-members "${#MEMBERS[@]}" --sim-member-store MEMORY
  wait_for_hub
  wait_for_ready_members
  say "up on etcd: replicas a ($(replica_dir)/kubeconfig) and b ($(kubeconfig)), members member1..member3"
  print_usage_hints
}

# Stops a process by its pid file, if it is still running: TERM, then KILL after 30 s.
stop_pid_file() {
  local file=$1 pid deadline
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "$file"
}

down_etcd() {
  local name
  if [[ -f $(replica_dir)/hub.pid ]]; then
    say "stopping replica a"
    stop_pid_file "$(replica_dir)/hub.pid"
  fi
  for name in "${ETCD_NAMES[@]}"; do
    if [[ -f $(etcd_dir)/$name.pid ]]; then
      say "stopping $name"
      stop_pid_file "$(etcd_dir)/$name.pid"
    fi
  done
}
