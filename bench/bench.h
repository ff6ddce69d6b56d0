/* bench.h: the parts of frontdesk-bench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *data_dir;          /* scratch files and the cached inboxes */
  guint64  seed;

  guint    ingest_messages;
  guint    ingest_batch;
  guint    ingest_rounds;

  guint    inbox_conversations;
  guint    inbox_messages_per_conversation;
  guint    search_passes;
  guint    filter_repeats;

  char    *frontdesk;         /* the app binary, used when it has the first-frame hook */
  char    *probe;             /* the app's code with the hook added from outside */
  char    *empty_window;
  guint    startup_runs;
  gboolean startup_gl;
} BenchOptions;

char      *bench_ensure_inbox (const BenchOptions  *options,
                               GError             **error);

gboolean   bench_ingest       (const BenchOptions  *options,
                               GError             **error);
gboolean   bench_search       (const BenchOptions  *options,
                               const char          *inbox,
                               GError             **error);
gboolean   bench_filter       (const BenchOptions  *options,
                               const char          *inbox,
                               GError             **error);
gboolean   bench_startup      (const BenchOptions  *options,
                               const char          *inbox,
                               GError             **error);

G_END_DECLS
