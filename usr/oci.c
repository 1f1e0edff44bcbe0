// SPDX-License-Identifier: GPL-2.0
/*
 * oci.c: container images as sources (see oci.h).
 *
 * From the OCI image spec (image-layout, image-index, manifest, layer)
 * and docker save's manifest.json: the layout's index.json lists
 * manifests (or nested indexes) by descriptor -- media type, digest,
 * size, platform, annotations with the tag; a manifest lists its layers,
 * each a tar changeset of the one below, compressed or not.
 */
/* asprintf(): GNU. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/pathmap.h"
#include "lib/sha256.h"
#include "cpioread.h"
#include "oci.h"
#include "tarsrc.h"

#define DOC_MAX (4u << 20)	/* index.json, a manifest, a config */

enum transport { OCI_DIR, OCI_ARCHIVE, DOCKER_ARCHIVE };

static const char *const prefixes[] = {
	[OCI_DIR] = "oci:", [OCI_ARCHIVE] = "oci-archive:",
	[DOCKER_ARCHIVE] = "docker-archive:",
};

/* Where the blobs are: a layout directory, or the tar holding one. */
struct store {
	const char *arg;
	enum transport how;
	char *path;		/* the directory or the archive */
	const char *tag;	/* NULL: none asked for */
	int dirfd;		/* OCI_DIR */
	int fd;			/* an archive's (plain) bytes */
	struct entry_list files;	/* an archive's members */
	const struct oci_opts *o;
	struct deplist *deps;
	int **fds;
	size_t *nfds;
	struct diag *d;
	struct srcloc loc;
};

/* Bytes of a blob: a range of an open file. */
struct blob {
	int fd;
	uint64_t off, size;
	bool own;		/* fd opened for it (close unless kept) */
};

