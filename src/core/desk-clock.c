/* desk-clock.c: the wall clock the response-time rules are read against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real time (UNIX µs), unless a test has set the time: then that time, until set again.
 * DeskClock::changed tells views that show waiting times that a test moved the clock; in real
 * use it never fires (views refresh on their own timers).
 */
#include "config.h"

#include "desk-clock.h"

struct _DeskClock
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (DeskClock, desk_clock, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gint64 test_now;  /* 0: real time; read and written on the main thread only */

static void
desk_clock_class_init (DeskClockClass *klass)
{
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
desk_clock_init (DeskClock *self)
{
}

/**
 * desk_clock_get_default:
 *
 * Returns: (transfer none): the clock, for its ::changed signal
 */
DeskClock *
desk_clock_get_default (void)
{
  static DeskClock *clock;

  if (g_once_init_enter (&clock))
    g_once_init_leave (&clock, g_object_new (DESK_TYPE_CLOCK, NULL));

  return clock;
}

/**
 * desk_clock_get_now:
 *
 * Returns: the time now, in UNIX microseconds
 */
gint64
desk_clock_get_now (void)
{
  return test_now != 0 ? test_now : g_get_real_time ();
}

/**
 * desk_clock_set_now_for_testing:
 * @now: the time to report from now on (UNIX µs), or 0 for real time
 */
void
desk_clock_set_now_for_testing (gint64 now)
{
  DeskClock *clock = desk_clock_get_default ();  /* creates the class, and its signal */

  test_now = now;
  g_signal_emit (clock, signals[CHANGED], 0);
}
