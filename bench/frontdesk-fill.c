/* frontdesk-fill.c: fill an inbox database with realistic synthetic conversations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   frontdesk-fill --database PATH --conversations N [--messages-per-conversation M] [--seed S]
 *                  [--now UNIX-SECONDS] [--batch-size B]
 *
 * Everything goes through the core API (desk_store_ingest() in batches, tags, statuses), so the
 * file is what a sync would have written. The same seed and --now give the same inbox; without
 * --now, the two weeks of history end at the current time, which is what screenshots want.
 */
#define G_LOG_DOMAIN "frontdesk-fill"

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "desk-canned.h"
#include "desk-synth.h"

typedef struct
{
  gint64 started;
  gint64 last_print;
} Progress;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (done < total && now - progress->last_print < 2 * G_USEC_PER_SEC)
    return;

  progress->last_print = now;
  g_printerr ("  %u/%u conversations (%.1f s)\n", done, total,
              (now - progress->started) / (double) G_USEC_PER_SEC);
}

static char *
format_time (gint64 time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* The same path as the library window's Import: read, parse, plan, apply */
static gboolean
import_canned (DeskStore   *store,
               const char  *path,
               GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GBytes) contents = NULL;
  DeskCannedPlan *plan;
  gboolean ok;

  contents = desk_canned_read_file (file, NULL, error);
  if (contents == NULL)
    return FALSE;

  plan = desk_store_plan_canned_import (store, contents, error);
  if (plan == NULL)
    return FALSE;

  ok = desk_store_apply_canned_import (store, plan, error);
  desk_canned_plan_unref (plan);

  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(DeskSynth) synth = NULL;
  g_autofree char *database = NULL;
  g_autofree char *oldest = NULL;
  g_autofree char *newest = NULL;
  gint64 conversations = 0;
  gint64 per_conversation = 4;
  gint64 seed = 1;
  gint64 now = 0;
  gint64 batch_size = 200;
  g_autofree char *canned = NULL;
  DeskSynthReport report;
  Progress progress = { 0 };
  double seconds;
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database,
      "The inbox database to fill (created when missing)", "PATH" },
    { "conversations", 'n', 0, G_OPTION_ARG_INT64, &conversations,
      "How many conversations to add", "N" },
    { "messages-per-conversation", 'm', 0, G_OPTION_ARG_INT64, &per_conversation,
      "The mean length of a conversation (default: 4)", "M" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      "The same seed gives the same data (default: 1)", "S" },
    { "now", 0, 0, G_OPTION_ARG_INT64, &now,
      "End the two weeks of history at this UNIX time, in seconds (default: now)", "SECONDS" },
    { "batch-size", 0, 0, G_OPTION_ARG_INT64, &batch_size,
      "Messages per desk_store_ingest() call (default: 200)", "B" },
    { "canned", 0, 0, G_OPTION_ARG_FILENAME, &canned,
      "Also import this file of canned responses (data/examples/canned-responses.json)", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- fill a Frontdesk inbox with synthetic conversations");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("frontdesk-fill: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (database == NULL || conversations <= 0 || conversations > G_MAXINT32 ||
      per_conversation <= 0 || per_conversation > 1000 || batch_size <= 0 || seed < 0)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("frontdesk-fill: --database and a positive --conversations are needed\n\n%s",
                  help);
      return EXIT_FAILURE;
    }

  if (now <= 0)
    now = g_get_real_time ();
  else
    now *= G_USEC_PER_SEC;

  store = desk_store_open (database, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-fill: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_printerr ("Filling %s: %" G_GINT64_FORMAT " conversations of %" G_GINT64_FORMAT
              " messages on average, seed %" G_GINT64_FORMAT ", batches of %" G_GINT64_FORMAT
              "\n", database, conversations, per_conversation, seed, batch_size);

  synth = desk_synth_new ((guint64) seed, now, (guint) per_conversation);
  progress.started = progress.last_print = g_get_monotonic_time ();

  if (!desk_synth_fill (synth, store, (guint) conversations, (guint) batch_size,
                        progress_cb, &progress, &report, &error))
    {
      g_printerr ("frontdesk-fill: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (canned != NULL && !import_canned (store, canned, &error))
    {
      g_printerr ("frontdesk-fill: %s: %s\n", canned, error->message);
      return EXIT_FAILURE;
    }

  desk_store_close (store);
  seconds = (g_get_monotonic_time () - progress.started) / (double) G_USEC_PER_SEC;
  oldest = format_time (report.oldest);
  newest = format_time (report.newest);

  g_printerr ("Done in %.1f s:\n"
              "  %u accounts (Bluesky, Mastodon ×2, Telegram, X ×2), %u tags\n"
              "  %u messages in %u desk_store_ingest() batches, %u customers\n"
              "  %u conversations (%u DMs): %u open, %u answered, %u closed\n"
              "  %u tags applied, %u statuses set by hand\n"
              "  messages from %s to %s\n",
              seconds, report.n_accounts, report.n_tags, report.n_messages, report.n_batches,
              report.n_contacts, report.n_conversations, report.n_dms, report.n_open,
              report.n_answered, report.n_closed, report.n_tag_links, report.n_status_changes,
              oldest, newest);

  return EXIT_SUCCESS;
}
