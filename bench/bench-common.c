/* bench-common.c: figures, percentiles and the summary table shared by frontdesk-bench's parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bench-common.h"

typedef struct
{
  char         *figure;
  char         *value;
  char         *baseline;
  char         *goal;
  BenchVerdict  verdict;
} SummaryRow;

static GPtrArray *summary;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db ? 1 : 0;
}

/* Nearest-rank percentile of sorted values. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank;

  if (sorted->len == 0)
    return NAN;

  rank = (guint) ceil (p / 100.0 * sorted->len);
  rank = CLAMP (rank, 1, sorted->len);

  return g_array_index (sorted, double, rank - 1);
}

/**
 * bench_stats:
 * @samples: (element-type double): milliseconds; sorted in place
 */
BenchStats
bench_stats (GArray *samples)
{
  BenchStats stats = { 0 };

  g_array_sort (samples, compare_doubles);
  stats.n = samples->len;
  stats.p50 = percentile (samples, 50);
  stats.p95 = percentile (samples, 95);
  stats.max = samples->len > 0 ? g_array_index (samples, double, samples->len - 1) : NAN;

  return stats;
}

/* The median; the mean of the two middle values for an even count. Sorts @values in place. */
double
bench_median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return NAN;

  g_array_sort (values, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);

  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

/* 1234567 → "1,234,567" */
char *
bench_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }

  return g_string_free (s, FALSE);
}

double
bench_elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

/* Removes a store file and everything SQLite and DeskStore keep beside it. */
void
bench_remove_store (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

void
bench_section (const char *title,
               const char *subtitle)
{
  g_print ("\n%s\n", title);
  if (subtitle != NULL)
    g_print ("  %s\n", subtitle);
}

static void
summary_row_free (SummaryRow *row)
{
  g_free (row->figure);
  g_free (row->value);
  g_free (row->baseline);
  g_free (row->goal);
  g_free (row);
}

void
bench_summary_add (const char   *figure,
                   const char   *value,
                   const char   *baseline,
                   const char   *goal,
                   BenchVerdict  verdict)
{
  SummaryRow *row = g_new0 (SummaryRow, 1);

  if (summary == NULL)
    summary = g_ptr_array_new_with_free_func ((GDestroyNotify) summary_row_free);

  row->figure = g_strdup (figure);
  row->value = g_strdup (value);
  row->baseline = g_strdup (baseline != NULL ? baseline : "");
  row->goal = g_strdup (goal != NULL ? goal : "");
  row->verdict = verdict;
  g_ptr_array_add (summary, row);
}

/* Pads to @width characters, not bytes as printf does: labels hold “quotes”, "≥", Cyrillic. */
char *
bench_pad (const char *text,
           guint       width)
{
  GString *s = g_string_new (text);

  for (glong i = g_utf8_strlen (text, -1); i < (glong) width; i++)
    g_string_append_c (s, ' ');

  return g_string_free (s, FALSE);
}

static void
print_padded (const char *text,
              guint       width)
{
  g_autofree char *padded = bench_pad (text, width);

  g_print ("%s", padded);
}

void
bench_summary_print (void)
{
  if (summary == NULL)
    return;

  bench_section ("Summary", NULL);
  g_print ("  ");
  print_padded ("figure", 44);
  print_padded ("measured", 18);
  print_padded ("baseline", 18);
  print_padded ("goal", 12);
  g_print ("\n");

  for (guint i = 0; i < summary->len; i++)
    {
      SummaryRow *row = g_ptr_array_index (summary, i);

      g_print ("  ");
      print_padded (row->figure, 44);
      print_padded (row->value, 18);
      print_padded (row->baseline, 18);
      print_padded (row->goal, 12);
      if (row->verdict == BENCH_GOAL_MET)
        g_print ("met");
      else if (row->verdict == BENCH_GOAL_MISSED)
        g_print ("MISSED");
      g_print ("\n");
    }

  g_clear_pointer (&summary, g_ptr_array_unref);
}
