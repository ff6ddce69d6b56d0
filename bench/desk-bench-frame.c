/* desk-bench-frame.c: report the first frame a window draws in a given state, then exit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After each frame clock cycle that painted, asks @ready whether the window now shows what the
 * benchmark waits for; the first time it does, prints CLOCK_MONOTONIC in microseconds (the
 * clock the driver read just before it started the process), the peak RSS (VmHWM) and the
 * renderer, and leaves at once with _exit().
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>

#include "desk-bench-frame.h"

typedef struct
{
  GtkWidget           *window;
  DeskBenchFrameReady  ready;
  gboolean             painted;
} Watch;

/* Milestones on the way, "name-us=<time>" each, and counters, "name=<n>", reported with the
 * first frame. */
static GString *milestones;
static GHashTable *counters;

static long
read_vmhwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  line = strstr (status, "VmHWM:");
  return line != NULL ? strtol (line + strlen ("VmHWM:"), NULL, 10) : -1;
}

/**
 * desk_bench_frame_note:
 * @milestone: a name without spaces
 *
 * Records the first time @milestone was reached, to be reported with the first frame.
 */
void
desk_bench_frame_note (const char *milestone)
{
  g_autofree char *key = g_strdup_printf (" %s-us=", milestone);

  if (milestones == NULL)
    milestones = g_string_new (NULL);

  if (strstr (milestones->str, key) == NULL)
    g_string_append_printf (milestones, "%s%" G_GINT64_FORMAT, key, g_get_monotonic_time ());
}

/**
 * desk_bench_frame_count:
 * @counter: a name without spaces
 *
 * Counts one more @counter, to be reported with the first frame.
 */
void
desk_bench_frame_count (const char *counter)
{
  guint n;

  if (counters == NULL)
    counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  n = GPOINTER_TO_UINT (g_hash_table_lookup (counters, counter));
  g_hash_table_insert (counters, g_strdup (counter), GUINT_TO_POINTER (n + 1));
}

static void
paint_cb (GdkFrameClock *clock,
          Watch         *watch)
{
  watch->painted = TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Watch         *watch)
{
  gboolean painted = watch->painted;
  GskRenderer *renderer;

  watch->painted = FALSE;
  if (!painted)
    return;

  desk_bench_frame_note ("first-paint");
  if (watch->ready != NULL && !watch->ready (watch->window))
    return;

  if (counters != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      if (milestones == NULL)
        milestones = g_string_new (NULL);
      g_hash_table_iter_init (&iter, counters);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_string_append_printf (milestones, " %s=%u", (const char *) key,
                                GPOINTER_TO_UINT (value));
    }

  renderer = gtk_native_get_renderer (GTK_NATIVE (watch->window));
  printf (DESK_BENCH_FRAME_PREFIX " monotonic-us=%" G_GINT64_FORMAT " vmhwm-kb=%ld"
          " renderer=%s gtk=%u.%u.%u adw=%u.%u.%u%s\n",
          g_get_monotonic_time (), read_vmhwm_kb (),
          renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none",
          gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
          adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
          milestones != NULL ? milestones->str : "");
  fflush (stdout);
  _exit (0);
}

static void
realize_cb (GtkWidget *window,
            Watch     *watch)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), watch);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), watch);
}

void
desk_bench_frame_watch (GtkWidget           *window,
                        DeskBenchFrameReady  ready)
{
  Watch *watch = g_new0 (Watch, 1);

  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (!gtk_widget_get_realized (window));

  watch->window = window;
  watch->ready = ready;
  g_object_set_data_full (G_OBJECT (window), "desk-bench-frame-watch", watch, g_free);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), watch);
}
