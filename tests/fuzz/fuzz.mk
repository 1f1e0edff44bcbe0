# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/fuzz.mk: libFuzzer targets for the spec list reader, the
# image reader and the extractor.  The top Makefile includes this file; it
# also works alone:
#
#   make fuzz [FUZZ_SECONDS=60]          build, then run each target
#   make fuzz-spec_fuzz / fuzz-cpio_fuzz / fuzz-extract_fuzz
#                                        run one target
#   make fuzz-build                      build the targets only
#   make -f tests/fuzz/fuzz.mk [srctree=<dir>] [objtree=<dir>] fuzz
#
# The targets are built with clang, -fsanitize=fuzzer,address,undefined
# (any UBSan finding aborts), from the objects of usr/gen_init_cpio except
# the one with main(), and the files of tests/fuzz/ named in <target>-objs
# below, into $(objtree)/fuzz/.  Each runs for FUZZ_SECONDS
# on $(objtree)/fuzz/corpus/<target>/, a working corpus that keeps what
# libFuzzer finds between runs, plus the seeds of tests/fuzz/corpus/<target>/
# and the inputs of tests/fuzz/regress/<target>/ that once found bugs
# (libFuzzer reads every corpus directory but writes only to the first, so
# the committed ones stay as they are).  Any crash, leak, timeout or
# sanitizer report fails make; the input is left in
# $(objtree)/fuzz/artifacts/<target>/ and libFuzzer's output in
# $(objtree)/fuzz/<target>.log.  To turn the input into a regression test:
#   $(objtree)/fuzz/<target> -minimize_crash=1 -runs=10000 <crash file>
# and copy the smallest result into tests/fuzz/regress/<target>/.
#
# Messages of the code under test are thrown away; FUZZ_DIAG=1 in the
# environment shows them when replaying one input:
#   FUZZ_DIAG=1 $(objtree)/fuzz/<target> <input>
# A target's own message, the broken promise, precedes libFuzzer's report
# ("<target>: ...").  extract_fuzz unpacks images into a sandbox in
# /dev/shm (EXTRACT_FUZZ_DIR), as real root when run as root, else as root
# of a user namespace (EXTRACT_FUZZ_USERNS=0/1), and calls a hang what
# lasts EXTRACT_FUZZ_HANG (5) seconds; see tests/fuzz/extract_fuzz.c.
# make clean (fuzz-clean) removes $(objtree)/fuzz/, working corpus and all.

fuzz_mk := $(lastword $(MAKEFILE_LIST))
# Included before the top Makefile's first target, this file must not
# become its default goal: the goal so far is put back at the end.
fuzz_saved_goal := $(.DEFAULT_GOAL)

# Alone, find the tree from this file and read Kbuild for the objects;
# included, the top Makefile has done both.
ifeq ($(origin usr/gen_init_cpio-objs),undefined)
  fuzz_standalone := 1
  srctree ?= $(abspath $(dir $(fuzz_mk))../..)
  O ?= .
  objtree ?= $(abspath $(O))
  include $(srctree)/Kbuild
  # Quiet as the top Makefile is: V=1 shows commands, make -s nothing.
  ifeq ($(V),1)
    Q :=
    quiet = @:
  else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
    Q := @
    quiet = @:
  else
    Q := @
    quiet = @printf '  %-7s %s\n'
  endif
endif

FUZZ_CC ?= clang
FUZZ_CFLAGS ?= -g -O1
FUZZ_SECONDS ?= 60
# More libFuzzer options for every run, e.g. FUZZ_FLAGS=-jobs=2
FUZZ_FLAGS ?=

fuzz_targets := spec_fuzz cpio_fuzz extract_fuzz tar_fuzz
# Objects of tests/fuzz/ that a target is linked with besides its own.
extract_fuzz-objs := extract_case.o
# libFuzzer options of one target, after the common ones: an extract_fuzz
# input is 61 bytes at most (the rest is ignored).
extract_fuzz-flags := -max_len=128
fuzz_dir := $(objtree)/fuzz
fuzz_src := $(srctree)/tests/fuzz

fuzz_san := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
fuzz_cflags := $(FUZZ_CFLAGS) -std=gnu11 \
	-D_FILE_OFFSET_BITS=64 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
	-I$(srctree)/usr $(fuzz_san) -fsanitize=fuzzer-no-link
fuzz_ldflags := $(FUZZ_CFLAGS) $(fuzz_san) -fsanitize=fuzzer

# Everything usr/gen_init_cpio is made of but its main(), as one archive:
# each target links only the objects it needs.
fuzz_lib_objs := $(addprefix $(fuzz_dir)/, \
	$(filter-out usr/gen_init_cpio.o,$(usr/gen_init_cpio-objs)))
fuzz_lib := $(fuzz_dir)/libgic.a
fuzz_progs := $(addprefix $(fuzz_dir)/,$(fuzz_targets))
fuzz_stamp := $(fuzz_dir)/.fuzz-flags

