#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/oci.t: container images as sources.  An OCI layout the test writes
# itself, byte by byte from the image spec (two gzip layers made by bsdtar
# from mtree specs, the second with a whiteout and an opaque directory;
# an index with an amd64 and an arm64 manifest), another written by umoci
# (two layers from two unpack/repack rounds, the second deleting files),
# the same as oci-archive:; umoci's copied by skopeo to oci:,
# oci-archive: and docker-archive: (docker save's format); what the
# layers leave is checked name by name; every error (digest mismatch, missing blob, unknown media type,
# no such platform or tag, not a layout) with its message and nothing
# written; the hand-made image booted under QEMU.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need bsdtar gzip sha256sum umoci

L=$T/layout
: > "$T/empty"
mkdir -p "$L/blobs/sha256"
echo '{"imageLayoutVersion": "1.0.0"}' > "$L/oci-layout"

# blob FILE: store FILE as a blob; prints "<digest> <size>".
blob() {
	local sum
	sum=$(sha256sum < "$1" | cut -d' ' -f1)
	cp "$1" "$L/blobs/sha256/$sum"
	echo "sha256:$sum $(stat -c %s "$1")"
}

sed "s,@SRCTREE@,$SRCTREE,;s,@EMPTY@,$T/empty," > "$T/l1.mtree" <<'MT'
#mtree
./bin type=dir mode=0755 uid=0 gid=0
./sbin type=dir mode=0755 uid=0 gid=0
./dev type=dir mode=0755 uid=0 gid=0
./proc type=dir mode=0555 uid=0 gid=0
./sys type=dir mode=0555 uid=0 gid=0
./root type=dir mode=0700 uid=0 gid=0
./dev/console type=char mode=0600 uid=0 gid=0 device=native,5,1
./dev/null type=char mode=0666 uid=0 gid=0 device=native,9,9
./bin/busybox type=file mode=0755 uid=0 gid=0 contents=/bin/busybox
./bin/sh type=link mode=0777 uid=0 gid=0 link=busybox
./bin/mount type=link mode=0777 uid=0 gid=0 link=busybox
./bin/stat type=link mode=0777 uid=0 gid=0 link=busybox
./sbin/poweroff type=link mode=0777 uid=0 gid=0 link=../bin/busybox
./etc type=dir mode=0755 uid=0 gid=0
./etc/gone type=file mode=0644 uid=0 gid=0 contents=@EMPTY@
./etc/kept type=file mode=0644 uid=0 gid=0 contents=@EMPTY@
./opt type=dir mode=0755 uid=0 gid=0
./opt/old type=file mode=0644 uid=0 gid=0 contents=@EMPTY@
./init type=file mode=0755 uid=0 gid=0 contents=@EMPTY@
MT
# Layer 2: /dev/null fixed, /init replaced, etc/gone whited out, /opt opaque.
sed "s,@SRCTREE@,$SRCTREE,;s,@EMPTY@,$T/empty," > "$T/l2.mtree" <<'MT'
#mtree
./dev type=dir mode=0755 uid=0 gid=0
./dev/null type=char mode=0666 uid=0 gid=0 device=native,1,3
./etc type=dir mode=0755 uid=0 gid=0
./etc/.wh.gone type=file mode=0644 uid=0 gid=0 contents=@EMPTY@
./opt type=dir mode=0755 uid=0 gid=0
./opt/.wh..wh..opq type=file mode=0644 uid=0 gid=0 contents=@EMPTY@
./opt/new type=file mode=0644 uid=0 gid=0 contents=@EMPTY@
./init type=file mode=0755 uid=0 gid=0 contents=@SRCTREE@/specs/busybox-init
MT
(cd "$T" && bsdtar -cf - --format=pax @l1.mtree | gzip -9n > l1.tgz &&
	bsdtar -cf - --format=pax @l2.mtree | gzip -9n > l2.tgz)
