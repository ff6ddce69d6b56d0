/* desk-sla.h: response-time (SLA) rules: business hours, targets, due times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The clock
 *   A conversation waits from its store's `waiting_since`: the oldest customer message not
 *   yet answered (UNIX µs, 0: nobody waits). The store moves it to the new customer message
 *   when a conversation is reopened, so the clock restarts by itself. What counts as an answer
 *   is the store's decision, not this module's: every message the business account sent
 *   answers. This module offers no text heuristic for automatic replies (it could only guess,
 *   and in one language); keeping an automatic reply from counting as an answer belongs where
 *   it is ingested, from what the network says about it.
 *
 * Which target applies
 *   - Business hours on (the default): the in-hours target (default 1 h) is counted in
 *     business time, that is only while the desk is open. A message written while the desk
 *     is open starts the clock at once; one written while it is closed (at night, on a
 *     weekend or a holiday) starts it at the next opening. A message on Friday 16:45 with a
 *     30-minute target is due Monday 09:15. The out-of-hours target is not used: with the
 *     default hours, a wall-clock 12 h for a message written at 20:00 would fall due at
 *     08:00, before the 09:00 opening, so a desk keeping its own hours would miss it
 *     every night.
 *   - Business hours off: the desk keeps no hours, so every moment is outside business hours
 *     and the out-of-hours target (default 12 h) applies around the clock, in real time (a
 *     change to or from summer time neither adds nor removes an hour).
 *   - Business hours on but no opening anywhere in the week: as if off.
 *
 * Business hours
 *   Per weekday, zero or more ranges of minutes after local midnight, open ≤ minute < close,
 *   0 ≤ open < close ≤ 1440, in the policy's time zone (an IANA identifier; NULL: the
 *   machine's zone). A holiday (a date in that zone) is closed all day. Business time is
 *   real elapsed time: the desk opens and closes the first time the wall clock shows the
 *   opening or closing time; an opening or closing skipped by a change to summer time happens
 *   at the end of the gap, and an hour repeated by the change back is counted twice when the
 *   desk is open through it (it was open for that long).
 *
 * States
 *   %DESK_SLA_ON_TIME until the remaining business time is at most the due-soon margin
 *   (default 15 min), %DESK_SLA_DUE_SOON from that instant, %DESK_SLA_OVERDUE from the due
 *   instant on (inclusive). Elapsed, remaining and overdue-by are business time (wall-clock
 *   time when business hours are off), so an overdue conversation does not grow older over a
 *   weekend; elapsed = target − remaining before the due time, target + overdue-by after.
 *
 * Settings (desk_sla_policy_to_data(), desk_sla_policy_load_from_data())
 *   A JSON object; every member is optional and one left out keeps its value:
 *     "time-zone": "Europe/Ljubljana" or null (the machine's zone, whichever it is then),
 *     "business-hours": true,
 *     "hours": { "monday": ["09:00-12:00", "13:00-17:00"], …, "sunday": [] }
 *              (a day left out of "hours" is closed; "24:00" closes at midnight),
 *     "holidays": ["2026-12-25", …],
 *     "in-hours-target-seconds": 3600, "out-of-hours-target-seconds": 43200,
 *     "due-soon-margin-seconds": 900
 *   Durations are whole seconds (the API's microseconds are rounded down when saved).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DESK_SLA_ERROR (desk_sla_error_quark ())

/**
 * DeskSlaError:
 * @DESK_SLA_ERROR_PARSE: the settings are not JSON
 * @DESK_SLA_ERROR_INVALID: a setting has the wrong type or a value out of range
 * @DESK_SLA_ERROR_TIME_ZONE: the time zone is unknown on this system
 */
typedef enum
{
  DESK_SLA_ERROR_PARSE,
  DESK_SLA_ERROR_INVALID,
  DESK_SLA_ERROR_TIME_ZONE,
} DeskSlaError;

/**
 * DeskSlaState:
 * @DESK_SLA_NONE: nobody waits
 * @DESK_SLA_ON_TIME: more than the due-soon margin remains
 * @DESK_SLA_DUE_SOON: at most the due-soon margin remains
 * @DESK_SLA_OVERDUE: the due time has come
 */
typedef enum
{
  DESK_SLA_NONE,
  DESK_SLA_ON_TIME,
  DESK_SLA_DUE_SOON,
  DESK_SLA_OVERDUE,
} DeskSlaState;

/* A range of minutes after local midnight: open ≤ minute < close. */
typedef struct
{
  guint open;
  guint close;
} DeskSlaRange;

/**
 * DeskSlaStatus:
 * @state: the state at the time asked about
 * @due: when the target is reached (UNIX µs); 0 with %DESK_SLA_NONE, %G_MAXINT64 if the
 *   desk never opens for long enough (a walk over the hours gives up after 400 years)
 * @elapsed: business time waited so far (µs)
 * @remaining: business time left before @due (µs); 0 once overdue
 * @overdue_by: business time since @due (µs); 0 before it
 * @next_change: when @state changes next (UNIX µs), so a view refreshes exactly then;
 *   0: never (overdue, or nobody waits)
 */
