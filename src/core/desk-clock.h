/* desk-clock.h: the wall clock the response-time rules are read against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DESK_TYPE_CLOCK (desk_clock_get_type ())

G_DECLARE_FINAL_TYPE (DeskClock, desk_clock, DESK, CLOCK, GObject)

DeskClock  *desk_clock_get_default        (void);
gint64      desk_clock_get_now            (void);
void        desk_clock_set_now_for_testing (gint64 now);

G_END_DECLS