ok $? "two gzip layers by bsdtar from mtree specs"
read -r d1 s1 < <(blob "$T/l1.tgz")
read -r d2 s2 < <(blob "$T/l2.tgz")
echo '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$T/config"
read -r dc sc < <(blob "$T/config")
LT=application/vnd.oci.image.layer.v1.tar+gzip
manifest() {
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
		"$dc" "$sc" "$1" > "$T/manifest"
	blob "$T/manifest"
}
read -r dm sm < <(manifest "{\"mediaType\":\"$LT\",\"digest\":\"$d1\",\"size\":$s1},{\"mediaType\":\"$LT\",\"digest\":\"$d2\",\"size\":$s2}")
read -r da sa < <(manifest "{\"mediaType\":\"$LT\",\"digest\":\"$d1\",\"size\":$s1}")
M=application/vnd.oci.image.manifest.v1+json
cat > "$L/index.json" <<JSON
{"schemaVersion":2,"manifests":[
 {"mediaType":"$M","digest":"$da","size":$sa,"platform":{"architecture":"arm64","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"v1"}},
 {"mediaType":"$M","digest":"$dm","size":$sm,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}
JSON

"$GEN" -t 0 -o "$T/img.cpio" "oci:$L:v1" 2> "$T/err"
ok $? "oci:<dir>:v1 converted"
is "$(cat "$T/err")" "" "no diagnostics"
"$GEN" --list "$T/img.cpio" | grep -v '^#' > "$T/list"
is "$(grep -c 'etc/gone\|opt/old\|\.wh\.' "$T/list")" 0 "the whiteouts removed etc/gone and what /opt held, and are no entries"
grep -q '^file /opt/new opt/new 0644 0 0$' "$T/list" && grep -q '^file /etc/kept ' "$T/list"
ok $? "what the opaque directory got in its own layer, and what no whiteout named, are kept"
grep -q '^nod /dev/null 0666 0 0 c 1 3$' "$T/list"
ok $? "the upper layer's /dev/null replaces the lower one's"
is "$("$GEN" --list "$T/img.cpio" | grep -c '^nod /dev/null')" 1 "once"
"$GEN" -t 0 --platform linux/arm64 -o "$T/arm.cpio" "oci:$L"
"$GEN" --list "$T/arm.cpio" | grep -q '^file /etc/gone '
ok $? "--platform linux/arm64 chooses the one-layer manifest"

# The same layout as an oci-archive (a tar of it), plain and compressed.
tar -C "$L" -cf "$T/img.tar" .
"$GEN" -t 0 -o "$T/arch.cpio" "oci-archive:$T/img.tar:v1"
cmp -s "$T/arch.cpio" "$T/img.cpio"
ok $? "oci-archive: gives the same image"
zstd -q -c "$T/img.tar" > "$T/img.tar.zst"
"$GEN" -t 0 -o "$T/arch.cpio" "oci-archive:$T/img.tar.zst"
cmp -s "$T/arch.cpio" "$T/img.cpio"
ok $? "a zstd-compressed oci-archive too"

# umoci: two layers from two rounds, the second deleting and making /d opaque.
U=$T/umoci
umoci init --layout "$U" && umoci new --image "$U:t" &&
	umoci unpack --rootless --image "$U:t" "$T/b1" > /dev/null
mkdir -p "$T/b1/rootfs/etc" "$T/b1/rootfs/d"
echo one > "$T/b1/rootfs/etc/a"; echo two > "$T/b1/rootfs/etc/b"
echo old > "$T/b1/rootfs/d/old"
umoci repack --image "$U:t" "$T/b1" &&
	umoci unpack --rootless --image "$U:t" "$T/b2" > /dev/null
ok $? "umoci: first layer"
rm "$T/b2/rootfs/etc/b"; rm -r "$T/b2/rootfs/d"; mkdir "$T/b2/rootfs/d"
echo new > "$T/b2/rootfs/d/new"
umoci repack --image "$U:t" "$T/b2"
ok $? "umoci: second layer"
"$GEN" -t 0 -o "$T/u.cpio" "oci:$U:t"
ok $? "umoci's layout converted"
is "$("$GEN" --list "$T/u.cpio" | grep -v '^#' | awk '{print $1, $2}' | sort | tr '\n' ' ')" \
	"dir /d dir /etc file /d/new file /etc/a " "umoci's whiteouts applied: etc/b and d/old gone"

# skopeo, the real producer of the three transports, from umoci's layout
# (no registry: oci: to oci:, oci-archive: and docker-archive:, which
# stores the layers uncompressed, as docker save does).  Each must give
# the image umoci's layout gives.  --insecure-policy: no policy.json to
# depend on, nothing is pulled.
sk() { skopeo --insecure-policy copy -q "$@" 2>> "$T/skopeo.err"; }
same_as_umoci() {
	rm -f "$T/sk.cpio"
	"$GEN" -t 0 -o "$T/sk.cpio" "$1" 2> "$T/err" && cmp -s "$T/sk.cpio" "$T/u.cpio"
	ok $? "$1 from skopeo: the same image as oci:\$U:t" || diag "$(cat "$T/err")"
}
bad_ref() {
	rm -f "$T/bad.cpio"
	"$GEN" -o "$T/bad.cpio" "docker-archive:$T/sk-docker.tar:$1" 2> "$T/err"
	is "$?:$(cat "$T/err"):$([ -e "$T/bad.cpio" ] && echo written)" \
		"1:docker-archive:$T/sk-docker.tar:$1: error: no image tagged $1 in manifest.json:" \
		"docker-archive: the reference $1 is no image of skopeo's archive"
}
if ! command -v skopeo > /dev/null; then
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: no skopeo"
	ok 0 "# SKIP skopeo not installed"
elif sk "oci:$U:t" "oci:$T/sk:t2" &&
	sk "oci:$U:t" "oci-archive:$T/sk-oci.tar:t3" &&
	sk "oci:$U:t" "docker-archive:$T/sk-docker.tar:busybox:t4"; then
	ok 0 "skopeo copies umoci's image to oci:, oci-archive: and docker-archive:"
	same_as_umoci "oci:$T/sk:t2"
	same_as_umoci "oci-archive:$T/sk-oci.tar:t3"
	# skopeo's syntax: the file, then a reference, itself name:tag.
	same_as_umoci "docker-archive:$T/sk-docker.tar"
	same_as_umoci "docker-archive:$T/sk-docker.tar:busybox:t4"
	same_as_umoci "docker-archive:$T/sk-docker.tar:docker.io/library/busybox:t4"
	same_as_umoci "docker-archive:$T/sk-docker.tar:t4"
	bad_ref usybox:t4
	bad_ref busybox:t5
else
	ok 1 "skopeo copies umoci's image to oci:, oci-archive: and docker-archive:"
	diag "$(cat "$T/skopeo.err")"
fi

# Errors: message, exit status 1, nothing written.
bad() {
	local what=$1 want=$2 rc

	shift 2
	rm -f "$T/bad.cpio"
	"$GEN" -o "$T/bad.cpio" "$@" 2> "$T/err"
	rc=$?
	is "$rc:$(head -n 1 "$T/err"):$([ -e "$T/bad.cpio" ] && echo written)" \
		"1:$want:" "$what"
}
bad "no manifest for the platform" \
	"oci:$L: error: no manifest for linux/s390x (the image has: linux/arm64 linux/amd64); choose one with --platform" \
	--platform s390x "oci:$L"
bad "no such tag" "oci:$L:v2: error: no manifest tagged 'v2' in the image" "oci:$L:v2"
bad "not a layout" "oci:$T: error: '$T' is not an OCI image layout (no oci-layout file)" "oci:$T"
cp -r "$L" "$T/c"
printf 'X' | dd of="$T/c/blobs/sha256/${d2#sha256:}" bs=1 seek=50 conv=notrunc 2> /dev/null
bad "a digest mismatch" "oci:$T/c:v1: error: layer 2: digest mismatch: its bytes hash to sha256:$(sha256sum < "$T/c/blobs/sha256/${d2#sha256:}" | cut -d' ' -f1)" "oci:$T/c:v1"
rm "$T/c/blobs/sha256/${d2#sha256:}"
bad "a missing blob" "oci:$T/c:v1: error: layer 2: blob $d2 is missing (blobs/sha256/${d2#sha256:})" "oci:$T/c:v1"
rm -r "$T/c"; cp -r "$L" "$T/c"
sed -i "s,$M,application/x-unknown," "$T/c/index.json"
bad "an unknown media type" "oci:$T/c: error: unknown media type 'application/x-unknown' of a descriptor in the index" "oci:$T/c"
echo '{"manifests":[' > "$T/c/index.json"
bad "bad JSON" "oci:$T/c: error: index.json: not valid JSON (at byte 15)" "oci:$T/c"

# The hand-made image, booted.
if ! boot_kernel > /dev/null || ! static_elf /bin/busybox; then
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: no kernel or static busybox"
	ok 0 "# SKIP no kernel to boot or no static busybox"
else
	check_busybox_boot "$T/img.cpio" "OCI layout" "$T/boot.log"
fi

done_testing
