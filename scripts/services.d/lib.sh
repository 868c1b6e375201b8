# shellcheck shell=bash
# scripts/services.d/lib.sh — what every service shares: logging, waiting, ports, daemons, run dirs.
# Sourced by scripts/services (which sets CACHE and RUN) before the service files.
#
# A service file (kafka.sh, influx.sh, postgres.sh) calls `register_service NAME [ALIAS…]` and
# defines these functions, each of them (scripts/services calls them by name, "${svc}_start"):
#   NAME_label          what it runs, for messages: "kafka 4.4.0"
#   NAME_url            where clients reach it
#   NAME_ports          its TCP ports: `down` waits until all are closed
#   NAME_install        download/build into the cache; a no-op when it is cached
#   NAME_answers        a real request to it succeeds: the health check
#   NAME_replace_running  true when a server that answers must still be restarted (InfluxDB of the
#                       other version); false for most
#   NAME_fresh          an empty run dir, $RUN/NAME/ (or what it links to); only called when it is down
#   NAME_start          first start on the fresh run dir (initialise, then launch)
#   NAME_ready          it answers enough for NAME_setup
#   NAME_setup          once ready: users, databases, buckets (output goes to its log)
#   NAME_resume         launch on the data the last stop kept
#   NAME_kept_data      there is such data
#   NAME_stop           ask it to stop (the caller waits for the ports)
#   NAME_env            its KEY=VALUE lines of $RUN/services.env
#   NAME_note           extra words for `status` while it is up (may print nothing)
# Each keeps its log, pid file, config and data in $RUN/NAME/ (svc_log, svc_pid below).

SERVICES=()
declare -A SERVICE_ALIASES=()

register_service() {
  local name=$1 alias; shift
  SERVICES+=("$name")
  SERVICE_ALIASES[$name]=$name
  for alias in "$@"; do SERVICE_ALIASES[$alias]=$name; done
}

say() { printf '%s\n' "$*"; }
err() { printf 'services: %s\n' "$*" >&2; }
die() { err "$*"; exit 1; }

now() { date +%s; }
elapsed() { local s=$(( $(now) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# step LABEL CMD... : run a step, report how long it took.
step() {
  local label=$1 t; shift
  t=$(now)
  say "  … $label"
  if "$@"; then
    say "  ✓ $label ($(elapsed "$t"))"
  else
    err "step failed: $label ($(elapsed "$t"))"
    return 1
  fi
}

need() { command -v "$1" >/dev/null 2>&1 || die "needs '$1' on PATH ($2)"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ports_closed SERVICE : none of its ports accepts a connection.
ports_closed() {
  local port
  for port in $("${1}_ports"); do ! port_open "$port" || return 1; done
}

# wait_for SECONDS CMD... : poll CMD until it succeeds or the time runs out.
wait_for() {
  local deadline=$(( $(now) + $1 )); shift
  until "$@"; do
    (( $(now) < deadline )) || return 1
    sleep 0.5
  done
}

svc_dir() { printf '%s/%s' "$RUN" "$1"; }
svc_log() { printf '%s/%s.log' "$(svc_dir "$1")" "$1"; }
svc_pid() { cat "$(svc_dir "$1")/$1.pid" 2>/dev/null || true; }

pid_alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# fresh_run_dir SERVICE : wipe and recreate $RUN/SERVICE.
fresh_run_dir() {
  local dir; dir=$(svc_dir "$1")
  rm -rf "$dir"
  mkdir -p "$dir"
}

# start_daemon SERVICE CMD... : start CMD detached in its own session, log + pid in the run dir.
start_daemon() {
  local svc=$1; shift
  setsid "$@" >>"$(svc_log "$svc")" 2>&1 </dev/null 9>&- &  # 9: the lock, not for daemons
  echo $! >"$(svc_dir "$svc")/$svc.pid"
}

# stop_daemon SERVICE : SIGTERM to what start_daemon started (its session), SIGKILL after 30 s.
stop_daemon() {
  local pid; pid=$(svc_pid "$1")
  pid_alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  wait_for 30 bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL -- "-$pid" 2>/dev/null || true
}

# write_if_changed FILE : stdin becomes FILE, replaced in one rename and only when it differs, so a
# server reading it meanwhile never sees half a file (the install dirs are shared between caches).
write_if_changed() {
  local tmp="$1.tmp.$$"
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

fail_service() {
  local svc=$1 why=$2
  err "$svc did not come up: $why"
  err "$svc log: $(svc_log "$svc")"
  if [[ -f $(svc_log "$svc") ]]; then
    err "last lines of the log:"
    tail -n 15 "$(svc_log "$svc")" | sed 's/^/    /' >&2
  fi
  exit 1
}

# One `up`/`down`/`install` at a time per cache (test runs may call `up` concurrently).
take_lock() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/services.lock"
  if ! flock -n 9; then
    say "waiting for another scripts/services run to finish…"
    flock 9
  fi
}

# progress VERB [REGEX] : count input lines (matching REGEX) as a progress line: redrawn in place on
# a terminal, one line per 100 otherwise (CI logs).
progress() {
  local verb=$1 re=${2:-.} tty=0
  [[ -t 1 ]] && tty=1
  awk -v verb="$verb" -v re="$re" -v tty="$tty" '
    $0 ~ re {
      n++
      if (tty) { printf "\r    %s %d", verb, n; fflush() }
      else if (n % 100 == 0) { printf "    %s %d\n", verb, n; fflush() }
    }
    END { if (n) printf (tty ? "\r    %s %d\n" : "    %s %d\n"), verb, n }'
}
