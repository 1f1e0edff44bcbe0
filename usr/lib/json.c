// SPDX-License-Identifier: GPL-2.0
/*
 * json.c: a small recursive-descent JSON reader (see json.h).
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define DEPTH_MAX 64	/* an image's documents nest a few levels */

struct cursor {
	const char *s;
	size_t len, at;
	int depth;
	int oom;
};

static void skip_blanks(struct cursor *c)
{
	while (c->at < c->len && strchr(" \t\r\n", c->s[c->at]) &&
	       c->s[c->at])
		c->at++;
}

static int peek(struct cursor *c)
{
	skip_blanks(c);
	return c->at < c->len ? (unsigned char)c->s[c->at] : -1;
}

static int hex4(struct cursor *c, unsigned int *u)
{
	size_t i;

	*u = 0;
	if (c->len - c->at < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char h = c->s[c->at++];

		*u <<= 4;
		if (h >= '0' && h <= '9')
			*u |= (unsigned int)(h - '0');
		else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
			*u |= (unsigned int)((h | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned int u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | (u >> 12));
		o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (u >> 18));
	o[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* A \u escape (after the 'u'), with its low surrogate if any. */
static int unicode_escape(struct cursor *c, unsigned int *u)
{
	unsigned int lo;

	if (hex4(c, u))
		return -1;
	if (*u < 0xd800 || *u > 0xdfff)
		return *u ? 0 : -1;	/* a NUL cannot be in a C string */
	if (*u > 0xdbff || c->len - c->at < 6 || c->s[c->at] != '\\' ||
	    c->s[c->at + 1] != 'u')
		return -1;
	c->at += 2;
	if (hex4(c, &lo) || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*u = 0x10000 + ((*u - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

static char *parse_string(struct cursor *c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char *out, *o;
	unsigned int u;

	c->at++;	/* the opening quote */
	out = malloc(c->len - c->at + 1);	/* never longer than the text */
	if (!out) {
		c->oom = 1;
		return NULL;
	}
	for (o = out; c->at < c->len; ) {
		char ch = c->s[c->at++];
		const char *e;

		if (ch == '"') {
			*o = '\0';
			return out;
		}
		if ((unsigned char)ch < 0x20)
			break;
		if (ch != '\\') {
			*o++ = ch;
			continue;
		}
		if (c->at == c->len)
			break;
		ch = c->s[c->at++];
		e = ch ? strchr(from, ch) : NULL;
		if (e) {
			*o++ = to[e - from];
		} else if (ch == 'u' && !unicode_escape(c, &u)) {
			o += put_utf8(o, u);
		} else {
			break;
		}
	}
	free(out);
	return NULL;
}

static int parse_value(struct cursor *c, struct json *j);

static int add_member(struct cursor *c, struct json *j, char *key)
{
	struct json *v = realloc(j->v, (j->len + 1) * sizeof(*v));
	char **k = NULL;

	if (v)
		j->v = v;
	if (v && j->type == JSON_OBJECT) {
		k = realloc(j->keys, (j->len + 1) * sizeof(*k));
		if (k)
			j->keys = k;
	}
	if (!v || (j->type == JSON_OBJECT && !k)) {
		free(key);
		c->oom = 1;
		return -1;
	}
	memset(&v[j->len], 0, sizeof(*v));
	if (k)
		k[j->len] = key;
	j->len++;
	return parse_value(c, &v[j->len - 1]);
}

/* An array or an object, after its opening bracket. */
static int parse_members(struct cursor *c, struct json *j, int close)
{
	char *key = NULL;

	if (++c->depth > DEPTH_MAX)
		return -1;
	c->at++;
	if (peek(c) == close) {
		c->at++;
		c->depth--;
		return 0;
	}
	for (;;) {
		if (j->type == JSON_OBJECT) {
			if (peek(c) != '"')
				return -1;
			key = parse_string(c);
			if (!key || peek(c) != ':') {
				free(key);
				return -1;
			}
			c->at++;
		}
		if (add_member(c, j, key))
			return -1;
		if (peek(c) == close)
			break;
		if (peek(c) != ',')
			return -1;
		c->at++;
	}
	c->at++;
	c->depth--;
	return 0;
}

static int parse_literal(struct cursor *c, struct json *j)
{
	static const char *const words[] = { "null", "false", "true" };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(words[i]);
		if (c->len - c->at >= n && !memcmp(c->s + c->at, words[i], n)) {
			c->at += n;
			j->type = i ? JSON_BOOL : JSON_NULL;
			j->truth = i == 2;
			return 0;
		}
	}
	return -1;
}

static int parse_number(struct cursor *c, struct json *j)
{
	size_t start = c->at;

	while (c->at < c->len && c->s[c->at] &&
	       strchr("+-0123456789.eE", c->s[c->at]))
		c->at++;
	if (c->at == start)
		return -1;
	j->type = JSON_NUMBER;
	j->str = strndup(c->s + start, c->at - start);
	if (!j->str)
		c->oom = 1;
	return j->str ? 0 : -1;
}

static int parse_value(struct cursor *c, struct json *j)
{
	int ch = peek(c);

	if (ch == '{') {
		j->type = JSON_OBJECT;
		return parse_members(c, j, '}');
	}
	if (ch == '[') {
		j->type = JSON_ARRAY;
		return parse_members(c, j, ']');
	}
	if (ch == '"') {
		j->type = JSON_STRING;
		j->str = parse_string(c);
		return j->str ? 0 : -1;
	}
	if (ch == '-' || (ch >= '0' && ch <= '9'))
		return parse_number(c, j);
	return ch < 0 ? -1 : parse_literal(c, j);
}

static void release(struct json *j)
{
	size_t i;

	for (i = 0; i < j->len; i++) {
		release(&j->v[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->v);
	free(j->keys);
	free(j->str);
}

struct json *json_parse(const char *text, size_t len, long *err)
{
	struct cursor c = { .s = text, .len = len };
	struct json *j = calloc(1, sizeof(*j));

	if (!j) {
		*err = -1;
		return NULL;
	}
	if (parse_value(&c, j) || peek(&c) >= 0) {
		*err = c.oom ? -1 : (long)c.at;
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	release(j);
	free(j);
}

const struct json *json_get(const struct json *j, const char *key)
{
	size_t i;

	if (!j || j->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < j->len; i++)
		if (!strcmp(j->keys[i], key))
			return &j->v[i];
	return NULL;
}

const char *json_str(const struct json *j, const char *key)
{
	const struct json *v = json_get(j, key);

	return v && v->type == JSON_STRING ? v->str : NULL;
}
