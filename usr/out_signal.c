// SPDX-License-Identifier: GPL-2.0
/*
 * out_signal.c: the fatal-signal cleanup of the output (see out_signal.h).
 */
/* program_invocation_short_name: GNU. */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/array.h"
#include "out_signal.h"

static char *volatile signal_cleanup_path;
/* The compressors running, 0 in a free slot. */
static volatile pid_t signal_compressors[32];
static volatile sig_atomic_t signal_uncommitted;
static char signal_target[PATH_MAX + 32];	/* "'<path>' not written" */

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGHUP:	return "SIGHUP";
	case SIGINT:	return "SIGINT";
	case SIGTERM:	return "SIGTERM";
	default:	return "SIGXFSZ";
	}
}

/* write() and strlen() are async-signal-safe; stdio is not. */
static void say(const char *msg)
{
	ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));

	(void)ignored;
}

/*
 * Stop the compressor ourselves: once we are gone it would only find
 * its pipes closed and say so.  A SIGPIPE has closed our output, and
 * tells nobody.
 */
static void on_fatal_signal(int sig)
{
	char *path = signal_cleanup_path;
	size_t i;

	if (path)
		unlink(path);
	for (i = 0; i < ARRAY_SIZE(signal_compressors); i++)
		if (signal_compressors[i] > 0)
			kill(signal_compressors[i], SIGTERM);
	if (sig != SIGPIPE) {
		say(program_invocation_short_name);
		say(": error: stopped by ");
		say(signal_name(sig));
		if (signal_uncommitted) {
			say(": ");
			say(signal_target);
		}
		say("\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* SIGPIPE only before a compressor starts, which has it ignored. */
static void arm_signals(bool with_sigpipe)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGXFSZ };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal_signal);
	if (with_sigpipe)
		signal(SIGPIPE, on_fatal_signal);
}

void out_signal_guard_file(const char *name, char *path)
{
	snprintf(signal_target, sizeof(signal_target), "'%s' not written",
		 name);
	signal_cleanup_path = path;
	signal_uncommitted = 1;
	arm_signals(true);
}

void out_signal_release_file(void)
{
	signal_uncommitted = 0;
	signal_cleanup_path = NULL;
}

/* A slot holding @pid, or 0 for a free one; NULL if there is none. */
static volatile pid_t *compressor_slot(pid_t pid)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(signal_compressors); i++)
		if (signal_compressors[i] == pid)
			return &signal_compressors[i];
	return NULL;
}

/* Beyond the slots, a compressor is left to notice its broken pipe. */
void out_signal_guard_child(pid_t pid)
{
	volatile pid_t *slot = compressor_slot(0);

	if (slot)
		*slot = pid;
	arm_signals(false);
}

/*
 * A compressor is no longer ours to stop once it is reaped: its pid may
 * then be another process's.
 */
void out_signal_release_child(pid_t pid)
{
	volatile pid_t *slot = pid > 0 ? compressor_slot(pid) : NULL;

	if (slot)
		*slot = 0;
}

void out_signal_hold(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, SIGXFSZ);
	sigprocmask(SIG_BLOCK, &set, old);
}
