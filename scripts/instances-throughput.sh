#!/usr/bin/env bash
# Article page requests per second through nginx (docs/deploy/nginx-telepath.conf,
# only the addresses changed) to 1 and then 3 release instances sharing one new
# PostgreSQL schema, with wrk from the same machine. Prints a line per run; what
# it measures shares the cores with nginx, PostgreSQL and wrk, as a single box does.
# Usage: scripts/instances-throughput.sh [seconds=20] [connections=50]
# Needs: target/release/telepath (cargo build --release -p telepath-server --bin telepath),
# nginx and wrk (Debian packages), PostgreSQL at TELEPATH_TEST_POSTGRES or 127.0.0.1:5432/test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-50}
database=${TELEPATH_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}
article=/articles/send-your-first-invoice
work=$(mktemp -d)
chmod 755 "$work"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop_all EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for instances in 1 3; do
  schema="throughput_$$_$instances"
  psql "$database" -q -c "CREATE SCHEMA $schema" >/dev/null
  url="$database?options=-c%20search_path%3D$schema"
  upstreams=()
  for n in $(seq 1 "$instances"); do
    port=$(free_port)
    target/release/telepath serve --database "$url" --listen "127.0.0.1:$port" \
      --data "$work/data-$instances-$n" >"$work/instance-$instances-$n.log" 2>&1 &
    pids+=($!)
    upstreams+=("127.0.0.1:$port")
    until grep -q "Telepath is running" "$work/instance-$instances-$n.log"; do sleep 0.2; done
  done
  listen=$(free_port)
  site=$(sed "s/listen 80;/listen 127.0.0.1:$listen;/" docs/deploy/nginx-telepath.conf)
  for n in 1 2 3; do
    # With one instance, the sample's other two server lines are left out.
    replacement=${upstreams[$((n - 1))]:-}
    if [ -n "$replacement" ]; then
      site=$(printf '%s' "$site" | sed "s/127.0.0.1:300$n/$replacement/")
    else
      site=$(printf '%s' "$site" | grep -v "server 127.0.0.1:300$n ")
    fi
  done
  printf '%s\n' "$site" >"$work/telepath.conf"
  cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/nginx-error.log;
worker_processes 1;
events {}
http {
    access_log off;
    client_body_temp_path $work/body; proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
    include $work/telepath.conf;
}
CONF
  nginx -p "$work" -c "$work/nginx.conf"
  until curl -fsS -o /dev/null "http://127.0.0.1:$listen$article"; do sleep 0.2; done
  wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$listen$article" >/dev/null
  result=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$listen$article")
  rps=$(printf '%s\n' "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(printf '%s\n' "$result" | awk '$1 == "50%" {print $2}')
  p99=$(printf '%s\n' "$result" | awk '$1 == "99%" {print $2}')
  errors=$(printf '%s\n' "$result" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  printf '%d instance(s) behind nginx: %s requests/s, p50 %s, p99 %s %s\n' "$instances" "$rps" "$p50" "$p99" "$errors"
  kill "$(cat "$work/nginx.pid")"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  rm -f "$work/nginx.pid"
  psql "$database" -q -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
done
