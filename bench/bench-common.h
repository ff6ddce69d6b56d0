/* bench-common.h: figures, percentiles and the summary table shared by frontdesk-bench's parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  n;
  double p50;
  double p95;
  double max;
} BenchStats;

typedef enum
{
  BENCH_GOAL_NONE,
  BENCH_GOAL_MET,
  BENCH_GOAL_MISSED,
} BenchVerdict;

BenchStats    bench_stats              (GArray       *samples);
double        bench_median             (GArray       *values);
char         *bench_count              (guint64       n);
char         *bench_pad                (const char   *text,
                                        guint         width);
double        bench_elapsed_ms         (gint64        since);
void          bench_remove_store       (const char   *path);

void          bench_section            (const char   *title,
                                        const char   *subtitle);
void          bench_summary_add        (const char   *figure,
                                        const char   *value,
                                        const char   *baseline,
                                        const char   *goal,
                                        BenchVerdict  verdict);
void          bench_summary_print      (void);

G_END_DECLS
