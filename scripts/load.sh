#!/usr/bin/env bash
# Load test on loopback: starts `rehearse serve` with a fresh database, then measures in the same run
#   1. GET /healthz at 64 connections,
#   2. the full reply cycle (create a session, post its replies) at 64 connections,
#   3. the server's resident memory with 10,000 live sessions.
# Needs wrk (Debian: apt-get install wrk). DB=postgres://... uses PostgreSQL instead of a fresh
# SQLite file; DURATION (default 15s) sets each measurement's length.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

duration=${DURATION:-15s}
connections=64
cargo build --release --quiet
bin=target/release/rehearse
work=$(mktemp -d)
db=${DB:-sqlite://$work/load.db}

token=$("$bin" token create "load-$(date +%s%N)" --db "$db" 2>/dev/null)
RUST_LOG=warn,rehearse_http=info "$bin" serve --addr 127.0.0.1:0 --db "$db" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  addr=$(grep -o 'addr=[0-9.:]*' "$work/serve.log" | head -n 1 | cut -d= -f2 || true)
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
base="http://$addr"
echo "server $base (pid $pid), database $db, $(nproc) cores"

echo
echo "== GET /healthz, $connections connections, $duration"
wrk -t 2 -c $connections -d "$duration" --latency "$base/healthz"

# The reply cycle needs one wrk thread per connection (each keeps its session's state), and 64
# client threads cost the shared cores more than 2 do: this is /healthz with that same client.
echo
echo "== GET /healthz, $connections connections on $connections wrk threads (the reply cycle's client), $duration"
wrk -t $connections -c $connections -d "$duration" --latency "$base/healthz"

echo
echo "== reply cycle (create a session, post 6 replies), $connections connections, $duration"
wrk -t $connections -c $connections -d "$duration" --latency -s scripts/reply-cycle.lua "$base" -- "$token"

echo
echo "== resident memory with 10,000 live sessions"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "before: $(rss)"
wrk -t $connections -c $connections -d "${LIVE_DURATION:-120s}" -s scripts/live-sessions.lua "$base" -- "$token" 10000 $connections | grep 'live sessions'
echo "after: $(rss)"
