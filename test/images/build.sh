#!/usr/bin/env bash
# Builds the container images that Berth's tests run, from Debian packages only
# (no public image registry is reachable from the test machines):
#   berth-test/busybox:latest  busybox-static + an applet symlink farm
#   berth-test/nginx:latest    debootstrap minbase + nginx-light, port 80, logs to stdout/stderr
#   berth-test/mariadb:latest  debootstrap minbase + mariadb-server, env-configured entrypoint
# and pushes busybox and nginx to the local registry (127.0.0.1:5000) so that
# tests can do a real pull. Idempotent: an image whose build inputs have not
# changed is kept; debootstrap results are cached under
# /var/cache/berth-test-images. BERTH_REBUILD_IMAGES=1 rebuilds the images
# (the rootfs cache stays; delete that folder to redo debootstrap).
# Needs root, a running dockerd, and the packages busybox-static, debootstrap, curl.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_DIR=${BERTH_IMAGE_CACHE_DIR:-/var/cache/berth-test-images}
LOG_DIR=${BERTH_LOG_DIR:-/var/log/berth-ci}
LOG=$LOG_DIR/test-images.log
REGISTRY=${BERTH_TEST_REGISTRY:-127.0.0.1:5000}
SUITE=${BERTH_IMAGE_SUITE:-bookworm}
REBUILD=${BERTH_REBUILD_IMAGES:-0}
ENV_PATH='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
LABEL_KEY=berth.test-image.inputs

mkdir -p "$CACHE_DIR" "$LOG_DIR"
: >"$LOG"

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", (b - a) / 1e9 }'; }
say() { printf '[images] %s\n' "$*"; }
fail() {
	say "FAILED: $*"
	say "last lines of $LOG:"
	tail -n 40 "$LOG" | sed 's/^/  | /'
	exit 1
}
# quiet CMD...: runs CMD with its output in the log, and shows the log if it fails.
quiet() {
	printf '+ %s\n' "$*" >>"$LOG"
	"$@" >>"$LOG" 2>&1 || fail "$*"
}

[ "$(id -u)" = 0 ] || { say "must run as root"; exit 1; }
docker info >/dev/null 2>&1 || { say "docker engine is not answering (start dockerd first)"; exit 1; }

