/* frontdesk-bench.c: Frontdesk's benchmarks; they print figures, each beside its baseline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run with `ninja -C _build bench` (see bench/README.md). Parts: ingest (bench-ingest.c),
 * search and filter switches (bench-queries.c), cold start (bench-startup.c).
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/utsname.h>

#include "bench-common.h"
#include "bench.h"

static char *
read_proc_field (const char *file,
                 const char *field)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (g_str_has_prefix (lines[i], field) && colon != NULL)
        return g_strstrip (g_strdup (colon + 1));
    }

  return NULL;
}

/* Other work on the machine shows in every figure: say how busy it was. */
static void
print_load (const char *when)
{
  g_autofree char *loadavg = NULL;
  g_auto(GStrv) fields = NULL;
  double load;

  if (!g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    return;

  fields = g_strsplit (loadavg, " ", 4);
  if (g_strv_length (fields) < 3)
    return;

  load = g_ascii_strtod (fields[0], NULL);
  g_print ("  load      %s %s %s (1, 5, 15 min) %s%s\n", fields[0], fields[1], fields[2], when,
           load > g_get_num_processors () * 0.5
             ? ": WARNING, the machine is busy, figures will be slower and noisier" : "");
}

static void
print_machine (const BenchOptions *options)
{
  g_autofree char *cpu = read_proc_field ("/proc/cpuinfo", "model name");
  g_autofree char *memory = read_proc_field ("/proc/meminfo", "MemTotal");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M %Z");
  struct utsname uts;

  if (uname (&uts) != 0)
    memset (&uts, 0, sizeof uts);

  g_print ("Frontdesk benchmarks, %s\n", date);
  g_print ("  machine   nproc %u, CPU %s, RAM %s, %s %s %s\n", g_get_num_processors (),
           cpu != NULL ? cpu : "unknown", memory != NULL ? memory : "unknown", uts.sysname,
           uts.release, uts.machine);
  g_print ("  software  SQLite %s, GLib %u.%u.%u; Frontdesk %s, %s build\n",
           sqlite3_libversion (), glib_major_version, glib_minor_version, glib_micro_version,
           PACKAGE_VERSION, BENCH_BUILDTYPE);
  g_print ("  data      %s (seed %" G_GUINT64_FORMAT ")\n", options->data_dir, options->seed);
  print_load ("at start");
  if (g_strcmp0 (BENCH_BUILDTYPE, "release") != 0 &&
      g_strcmp0 (BENCH_BUILDTYPE, "debugoptimized") != 0)
    g_print ("  WARNING: not an optimized build; set up the build with -Dbuildtype=release\n");
}

static gboolean
wants (char        **only,
       const char   *part)
{
  return only == NULL || g_strv_contains ((const char * const *) only, part);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *only_text = NULL;
  g_autofree char *inbox = NULL;
  g_auto(GStrv) only = NULL;
  gboolean quick = FALSE;
  gboolean no_gl = FALSE;
  gint64 seed = 1;
  gint ingest_messages = 100000;
  gint ingest_batch = 100;
  gint ingest_rounds = 3;
  gint conversations = 100000;
  gint per_conversation = 10;
  gint search_passes = 3;
  gint filter_repeats = 15;
  gint runs = 5;
  gint64 started = g_get_monotonic_time ();
  BenchOptions options = { 0 };
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.data_dir,
      "Where to keep scratch files and the cached inbox (required)", "DIR" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_text,
      "Run only these parts: ingest,search,filter,startup", "LIST" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick,
      "Small sizes, to check that everything runs (figures are not comparable)", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the synthetic data (default: 1)", "S" },
    { "ingest-messages", 0, 0, G_OPTION_ARG_INT, &ingest_messages,
      "Messages to ingest (default: 100000)", "N" },
    { "ingest-batch", 0, 0, G_OPTION_ARG_INT, &ingest_batch,
      "Messages per transaction (default: 100)", "N" },
    { "ingest-rounds", 0, 0, G_OPTION_ARG_INT, &ingest_rounds,
      "Runs of each side, the median counts (default: 3)", "N" },
    { "conversations", 0, 0, G_OPTION_ARG_INT, &conversations,
      "Conversations in the large inbox (default: 100000)", "N" },
    { "messages-per-conversation", 0, 0, G_OPTION_ARG_INT, &per_conversation,
      "Mean conversation length in the large inbox (default: 10)", "M" },
    { "search-passes", 0, 0, G_OPTION_ARG_INT, &search_passes,
      "Timed passes over the search queries (default: 3)", "N" },
    { "filter-repeats", 0, 0, G_OPTION_ARG_INT, &filter_repeats,
      "Timed runs of each filter switch (default: 15)", "N" },
    { "frontdesk", 0, 0, G_OPTION_ARG_FILENAME, &options.frontdesk,
      "The frontdesk binary, used when it has the first-frame hook", "PATH" },
    { "probe", 0, 0, G_OPTION_ARG_FILENAME, &options.probe,
      "frontdesk-probe, used otherwise", "PATH" },
    { "empty-window", 0, 0, G_OPTION_ARG_FILENAME, &options.empty_window,
      "The empty-window baseline program", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Cold starts of each program (default: 5)", "N" },
    { "no-gl", 0, 0, G_OPTION_ARG_NONE, &no_gl, "Measure cold start without GL only", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- measure Frontdesk's ingest, search, filters and start-up");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("frontdesk-bench: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (quick)
    {
      ingest_messages = 10000;
      ingest_rounds = 1;
      conversations = 10000;
      search_passes = 1;
      filter_repeats = 3;
      runs = 1;
    }

  if (options.data_dir == NULL || ingest_messages <= 0 || ingest_batch <= 0 ||
      ingest_rounds <= 0 || conversations <= 0 || per_conversation <= 0 || search_passes <= 0 ||
      filter_repeats <= 0 || runs <= 0 || seed < 0)
    {
      g_printerr ("frontdesk-bench: --data-dir is required and the counts must be positive\n");
      return EXIT_FAILURE;
    }

  if (only_text != NULL)
    only = g_strsplit (only_text, ",", -1);

  if (wants (only, "startup") && (options.empty_window == NULL ||
                                  (options.probe == NULL && options.frontdesk == NULL)))
    {
      g_printerr ("frontdesk-bench: the startup part needs --empty-window and --probe\n");
      return EXIT_FAILURE;
    }

  options.seed = (guint64) seed;
  options.ingest_messages = ingest_messages;
  options.ingest_batch = ingest_batch;
  options.ingest_rounds = ingest_rounds;
  options.inbox_conversations = conversations;
  options.inbox_messages_per_conversation = per_conversation;
  options.search_passes = search_passes;
  options.filter_repeats = filter_repeats;
  options.startup_runs = runs;
  options.startup_gl = !no_gl;

  if (g_mkdir_with_parents (options.data_dir, 0755) != 0)
    {
      g_printerr ("frontdesk-bench: cannot create %s: %s\n", options.data_dir,
                  g_strerror (errno));
      return EXIT_FAILURE;
    }

  print_machine (&options);
  if (quick)
    g_print ("  --quick: small sizes, the figures are not comparable with the goals\n");

  if (wants (only, "ingest") && !bench_ingest (&options, &error))
    goto fail;

  if (wants (only, "search") || wants (only, "filter") || wants (only, "startup"))
    {
      bench_section ("Large inbox", NULL);
      inbox = bench_ensure_inbox (&options, &error);
      if (inbox == NULL)
        goto fail;
    }

  if (wants (only, "search") && !bench_search (&options, inbox, &error))
    goto fail;

  if (wants (only, "filter") && !bench_filter (&options, inbox, &error))
    goto fail;

  if (wants (only, "startup") && !bench_startup (&options, inbox, &error))
    goto fail;

  bench_summary_print ();
  g_print ("\n");
  print_load ("at the end");
  g_print ("The benchmarks took %.0f s.\n", bench_elapsed_ms (started) / 1000);

  return EXIT_SUCCESS;

fail:
  bench_summary_print ();
  g_printerr ("\nfrontdesk-bench: %s\n", error->message);

  return EXIT_FAILURE;
}
