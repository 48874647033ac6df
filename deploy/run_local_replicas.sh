#!/usr/bin/env bash
# Start N Streamlit replicas of the course and Debian's nginx in front of them, all on localhost.
#
#   deploy/run_local_replicas.sh postgresql+psycopg://course@127.0.0.1:5432/course
#   REPLICAS=3 PORT=8080 deploy/run_local_replicas.sh "$COURSE_DATABASE_URL"
#
# The replicas share the database (PostgreSQL: SQLite cannot be shared between processes safely) and
# one cookie secret; nginx uses deploy/nginx/course-maps.conf and course-locations.conf, the same files
# a real Debian server includes (course-site.conf). Everything runs in the foreground as children of this
# script, in a temporary folder; Ctrl-C (or SIGTERM) stops them all and removes the folder.
# When ready it prints one line: "ready http://127.0.0.1:PORT replicas=PORT1,PORT2,...".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
database_url="${1:-${COURSE_DATABASE_URL:-}}"
replicas="${REPLICAS:-2}"
python="${PYTHON:-python3}"
nginx_bin="${NGINX:-/usr/sbin/nginx}"

if [[ -z "$database_url" ]]; then
    echo "usage: $0 DATABASE_URL   (a PostgreSQL URL shared by every replica)" >&2
    exit 2
fi
if [[ "$database_url" == sqlite* ]]; then
    echo "refusing SQLite: replicas in several processes need a shared server database (PostgreSQL)" >&2
    exit 2
fi
if [[ ! -x "$nginx_bin" ]]; then
    echo "nginx not found at $nginx_bin: apt-get install nginx (as .ci/run does)" >&2
    exit 2
fi

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="${PORT:-$(free_port)}"
secret="${COURSE_COOKIE_SECRET:-$("$python" -c 'import secrets; print(secrets.token_hex(32))')}"

work="$(mktemp -d -t course-replicas-XXXXXX)"
pids=()
cleanup() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- replicas ------------------------------------------------------------------------------------
replica_ports=()
for ((i = 1; i <= replicas; i++)); do
    replica_port="$(free_port)"
    (
        cd "$root"
        # exec: the pid we record is Streamlit's own, so cleanup signals the server itself.
        COURSE_DATABASE_URL="$database_url" STREAMLIT_SERVER_COOKIE_SECRET="$secret" \
            exec "$python" -m streamlit run streamlit_app.py \
            --server.port "$replica_port" --server.address 127.0.0.1 --server.headless true
    ) >"$work/replica-$i.log" 2>&1 &
    pids+=("$!")
    replica_ports+=("$replica_port")
done

for ((i = 0; i < replicas; i++)); do
    ok=""
    for _ in $(seq 1 300); do
        if "$python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
            "http://127.0.0.1:${replica_ports[$i]}/_stcore/health" 2>/dev/null; then
            ok=1
            break
        fi
        if ! kill -0 "${pids[$i]}" 2>/dev/null; then
            break
        fi
        sleep 0.2
    done
    if [[ -z "$ok" ]]; then
        echo "replica $((i + 1)) did not become healthy; its log:" >&2
        tail -n 40 "$work/replica-$((i + 1)).log" >&2
        exit 1
    fi
done

# --- nginx ---------------------------------------------------------------------------------------
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
chmod 755 "$work" "$work/nginx"
chmod 777 "$work/nginx/tmp"  # nginx's workers run as nobody when the master is root
user_line=""
if [[ "$(id -u)" == "0" ]]; then
    user_line="user nobody nogroup;"
fi
upstream_servers=""
for replica_port in "${replica_ports[@]}"; do
    upstream_servers+="        server 127.0.0.1:${replica_port} max_fails=2 fail_timeout=10s;"$'\n'
done
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $here/nginx/course-maps.conf;
    upstream course {
        hash \$course_route consistent;
$upstream_servers    }
    server {
        listen 127.0.0.1:$port;
        include $here/nginx/course-locations.conf;
    }
}
CONF

"$nginx_bin" -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g "daemon off;" &
pids+=("$!")

for _ in $(seq 1 100); do
    if "$python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
        "http://127.0.0.1:$port/_stcore/health" 2>/dev/null; then
        echo "ready http://127.0.0.1:$port replicas=$(
            IFS=,
            echo "${replica_ports[*]}"
        )"
        # Wait until any child stops (or we are told to stop); cleanup ends the rest.
        wait -n "${pids[@]}" || true
        exit 1
    fi
    sleep 0.1
done
echo "nginx did not answer on port $port" >&2
exit 1
