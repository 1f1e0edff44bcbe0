/* SPDX-License-Identifier: GPL-2.0 */
#ifndef JSON_H
#define JSON_H

/*
 * json: a reader of JSON (RFC 8259) documents into a tree, for the small
 * files of an OCI image (index.json, manifests, configs).  Strings are
 * decoded (escapes, \u with surrogate pairs, to UTF-8); numbers are kept
 * as their text.  A document is read whole: these are a few KiB.
 */

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING,
		 JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *str;		/* a string's value, a number's text, a key */
	size_t len;		/* an array's or object's members */
	struct json *v;		/* its members, in order */
	char **keys;		/* an object's keys, one a member */
	int truth;		/* JSON_BOOL */
};

/*
 * Parse @len bytes of @text: the tree, or NULL with *@err set to the byte
 * offset where it went wrong (or -1 when out of memory).
 */
struct json *json_parse(const char *text, size_t len, long *err);
void json_free(struct json *j);

/* The member @key of an object, or NULL (for a non-object too). */
const struct json *json_get(const struct json *j, const char *key);
/* The string value of @key, or NULL when missing or not a string. */
const char *json_str(const struct json *j, const char *key);

#endif