bool oci_names_image(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(arg, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static int keep(struct store *s, int fd)
{
	int *v = realloc(*s->fds, (*s->nfds + 1) * sizeof(*v));

	if (!v) {
		close(fd);
		diag_error(s->d, &s->loc, "out of memory");
		return -1;
	}
	*s->fds = v;
	v[(*s->nfds)++] = fd;
	return 0;
}

/* A file of the layout, by its path inside it. */
static int store_file(struct store *s, const char *rel, struct blob *b)
{
	struct stat st;
	size_t i;
	char *full;

	if (s->how == OCI_DIR) {
		b->fd = openat(s->dirfd, rel, O_RDONLY | O_CLOEXEC);
		if (b->fd < 0 || fstat(b->fd, &st) || !S_ISREG(st.st_mode)) {
			if (b->fd >= 0)
				close(b->fd);
			return -1;
		}
		b->off = 0;
		b->size = (uint64_t)st.st_size;
		b->own = true;
		if (asprintf(&full, "%s/%s", s->path, rel) >= 0) {
			deplist_add(s->deps, full);
			free(full);
		}
		return 0;
	}
	for (i = s->files.len; i-- > 0; ) {
		const struct node *n = s->files.v[i].node;

		if (strcmp(entry_name(&s->files.v[i]), rel))
			continue;
		if (n->type != ENTRY_FILE)
			return -1;
		b->fd = s->fd;
		b->off = n->data == DATA_FD ? n->offset : 0;
		b->size = n->data == DATA_FD ? n->size : 0;
		b->own = false;
		return 0;
	}
	return -1;
}

static void blob_close(struct blob *b)
{
	if (b->own)
		close(b->fd);
	b->own = false;
}

/* The sha256 of a blob's bytes, in hex. */
static int blob_sha256(struct blob *b, char hex[65])
{
	static unsigned char buf[65536];
	unsigned char sum[32];
	struct sha256 c;
	uint64_t at = 0;
	int i;

	sha256_init(&c);
	while (at < b->size) {
		size_t want = b->size - at < sizeof(buf) ?
			      (size_t)(b->size - at) : sizeof(buf);
		ssize_t got = pread(b->fd, buf, want, (off_t)(b->off + at));

		if (got <= 0)
			return -1;
		sha256_update(&c, buf, (size_t)got);
		at += (uint64_t)got;
	}
	sha256_final(&c, sum);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", sum[i]);
	return 0;
}

/* "sha256:<64 hex>": the hex, or NULL (an error at @what). */
static const char *digest_hex(struct store *s, const char *digest,
			      const char *what)
{
	size_t i;

	if (digest && !strncmp(digest, "sha256:", 7) && strlen(digest) == 71) {
		for (i = 7; i < 71; i++)
			if (!strchr("0123456789abcdef", digest[i]))
				break;
		if (i == 71)
			return digest + 7;
	}
	diag_error(s->d, &s->loc,
		   "%s: digest '%s' is not sha256:<64 lowercase hex digits> (the only algorithm supported)",
		   what, digest ? digest : "(none)");
	return NULL;
}

/* A verified range of bytes whose sha256 must be @hex (and size @size). */
static int verify(struct store *s, struct blob *b, const char *hex,
		  const struct json *size, const char *what)
{
	char got[65];

	if (size && (size->type != JSON_NUMBER ||
		     strtoull(size->str, NULL, 10) != b->size)) {
		diag_error(s->d, &s->loc,
			   "%s: %llu bytes, not the %s its descriptor gives",
			   what, (unsigned long long)b->size,
			   size->str ? size->str : "size");
		return -1;
	}
	if (blob_sha256(b, got)) {
		diag_error(s->d, &s->loc, "%s: cannot read: %s", what,
			   strerror(errno));
		return -1;
	}
	if (strcmp(got, hex)) {
		diag_error(s->d, &s->loc,
			   "%s: digest mismatch: its bytes hash to sha256:%s",
			   what, got);
		return -1;
	}
	return 0;
}

/* The blob a descriptor names, its digest and size checked. */
static int open_blob(struct store *s, const struct json *desc,
		     const char *what, struct blob *b)
{
	const char *hex = digest_hex(s, json_str(desc, "digest"), what);
	char rel[96];

	if (!hex)
		return -1;
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", hex);
	if (store_file(s, rel, b)) {
		diag_error(s->d, &s->loc, "%s: blob sha256:%s is missing (%s)",
			   what, hex, rel);
		return -1;
	}
	if (verify(s, b, hex, json_get(desc, "size"), what)) {
		blob_close(b);
		return -1;
	}
	return 0;
}

/* A JSON document from a blob (closed). */
static struct json *read_doc(struct store *s, struct blob *b,
			     const char *what)
{
	struct json *j = NULL;
	char *text = NULL;
	long err = 0;

	if (b->size > DOC_MAX) {
		diag_error(s->d, &s->loc, "%s: %llu bytes is too large for a JSON document",
			   what, (unsigned long long)b->size);
		goto out;
	}
	text = malloc((size_t)b->size + 1);
	if (!text) {
		diag_error(s->d, &s->loc, "out of memory");
		goto out;
	}
	if (pread(b->fd, text, (size_t)b->size, (off_t)b->off) !=
	    (ssize_t)b->size) {
		diag_error(s->d, &s->loc, "%s: cannot read it", what);
		goto out;
	}
	j = json_parse(text, (size_t)b->size, &err);
	if (!j)
		diag_error(s->d, &s->loc, "%s: not valid JSON (at byte %ld)",
			   what, err);
out:
	free(text);
	blob_close(b);
	return j;
}

static struct json *store_doc(struct store *s, const char *rel)
{
	struct blob b;

	if (store_file(s, rel, &b)) {
		diag_error(s->d, &s->loc, "no %s in the image", rel);
		return NULL;
	}
	return read_doc(s, &b, rel);
}

static struct json *blob_doc(struct store *s, const struct json *desc,
			     const char *what)
{
	struct blob b;

	return open_blob(s, desc, what, &b) ? NULL : read_doc(s, &b, what);
}

static bool media_is(const char *type, const char *a, const char *b)
{
	return type && (!strcmp(type, a) || !strcmp(type, b));
}

#define INDEX_TYPES "application/vnd.oci.image.index.v1+json", \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MANIFEST_TYPES "application/vnd.oci.image.manifest.v1+json", \
	"application/vnd.docker.distribution.manifest.v2+json"

/* The platform asked for, split: os, architecture, variant (or NULL). */
struct platform {
	char os[32], arch[32], variant[32];
};

static int parse_platform(const char *arg, struct platform *p)
{
	int n;

	memset(p, 0, sizeof(*p));
	strcpy(p->os, "linux");
	strcpy(p->arch, "amd64");
	if (!arg)
		return 0;
	if (!strchr(arg, '/'))
		return sscanf(arg, "%31[^/]", p->arch) == 1 ? 0 : -1;
	n = sscanf(arg, "%31[^/]/%31[^/]/%31[^/]", p->os, p->arch, p->variant);
	return n >= 2 ? 0 : -1;
}

static bool platform_matches(const struct platform *want, const char *os,
			     const char *arch, const char *variant)
{
	if (!os || !arch || strcmp(os, want->os) || strcmp(arch, want->arch))
		return false;
	return !want->variant[0] || (variant && !strcmp(variant, want->variant));
}

/* Is @desc tagged @tag (the ref.name annotation, or an image name's tag)? */
static bool tagged(const struct json *desc, const char *tag)
{
	const struct json *ann = json_get(desc, "annotations");
	const char *ref = json_str(ann, "org.opencontainers.image.ref.name");
	const char *name = json_str(ann, "io.containerd.image.name");
	size_t tl = strlen(tag);

	if (ref && !strcmp(ref, tag))
		return true;
	return name && (!strcmp(name, tag) ||
			(strlen(name) > tl && name[strlen(name) - tl - 1] == ':' &&
			 !strcmp(name + strlen(name) - tl, tag)));
}

/* The platform of a manifest that its descriptor does not give: its config's. */
static bool config_matches(struct store *s, const struct json *desc,
			   const struct platform *want, char *seen, size_t len)
{
	struct json *m = blob_doc(s, desc, "manifest"), *c;
	bool ok = false;

	c = m ? blob_doc(s, json_get(m, "config"), "image config") : NULL;
	if (c) {
		ok = platform_matches(want, json_str(c, "os"),
				      json_str(c, "architecture"),
				      json_str(c, "variant"));
		snprintf(seen + strlen(seen), len - strlen(seen), " %s/%s",
			 json_str(c, "os") ?: "?",
			 json_str(c, "architecture") ?: "?");
	}
	json_free(c);
	json_free(m);
	return ok;
}

/*
 * The manifest for @want among @index's descriptors (tagged @tag, when
 * given), into a new document; NULL after reporting.
 */
static struct json *choose_manifest(struct store *s, const struct json *index,
				    const char *tag, const struct platform *want,
				    int depth)
{
	const struct json *list = json_get(index, "manifests");
	char seen[512] = "";
	size_t i, tagged_ones = 0;

	if (!list || list->type != JSON_ARRAY || depth > 4) {
		diag_error(s->d, &s->loc, "an image index without a manifests array");
		return NULL;
	}
	for (i = 0; i < list->len; i++) {
		const struct json *desc = &list->v[i];
		const char *type = json_str(desc, "mediaType");
		const struct json *pf = json_get(desc, "platform");

		if (tag && !tagged(desc, tag))
			continue;
		tagged_ones++;
		if (media_is(type, INDEX_TYPES)) {
			struct json *sub = blob_doc(s, desc, "image index");
			struct json *m = sub ? choose_manifest(s, sub, NULL, want,
							       depth + 1) : NULL;

			json_free(sub);
			return m;
		}
		if (!media_is(type, MANIFEST_TYPES)) {
			diag_error(s->d, &s->loc,
				   "unknown media type '%s' of a descriptor in the index",
				   type ? type : "(none)");
			return NULL;
		}
		if (pf && json_get(pf, "architecture")) {
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen),
				 " %s/%s", json_str(pf, "os") ?: "?",
				 json_str(pf, "architecture") ?: "?");
			if (!platform_matches(want, json_str(pf, "os"),
					      json_str(pf, "architecture"),
					      json_str(pf, "variant")))
				continue;
		} else if (!config_matches(s, desc, want, seen, sizeof(seen))) {
			continue;
		}
		return blob_doc(s, desc, "manifest");
	}
	if (tag && !tagged_ones)
		diag_error(s->d, &s->loc, "no manifest tagged '%s' in the image",
			   tag);
	else
		diag_error(s->d, &s->loc,
			   "no manifest for %s/%s%s%s (the image has:%s); choose one with --platform",
			   want->os, want->arch, want->variant[0] ? "/" : "",
			   want->variant, seen[0] ? seen : " none");
	return NULL;
}

