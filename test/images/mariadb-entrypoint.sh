#!/bin/bash
# Entrypoint of the locally built berth-test/mariadb image (installed in the
# image as /usr/local/bin/berth-mariadb-entrypoint by test/images/build.sh).
#
# It follows the usual MariaDB container contract, so tests and Berth treat the
# image like any MariaDB image:
#   MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD         root password ('root'@'%' and 'root'@'localhost')
#   MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MYSQL_ALLOW_EMPTY_PASSWORD   allow no root password
#   MARIADB_RANDOM_ROOT_PASSWORD / MYSQL_RANDOM_ROOT_PASSWORD        generate one and print it
#   MARIADB_DATABASE / MYSQL_DATABASE                   database to create
#   MARIADB_USER / MYSQL_USER, MARIADB_PASSWORD / MYSQL_PASSWORD     user with ALL on that database
#   /docker-entrypoint-initdb.d/*.sql and *.sh          run once, on first start
# On an empty /var/lib/mysql it initialises the data directory with a temporary
# server that listens on the socket only, then it execs mariadbd as PID 1 on
# 0.0.0.0:3306. Data lives in /var/lib/mysql, so a named volume keeps it.
set -euo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
INITDB_DIR=/docker-entrypoint-initdb.d

log() { printf '%s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# first_set NAME... prints the value of the first variable that is set and non-empty.
first_set() {
	local name
	for name in "$@"; do
		if [ -n "${!name:-}" ]; then
			printf '%s' "${!name}"
			return 0
		fi
	done
	return 0
}

# SQL string literal and identifier quoting.
sql_str() {
	local s=${1//\\/\\\\}
	s=${s//\'/\\\'}
	printf "'%s'" "$s"
}
# shellcheck disable=SC2016 # the backticks are SQL quoting, not expansion
sql_ident() {
	printf '`%s`' "${1//\`/\`\`}"
}

# "docker run IMAGE --some-option" passes options to mariadbd; any other
# command (a shell, the client) runs as it is.
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	set -- mariadbd "$@"
fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then
	exec "$@"
fi
shift

user_args=()
if [ "$(id -u)" = 0 ]; then
	user_args=(--user=mysql)
	mkdir -p "$DATADIR" /run/mysqld
	chown mysql:mysql "$DATADIR" /run/mysqld
fi

initialise() {
	local root_pw db user pw allow_empty random_root
	root_pw=$(first_set MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD)
	allow_empty=$(first_set MARIADB_ALLOW_EMPTY_ROOT_PASSWORD MYSQL_ALLOW_EMPTY_PASSWORD)
	random_root=$(first_set MARIADB_RANDOM_ROOT_PASSWORD MYSQL_RANDOM_ROOT_PASSWORD)
	db=$(first_set MARIADB_DATABASE MYSQL_DATABASE)
	user=$(first_set MARIADB_USER MYSQL_USER)
	pw=$(first_set MARIADB_PASSWORD MYSQL_PASSWORD)

	if [ -z "$root_pw" ] && [ -n "$random_root" ]; then
		root_pw=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
		log "GENERATED ROOT PASSWORD: $root_pw"
	fi
	if [ -z "$root_pw" ] && [ -z "$allow_empty" ]; then
		die "the database is uninitialised and no root password is set: set MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD), MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD"
	fi
	if [ -n "$user" ] && [ -z "$pw" ]; then
		die "MARIADB_USER/MYSQL_USER is set but MARIADB_PASSWORD/MYSQL_PASSWORD is not"
	fi
	if [ "$user" = root ]; then
		die "MARIADB_USER/MYSQL_USER must not be root: root is configured by MARIADB_ROOT_PASSWORD"
	fi

	log "initialising the data directory $DATADIR"
	mariadb-install-db "${user_args[@]}" --datadir="$DATADIR" --skip-test-db \
		--auth-root-authentication-method=socket --skip-name-resolve >/tmp/mariadb-install-db.log 2>&1 ||
		{ cat /tmp/mariadb-install-db.log >&2; die "mariadb-install-db failed"; }

	log "starting a temporary server on the socket only"
	mariadbd "${user_args[@]}" --datadir="$DATADIR" --skip-networking --socket="$SOCKET" \
		--skip-log-bin "$@" &
	local pid=$!
	for _ in $(seq 1 300); do
		if mariadb-admin --protocol=socket --socket="$SOCKET" -uroot ping >/dev/null 2>&1; then
			break
		fi
		kill -0 "$pid" 2>/dev/null || die "the temporary server exited during start-up"
		sleep 0.1
	done
	mariadb-admin --protocol=socket --socket="$SOCKET" -uroot ping >/dev/null 2>&1 ||
		die "the temporary server did not answer within 30 s"

	local sql
	sql="SET @@SESSION.SQL_LOG_BIN=0;
DELETE FROM mysql.global_priv WHERE User='';
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD($(sql_str "$root_pw")) OR unix_socket;
CREATE USER 'root'@'%' IDENTIFIED BY $(sql_str "$root_pw");
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
"
	if [ -n "$db" ]; then
		sql+="CREATE DATABASE IF NOT EXISTS $(sql_ident "$db");
"
	fi
	if [ -n "$user" ]; then
		sql+="CREATE USER $(sql_str "$user")@'%' IDENTIFIED BY $(sql_str "$pw");
"
		if [ -n "$db" ]; then
			sql+="GRANT ALL PRIVILEGES ON $(sql_ident "$db").* TO $(sql_str "$user")@'%';
"
		fi
	fi
	printf '%s' "$sql" | mariadb --protocol=socket --socket="$SOCKET" -uroot ||
		die "setting up users and the database failed"

	local f
	for f in "$INITDB_DIR"/*; do
		[ -e "$f" ] || continue
		case "$f" in
		*.sql)
			log "running $f"
			mariadb --protocol=socket --socket="$SOCKET" -uroot ${db:+"$db"} <"$f"
			;;
		*.sh)
			log "running $f"
			# shellcheck disable=SC1090
			. "$f"
			;;
		*) log "ignoring $f" ;;
		esac
	done

	log "stopping the temporary server"
	kill -TERM "$pid"
	wait "$pid" || true
	log "initialisation done"
}

if [ ! -d "$DATADIR/mysql" ]; then
	initialise "$@"
fi

log "starting mariadbd on 0.0.0.0:3306"
exec mariadbd "${user_args[@]}" --datadir="$DATADIR" --socket="$SOCKET" \
	--bind-address=0.0.0.0 --port=3306 "$@"