WORK=$(mktemp -d /var/tmp/berth-test-images.XXXXXX)
cleanup() {
	# debootstrap mounts /proc and /sys inside its target; never let rm walk into them.
	local m
	for m in $(findmnt -rn -o TARGET | grep -F "$WORK/" | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# A hash over everything an image is built from; an image carrying another
# hash in its label is rebuilt.
INPUTS=$(cat "$HERE/build.sh" "$HERE/mariadb-entrypoint.sh" | sha256sum | cut -c1-16)-$SUITE

needs_build() {
	local tag=$1 have
	[ "$REBUILD" = 1 ] && return 0
	have=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL_KEY\" }}" "$tag" 2>/dev/null) || return 0
	[ "$have" != "$INPUTS" ]
}

# docker_import DIR TAG CHANGE...: imports a folder as an image.
docker_import() {
	local dir=$1 tag=$2
	shift 2
	local args=(--change "ENV $ENV_PATH" --change "LABEL $LABEL_KEY=$INPUTS")
	local c
	for c in "$@"; do args+=(--change "$c"); done
	printf '+ docker import %s\n' "$tag" >>"$LOG"
	tar -C "$dir" --numeric-owner -c . | docker import "${args[@]}" - "$tag" >>"$LOG" 2>&1 ||
		fail "docker import $tag"
}

# The Debian mirror this machine's apt uses (first deb source for the host's
# release, deb822 .sources or one-line .list format).
debian_mirror() {
	local codename f uri
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk -v want="$codename" '
			BEGIN { RS = "" }
			{
				types = ""; uris = ""; suites = ""; enabled = "yes"
				n = split($0, lines, "\n")
				for (i = 1; i <= n; i++) {
					line = lines[i]
					if (line ~ /^[ \t]*#/) continue
					if (match(line, /^[A-Za-z-]+:/)) {
						key = tolower(substr(line, 1, RLENGTH - 1)); val = substr(line, RLENGTH + 1)
						if (key == "types") types = val
						else if (key == "uris") uris = val
						else if (key == "suites") suites = val
						else if (key == "enabled") enabled = val
					}
				}
				gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites); gsub(/^[ \t]+/, "", uris)
				split(uris, u, /[ \t]+/)
				if (enabled ~ /no/) next
				if (index(" " types " ", " deb ") && index(" " suites " ", " " want " ") && u[1] ~ /^https?:\/\//) { print u[1]; exit }
			}' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk -v want="$codename" '
			$1 == "deb" {
				i = 2
				if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == want && $i ~ /^https?:\/\//) { print $i; exit }
			}' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	return 1
}

# The packages each debootstrapped image adds to minbase.
declare -A INCLUDE=([nginx]=nginx-light [mariadb]="mariadb-server,mariadb-client")

# rootfs_tar NAME: the cache file of that image's rootfs, named after its content.
rootfs_tar() { echo "$CACHE_DIR/$SUITE-minbase-${INCLUDE[$1]//,/+}.tar"; }

# base_rootfs NAME MIRROR: makes rootfs_tar NAME, a debootstrap minbase rootfs
# with the image's packages, unless it is cached already.
base_rootfs() {
	local name=$1 mirror=$2 include=${INCLUDE[$1]} tarball
	tarball=$(rootfs_tar "$name")
	local dir=$WORK/debootstrap-$name log=$LOG_DIR/debootstrap-$name.log
	[ -s "$tarball" ] && return 0
	mkdir -p "$dir"
	if ! debootstrap --variant=minbase --include="$include" --components=main \
		"$SUITE" "$dir" "$mirror" >"$log" 2>&1; then
		echo "debootstrap $name failed, see $log" >>"$LOG"
		tail -n 20 "$log" >>"$LOG"
		return 1
	fi
	{
		chroot "$dir" apt-get clean
		rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/debconf/*-old \
			"$dir"/var/log/apt/* "$dir"/var/log/dpkg.log "$dir"/var/log/bootstrap.log \
			"$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
			"$dir"/usr/share/locale/* "$dir"/etc/hostname "$dir"/etc/resolv.conf
		# The image's apt talks to the same mirror as its builder.
		printf 'deb %s %s main\n' "$mirror" "$SUITE" >"$dir"/etc/apt/sources.list
		tar -C "$dir" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	} >>"$LOG" 2>&1 || return 1
	rm -rf --one-file-system "$dir"
}

# unpack NAME DIR: a fresh copy of a cached rootfs.
unpack() {
	mkdir -p "$2"
	quiet tar -C "$2" --numeric-owner -xpf "$(rootfs_tar "$1")"
}

build_busybox() {
	local tag=berth-test/busybox:latest root=$WORK/busybox bb applet
	# Debian's busybox-static: one statically linked binary, nothing else needed.
	bb=/bin/busybox
	[ -x "$bb" ] || fail "$bb not found (apt-get install busybox-static)"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,var/www,home,proc,sys,dev}
	chmod 1777 "$root/tmp" "$root/var/tmp"
	chmod 700 "$root/root"
	cp "$bb" "$root/bin/busybox"
	for applet in $("$root/bin/busybox" --list-full); do
		[ "$applet" = bin/busybox ] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -sf /bin/busybox "$root/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
	docker_import "$root" "$tag" 'CMD ["sh"]'
	rm -rf "$root"
}

check_busybox() {
	local out
	out=$(docker run --rm berth-test/busybox:latest sh -c \
		'printf "a\n"; echo b; seq 3 | head -n 1; yes | head -n 1; sleep 0; cat /etc/passwd | head -n 1
		mkdir /tmp/www && echo hi >/tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www &&
		printf "GET / HTTP/1.0\r\n\r\n" | nc 127.0.0.1 8080 | tail -n 1' 2>&1) ||
		{ echo "$out" >>"$LOG"; return 1; }
	[ "$out" = "$(printf 'a\nb\n1\ny\nroot:x:0:0:root:/root:/bin/sh\nhi')" ] ||
		{ printf 'unexpected busybox output:\n%s\n' "$out" >>"$LOG"; return 1; }
}

build_nginx() {
	local tag=berth-test/nginx:latest root=$WORK/nginx
	unpack nginx "$root"
	ln -sf /dev/stdout "$root/var/log/nginx/access.log"
	ln -sf /dev/stderr "$root/var/log/nginx/error.log"
	cat >"$root/var/www/html/index.html" <<'EOF'
<!doctype html>
<html><head><title>berth-test nginx</title></head>
<body><h1>berth-test nginx</h1><p>Served by the berth-test/nginx image.</p></body></html>
EOF
	rm -f "$root/var/www/html/index.nginx-debian.html"
	# The foreground switch comes from CMD (-g 'daemon off;'); repeating it
	# in nginx.conf would be a duplicate-directive error.
	docker_import "$root" "$tag" 'CMD ["nginx","-g","daemon off;"]' 'EXPOSE 80'
	rm -rf --one-file-system "$root"
}

check_nginx() {
	local id port body ok=0
	id=$(docker run -d -p 127.0.0.1::80 berth-test/nginx:latest) || return 1
	port=$(docker port "$id" 80/tcp | head -n 1 | sed 's/.*://')
	for _ in $(seq 1 50); do
		if body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null); then ok=1; break; fi
		sleep 0.1
	done
	if [ "$ok" = 1 ] && grep -q 'berth-test nginx' <<<"$body"; then
		sleep 0.2
		docker logs "$id" 2>/dev/null | grep -q '"GET / HTTP/1.1" 200' || { echo "no access log line in docker logs" >>"$LOG"; ok=0; }
	else
		ok=0
	fi
	[ "$ok" = 1 ] || docker logs "$id" >>"$LOG" 2>&1 || true
	docker rm -f "$id" >/dev/null 2>&1 || true
	[ "$ok" = 1 ]
}

build_mariadb() {
	local tag=berth-test/mariadb:latest root=$WORK/mariadb
	unpack mariadb "$root"
	install -m 0755 "$HERE/mariadb-entrypoint.sh" "$root/usr/local/bin/berth-mariadb-entrypoint"
	mkdir -p "$root/docker-entrypoint-initdb.d"
	# Initialised at first start, by the entrypoint, with the requested passwords.
	rm -rf "$root"/var/lib/mysql/* "$root"/var/log/mysql/*
	cat >"$root/etc/mysql/mariadb.conf.d/90-berth-test.cnf" <<'EOF'
# berth-test/mariadb: clients are known by address only (no DNS look-ups).
[mysqld]
skip-name-resolve
skip-host-cache
EOF
	mkdir -p "$root/run/mysqld"
	quiet chroot "$root" chown mysql:mysql /var/lib/mysql /run/mysqld
	docker_import "$root" "$tag" 'ENTRYPOINT ["/usr/local/bin/berth-mariadb-entrypoint"]' \
		'CMD ["mariadbd"]' 'EXPOSE 3306'
	rm -rf --one-file-system "$root"
}

check_mariadb() {
	local id ok=0
	id=$(docker run -d -e MYSQL_ROOT_PASSWORD=rootpw -e MYSQL_DATABASE=berth \
		-e MYSQL_USER=berth -e MYSQL_PASSWORD=userpw berth-test/mariadb:latest) || return 1
	for _ in $(seq 1 300); do
		if docker exec "$id" mariadb --protocol=tcp -h127.0.0.1 -uberth -puserpw berth -e 'SELECT 1' >/dev/null 2>&1; then
			ok=1
			break
		fi
		[ "$(docker inspect -f '{{.State.Running}}' "$id")" = true ] || break
		sleep 0.2
	done
	if [ "$ok" = 1 ]; then
		docker exec "$id" mariadb --protocol=tcp -h127.0.0.1 -uroot -prootpw -e 'SELECT 1' >/dev/null 2>&1 || ok=0
	fi
	[ "$ok" = 1 ] || docker logs "$id" >>"$LOG" 2>&1 || true
	docker rm -f "$id" >/dev/null 2>&1 || true
	[ "$ok" = 1 ]
}

# build_image NAME: builds and checks berth-test/NAME unless it is current.
build_image() {
	local name=$1 tag=berth-test/$1:latest t old
	if ! needs_build "$tag"; then
		say "$tag: up to date"
		return 0
	fi
	t=$(now)
	old=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
	"build_$name"
	if ! "check_$name" >>"$LOG" 2>&1; then
		docker image rm -f "$tag" >/dev/null 2>&1 || true
		fail "$tag was built but its smoke check failed"
	fi
	# The image it replaces, unless something still uses it.
	if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
		docker image rm "$old" >/dev/null 2>&1 || true
	fi
	say "$tag: built and checked ($(secs "$t"), $(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

T0=$(now)

# The two debootstrap runs are network-bound: run them side by side.
pending=()
for name in nginx mariadb; do
	if needs_build "berth-test/$name:latest" && [ ! -s "$(rootfs_tar "$name")" ]; then
		pending+=("$name")
	fi
done
if [ "${#pending[@]}" -gt 0 ]; then
	command -v debootstrap >/dev/null || fail "debootstrap not found (apt-get install debootstrap)"
	MIRROR=$(debian_mirror) || fail "no Debian mirror found in /etc/apt/sources.list{,.d}"
	say "debootstrap $SUITE (${pending[*]}) from $MIRROR ..."
	t=$(now)
	declare -A pids=()
	for name in "${pending[@]}"; do
		base_rootfs "$name" "$MIRROR" &
		pids[$name]=$!
	done
	for name in "${pending[@]}"; do
		wait "${pids[$name]}" || fail "debootstrap of the $name rootfs (log: $LOG_DIR/debootstrap-$name.log)"
	done
	say "debootstrap done ($(secs "$t"), cached in $CACHE_DIR)"
fi

build_image busybox
build_image nginx
build_image mariadb

# Publish to the local registry, then drop the registry tags so that a pull
# through Berth really fetches from the registry.
if curl -fsS -o /dev/null --max-time 3 "http://$REGISTRY/v2/" 2>/dev/null; then
	t=$(now)
	for name in busybox nginx; do
		quiet docker tag "berth-test/$name:latest" "$REGISTRY/berth-test/$name:latest"
		quiet docker push "$REGISTRY/berth-test/$name:latest"
		quiet docker image rm "$REGISTRY/berth-test/$name:latest"
	done
	say "pushed busybox and nginx to $REGISTRY ($(secs "$t"))"
else
	say "notice: no registry answers at http://$REGISTRY/v2/, images not pushed"
fi

say "done ($(secs "$T0"))"