/* Layers are tars, as they are or compressed (by magic, not by name). */
static bool layer_type_known(const char *type)
{
	static const char *const bases[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.docker.image.rootfs.foreign.diff.tar",
	};
	size_t i, n;

	for (i = 0; type && i < sizeof(bases) / sizeof(bases[0]); i++) {
		n = strlen(bases[i]);
		if (!strncmp(type, bases[i], n) &&
		    (!type[n] || !strcmp(type + n, "+gzip") ||
		     !strcmp(type + n, "+zstd") || !strcmp(type + n, ".gzip")))
			return true;
	}
	return false;
}

/* Remove the entries of @acc that @keep says go (their nodes put). */
static void drop_entries(struct entry_list *acc,
			 bool (*gone)(const char *path, const void *ctx),
			 const void *ctx)
{
	size_t i, j = 0;

	for (i = 0; i < acc->len; i++) {
		if (gone(entry_name(&acc->v[i]), ctx)) {
			node_put(acc->v[i].node);
			continue;
		}
		acc->v[j++] = acc->v[i];
	}
	acc->len = j;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !n || (!strncmp(path, dir, n) && path[n] == '/');
}

static bool whited_out(const char *path, const void *ctx)
{
	const struct tar_whiteout *w = ctx;

	return under(path, w->path) || (!w->opaque && !strcmp(path, w->path));
}

