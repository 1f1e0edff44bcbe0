#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/rootless.t: the README's "Root-less CI" recipes, run as they are
# written there (each block between its "<!-- recipe: NAME -->" marker and
# the closing fence), with gen_init_cpio the one under test:
#
#   mmdebstrap  a Debian root file system by mmdebstrap --mode=unshare
#               (needs Debian's mirror and subordinate ids; booted)
#   oci         a container image copied by the real skopeo; only the
#               registry is stood in for (there is none here): a
#               function hands skopeo a layout the test writes instead
#               of docker://..., unless GIC_REAL_SKOPEO=1
#   userns      a tree unpacked in `unshare --map-auto`, mapped back
#
# Each image is compared with what its input says.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need bsdtar unshare awk
gen_init_cpio() { "$GEN" "$@"; }
export -f gen_init_cpio 2> /dev/null

# recipe NAME: the README's block for NAME.
recipe() {
	awk -v name="$1" '
		$0 == "<!-- recipe: " name " -->" { found = 1; next }
		found && /^```sh$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }' "$SRCTREE/README.md"
}

# The busybox tree of the other tests, as a tar made by bsdtar.
sed "s,@SRCTREE@,$SRCTREE," > "$T/bb.mtree" <<'MT'
#mtree
./bin type=dir mode=0755 uid=0 gid=0
./sbin type=dir mode=0755 uid=0 gid=0
./dev type=dir mode=0755 uid=0 gid=0
./etc type=dir mode=0755 uid=0 gid=0
./bin/busybox type=file mode=0755 uid=0 gid=0 contents=/bin/busybox
./bin/sh type=link mode=0777 uid=0 gid=0 link=busybox
./etc/motd type=file mode=0644 uid=0 gid=4 contents=@SRCTREE@/specs/busybox-init
./init type=file mode=0755 uid=0 gid=0 contents=@SRCTREE@/specs/busybox-init
MT
(cd "$T" && bsdtar -cf app.tar --format=pax @bb.mtree)
cp "$SRCTREE/specs/busybox-init" "$T/init.sh"
printf 'nod /dev/console 0600 0 0 c 5 1\n' > "$T/extra.list"

# --- oci ---
mkdir "$T/oci" && cp "$T/app.tar" "$T/extra.list" "$T/oci/"
# registry DIR: the registry's image, written as an OCI layout DIR.
registry() {
	local dir=$1 sum size cs
	mkdir -p "$dir/blobs/sha256"
	echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
	gzip -9n -c app.tar > layer.tgz
	sum=$(sha256sum < layer.tgz | cut -d' ' -f1); size=$(stat -c %s layer.tgz)
	mv layer.tgz "$dir/blobs/sha256/$sum"
	echo '{"architecture":"amd64","os":"linux"}' > cfg
	cs=$(sha256sum < cfg | cut -d' ' -f1); mv cfg "$dir/blobs/sha256/$cs"
	printf '{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":38},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$cs" "$sum" "$size" > m
	local ms msz
	ms=$(sha256sum < m | cut -d' ' -f1); msz=$(stat -c %s m); mv m "$dir/blobs/sha256/$ms"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' "$ms" "$msz" > "$dir/index.json"
}
# skopeo itself, but from the registry's layout rather than docker://
# (--insecure-policy: no policy.json to depend on for a local copy).
skopeo() {
	[ "$1 $2" = "copy docker://docker.io/library/busybox:latest" ] || return 1
	registry "$T/registry" &&
		command skopeo --insecure-policy copy -q "oci:$T/registry:latest" "$3"
}
[ "${GIC_REAL_SKOPEO:-}" = 1 ] && unset -f skopeo
if ! command -v skopeo > /dev/null; then
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: no skopeo"
	ok 0 "# SKIP skopeo not installed"
else
	(cd "$T/oci" && eval "$(recipe oci)") 2> "$T/err"
	ok $? "the oci recipe runs" || diag "$(cat "$T/err")"
	"$GEN" --list "$T/oci/initrd.cpio" 2> /dev/null | grep -v '^#' | sort > "$T/got"
	grep -q '^file /etc/motd etc/motd 0644 0 4$' "$T/got" &&
		grep -q '^nod /dev/console 0600 0 0 c 5 1$' "$T/got"
	ok $? "oci: the layer's owners and the list's node are in the image"
	if [ "${GIC_REAL_SKOPEO:-}" != 1 ]; then
		# --list: the list's node has the time of each build.
		(cd "$T/oci" && "$GEN" -o direct.cpio "oci:$T/registry:latest" extra.list)
		is "$("$GEN" --list "$T/oci/initrd.cpio")" "$("$GEN" --list "$T/oci/direct.cpio")" \
			"oci: skopeo's copy gives the image the registry's layout gives"
	fi
fi

# --- userns ---
# The namespace's root is no one the scratch directory (0700) lets in.
mkdir "$T/ns" && cp "$T/app.tar" "$T/ns/" && chmod 0711 "$T" "$T/ns"
if [ -n "$(subid_range /etc/subuid)" ] && [ -n "$(subid_range /etc/subgid)" ] &&
   unshare --map-users="$(subid_range /etc/subuid | sed 's/,/,0,/')" \
	--map-groups="$(subid_range /etc/subgid | sed 's/,/,0,/')" \
	--setuid 0 --setgid 0 true 2> /dev/null; then
	(cd "$T/ns" && eval "$(recipe userns)") 2> "$T/err"
	ok $? "the userns recipe runs"
	"$GEN" --list "$T/ns/initrd.cpio" 2> /dev/null | grep -q '^file /etc/motd etc/motd 0644 0 4$'
	ok $? "userns: subordinate owners are 0:4 again"
	find "$T/ns/ns/tree/etc/motd" -uid 0 | grep -q . && diag "(running as root: the tree is really root's)"
else
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: unshare --map-auto does not work here"
	ok 0 "# SKIP unshare --map-auto: no subordinate ids for $(id -un)"
fi

# --- mmdebstrap ---
mkdir "$T/mm" && cp "$T/init.sh" "$T/mm/"
if ! command -v mmdebstrap > /dev/null; then
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: no mmdebstrap"
	ok 0 "# SKIP mmdebstrap not installed"
elif ! timeout 10 bash -c 'exec 3<>/dev/tcp/deb.debian.org/80' 2> /dev/null; then
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: no Debian mirror"
	ok 0 "# SKIP deb.debian.org cannot be reached"
else
	(cd "$T/mm" && eval "$(recipe mmdebstrap)") > "$T/mm.log" 2>&1
	ok $? "the mmdebstrap recipe runs" || diag "$(tail -n 5 "$T/mm.log")"
	zstd -q -d -c "$T/mm/initrd.cpio.zst" > "$T/mm/initrd.cpio"
	bsdtar -cf - --format=mtree --options 'mtree:!all,type,mode,uid,gid,link,device' \
		@"$T/mm/rootfs.tar" | grep -v '^#\|^/\. \|^\. ' | sed 's,^\./,,' | sort > "$T/want"
	bsdtar -cf - --format=mtree --options 'mtree:!all,type,mode,uid,gid,link,device' \
		@"$T/mm/initrd.cpio" | grep -v '^#' | sed 's,^\./,,' | sort > "$T/have"
	is "$(comm -23 "$T/want" "$T/have" | grep -v '^dev/console ' | head -n 5)" "" \
		"mmdebstrap: every entry of rootfs.tar is in the image as the tar has it"
	if boot_kernel > /dev/null; then
		check_busybox_boot "$T/mm/initrd.cpio" "mmdebstrap rootfs" "$T/boot.log"
	fi
fi

done_testing
