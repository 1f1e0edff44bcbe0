# SPDX-License-Identifier: GPL-2.0
#
# Rules for the tree declared in Kbuild.
#
#   make                  build the programs and usr/initramfs_data.cpio
#   make check            build, then run the whole test suite (prove, TAP)
#   make check SANITIZE=1 the same, built with ASan and UBSan
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
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
  override CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
  override CFLAGS += $(SANFLAGS)
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

check: all
	$(Q)cd $(srctree) && GEN_INIT_CPIO=$(objtree)/usr/gen_init_cpio \
		SRCTREE=$(srctree) OBJTREE=$(objtree) SANITIZE=$(SANITIZE) \
		$(PROVE) $(if $(filter 1,$(V)),-v) tests/*.t

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

.PHONY: all check bench install clean FORCE
