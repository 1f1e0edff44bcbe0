# SPDX-License-Identifier: GPL-2.0
#
# tests/unit/unit.mk: the unit tests of the primitives, small C programs
# that print TAP (tests/unit/tap.h) and that tests/unit.t runs.  The top
# Makefile includes this file after its own rules: each test is built with
# the same compiler and flags as the programs (SANITIZE=1 included), into
# $(objtree)/tests/unit/, and linked with the one object it tests (and
# what that object needs), named below.

unit_tests := cpio_test pathmap_test escape_test hashmap_test buf_test
cpio_test-objs := usr/image/cpio.o
pathmap_test-objs := usr/lib/pathmap.o usr/lib/strmap.o usr/lib/hashmap.o \
	usr/lib/array.o
escape_test-objs := usr/lib/escape.o
hashmap_test-objs := usr/lib/hashmap.o usr/lib/array.o usr/lib/inomap.o
buf_test-objs := usr/lib/buf.o usr/lib/array.o

unit_progs := $(addprefix $(objtree)/tests/unit/,$(unit_tests))

$(objtree)/tests/unit/%.o: $(srctree)/tests/unit/%.c $(flags_stamp)
	@mkdir -p $(@D)
	$(quiet) CC tests/unit/$*.o
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

define unit_rule
$(objtree)/tests/unit/$(1): $(objtree)/tests/unit/$(1).o \
		$(addprefix $(objtree)/,$($(1)-objs)) $(flags_stamp)
	$$(quiet) LD tests/unit/$(1)
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$< $(addprefix $(objtree)/,$($(1)-objs))
endef
$(foreach t,$(unit_tests),$(eval $(call unit_rule,$(t))))

-include $(unit_progs:=.d)

unit-tests: $(unit_progs)

unit-clean:
	$(Q)rm -f $(unit_progs) $(unit_progs:=.o) $(unit_progs:=.d)

clean: unit-clean

.PHONY: unit-tests unit-clean
