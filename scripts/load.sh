#!/usr/bin/env bash
# Load test on loopback: starts `rehearse serve` with a fresh database, then measures in the same run
#   1. GET /healthz at 64 connections,
#   2. the full reply cycle (create a session, post its replies) at 64 connections,
#   3. the server's resident memory with 10,000 live sessions.
# Needs wrk (Debian: apt-get install wrk). DB=postgres://... uses PostgreSQL instead of a fresh
# SQLite file; DURATION (default 15s) sets each measurement's length; ROUNDS (default 1) repeats the
# /healthz and reply-cycle measurements, each round printing the reply cycle's share of /healthz.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

duration=${DURATION:-15s}
connections=64
cargo build --release --quiet
bin=target/release/rehearse
work=$(mktemp -d)
db=${DB:-sqlite://$work/load.db}

token=$("$bin" token create "load-$(date +%s%N)" --db "$db" 2>"$work/token.log") ||
  { echo "cannot create a token on $db:" >&2; cat "$work/token.log" >&2; rm -rf "$work"; exit 1; }
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

# Each round measures /healthz and the reply cycle back to back, so that their ratio compares runs
# made under the same conditions: a shared or virtual machine's speed drifts from minute to minute.
rate() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
for round in $(seq "${ROUNDS:-1}"); do
  echo
  echo "== round $round: GET /healthz, $connections connections, $duration"
  wrk -t 2 -c $connections -d "$duration" --latency "$base/healthz" | tee "$work/healthz.txt"

  # The reply cycle needs one wrk thread per connection (each keeps its session's state), and 64
  # client threads cost the shared cores more than 2 do: this is /healthz with that same client.
  echo
  echo "== round $round: GET /healthz, $connections connections on $connections wrk threads (the reply cycle's client), $duration"
  wrk -t $connections -c $connections -d "$duration" --latency "$base/healthz" | tee "$work/healthz-64.txt"

  echo
  echo "== round $round: reply cycle (create a session, post 6 replies), $connections connections, $duration"
  wrk -t $connections -c $connections -d "$duration" --latency -s scripts/reply-cycle.lua "$base" -- "$token" |
    tee "$work/reply.txt"

  echo
  awk -v round="$round" -v reply="$(rate "$work/reply.txt")" -v healthz="$(rate "$work/healthz.txt")" \
    -v same_client="$(rate "$work/healthz-64.txt")" -v p99="$(p99 "$work/reply.txt")" 'BEGIN {
      printf "== round %s: reply cycle %.0f requests/s, p99 %s: %.1f%% of /healthz (%.0f), %.1f%% of /healthz with the same client (%.0f)\n",
        round, reply, p99, 100 * reply / healthz, healthz, 100 * reply / same_client, same_client
    }'
done

echo
echo "== resident memory with 10,000 live sessions"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "before: $(rss)"
wrk -t $connections -c $connections -d "${LIVE_DURATION:-120s}" -s scripts/live-sessions.lua "$base" -- "$token" 10000 $connections | grep 'live sessions'
echo "after: $(rss)"
