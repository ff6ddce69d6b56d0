/* desk-bench-frame.h: report the first frame a window draws in a given state, then exit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The line frontdesk-bench reads; the proposed hook in src/ui/desk-window.c prints the same. */
#define DESK_BENCH_FRAME_PREFIX "frontdesk-bench: first-frame"

/* Returns TRUE when the frame just drawn shows what is being waited for. */
typedef gboolean (*DeskBenchFrameReady) (GtkWidget *window);

void desk_bench_frame_watch (GtkWidget           *window,
                             DeskBenchFrameReady  ready);
void desk_bench_frame_note  (const char          *milestone);
void desk_bench_frame_count (const char          *counter);

G_END_DECLS