fuzz_extra_objs := $(sort $(addprefix $(fuzz_dir)/, \
	$(foreach t,$(fuzz_targets),$($(t)-objs))))

# -max_len: spec lines run to 64 KiB and so do interesting images;
# -timeout: a single input that takes this long is a hang, a failure.
fuzz_run_flags = -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	-rss_limit_mb=512 -timeout=25 -print_final_stats=1

# Record the flags; rewrite the stamp only when they change, so that a
# change of compiler or flags rebuilds everything (as the top Makefile).
$(fuzz_stamp): FORCE
	@command -v $(FUZZ_CC) > /dev/null || { \
		echo "make fuzz: $(FUZZ_CC) not found (libFuzzer comes with clang)" >&2; \
		exit 1; }
	@mkdir -p $(@D)
	@echo '$(FUZZ_CC) $(fuzz_cflags) $(fuzz_ldflags)' | cmp -s - $@ || \
		echo '$(FUZZ_CC) $(fuzz_cflags) $(fuzz_ldflags)' > $@

# Static pattern rules: they win over the top Makefile's $(objtree)/%.o.
$(fuzz_lib_objs): $(fuzz_dir)/%.o: $(srctree)/%.c $(fuzz_stamp)
	@mkdir -p $(@D)
	$(quiet) FUZZCC $*.o
	$(Q)$(FUZZ_CC) $(fuzz_cflags) -MMD -MP -c -o $@ $<

$(fuzz_progs:=.o) $(fuzz_extra_objs): $(fuzz_dir)/%.o: $(fuzz_src)/%.c $(fuzz_stamp)
	@mkdir -p $(@D)
	$(quiet) FUZZCC tests/fuzz/$*.o
	$(Q)$(FUZZ_CC) $(fuzz_cflags) -MMD -MP -c -o $@ $<

$(fuzz_lib): $(fuzz_lib_objs)
	$(quiet) AR fuzz/libgic.a
	$(Q)rm -f $@ && ar rcs $@ $^

$(foreach t,$(fuzz_targets),$(eval \
	$(fuzz_dir)/$(t): $(addprefix $(fuzz_dir)/,$($(t)-objs))))
$(fuzz_progs): %: %.o $(fuzz_lib) $(fuzz_stamp)
	$(quiet) FUZZLD fuzz/$(@F)
	$(Q)$(FUZZ_CC) $(fuzz_ldflags) -o $@ $(filter %.o,$^) $(fuzz_lib)

-include $(fuzz_lib_objs:.o=.d) $(fuzz_progs:=.d) $(fuzz_extra_objs:.o=.d)

# One run of one target.  libFuzzer's chatter goes to the log; on failure
# the report (libFuzzer's or the sanitizer's) is shown, on success one
# line of statistics.
define fuzz_run_rule
fuzz-$(1): $(fuzz_dir)/$(1)
	@mkdir -p $(fuzz_dir)/corpus/$(1) $(fuzz_dir)/artifacts/$(1)
	$$(quiet) FUZZ "$(1) for $$(FUZZ_SECONDS) s"
	$$(Q)cd $(fuzz_dir) && ./$(1) $$(fuzz_run_flags) $$($(1)-flags) \
		$$(FUZZ_FLAGS) -dict=$(fuzz_src)/$(1).dict -artifact_prefix=artifacts/$(1)/ \
		corpus/$(1) $(fuzz_src)/corpus/$(1) \
		$$(wildcard $(fuzz_src)/regress/$(1)) > $(1).log 2>&1 || { \
		{ grep -E -A 40 '(ERROR|ALARM|runtime error): |^[a-z]+_fuzz: ' $(1).log || \
		  tail -n 30 $(1).log; } | head -n 60; \
		echo "make fuzz: $(1) failed; input in $(fuzz_dir)/artifacts/$(1)/, output in $(fuzz_dir)/$(1).log" >&2; \
		exit 1; }
	@awk -F': *' '/^stat::number_of_executed_units/ { runs = $$$$NF } \
		/^stat::average_exec_per_sec/ { rate = $$$$NF } \
		/^stat::peak_rss_mb/ { rss = $$$$NF } \
		END { printf "  %-7s %s: %s runs, %s exec/s, %s MB, no crash\n", \
			"FUZZ", "$(1)", runs, rate, rss }' $(fuzz_dir)/$(1).log
endef
$(foreach t,$(fuzz_targets),$(eval $(call fuzz_run_rule,$(t))))

fuzz-build: $(fuzz_progs)

fuzz: $(addprefix fuzz-,$(fuzz_targets))

fuzz-clean:
	$(Q)rm -rf $(fuzz_dir)

.PHONY: fuzz fuzz-build fuzz-clean $(addprefix fuzz-,$(fuzz_targets)) FORCE

ifeq ($(fuzz_standalone),1)
.DEFAULT_GOAL := fuzz
else
clean: fuzz-clean
# Last, after every target here.  Empty: the first target the top
# Makefile defines after this file becomes the goal, as without it.
.DEFAULT_GOAL := $(fuzz_saved_goal)
endif
