// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "oci.h"
bool oci_names_image(const char *arg) { (void)arg; return false; }
int oci_read(const char *arg, const struct oci_opts *o, struct entry_list *out, struct deplist *deps, int **fds, size_t *nfds, struct diag *d) { return -1; }