static bool below(const char *path, const void *ctx)
{
	return under(path, ctx);
}

/*
 * One layer over the ones below in @acc: its whiteouts remove, a file
 * where a directory was removes what was below it, its entries follow.
 */
static void apply_layer(struct entry_list *acc, struct entry_list *layer,
			struct tar_opts *to)
{
	struct pathmap dirs = PATHMAP_INIT;
	size_t i;

	for (i = 0; i < to->nwhiteouts; i++) {
		drop_entries(acc, whited_out, &to->whiteouts[i]);
		free(to->whiteouts[i].path);
	}
	free(to->whiteouts);
	to->whiteouts = NULL;
	to->nwhiteouts = 0;
	for (i = 0; i < acc->len; i++)
		if (acc->v[i].node->type == ENTRY_DIR)
			pathmap_get_or_put(&dirs, entry_name(&acc->v[i]), i);
	for (i = 0; i < layer->len; i++)
		if (layer->v[i].node->type != ENTRY_DIR &&
		    pathmap_get(&dirs, entry_name(&layer->v[i])) >= 0)
			drop_entries(acc, below, entry_name(&layer->v[i]));
	pathmap_release(&dirs);
	if (entry_list_reserve(acc, layer->len) == 0) {
		memcpy(acc->v + acc->len, layer->v, layer->len * sizeof(*acc->v));
		acc->len += layer->len;
		layer->len = 0;
	}
	entry_list_release(layer);
}

/* A layer's tar: the blob's bytes, or what undoing its compression gives. */
static int read_layer(struct store *s, struct blob *b, unsigned int nr,
		      const char *digest, struct entry_list *acc)
{
	struct entry_list layer = ENTRY_LIST_INIT;
	struct tar_opts to = { .ids = s->o->ids, .layer = true };
	char *what;
	uint32_t handle;
	struct stat st;
	int fd, rc;

	if (asprintf(&what, "%s layer %u (%.19s)", s->arg, nr, digest) < 0)
		return -1;
	handle = str_add(what);
	free(what);
	if (!handle)
		return -1;
	what = (char *)str_get(handle);
	fd = decompress_range(b->fd, b->off, b->size, what, s->d);
	if (fd == -1)
		return -1;
	if (fd >= 0) {
		blob_close(b);
		if (keep(s, fd) || fstat(fd, &st))
			return -1;
		*b = (struct blob){ .fd = fd, .size = (uint64_t)st.st_size };
	} else if (b->own) {
		b->own = false;
		if (keep(s, b->fd))
			return -1;
	}
	rc = tarsrc_read(what, b->fd, b->off, b->size, &to, &layer, s->d);
	apply_layer(acc, &layer, &to);
	return rc;
}

