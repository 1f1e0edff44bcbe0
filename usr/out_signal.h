/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_SIGNAL_H
#define OUT_SIGNAL_H

/*
 * out_signal: what a fatal signal (SIGHUP, SIGINT, SIGTERM, SIGXFSZ, and
 * SIGPIPE until a compressor runs) undoes before it ends us: it removes
 * the output's named temporary file, stops the running compressors (which
 * would otherwise complain of its pipes) and says which output was not
 * written.  A handler can reach only process-wide state, and there is at
 * most one output per process: so this state is here, set by the file
 * stage (out_file.c) and the compressor stage (out_compress.c).
 */

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* An output @name is being written, to @path (NULL: a file without a name). */
void out_signal_guard_file(const char *name, char *path);

/* It is in place (or removed): nothing more to undo. */
void out_signal_release_file(void);

/* Stop @pid too before ending; SIGPIPE is left as it is. */
void out_signal_guard_child(pid_t pid);

/* @pid is reaped: not ours to stop any more. */
void out_signal_release_child(pid_t pid);

/* Hold off the fatal signals; @old: the mask to restore. */
void out_signal_hold(sigset_t *old);

#endif
