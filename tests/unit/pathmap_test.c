// SPDX-License-Identifier: GPL-2.0
/*
 * pathmap_test.c: path normal forms (usr/lib/pathmap.c) and the path map
 * over usr/lib/strmap.c and hashmap.c.
 */
#include <stdlib.h>

#include "lib/pathmap.h"
#include "tap.h"

static void normal(const char *name, const char *want, int want_dotdot)
{
	int dotdot = -1;
	char *got = path_normalize(name, &dotdot);

	is_str(got, want, name[0] ? name : "(empty)");
	ok(dotdot == want_dotdot, "  '..' %sseen in '%s'",
	   want_dotdot ? "" : "not ", name);
	free(got);
}

static void test_normalize(void)
{
	normal("a/b", "a/b", 0);
	normal("/a/b", "a/b", 0);
	normal("a//b", "a/b", 0);
	normal("a/./b/", "a/b", 0);
	normal("./a", "a", 0);
	normal(".", "", 0);
	normal("/", "", 0);
	normal("", "", 0);
	normal("a/../b", "a/../b", 1);
	normal("..", "..", 1);
	normal("...", "...", 0);
	normal("..a/.b", "..a/.b", 0);
	normal("a/..", "a/..", 1);
}

static void parent(const char *path, const char *want, int want_rc)
{
	char *p = strdup(path);
	int rc = path_cut_to_parent(p);

	ok(rc == want_rc && (!rc || !strcmp(p, want)),
	   "parent of '%s': %s", path, want_rc ? want : "(top level)");
	free(p);
}

static void test_parent(void)
{
	parent("a/b/c", "a/b", 1);
	parent("a/b", "a", 1);
	parent("a", "", 0);
}

static void test_map(void)
{
	struct pathmap m = PATHMAP_INIT;
	char name[32];
	long i, misses = 0, wrong = 0;

	is_long(pathmap_get(&m, "a"), -1, "an empty map holds nothing");
	is_long(pathmap_get_or_put(&m, "a/b", 7), -1, "a new path is put");
	is_long(pathmap_get_or_put(&m, "a/b", 9), 7,
		"the same path again gives the first index");
	is_long(pathmap_get(&m, "a/b"), 7, "get finds it");
	is_long(pathmap_get(&m, "a"), -1, "a prefix is another path");
	is_long(pathmap_get(&m, "a/b/"), -1,
		"keys are compared as given: the caller normalises");

	/* Enough paths to grow the table many times over. */
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "d%ld/f%ld", i % 97, i);
		if (pathmap_get_or_put(&m, name, (size_t)i + 100) != -1)
			misses++;
	}
	ok(!misses, "100000 new paths are all new (%ld not)", misses);
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "d%ld/f%ld", i % 97, i);
		if (pathmap_get(&m, name) != i + 100)
			wrong++;
	}
	ok(!wrong, "... and each is found with its index after growth (%ld not)",
	   wrong);
	is_long(pathmap_get(&m, "a/b"), 7, "the first path survives growth");
	is_long((long)m.map.len, 100001, "every path is kept once");
	ok(3 * m.map.index.used < 2 * m.map.index.cap,
	   "the index is at most two thirds full (%zu of %zu)",
	   m.map.index.used, m.map.index.cap);
	pathmap_release(&m);
}

int main(void)
{
	test_normalize();
	test_parent();
	test_map();
	return tap_done();
}
