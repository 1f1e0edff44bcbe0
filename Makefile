# SPDX-License-Identifier: GPL-2.0
#
# Rules for the tree declared in Kbuild.
#
#   make                  build the programs and usr/initramfs_data.cpio
#   make check            build, then run the whole test suite (prove, TAP),
#                         installing tests/packages first when run as root
#                         (GIC_NO_INSTALL=1: never)
#   make check SANITIZE=1 the same, built with ASan and UBSan
#   make check-kernel     build and boot a kernel with this gen_init_cpio
#   make kernel-install KDIR=<tree>, make kernel-uninstall KDIR=<tree>
#   make bench            timings against the peers (scripts/bench)
#   make install          PREFIX=/usr/local DESTDIR= by default
#   make V=1              show full commands
#   make O=<dir>          put every generated file below <dir>
#   make WERROR=1         turn compiler warnings into errors
#
# Changing CC, CFLAGS or SANITIZE rebuilds what depends on them: the
# flags are recorded in $(O)/.build-flags, which every object depends on,
# the way kbuild's .cmd files make a changed command line rebuild a target.

srctree := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
O ?= .
objtree := $(abspath $(O))

ifeq ($(V),1)
  Q :=
  quiet = @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
  # make -s: silent, as kbuild is
  Q := @
  quiet = @:
else
  Q := @
  quiet = @printf '  %-7s %s\n'
endif

include $(srctree)/Kbuild

PREFIX ?= /usr/local
DESTDIR ?=
PROVE ?= prove

CFLAGS ?= -O2 -g
# -I usr: an include names its folder ("lib/diag.h"), see Kbuild.
override CFLAGS += -std=gnu11 -D_FILE_OFFSET_BITS=64 \
	-I$(srctree)/usr -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
  override CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
  # Free everything before exiting, so that leaks stand out (see
  # release_build() in usr/gen_init_cpio.c).
  override CFLAGS += $(SANFLAGS) -DFREE_AT_EXIT
  override LDFLAGS += $(SANFLAGS)
endif

progs := $(addprefix $(objtree)/,$(hostprogs))
imgs := $(addprefix $(objtree)/,$(images))
flags_stamp := $(objtree)/.build-flags

all: $(progs) $(imgs)

# Record the flags; rewrite the stamp only when they change.
$(flags_stamp): FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

$(objtree)/%.o: $(srctree)/%.c $(flags_stamp)
	@mkdir -p $(@D)
	$(quiet) CC $*.o
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

define hostprog_rule
$(objtree)/$(1): $(addprefix $(objtree)/,$($(1)-objs)) $(flags_stamp)
	$$(quiet) LD $(1)
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $(addprefix $(objtree)/,$($(1)-objs))
endef
$(foreach p,$(hostprogs),$(eval $(call hostprog_rule,$(p))))

define image_rule
$(objtree)/$(1): $(objtree)/usr/gen_init_cpio $(srctree)/$($(1)-list)
	@mkdir -p $$(@D)
	$$(quiet) GEN $(1)
	$$(Q)$(objtree)/usr/gen_init_cpio --no-fsync -o $$@ $(srctree)/$($(1)-list)
endef
$(foreach i,$(images),$(eval $(call image_rule,$(i))))

-include $(foreach p,$(hostprogs),$(patsubst %.o,$(objtree)/%.d,$($(p)-objs)))