static int oci_layers(struct store *s, const struct json *manifest,
		      struct entry_list *acc)
{
	const struct json *layers = json_get(manifest, "layers");
	const char *type = json_str(manifest, "mediaType");
	size_t i;

	if (type && !media_is(type, MANIFEST_TYPES)) {
		diag_error(s->d, &s->loc, "unknown media type '%s' of the manifest",
			   type);
		return -1;
	}
	if (!layers || layers->type != JSON_ARRAY) {
		diag_error(s->d, &s->loc, "the manifest has no layers array");
		return -1;
	}
	for (i = 0; i < layers->len; i++) {
		const struct json *desc = &layers->v[i];
		struct blob b;
		char what[32];

		type = json_str(desc, "mediaType");
		if (!layer_type_known(type)) {
			diag_error(s->d, &s->loc,
				   "layer %zu: unknown media type '%s'", i + 1,
				   type ? type : "(none)");
			return -1;
		}
		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if (open_blob(s, desc, what, &b) ||
		    read_layer(s, &b, (unsigned int)i + 1,
			       json_str(desc, "digest"), acc))
			return -1;
	}
	return 0;
}

/*
 * Does the RepoTags entry @repo (docker's full form, "docker.io/library/
 * busybox:latest") answer to @want: all of it, its tag alone ("latest"),
 * or a shorter reference that ends it after a '/' ("busybox:latest", as
 * skopeo and docker are given it)?
 */
static bool repo_tag_is(const char *repo, const char *want)
{
	const char *tag = strrchr(repo, ':');
	size_t rl = strlen(repo), wl = strlen(want);

	if (!strcmp(repo, want) || (tag && !strcmp(tag + 1, want)))
		return true;
	return wl < rl && repo[rl - wl - 1] == '/' &&
	       !strcmp(repo + rl - wl, want);
}

/* docker save without an OCI layout: manifest.json, layers checked by diff_ids. */
static int docker_layers(struct store *s, struct entry_list *acc)
{
	struct json *list = store_doc(s, "manifest.json"), *config = NULL;
	const struct json *img = NULL, *layers, *ids;
	size_t i, j;
	int rc = -1;

	for (i = 0; list && list->type == JSON_ARRAY && i < list->len && !img; i++) {
		const struct json *tags = json_get(&list->v[i], "RepoTags");

		if (!s->tag)
			img = &list->v[i];
		for (j = 0; tags && tags->type == JSON_ARRAY && j < tags->len; j++)
			if (tags->v[j].str && s->tag &&
			    repo_tag_is(tags->v[j].str, s->tag))
				img = &list->v[i];
	}
	if (!img) {
		if (list)
			diag_error(s->d, &s->loc, "no image%s%s in manifest.json",
				   s->tag ? " tagged " : "", s->tag ?: "");
		goto out;
	}
	if (json_str(img, "Config"))
		config = store_doc(s, json_str(img, "Config"));
	ids = json_get(json_get(config, "rootfs"), "diff_ids");
	layers = json_get(img, "Layers");
	if (!config || !layers || !ids || ids->type != JSON_ARRAY ||
	    layers->type != JSON_ARRAY || ids->len != layers->len) {
		if (config)
			diag_error(s->d, &s->loc, "manifest.json and the config disagree on the layers");
		goto out;
	}
	for (i = 0; i < layers->len; i++) {
		const char *hex = digest_hex(s, ids->v[i].str, "diff_id");
		struct blob b;

		if (!hex || !layers->v[i].str ||
		    store_file(s, layers->v[i].str, &b)) {
			if (hex)
				diag_error(s->d, &s->loc, "layer %zu is missing", i + 1);
			goto out;
		}
		if (verify(s, &b, hex, NULL, layers->v[i].str) ||
		    read_layer(s, &b, (unsigned int)i + 1, ids->v[i].str, acc))
			goto out;
	}
	rc = 0;
out:
	json_free(config);
	json_free(list);
	return rc;
}

