# shellcheck shell=bash
# scripts/services.d/postgres.sh — PostgreSQL 15 from Debian's postgresql-15 package: a throwaway
# cluster owned by the postgres user (initdb refuses root). Its run dir: data/, postgres.log,
# postgres.pid; it may be a link to /tmp (see pg_real_dir).

register_service postgres postgresql pg

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=5432
PG_USER=stockstream
PG_PASSWORD=stockstream
PG_DB=stockstream

postgres_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PASSWORD" "$PG_PORT" "$PG_DB"; }
postgres_label() { echo "postgresql 15"; }
postgres_ports() { echo "$PG_PORT"; }
postgres_env() { echo "POSTGRES_URL=$(postgres_url)"; }
postgres_note() { :; }
postgres_replace_running() { return 1; }

# Run a PostgreSQL server binary as the postgres user when we are root, as ourselves otherwise.
as_pg() {
  if (( EUID == 0 )); then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster dir. The postgres user must be able to reach it; when the cache sits under a private
# home (e.g. /root, mode 700) the cluster lives in /tmp and run/postgres is a symlink to it.
pg_real_dir() {
  if (( EUID == 0 )) && ! runuser -u postgres -- test -x "$RUN" 2>/dev/null; then
    printf '/tmp/stockstream-postgres-%s' "$(printf '%s' "$CACHE" | md5sum | cut -c1-8)"
  else
    svc_dir postgres
  fi
}

postgres_install() {
  [[ -x $PG_BIN/postgres ]] ||
    die "PostgreSQL 15 server binaries not found in $PG_BIN (apt-get install postgresql-15)"
}

postgres_fresh() {
  local real; real=$(pg_real_dir)
  rm -rf "$(svc_dir postgres)" "$real"
  mkdir -p "$real"
  [[ $real == "$(svc_dir postgres)" ]] || ln -s "$real" "$(svc_dir postgres)"
  (( EUID == 0 )) && chown postgres: "$real"
  as_pg touch "$real/postgres.log"
}

postgres_answers() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -t 2 &&
    [[ $("$PG_BIN/psql" "$(postgres_url)" -XAtqc 'select 1' 2>/dev/null) == 1 ]]
}

postgres_start() {
  local real; real=$(pg_real_dir)
  as_pg "$PG_BIN/initdb" -D "$real/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >>"$real/postgres.log" 2>&1 || return 1
  postgres_resume
}

# Start the server on an existing cluster (after postgres_start's initdb, and for `start`).
postgres_resume() {
  local real; real=$(pg_real_dir)
  local opts="-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$real"
  opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
  as_pg "$PG_BIN/pg_ctl" -D "$real/data" -l "$real/postgres.log" -w -t 30 -o "$opts" start \
    >/dev/null 9>&- || return 1
  head -n 1 "$real/data/postmaster.pid" >"$real/postgres.pid"
}

# The server accepts connections (before our role exists).
postgres_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2; }

postgres_setup() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres <<EOF
CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
CREATE DATABASE $PG_DB OWNER $PG_USER;
EOF
}

postgres_stop() {
  local real; real=$(pg_real_dir)
  if [[ -f $real/data/postmaster.pid ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$real/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
}

postgres_kept_data() { [[ -f $(pg_real_dir)/data/PG_VERSION ]]; }
