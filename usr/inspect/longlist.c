// SPDX-License-Identifier: GPL-2.0
/*
 * longlist.c: --list -v, the entries as cpio -tv shows them (longlist.h).
 */
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "image/imgread.h"
#include "json.h"
#include "longlist.h"

/* cpio -tv shows the year instead of the time beyond six months. */
#define RECENT_SECONDS (6L * 30 * 24 * 60 * 60)

struct long_lister {
	FILE *out;
	struct read_opts *o;
	time_t now;
	bool skip_member;
	/* With patterns, the member line waits for a selected entry. */
	bool pending;
	/* The last owner and group looked up, and their names. */
	uint32_t uid, gid;
	bool have_uid, have_gid;
	char user[64], group[64];
};

static char type_char(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	case S_IFREG: return '-';
	}
	return '?';
}

/* "drwxr-xr-x", with s/S for set-id bits and t/T for the sticky bit. */
static void mode_string(uint32_t mode, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	s[0] = type_char(mode);
	for (i = 0; i < 9; i++)
		s[i + 1] = mode & (0400u >> i) ? rwx[i] : '-';
	if (mode & S_ISUID)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & S_ISGID)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (mode & S_ISVTX)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
}

static const char *user_name(struct long_lister *l, uint32_t uid)
{
	struct passwd *pw;

	if (!l->have_uid || l->uid != uid) {
		pw = getpwuid(uid);
		if (pw)
			snprintf(l->user, sizeof(l->user), "%s", pw->pw_name);
		else
			snprintf(l->user, sizeof(l->user), "%u", uid);
		l->uid = uid;
		l->have_uid = true;
	}
	return l->user;
}

static const char *group_name(struct long_lister *l, uint32_t gid)
{
	struct group *gr;

	if (!l->have_gid || l->gid != gid) {
		gr = getgrgid(gid);
		if (gr)
			snprintf(l->group, sizeof(l->group), "%s", gr->gr_name);
		else
			snprintf(l->group, sizeof(l->group), "%u", gid);
		l->gid = gid;
		l->have_gid = true;
	}
	return l->group;
}

/* "Dec  8 02:51" within the last six months, else "Jan  2  2020". */
static void date_string(const struct long_lister *l, uint32_t mtime,
			char *buf, size_t n)
{
	time_t t = mtime;
	struct tm tm;
	bool recent = t <= l->now && l->now - t <= RECENT_SECONDS;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, n, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm))
		snprintf(buf, n, "%u", mtime);
}

static void print_line(struct long_lister *l, const struct img_entry *e)
{
	const struct cpio_header *h = &e->h;
	uint32_t type = h->mode & S_IFMT;
	char mode[11], date[64];

	mode_string(h->mode, mode);
	date_string(l, h->mtime, date, sizeof(date));
	fprintf(l->out, "%s %3u %-8s ", mode, h->nlink, user_name(l, h->uid));
	fprintf(l->out, "%-8s ", group_name(l, h->gid));
	if (type == S_IFCHR || type == S_IFBLK)
		fprintf(l->out, "%3u, %3u ", h->rdevmajor, h->rdevminor);
	else
		fprintf(l->out, "%8u ", h->filesize);
	fprintf(l->out, "%s %s", date, e->name);
	if (type == S_IFLNK && e->target)
		fprintf(l->out, " -> %s", e->target);
	fputc('\n', l->out);
}

/* "# member N: <compression> at offset <n>" */
static void member_line(struct long_lister *l, const struct img_member *m)
{
	fprintf(l->out, "# member %u: %s at offset %llu\n", m->index,
		m->comp ? m->comp->name : "uncompressed",
		(unsigned long long)(m->comp ? m->comp_offset : m->offset));
}

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct long_lister *l = ctx;

	(void)s;
	l->skip_member = !sel_member(l->o, m->index);
	l->pending = false;
	if (l->skip_member || l->o->json)
		return 0;
	if (l->o->npatterns)
		l->pending = true;
	else
		member_line(l, m);
	return 0;
}

static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct long_lister *l = ctx;

	(void)s;
	if (l->skip_member || !sel_name(l->o, e->name))
		return 0;
	if (l->o->json)
		return json_entry(l->out, m, e);
	if (l->pending)
		member_line(l, m);
	l->pending = false;
	print_line(l, e);
	return 0;
}

int long_list_image(const char *path, struct read_opts *o, FILE *out,
		    struct diag *d)
{
	struct long_lister l = { .out = out, .o = o, .now = time(NULL) };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.ctx = &l,
	};

	if (img_scan_path(path, &v, 0, d))
		return -1;
	return sel_report(o, path, d);
}