/*
 * Split "<path>[:<tag>]": the tag only when <path> itself does not exist.
 * The path is the shortest that does, so that a tag may hold a colon
 * (skopeo's docker-archive:<file>:<name>:<tag>); when none does, the
 * last colon splits, and the error names that path.
 */
static int parse_arg(struct store *s, const char *arg)
{
	enum transport t;
	struct stat st;
	char *colon;

	for (t = OCI_DIR; t <= DOCKER_ARCHIVE; t++)
		if (!strncmp(arg, prefixes[t], strlen(prefixes[t])))
			break;
	s->how = t;
	s->path = strdup(arg + strlen(prefixes[t]));
	if (!s->path)
		return -1;
	if (!stat(s->path, &st))
		return 0;
	for (colon = strchr(s->path, ':'); colon; colon = strchr(colon + 1, ':')) {
		*colon = '\0';
		if (!stat(s->path, &st))
			break;
		*colon = ':';
	}
	if (!colon)
		colon = strrchr(s->path, ':');
	if (colon) {
		*colon = '\0';
		s->tag = colon + 1;
	}
	return 0;
}

static int open_store(struct store *s)
{
	static const struct idmap as_is;
	struct tar_opts to = { .ids = &as_is, .layer = true };
	struct stat st;
	int rc;

	if (s->how == OCI_DIR) {
		s->dirfd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->dirfd < 0) {
			diag_error(s->d, &s->loc, "cannot open the layout '%s': %s",
				   s->path, strerror(errno));
			return -1;
		}
		if (faccessat(s->dirfd, "oci-layout", R_OK, 0)) {
			diag_error(s->d, &s->loc,
				   "'%s' is not an OCI image layout (no oci-layout file)",
				   s->path);
			return -1;
		}
		return 0;
	}
	deplist_add(s->deps, s->path);
	s->fd = archive_open(s->path, s->d);
	if (s->fd < 0 || keep(s, s->fd))
		return -1;
	if (fstat(s->fd, &st))
		return -1;
	rc = tarsrc_read(s->path, s->fd, 0, (uint64_t)st.st_size, &to,
			 &s->files, s->d);
	while (to.nwhiteouts)
		free(to.whiteouts[--to.nwhiteouts].path);
	free(to.whiteouts);
	return rc;
}

int oci_read(const char *arg, const struct oci_opts *o,
	     struct entry_list *out, struct deplist *deps, int **fds,
	     size_t *nfds, struct diag *d)
{
	struct store s = {
		.arg = arg, .dirfd = -1, .fd = -1, .o = o, .deps = deps,
		.fds = fds, .nfds = nfds, .d = d, .loc = { .file = arg },
		.files = ENTRY_LIST_INIT,
	};
	struct json *index = NULL, *manifest = NULL;
	struct platform want;
	struct blob b;
	int rc = -1;

	if (parse_platform(o->platform, &want)) {
		diag_error(d, NULL, "platform '%s' is not <os>/<arch>[/<variant>] or <arch>",
			   o->platform);
		return -1;
	}
	if (parse_arg(&s, arg) || open_store(&s))
		goto out;
	if (s.how == DOCKER_ARCHIVE && store_file(&s, "index.json", &b)) {
		rc = docker_layers(&s, out);
		goto out;
	}
	index = store_doc(&s, "index.json");
	manifest = index ? choose_manifest(&s, index, s.tag, &want, 0) : NULL;
	if (manifest)
		rc = oci_layers(&s, manifest, out);
out:
	json_free(manifest);
	json_free(index);
	if (s.dirfd >= 0)
		close(s.dirfd);
	entry_list_release(&s.files);
	free(s.path);
	return rc;
}
