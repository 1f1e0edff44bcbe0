/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OCI_H
#define OCI_H

/*
 * oci: a container image as a source of entries.
 *
 * Named as skopeo and podman name them: oci:<dir>[:<tag>] (an OCI image
 * layout: oci-layout, index.json, blobs/), oci-archive:<file>[:<tag>] (a
 * tar of one) and docker-archive:<file>[:<tag>] (docker save's tar).  The
 * manifest is chosen by tag and platform (linux/amd64 unless --platform
 * says otherwise), every blob's sha256 and size are checked before it is
 * used, and the layers (tar, gzip or zstd) are applied in order with the
 * OCI whiteout rules: .wh.<name> removes <name> of the layers below, and
 * .wh..wh..opq empties its directory of them.  The result is one source's
 * entries, each file's data a range of a (decompressed) layer.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "depfile.h"
#include "entry.h"

/* Does the source @arg name an image by a transport prefix? */
bool oci_names_image(const char *arg);

struct oci_opts {
	const char *platform;		/* "os/arch[/variant]" or "arch"; NULL */
	const struct idmap *ids;
};

/*
 * Append the image @arg's entries to @out.  The descriptors their data is
 * read from are appended to *@fds (grown with realloc(), *@nfds of them),
 * for the caller to close once the image is written.  Returns 0, or -1
 * (reported through @d).
 */
int oci_read(const char *arg, const struct oci_opts *o,
	     struct entry_list *out, struct deplist *deps, int **fds,
	     size_t *nfds, struct diag *d);

#endif
