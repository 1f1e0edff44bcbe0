#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/deps.t: usr/gen_init_deps, the resolver that prints the spec lines
# for what programs and kernel modules need.
#
# The expectations are written by hand from fixtures built here: small ELF
# programs and libraries made with the compiler (never run), laid out in a
# fake root with its own ld.so.conf and symlinked library directories,
# where the loader's rules (ld.so(8)) say which file each DT_NEEDED name
# must lead to; and a fake module tree whose modules.dep, modules.alias,
# modules.softdep and modules.builtin say which files a request needs.
# Then the machine's own files: ldd, which asks the real loader, must name
# the same libraries for a few programs; /bin/bash packed from our list
# must run in a chroot; virtio_blk of the installed kernel must bring
# virtio and virtio_ring.

source "$SRCTREE/tests/lib.sh"

need cc cpio chroot ldd awk

: "${OBJTREE:=$SRCTREE}"
DEPS=$OBJTREE/usr/gen_init_deps
B=$T/build
R=$T/root
M=$T/mods
mkdir -p "$B" "$R" "$M"

# deps ARGS...: run the resolver; its output, errors and status in
# $out, $err and $rc.
deps() {
	out=$("$DEPS" "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}

# The fixture's ELF files.  Nothing here is ever run, so nothing needs a
# C library: -nostdlib, and a _start for the programs.  --no-as-needed:
# every -l becomes a DT_NEEDED even though no symbol is used.
LINK="-nostdlib -Wl,--no-as-needed -Wl,-rpath-link,$B -L$B"
printf 'int fixture_symbol(void) { return 0; }\n' >"$B/lib.c"
printf 'void _start(void) { }\n' >"$B/start.c"

# mklib SONAME OUTPUT [CC ARGS...]: a shared library.
mklib() {
	local soname=$1 output=$2

	shift 2
	cc -shared -fPIC $LINK -Wl,-soname,"$soname" -o "$output" "$B/lib.c" "$@"
}

# mkprog OUTPUT INTERP [CC ARGS...]: a program with that interpreter.
mkprog() {
	local output=$1 interp=$2

	shift 2
	cc $LINK -Wl,--dynamic-linker="$interp" -o "$output" "$B/start.c" "$@"
}

# The root: /lib64 a relative and /lib an absolute symlink into /usr, as
# on merged-/usr systems (the absolute one must be read inside the root).
build_root() {
	mkdir -p "$R/usr/lib64" "$R/usr/lib" "$R/etc/ld.so.conf.d" \
		"$R/opt/app/bin" "$R/opt/app/lib" "$R/opt/confa" "$R/opt/extra" \
		"$R/opt/conf1" "$R/opt/rp/bin" "$R/opt/rp/lib" "$R/opt/lib64" \
		"$R/opt/app/bin/x86_64" "$R/opt/sp ace" "$R/opt/bad/bin" \
		"$R/opt/bad/lib" "$R/opt/hidden"
	ln -s usr/lib64 "$R/lib64"
	ln -s /usr/lib "$R/lib"
	mklib ld-linux-x86-64.so.2 "$R/usr/lib64/ld-linux-x86-64.so.2"
	mklib ld-linux.so.2 "$R/usr/lib/ld-linux.so.2" -m32

	# ld.so.conf: an include with a glob (which must skip .hidden.conf
	# and c.txt), an include relative to the including file, an include
	# of a file being read, comments, a trailing slash.  The directories, in order: /opt/confa,
	# /opt/extra, /opt/conf1.
	cat >"$R/etc/ld.so.conf" <<-'EOF'
	# the fixture's ld.so.conf
	include /etc/ld.so.conf.d/*.conf

	/opt/conf1/
	EOF
	printf '/opt/confa\t# the 32-bit libdef.so.1\n' \
		>"$R/etc/ld.so.conf.d/a.conf"
	printf '  include ../extra.conf\n' >"$R/etc/ld.so.conf.d/b.conf"
	printf '/opt/hidden\n' >"$R/etc/ld.so.conf.d/.hidden.conf"
	printf '/opt/hidden\n' >"$R/etc/ld.so.conf.d/c.txt"
	# A loop: read once, it adds nothing and ends.
	printf '/opt/extra\ninclude /etc/ld.so.conf\n' >"$R/etc/extra.conf"
}

# /opt/app/bin/prog: DT_RUNPATH $ORIGIN/../lib, needs liba.so.1 (a
# symlink there to liba.so.1.0), libconf.so.1 (in /opt/extra, from the
# nested include) and libdef.so.1 (64-bit in /lib64, after a 32-bit one
# in /opt/confa that must be passed over).  liba.so.1 has DT_RUNPATH
# $ORIGIN and needs libb.so.1 beside it; libb.so.1 needs libconf.so.1
# again, which is loaded already.  A decoy libconf.so.1 in /opt/hidden
# would be found if .hidden.conf were read.
build_app() {
	mklib libconf.so.1 "$B/libconf.so.1"
	cp "$B/libconf.so.1" "$R/opt/extra/"
	cp "$B/libconf.so.1" "$R/opt/hidden/"
	mklib libdef.so.1 "$B/libdef.so.1"
	cp "$B/libdef.so.1" "$R/usr/lib64/"
	mklib libdef.so.1 "$R/opt/confa/libdef.so.1" -m32
	mklib libb.so.1 "$B/libb.so.1" -l:libconf.so.1
	cp "$B/libb.so.1" "$R/opt/app/lib/"
	mklib liba.so.1 "$B/liba.so.1" -l:libb.so.1 \
		-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN'
	cp "$B/liba.so.1" "$R/opt/app/lib/liba.so.1.0"
	ln -s liba.so.1.0 "$R/opt/app/lib/liba.so.1"
	mkprog "$R/opt/app/bin/prog" /lib64/ld-linux-x86-64.so.2 \
		-l:liba.so.1 -l:libconf.so.1 -l:libdef.so.1 \
		-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'
}

# DT_RPATH is inherited: rprog's /opt/rp/lib serves libr1.so's need for
# libr2.so too.  DT_RUNPATH is not: the same with runprog fails.
build_rpath() {
	mklib libr2.so "$B/libr2.so"
	mklib libr1.so "$B/libr1.so" -l:libr2.so
	cp "$B/libr1.so" "$B/libr2.so" "$R/opt/rp/lib/"
	mkprog "$R/opt/rp/bin/rprog" /lib64/ld-linux-x86-64.so.2 -l:libr1.so \
		-Wl,--disable-new-dtags -Wl,-rpath,/opt/rp/lib
	mkprog "$R/opt/rp/bin/runprog" /lib64/ld-linux-x86-64.so.2 -l:libr1.so \
		-Wl,--enable-new-dtags -Wl,-rpath,/opt/rp/lib
}

# The rest: a 32-bit program, $PLATFORM and $LIB, a DT_NEEDED with a
# slash (and a blank), a script, and the broken ones.
build_misc() {
	# Named by path: -l would meet the 64-bit libdef.so.1 in $B first.
	mkprog "$R/opt/app/bin/prog32" /lib/ld-linux.so.2 -m32 \
		"$R/opt/confa/libdef.so.1"
	mklib libp.so "$R/opt/app/bin/x86_64/libp.so"
	mklib libl.so "$R/opt/lib64/libl.so"
	cp "$R/opt/app/bin/x86_64/libp.so" "$R/opt/lib64/libl.so" "$B/"
	mkprog "$R/opt/app/bin/dst" /lib64/ld-linux-x86-64.so.2 \
		-l:libp.so -l:libl.so -Wl,--enable-new-dtags \
		-Wl,-rpath,'$ORIGIN/$PLATFORM:/opt/${LIB}'
	# No soname: the DT_NEEDED entry is the path given to the linker.
	cc -shared -fPIC $LINK -o "$R/opt/sp ace/libsp.so" "$B/lib.c"
	(cd "$R" && mkprog opt/app/bin/slash /lib64/ld-linux-x86-64.so.2 \
		"opt/sp ace/libsp.so")
	printf '#! /opt/app/bin/prog -x\necho hi\n' >"$R/opt/app/bin/script"
	chmod 755 "$R/opt/app/bin/script"
	build_bad
}

build_bad() {
	# Linked against good copies; the root gets the broken ones.
	mklib libgarbage.so "$B/libgarbage.so"
	printf 'not an ELF file at all\n' >"$R/opt/bad/lib/libgarbage.so"
	mklib libtrunc.so "$B/libtrunc.so"
	head -c 100 "$B/libtrunc.so" >"$R/opt/bad/lib/libtrunc.so"
	mklib libnope.so.1 "$B/libnope.so.1"
	mklib lib32only.so.1 "$R/opt/confa/lib32only.so.1" -m32
	mklib lib32only.so.1 "$B/lib32only.so.1"
	mkprog "$R/opt/bad/bin/garbage" /lib64/ld-linux-x86-64.so.2 \
		-l:libgarbage.so -Wl,-rpath,/opt/bad/lib
	mkprog "$R/opt/bad/bin/trunc" /lib64/ld-linux-x86-64.so.2 \
		-l:libtrunc.so -Wl,-rpath,/opt/bad/lib
	mkprog "$R/opt/bad/bin/missing" /lib64/ld-linux-x86-64.so.2 \
		-l:libnope.so.1 -Wl,--enable-new-dtags -Wl,-rpath,/opt/nowhere
	mkprog "$R/opt/bad/bin/only32" /lib64/ld-linux-x86-64.so.2 \
		-l:lib32only.so.1
	mkprog "$R/opt/bad/bin/nointerp" /lib/ld-missing.so.1
	printf 'echo no interpreter line\n' >"$R/opt/bad/bin/notelf"
}

build_root && build_app && build_rpath && build_misc
ok $? "the fixture root builds"

# ---- exec: the fixture ----

deps exec --root "$R" /opt/app/bin/prog
is "$rc:$err" "0:" "prog: resolved"
is "$out" "dir /opt 0755 0 0
dir /opt/app 0755 0 0
dir /opt/app/bin 0755 0 0
file /opt/app/bin/prog $R/opt/app/bin/prog 0755 0 0
slink /lib64 usr/lib64 0777 0 0
dir /usr 0755 0 0
dir /usr/lib64 0755 0 0
file /usr/lib64/ld-linux-x86-64.so.2 $R/usr/lib64/ld-linux-x86-64.so.2 0755 0 0
dir /opt/app/lib 0755 0 0
slink /opt/app/lib/liba.so.1 liba.so.1.0 0777 0 0
file /opt/app/lib/liba.so.1.0 $R/opt/app/lib/liba.so.1.0 0755 0 0
dir /opt/extra 0755 0 0
file /opt/extra/libconf.so.1 $R/opt/extra/libconf.so.1 0755 0 0
file /usr/lib64/libdef.so.1 $R/usr/lib64/libdef.so.1 0755 0 0
file /opt/app/lib/libb.so.1 $R/opt/app/lib/libb.so.1 0755 0 0" \
	"prog: \$ORIGIN runpaths, ld.so.conf includes, the 32-bit libdef passed over, symlinks kept"

# A root given with a trailing slash: the locations do not double it.
deps exec --root "$R/" /opt/rp/bin/rprog
is "$rc:$err" "0:" "rprog: resolved"
is "$out" "dir /opt 0755 0 0
dir /opt/rp 0755 0 0
dir /opt/rp/bin 0755 0 0
file /opt/rp/bin/rprog $R/opt/rp/bin/rprog 0755 0 0
slink /lib64 usr/lib64 0777 0 0
dir /usr 0755 0 0
dir /usr/lib64 0755 0 0
file /usr/lib64/ld-linux-x86-64.so.2 $R/usr/lib64/ld-linux-x86-64.so.2 0755 0 0
dir /opt/rp/lib 0755 0 0
file /opt/rp/lib/libr1.so $R/opt/rp/lib/libr1.so 0755 0 0
file /opt/rp/lib/libr2.so $R/opt/rp/lib/libr2.so 0755 0 0" \
	"rprog: the program's DT_RPATH serves its libraries' needs too"

DEFAULTS=/opt/confa:/opt/extra:/opt/conf1:/lib64:/usr/lib64:/lib:/usr/lib
deps exec --root "$R" /opt/rp/bin/runprog
is "$rc|$out|$err" "1||gen_init_deps: error: libr2.so needed by /opt/rp/lib/libr1.so: not found in $DEFAULTS" \
	"runprog: DT_RUNPATH is not inherited; nothing printed on failure"

deps exec --root "$R" /opt/app/bin/prog32
is "$rc:$err" "0:" "prog32: resolved"
is "$out" "dir /opt 0755 0 0
dir /opt/app 0755 0 0
dir /opt/app/bin 0755 0 0
file /opt/app/bin/prog32 $R/opt/app/bin/prog32 0755 0 0
slink /lib /usr/lib 0777 0 0
dir /usr 0755 0 0
dir /usr/lib 0755 0 0
file /usr/lib/ld-linux.so.2 $R/usr/lib/ld-linux.so.2 0755 0 0
dir /opt/confa 0755 0 0
file /opt/confa/libdef.so.1 $R/opt/confa/libdef.so.1 0755 0 0" \
	"prog32: a 32-bit program gets the 32-bit library; /lib -> /usr/lib read inside the root"

deps exec --root "$R" /opt/app/bin/dst /opt/app/bin/slash
is "$rc:$err" "0:" "dst, slash: resolved"
is "$out" "dir /opt 0755 0 0
dir /opt/app 0755 0 0
dir /opt/app/bin 0755 0 0
file /opt/app/bin/dst $R/opt/app/bin/dst 0755 0 0
slink /lib64 usr/lib64 0777 0 0
dir /usr 0755 0 0
dir /usr/lib64 0755 0 0
file /usr/lib64/ld-linux-x86-64.so.2 $R/usr/lib64/ld-linux-x86-64.so.2 0755 0 0
dir /opt/app/bin/x86_64 0755 0 0
file /opt/app/bin/x86_64/libp.so $R/opt/app/bin/x86_64/libp.so 0755 0 0
dir /opt/lib64 0755 0 0
file /opt/lib64/libl.so $R/opt/lib64/libl.so 0755 0 0
file /opt/app/bin/slash $R/opt/app/bin/slash 0755 0 0
dir /opt/sp\\040ace 0755 0 0
file /opt/sp\\040ace/libsp.so $R/opt/sp\\040ace/libsp.so 0755 0 0" \
	"\$PLATFORM, \${LIB}, a DT_NEEDED path with a blank (escaped); two programs, each path once"

deps exec --root "$R" /opt/app/bin/script
is "$rc:$(head -4 <<<"$out")" "0:dir /opt 0755 0 0
dir /opt/app 0755 0 0
dir /opt/app/bin 0755 0 0
file /opt/app/bin/script $R/opt/app/bin/script 0755 0 0" \
	"a #! script comes first"
is "$(tail -n +5 <<<"$out" | head -1)" \
	"file /opt/app/bin/prog $R/opt/app/bin/prog 0755 0 0" \
	"then its interpreter, resolved as a program"

# ---- exec: errors ----

deps exec --root "$R" /opt/bad/bin/garbage
is "$rc|$out|$err" "1||gen_init_deps: error: /opt/bad/lib/libgarbage.so: not an ELF file" \
	"a library that is not ELF"
deps exec --root "$R" /opt/bad/bin/trunc
is "$rc|$out|$err" "1||gen_init_deps: error: /opt/bad/lib/libtrunc.so: the program headers lie beyond the end of the file" \
	"a truncated library"
deps exec --root "$R" /opt/bad/bin/missing
is "$rc|$out|$err" "1||gen_init_deps: error: libnope.so.1 needed by /opt/bad/bin/missing: not found in /opt/nowhere:$DEFAULTS" \
	"a missing library names where it was looked for"
deps exec --root "$R" /opt/bad/bin/only32
is "$rc|$out|$err" "1||gen_init_deps: error: lib32only.so.1 needed by /opt/bad/bin/only32: not found in $DEFAULTS (passed over, another ELF class or machine: /opt/confa/lib32only.so.1)" \
	"a library only of another class"
deps exec --root "$R" /opt/bad/bin/nointerp
is "$rc|$out|$err" "1||gen_init_deps: error: /lib/ld-missing.so.1 (the interpreter of /opt/bad/bin/nointerp): not found" \
	"a missing interpreter"
deps exec --root "$R" /opt/bad/bin/notelf /opt/none /opt/app
is "$rc|$out|$err" "1||gen_init_deps: error: /opt/bad/bin/notelf: not an ELF file or a #! script
gen_init_deps: error: /opt/none: No such file or directory
gen_init_deps: error: /opt/app: not a regular file" \
	"programs that are not: every one reported"
deps exec --root "$R" opt/app/bin/prog
is "$rc|$out|$err" "2||gen_init_deps: error: program 'opt/app/bin/prog' is not an absolute path (inside the root)
Try 'gen_init_deps --help' for more information." \
	"a relative program is a usage error"
deps exec --root "$R/nothere" /opt/app/bin/prog
is "$rc|$out|$err" "1||gen_init_deps: error: $R/nothere: No such file or directory" \
	"a missing root"
deps frobnicate
is "$rc|$err" "2|gen_init_deps: error: unknown command 'frobnicate': exec or modules
Try 'gen_init_deps --help' for more information." "an unknown command"
deps exec --kver 1 /bin/sh
is "$rc|$err" "2|gen_init_deps: error: unknown option '--kver'
Try 'gen_init_deps --help' for more information." "modules' options are not exec's"
deps modules --kver
is "$rc|$err" "2|gen_init_deps: error: option '--kver' needs an argument
Try 'gen_init_deps --help' for more information." "an option without its argument"

# -o: written whole, or not at all (the old file stays).
printf 'old\n' >"$T/out.list"
"$DEPS" exec --root "$R" -o "$T/out.list" /opt/bad/bin/missing 2>/dev/null
is "$?:$(cat "$T/out.list")" "1:old" "-o: a failure leaves the old file alone"
"$DEPS" exec --root "$R" -o "$T/out.list" /opt/rp/bin/rprog
is "$?:$(tail -1 "$T/out.list"):$(stat -c %a "$T/out.list")" \
	"0:file /opt/rp/lib/libr2.so $R/opt/rp/lib/libr2.so 0755 0 0:644" \
	"-o: the list, with the umask's mode"

# ---- exec: other byte orders, other machines ----

# A big-endian 64-bit and a 32-bit PowerPC program, each needing a
# library that a little-endian x86-64 one of the same name shadows.
build_ppc() {
	local target=$1 dir=$2
	local cc_ppc="clang --target=$target -fuse-ld=lld -nostdlib"

	mkdir -p "$R/$dir/lib" "$R/$dir/lib2" "$R/$dir/bin" "$B/$dir" &&
	$cc_ppc -shared -fPIC -Wl,-soname,ld.so.1 -o "$R/$dir/ld.so.1" \
		"$B/lib.c" &&
	$cc_ppc -shared -fPIC -Wl,-soname,libbe.so.1 -o "$B/$dir/libbe.so.1" \
		"$B/lib.c" &&
	cp "$B/libconf.so.1" "$R/$dir/lib/libbe.so.1" &&
	cp "$B/$dir/libbe.so.1" "$R/$dir/lib2/" &&
	$cc_ppc -o "$R/$dir/bin/prog" "$B/start.c" \
		-Wl,--dynamic-linker=/$dir/ld.so.1 -L"$B/$dir" -l:libbe.so.1 \
		-Wl,-rpath,/$dir/lib:/$dir/lib2
}
if command -v clang >/dev/null && command -v ld.lld >/dev/null; then
	build_ppc powerpc64-linux-gnu ppc64 && build_ppc powerpc-linux-gnu ppc
	ok $? "PowerPC fixtures build (clang, ld.lld)"
	for dir in ppc64 ppc; do
		deps exec --root "$R" /$dir/bin/prog
		is "$rc:$err:$out" "0::dir /$dir 0755 0 0
dir /$dir/bin 0755 0 0
file /$dir/bin/prog $R/$dir/bin/prog 0755 0 0
file /$dir/ld.so.1 $R/$dir/ld.so.1 0755 0 0
dir /$dir/lib2 0755 0 0
file /$dir/lib2/libbe.so.1 $R/$dir/lib2/libbe.so.1 0755 0 0" \
			"$dir: big-endian ELF read; the x86-64 library of that name passed over"
	done
elif [ "${CI:-}" = true ]; then
	ok 1 "clang and ld.lld are needed for the big-endian fixtures"
else
	echo "# skipped: the big-endian fixtures need clang and ld.lld"
fi

# ---- exec: speed ----

# Thirty libraries in a chain, each needing the next, all found through
# the program's DT_RPATH (which, unlike DT_RUNPATH, serves them too).
mkdir -p "$R/opt/chain/bin" "$R/opt/chain/lib"
for i in $(seq 30 -1 1); do
	next=()
	[ "$i" -lt 30 ] && next=(-l:libchain$((i + 1)).so)
	mklib libchain$i.so "$R/opt/chain/lib/libchain$i.so" \
		-L"$R/opt/chain/lib" "${next[@]}" || break
done
mkprog "$R/opt/chain/bin/prog" /lib64/ld-linux-x86-64.so.2 \
	-L"$R/opt/chain/lib" -l:libchain1.so -Wl,-rpath-link,"$R/opt/chain/lib" \
	-Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'
start=$(date +%s%N)
deps exec --root "$R" /opt/chain/bin/prog
end=$(date +%s%N)
is "$rc:$(grep -c "^file /opt/chain/lib/libchain" <<<"$out"):$err" "0:30:" \
	"a program with a chain of 30 libraries"
diag "30 libraries resolved in $(((end - start) / 1000000)) ms (with the process start)"

# ---- modules: the fixture ----

MD=$M/lib/modules/9.9.9-test
build_modules() {
	mkdir -p "$MD/kernel/drivers/block" "$MD/kernel/lib" "$MD/kernel/fs" \
		"$MD/kernel/drivers/net" || return
	local f
	for f in drivers/block/blk-a.ko.xz lib/dep_b.ko.zst lib/dep-c.ko \
		fs/fsx.ko.gz drivers/net/net1.ko drivers/net/unused.ko; do
		printf 'module %s\n' "$f" >"$MD/kernel/$f"
	done
	cat >"$MD/modules.dep" <<-'EOF'
	kernel/drivers/block/blk-a.ko.xz: kernel/lib/dep_b.ko.zst kernel/lib/dep-c.ko
	kernel/lib/dep_b.ko.zst: kernel/lib/dep-c.ko
	kernel/lib/dep-c.ko:
	kernel/fs/fsx.ko.gz:
	kernel/drivers/net/net1.ko:
	kernel/drivers/net/unused.ko:
	kernel/drivers/missing.ko:
	EOF
	cat >"$MD/modules.alias" <<-'EOF'
	# Aliases extracted from modules themselves.
	alias pci:v00001234d*sv*sd*bc*sc*i* blk_a
	alias fs-fsx fsx
	alias pci:v00001234d00000001sv*sd*bc*sc*i* net1
	alias gone-alias gone_module
	EOF
	cat >"$MD/modules.softdep" <<-'EOF'
	# Soft dependencies extracted from modules themselves.
	softdep fsx pre: net1 nothere post: unused
	softdep fsx ignored
	EOF
	printf 'kernel/drivers/bi/builtin-one.ko\n' >"$MD/modules.builtin"
	printf 'builtin_one.alias=acpi*:XYZ0001:*\0builtin_one.license=GPL\0' \
		>"$MD/modules.builtin.modinfo"
	printf 'kernel/lib/dep-c.ko\n' >"$MD/modules.order"
}
build_modules
ok $? "the fixture module tree builds"

L="file /lib/modules/9.9.9-test"
LOC=$MD
INDEX="dir /lib 0755 0 0
dir /lib/modules 0755 0 0
dir /lib/modules/9.9.9-test 0755 0 0
$L/modules.dep $LOC/modules.dep 0644 0 0
$L/modules.alias $LOC/modules.alias 0644 0 0
$L/modules.builtin $LOC/modules.builtin 0644 0 0
$L/modules.builtin.modinfo $LOC/modules.builtin.modinfo 0644 0 0
$L/modules.order $LOC/modules.order 0644 0 0
$L/modules.softdep $LOC/modules.softdep 0644 0 0"
D="dir /lib/modules/9.9.9-test/kernel"
BLK_A="$D 0755 0 0
$D/drivers 0755 0 0
$D/drivers/block 0755 0 0
$L/kernel/drivers/block/blk-a.ko.xz $LOC/kernel/drivers/block/blk-a.ko.xz 0644 0 0"
DEPS_BC="$D/lib 0755 0 0
$L/kernel/lib/dep_b.ko.zst $LOC/kernel/lib/dep_b.ko.zst 0644 0 0
$L/kernel/lib/dep-c.ko $LOC/kernel/lib/dep-c.ko 0644 0 0"

for name in blk_a blk-a; do
	deps modules --basedir "$M" --kver 9.9.9-test $name
	is "$rc:$err:$out" "0::$INDEX
$BLK_A
$DEPS_BC" "module $name: the index files that exist, the module, its modules.dep closure"
done

deps modules --basedir "$M" --kver 9.9.9-test \
	pci:v00001234d00000001sv00001AF4sd00000002bc01sc00i00
is "$rc:$err:$out" "0::$INDEX
$BLK_A
$D/drivers/net 0755 0 0
$L/kernel/drivers/net/net1.ko $LOC/kernel/drivers/net/net1.ko 0644 0 0
$DEPS_BC" "a device's modalias: every module whose pattern matches"

deps modules --basedir "$M" --kver 9.9.9-test fs-fsx builtin-one \
	acpi:XYZ0001:
is "$rc:$err:$out" "0::$INDEX
# builtin_one: built into the kernel
$D 0755 0 0
$D/fs 0755 0 0
$L/kernel/fs/fsx.ko.gz $LOC/kernel/fs/fsx.ko.gz 0644 0 0
# nothere: soft dependency of fsx, not found
$D/drivers 0755 0 0
$D/drivers/net 0755 0 0
$L/kernel/drivers/net/net1.ko $LOC/kernel/drivers/net/net1.ko 0644 0 0" \
	"an alias; softdep pre: only; built-in modules by name and by alias"

deps modules --basedir "$M" --kver 9.9.9-test nosuch gone-alias missing
is "$rc|$out|$err" "1||gen_init_deps: error: nosuch: no such module or alias in /lib/modules/9.9.9-test
gen_init_deps: error: gone-alias: an alias of module gone_module, which modules.dep does not list
gen_init_deps: error: /lib/modules/9.9.9-test/kernel/drivers/missing.ko: No such file or directory" \
	"modules that are not there"
deps modules --basedir "$M" --kver 0.0.0 blk_a
is "$rc|$out|$err" "1||gen_init_deps: error: /lib/modules/0.0.0/modules.dep: No such file or directory" \
	"a kernel version without modules"
deps modules --basedir "$M" --kver ../9.9.9-test blk_a
is "$rc|$err" "2|gen_init_deps: error: kernel version '../9.9.9-test' is not a directory name
Try 'gen_init_deps --help' for more information." "a kernel version that is a path"
deps modules --basedir "$M" --kver 9.9.9-test
is "$rc|$err" "2|gen_init_deps: error: no module given
Try 'gen_init_deps --help' for more information." "no module"

# Fifty modules, each needing every later one.
BIG=$M/lib/modules/9.9.9-big
mkdir -p "$BIG/kernel"
for i in $(seq 0 49); do
	: >"$BIG/kernel/m$i.ko"
	printf 'kernel/m%d.ko:' $i
	for j in $(seq $((i + 1)) 49); do
		printf ' kernel/m%d.ko' $j
	done
	echo
done >"$BIG/modules.dep"
start=$(date +%s%N)
deps modules --basedir "$M" --kver 9.9.9-big m0
end=$(date +%s%N)
is "$rc:$(grep -c '^file /lib/modules/9.9.9-big/kernel/m' <<<"$out")" "0:50" \
	"a closure of 50 modules"
diag "50 modules resolved in $(((end - start) / 1000000)) ms (with the process start)"

# ---- the machine's own files ----

# ldd asks the real loader: the files it names (made canonical) must be
# the files we print.
for prog in /bin/bash /usr/bin/ssh /usr/bin/python3 /usr/bin/curl \
	/usr/bin/perl; do
	[ -x "$prog" ] || continue
	want=$(ldd "$prog" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		$2 != "=>" && $1 ~ /^\// { print $1 }' |
		xargs -r realpath | sort -u)
	deps exec "$prog"
	got=$(awk '$1 == "file" { print $2 }' <<<"$out" |
		grep -vxF "$(realpath "$prog")" | sort)
	is "$rc:$got" "0:$want" "$prog: the libraries ldd names"
done

# /bin/bash packed from our list must run in a chroot: the list is whole.
deps exec /bin/bash
printf '%s\n' "$out" >"$T/bash.list"
mkdir "$T/chroot"
"$GEN" -o "$T/bash.cpio" "$T/bash.list" &&
	(cd "$T/chroot" && cpio -idm --quiet <"$T/bash.cpio")
ok $? "bash's list packs and unpacks"
# As root of a user namespace when not root (as_root, tests/lib.sh).
is "$(as_root chroot "$T/chroot" /bin/bash -c 'echo ok' 2>&1)" ok \
	"/bin/bash runs in a chroot of its list"

# The installed kernel's virtio_blk: the modules.dep closure of the
# machine's depmod.
kver=
for dep in /lib/modules/*/modules.dep; do
	grep -q '/virtio_blk\.ko' "$dep" 2>/dev/null || continue
	kver=$(basename "$(dirname "$dep")")
done
if [ -n "$kver" ]; then
	deps modules --kver "$kver" virtio_blk 'virtio:d00000002v*'
	files=$(awk '$1 == "file" { n = split($2, p, "/"); print p[n] }' <<<"$out" |
		sort | tr '\n' ' ')
	# virtio and virtio_ring are modules on Debian 12's cloud kernel,
	# built in on Debian 13's (modules.builtin): then nothing to bring.
	for f in virtio.ko virtio_ring.ko virtio_blk.ko modules.dep; do
		if grep -q "/$f\$" "/lib/modules/$kver/modules.builtin" 2>/dev/null; then
			case " $files" in
			*" $f"*) ok 1 "$kver: built-in $f not brought (got: $files)" ;;
			*) ok 0 "$kver: built-in $f not brought" ;;
			esac
			continue
		fi
		case " $files" in
		*" $f"*) ok 0 "$kver: virtio_blk brings $f" ;;
		*) ok 1 "$kver: virtio_blk brings $f (got: $files)" ;;
		esac
	done
elif [ "${CI:-}" = true ]; then
	ok 1 "no installed kernel with virtio_blk (linux-image-cloud-amd64)"
else
	echo "# skipped: no /lib/modules/*/modules.dep with virtio_blk"
fi

done_testing