check: all unit-tests
	$(Q)$(srctree)/tests/install-packages
	$(Q)cd $(srctree) && GEN_INIT_CPIO=$(objtree)/usr/gen_init_cpio \
		SRCTREE=$(srctree) OBJTREE=$(objtree) SANITIZE=$(SANITIZE) \
		$(PROVE) $(if $(filter 1,$(V)),-v) tests/*.t

# The packages of tests/packages, installed with apt-get (as root);
# make check does this first unless GIC_NO_INSTALL=1.
install-packages:
	$(Q)$(srctree)/tests/install-packages

# Timings against GNU cpio, bsdcpio, the kernel's tools and the copy floor
# (scripts/bench).  Minutes long and machine-specific: never part of check.
#   make bench BENCH_ARGS=--quick
bench: all
	$(Q)GEN_INIT_CPIO=$(objtree)/usr/gen_init_cpio \
		$(srctree)/scripts/bench $(BENCH_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(progs) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(addprefix $(srctree)/,$(man1)) \
		$(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	$(Q)rm -f $(progs) $(imgs) $(flags_stamp) \
		$(foreach p,$(hostprogs),$(addprefix $(objtree)/,$($(p)-objs) \
		$(patsubst %.o,%.d,$($(p)-objs))))

.PHONY: all check bench install install-packages clean FORCE

# make boot: a two-phase boot under QEMU, from an initramfs to a real root.
#
#   make boot [KVER=<version>] [ROOTIMG=<raw disk image>] [BOOT_APPEND=...]
#
# usr/switch-root.cpio.gz is specs/switch-root.list plus what
# usr/gen_init_deps finds for it: the modules of specs/switch-root-modules
# for kernel KVER (usr/switch-root-modules.list) and /bin/busybox, which
# must be static, from busybox-static (usr/switch-root-programs.list).
# Two lists, not one, because each names the directories it passes, /usr
# for both, and only separate sources may define a path twice.
# usr/root.img is an example root disk, an ext4 image with specs/root-init
# as /sbin/init, that mke2fs -d fills from a directory: no root privileges
# are needed.  QEMU (TCG unless BOOT_ACCEL=kvm) then boots
# /boot/vmlinuz-$(KVER) with both, the console on this terminal, until the
# guest powers off (Ctrl-A x quits QEMU sooner).
#
# KVER defaults to the newest Debian cloud kernel in /boot, whose virtio
# drivers are modules, else to the running kernel.  ROOTIMG boots the same
# initramfs on another disk.  BOOT_APPEND adds kernel parameters; a later
# one wins: root=LABEL=gic-root, rootwait=10, or panic=0 for a rescue
# shell instead of the power-off when the root cannot be mounted.

KVER ?= $(or $(patsubst /boot/vmlinuz-%,%,$(shell printf '%s\n' \
	$(wildcard /boot/vmlinuz-*-cloud-amd64) | sort -V | tail -n 1)), \
	$(shell uname -r))
ROOTIMG ?= $(objtree)/usr/root.img
BOOT_ACCEL ?= tcg
BOOT_APPEND ?=
QEMU ?= qemu-system-x86_64
BUSYBOX ?= /bin/busybox

# The example disk's label and UUID, fixed so that root=LABEL= and
# root=UUID= can name it (tests/switch-root.t does).
ROOT_LABEL := gic-root
ROOT_UUID := 5a17c0de-0b07-4e11-8a5e-1a5700000001

boot_mods := $(objtree)/usr/switch-root-modules.list
boot_progs := $(objtree)/usr/switch-root-programs.list
boot_img := $(objtree)/usr/switch-root.cpio.gz
boot_kver := $(objtree)/usr/.switch-root-kver
boot_modules = $(shell sed 's/\#.*//' $(srctree)/specs/switch-root-modules)

# Record KVER; rewrite the stamp only when it changes (as .build-flags).
# Check it first, before anything is built for a kernel that cannot boot.
$(boot_kver): FORCE
	@test -r /boot/vmlinuz-$(KVER) || { \
		echo "make boot: cannot read /boot/vmlinuz-$(KVER): give KVER=<version>" >&2; \
		exit 1; }
	@mkdir -p $(@D)
	@echo '$(KVER)' | cmp -s - $@ || echo '$(KVER)' > $@