typedef struct
{
  DeskSlaState state;
  gint64       due;
  gint64       elapsed;
  gint64       remaining;
  gint64       overdue_by;
  gint64       next_change;
} DeskSlaStatus;

#define DESK_SLA_DEFAULT_IN_HOURS_TARGET     (G_GINT64_CONSTANT (60 * 60) * G_USEC_PER_SEC)
#define DESK_SLA_DEFAULT_OUT_OF_HOURS_TARGET (G_GINT64_CONSTANT (12 * 60 * 60) * G_USEC_PER_SEC)
#define DESK_SLA_DEFAULT_DUE_SOON_MARGIN     (G_GINT64_CONSTANT (15 * 60) * G_USEC_PER_SEC)
/* Targets and the margin: from one second up to this (keeps every computation bounded). */
#define DESK_SLA_MAX_DURATION                (G_GINT64_CONSTANT (366 * 24 * 60 * 60) * G_USEC_PER_SEC)

typedef struct _DeskSlaPolicy DeskSlaPolicy;

#define DESK_TYPE_SLA_POLICY (desk_sla_policy_get_type ())

GQuark             desk_sla_error_quark                 (void);
GType              desk_sla_policy_get_type             (void) G_GNUC_CONST;

DeskSlaPolicy     *desk_sla_policy_new                  (void);
DeskSlaPolicy     *desk_sla_policy_copy                 (const DeskSlaPolicy *policy);
void               desk_sla_policy_free                 (DeskSlaPolicy       *policy);
gboolean           desk_sla_policy_equal                (const DeskSlaPolicy *a,
                                                         const DeskSlaPolicy *b);

gboolean           desk_sla_policy_set_time_zone        (DeskSlaPolicy       *policy,
                                                         const char          *identifier,
                                                         GError             **error);
const char        *desk_sla_policy_get_time_zone        (const DeskSlaPolicy *policy);

void               desk_sla_policy_set_closed           (DeskSlaPolicy       *policy,
                                                         GDateWeekday         weekday);
void               desk_sla_policy_add_hours            (DeskSlaPolicy       *policy,
                                                         GDateWeekday         weekday,
                                                         guint                open_minute,
                                                         guint                close_minute);
const DeskSlaRange *desk_sla_policy_get_hours           (const DeskSlaPolicy *policy,
                                                         GDateWeekday         weekday,
                                                         guint               *n_ranges);

void               desk_sla_policy_add_holiday          (DeskSlaPolicy       *policy,
                                                         const GDate         *date);
void               desk_sla_policy_remove_holiday       (DeskSlaPolicy       *policy,
                                                         const GDate         *date);
void               desk_sla_policy_clear_holidays       (DeskSlaPolicy       *policy);
gboolean           desk_sla_policy_is_holiday           (const DeskSlaPolicy *policy,
                                                         const GDate         *date);
const GDate       *desk_sla_policy_get_holidays         (const DeskSlaPolicy *policy,
                                                         guint               *n_holidays);

void               desk_sla_policy_set_business_hours   (DeskSlaPolicy       *policy,
                                                         gboolean             enabled);
gboolean           desk_sla_policy_get_business_hours   (const DeskSlaPolicy *policy);
void               desk_sla_policy_set_in_hours_target  (DeskSlaPolicy       *policy,
                                                         gint64               target);
gint64             desk_sla_policy_get_in_hours_target  (const DeskSlaPolicy *policy);
void               desk_sla_policy_set_out_of_hours_target (DeskSlaPolicy    *policy,
                                                         gint64               target);
gint64             desk_sla_policy_get_out_of_hours_target (const DeskSlaPolicy *policy);
void               desk_sla_policy_set_due_soon_margin  (DeskSlaPolicy       *policy,
                                                         gint64               margin);
gint64             desk_sla_policy_get_due_soon_margin  (const DeskSlaPolicy *policy);

/* JSON settings; loading changes nothing unless all of it is valid */
gboolean           desk_sla_policy_load_from_data       (DeskSlaPolicy       *policy,
                                                         const char          *data,
                                                         gssize               length,
                                                         GError             **error);
char              *desk_sla_policy_to_data              (const DeskSlaPolicy *policy,
                                                         gsize               *length);

gint64             desk_sla_due_time                    (const DeskSlaPolicy *policy,
                                                         gint64               waiting_since);
void               desk_sla_evaluate                    (const DeskSlaPolicy *policy,
                                                         gint64               waiting_since,
                                                         gint64               now,
                                                         DeskSlaStatus       *out);
char              *desk_sla_format_duration             (gint64               duration);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskSlaPolicy, desk_sla_policy_free)

G_END_DECLS