# The resolver writes to a temporary file: no half list after a failure.
$(boot_mods): $(objtree)/usr/gen_init_deps \
		$(srctree)/specs/switch-root-modules $(boot_kver)
	$(quiet) GEN usr/switch-root-modules.list
	$(Q)$(objtree)/usr/gen_init_deps modules --kver $(KVER) \
		$(boot_modules) > $@.tmp || { rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

$(boot_progs): $(objtree)/usr/gen_init_deps $(BUSYBOX)
	$(quiet) GEN usr/switch-root-programs.list
	$(Q)$(objtree)/usr/gen_init_deps exec $(BUSYBOX) > $@.tmp || \
		{ rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

# The list's locations are relative to the top of the source tree; -l
# records every file that went in, so that make rebuilds when one changes.
$(boot_img): $(objtree)/usr/gen_init_cpio $(srctree)/specs/switch-root.list \
		$(srctree)/specs/switch-root-init $(boot_mods) $(boot_progs)
	$(quiet) GEN usr/switch-root.cpio.gz
	$(Q)cd $(srctree) && $(objtree)/usr/gen_init_cpio --no-fsync -z gzip \
		-l $(objtree)/usr/.switch-root.cpio.gz.d -o $@ \
		specs/switch-root.list $(boot_mods) $(boot_progs)
-include $(objtree)/usr/.switch-root.cpio.gz.d

# The files get the builder's uid in the image (mke2fs -d copies owners);
# only the top directory is made root's.
$(objtree)/usr/root.img: $(srctree)/specs/root-init $(BUSYBOX)
	@mkdir -p $(@D)
	$(quiet) GEN usr/root.img
	$(Q)rm -rf $@.tree $@.tmp
	$(Q)mkdir -p $@.tree/bin $@.tree/sbin $@.tree/dev $@.tree/proc $@.tree/sys
	$(Q)cp $(BUSYBOX) $@.tree/bin/busybox
	$(Q)cp $< $@.tree/sbin/init && chmod 0755 $@.tree/sbin/init
	$(Q)mke2fs -q -t ext4 -d $@.tree -L $(ROOT_LABEL) -U $(ROOT_UUID) \
		-E root_owner=0:0 $@.tmp 16M > /dev/null
	$(Q)rm -rf $@.tree && mv -f $@.tmp $@

boot: $(boot_img) $(ROOTIMG)
	$(quiet) QEMU /boot/vmlinuz-$(KVER)
	$(Q)$(QEMU) -accel $(BOOT_ACCEL) -m 256 -nodefaults -no-user-config \
		-nographic -serial mon:stdio -no-reboot \
		-kernel /boot/vmlinuz-$(KVER) -initrd $(boot_img) \
		-drive file=$(ROOTIMG),if=virtio,format=raw \
		-append 'console=ttyS0 root=/dev/vda panic=-1 $(BOOT_APPEND)'

clean: clean-boot
clean-boot:
	$(Q)rm -rf $(boot_mods) $(boot_mods).tmp $(boot_progs) \
		$(boot_progs).tmp $(boot_img) $(boot_kver) \
		$(objtree)/usr/.switch-root.cpio.gz.d $(objtree)/usr/root.img \
		$(objtree)/usr/root.img.tree $(objtree)/usr/root.img.tmp

.PHONY: boot clean-boot

# Unit tests of the primitives, run by tests/unit.t.
include $(srctree)/tests/unit/unit.mk

# make fuzz [FUZZ_SECONDS=60]: libFuzzer targets for the spec parser, the
# image reader and extraction (clang); see tests/fuzz/fuzz.mk.
include $(srctree)/tests/fuzz/fuzz.mk

# make kernel-install KDIR=<kernel tree>: build the kernel's gen_init_cpio
# from these sources (scripts/kernel-install says what changes there);
# make kernel-uninstall KDIR=<kernel tree> puts the kernel's own back.
kernel-install:
	$(if $(KDIR),,$(error make kernel-install: give KDIR=<kernel tree>))
	$(Q)$(srctree)/scripts/kernel-install install $(KDIR) $(srctree) \
		$(usr/gen_init_cpio-objs)

kernel-uninstall:
	$(if $(KDIR),,$(error make kernel-uninstall: give KDIR=<kernel tree>))
	$(Q)$(srctree)/scripts/kernel-install uninstall $(KDIR)

# make check-kernel: install into linux-source-6.12, build a small kernel,
# compare its built-in images with the stock tool's and boot them
# (tests/kernel/kbuild.t; about ten minutes on two cores).
check-kernel: all
	$(Q)$(srctree)/tests/install-packages
	$(Q)cd $(srctree) && GEN_INIT_CPIO=$(objtree)/usr/gen_init_cpio \
		SRCTREE=$(srctree) OBJTREE=$(objtree) \
		$(PROVE) $(if $(filter 1,$(V)),-v) tests/kernel/*.t

.PHONY: kernel-install kernel-uninstall check-kernel
