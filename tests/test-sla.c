/* test-sla.c: response-time rules: business hours, holidays, summer time, states, settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected instant is written in UTC, worked out by hand from the zone's rules, so the
 * tests check the module's time arithmetic rather than repeat it. The machine's zone is set
 * to Europe/Ljubljana before GLib reads it (GLib caches it), so the default policy (which uses
 * the machine's zone) gives the same answers everywhere.
 */
#include "config.h"

#include <string.h>

#include "desk-conversation.h"
#include "desk-sla.h"
#include "desk-test-util.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define HOUR   (MINUTE * 60)

/* UNIX µs of a UTC date and time */
static gint64
utc (int year,
     int month,
     int day,
     int hour,
     int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static DeskSlaPolicy *
policy_in (const char *zone)
{
  g_autoptr(GError) error = NULL;
  DeskSlaPolicy *policy = desk_sla_policy_new ();

  g_assert_true (desk_sla_policy_set_time_zone (policy, zone, &error));
  g_assert_no_error (error);

  return policy;
}

static void
add_holiday (DeskSlaPolicy *policy,
             int            year,
             int            month,
             int            day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  desk_sla_policy_add_holiday (policy, &date);
}

static void
assert_due (const DeskSlaPolicy *policy,
            gint64               waiting_since,
            gint64               expected)
{
  gint64 due = desk_sla_due_time (policy, waiting_since);

  if (due != expected)
    {
      g_autoptr(GDateTime) got = g_date_time_new_from_unix_utc (due / G_USEC_PER_SEC);
      g_autoptr(GDateTime) want = g_date_time_new_from_unix_utc (expected / G_USEC_PER_SEC);
      g_autofree char *got_text = g_date_time_format_iso8601 (got);
      g_autofree char *want_text = g_date_time_format_iso8601 (want);

      g_assert_cmpstr (got_text, ==, want_text);
    }
  g_assert_cmpint (due, ==, expected);
}

/* The example, with the default hours (Monday to Friday 09:00–17:00). */
static void
test_friday_afternoon (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");

  desk_sla_policy_set_in_hours_target (policy, 30 * MINUTE);
  /* Friday 20 November 2026 16:45 CET → Monday 23 November 09:15 CET */
  assert_due (policy, utc (2026, 11, 20, 15, 45), utc (2026, 11, 23, 8, 15));

  /* The default policy uses the machine's zone (Europe/Ljubljana in this test). */
  {
    g_autoptr(DeskSlaPolicy) local = desk_sla_policy_new ();

    g_assert_null (desk_sla_policy_get_time_zone (local));
    desk_sla_policy_set_in_hours_target (local, 30 * MINUTE);
    assert_due (local, utc (2026, 11, 20, 15, 45), utc (2026, 11, 23, 8, 15));
  }
}

static void
test_defaults (void)
{
  g_autoptr(DeskSlaPolicy) policy = desk_sla_policy_new ();
  const DeskSlaRange *ranges;
  guint n;

  g_assert_true (desk_sla_policy_get_business_hours (policy));
  g_assert_cmpint (desk_sla_policy_get_in_hours_target (policy), ==, HOUR);
  g_assert_cmpint (desk_sla_policy_get_out_of_hours_target (policy), ==, 12 * HOUR);
  g_assert_cmpint (desk_sla_policy_get_due_soon_margin (policy), ==, 15 * MINUTE);
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_FRIDAY; day++)
    {
      ranges = desk_sla_policy_get_hours (policy, day, &n);
      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpuint (ranges[0].open, ==, 9 * 60);
      g_assert_cmpuint (ranges[0].close, ==, 17 * 60);
    }
  desk_sla_policy_get_hours (policy, G_DATE_SATURDAY, &n);
  g_assert_cmpuint (n, ==, 0);
  desk_sla_policy_get_hours (policy, G_DATE_SUNDAY, &n);
  g_assert_cmpuint (n, ==, 0);
  desk_sla_policy_get_holidays (policy, &n);
  g_assert_cmpuint (n, ==, 0);
}

/* Within a day, at opening and closing, and before the desk opens. */
static void
test_business_day (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");

  /* Monday 23 November 2026, CET (UTC+1) */
  assert_due (policy, utc (2026, 11, 23, 8, 0), utc (2026, 11, 23, 9, 0));    /* 09:00 → 10:00 */
  assert_due (policy, utc (2026, 11, 23, 10, 30), utc (2026, 11, 23, 11, 30));
  /* Filling the day to the closing minute is due at closing, not at the next opening. */
  assert_due (policy, utc (2026, 11, 23, 15, 0), utc (2026, 11, 23, 16, 0));  /* 16:00 → 17:00 */
  /* At closing the desk is closed: the clock starts Tuesday 09:00. */
  assert_due (policy, utc (2026, 11, 23, 16, 0), utc (2026, 11, 24, 9, 0));   /* 17:00 → 10:00 */
  /* Before opening, and a minute before closing. */
  assert_due (policy, utc (2026, 11, 23, 6, 0), utc (2026, 11, 23, 9, 0));    /* 07:00 → 10:00 */
  assert_due (policy, utc (2026, 11, 23, 15, 59), utc (2026, 11, 24, 8, 59)); /* 16:59 → 09:59 */
  /* Microseconds count. */
  assert_due (policy, utc (2026, 11, 23, 10, 30) + 7, utc (2026, 11, 23, 11, 30) + 7);

  /* Several ranges a day: a lunch break. */
  desk_sla_policy_set_closed (policy, G_DATE_MONDAY);
  desk_sla_policy_add_hours (policy, G_DATE_MONDAY, 13 * 60, 17 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_MONDAY, 8 * 60, 12 * 60);
  assert_due (policy, utc (2026, 11, 23, 10, 30), utc (2026, 11, 23, 12, 30)); /* 11:30 → 13:30 */

  /* Ranges that touch or overlap are merged. */
  desk_sla_policy_add_hours (policy, G_DATE_MONDAY, 12 * 60, 13 * 60);
  {
    guint n;
    const DeskSlaRange *ranges = desk_sla_policy_get_hours (policy, G_DATE_MONDAY, &n);

    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (ranges[0].open, ==, 8 * 60);
    g_assert_cmpuint (ranges[0].close, ==, 17 * 60);
  }
}

static void
test_weekend (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");

  /* Saturday and Sunday: the clock starts Monday 09:00. */
  assert_due (policy, utc (2026, 11, 21, 11, 0), utc (2026, 11, 23, 9, 0));
  assert_due (policy, utc (2026, 11, 22, 22, 59), utc (2026, 11, 23, 9, 0));
  /* Friday night. */
  assert_due (policy, utc (2026, 11, 20, 19, 0), utc (2026, 11, 23, 9, 0));
  /* A target longer than a day spans the weekend: Friday 15:00 + 10 h = 2 h on Friday and
   * all of Monday, due at Monday's closing. */
  desk_sla_policy_set_in_hours_target (policy, 10 * HOUR);
  assert_due (policy, utc (2026, 11, 20, 14, 0), utc (2026, 11, 23, 16, 0));

  /* Open on Saturday morning too. */
  desk_sla_policy_set_in_hours_target (policy, 30 * MINUTE);
  desk_sla_policy_add_hours (policy, G_DATE_SATURDAY, 10 * 60, 12 * 60);
  assert_due (policy, utc (2026, 11, 20, 15, 45), utc (2026, 11, 21, 9, 15));  /* Sat 10:15 */
}

static void
test_holidays (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");
  GDate date;
  const GDate *holidays;
  guint n;

  desk_sla_policy_set_in_hours_target (policy, 30 * MINUTE);

  /* Easter Monday 2026 after the weekend: Friday 3 April 16:45 CEST → Tuesday 7 April 09:15. */
  add_holiday (policy, 2026, 4, 6);
  assert_due (policy, utc (2026, 4, 3, 14, 45), utc (2026, 4, 7, 7, 15));

  /* Christmas and Boxing Day on Friday and Saturday 2026, 24 December a working Thursday. */
  add_holiday (policy, 2026, 12, 26);
  add_holiday (policy, 2026, 12, 25);
  add_holiday (policy, 2026, 12, 25);
  assert_due (policy, utc (2026, 12, 24, 15, 45), utc (2026, 12, 28, 8, 15));
  /* A message on the holiday waits for the next working day. */
  assert_due (policy, utc (2026, 12, 25, 9, 0), utc (2026, 12, 28, 8, 30));

  holidays = desk_sla_policy_get_holidays (policy, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (g_date_get_month (&holidays[0]), ==, 4);
  g_assert_cmpuint (g_date_get_day (&holidays[1]), ==, 25);
  g_assert_cmpuint (g_date_get_day (&holidays[2]), ==, 26);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 6, 4, 2026);
  g_assert_true (desk_sla_policy_is_holiday (policy, &date));
  desk_sla_policy_remove_holiday (policy, &date);
  g_assert_false (desk_sla_policy_is_holiday (policy, &date));
  assert_due (policy, utc (2026, 4, 3, 14, 45), utc (2026, 4, 6, 7, 15));

  /* A holiday is a date in the policy's zone: in New York, from 05:00 UTC. */
  {
    g_autoptr(DeskSlaPolicy) ny = policy_in ("America/New_York");

    add_holiday (ny, 2026, 12, 25);
    desk_sla_policy_set_in_hours_target (ny, 30 * MINUTE);
    /* Thursday 24 December 16:45 EST → Monday 28 December 09:15 EST */
    assert_due (ny, utc (2026, 12, 24, 21, 45), utc (2026, 12, 28, 14, 15));
  }

  desk_sla_policy_clear_holidays (policy);
  desk_sla_policy_get_holidays (policy, &n);
  g_assert_cmpuint (n, ==, 0);
}

/* Europe/Ljubljana: 29 March 2026 02:00 CET → 03:00 CEST (01:00 UTC); 25 October 2026
 * 03:00 CEST → 02:00 CET (01:00 UTC). Both are Sundays, so these policies open on Sunday. */
static void
test_dst_ljubljana (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");

  /* Open 01:00–04:00 on the day the clock skips 02:00–03:00: two real hours. Message at
   * 01:00 CET (00:00 UTC), 2½ h: 2 h on Sunday, then Monday 09:00 CEST + 30 min. */
  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 60, 4 * 60);
  desk_sla_policy_set_in_hours_target (policy, 150 * MINUTE);
  assert_due (policy, utc (2026, 3, 29, 0, 0), utc (2026, 3, 30, 7, 30));
  /* 1 h from 01:30 CET is 03:30 CEST: one real hour. */
  desk_sla_policy_set_in_hours_target (policy, HOUR);
  assert_due (policy, utc (2026, 3, 29, 0, 30), utc (2026, 3, 29, 1, 30));

  /* An opening in the skipped hour (02:30) happens at its end, 03:00 CEST (01:00 UTC). */
  desk_sla_policy_set_closed (policy, G_DATE_SUNDAY);
  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 150, 5 * 60);
  assert_due (policy, utc (2026, 3, 28, 23, 30), utc (2026, 3, 29, 2, 0));
  /* Sunday has two hours open (03:00–05:00 CEST); 3 h ends Monday 10:00 CEST. */
  desk_sla_policy_set_in_hours_target (policy, 3 * HOUR);
  assert_due (policy, utc (2026, 3, 28, 23, 30), utc (2026, 3, 30, 8, 0));

  /* Open 01:00–04:00 on the day 02:00–03:00 happens twice: four real hours, from 01:00 CEST
   * (23:00 UTC on Saturday) to 04:00 CET (03:00 UTC). */
  desk_sla_policy_set_closed (policy, G_DATE_SUNDAY);
  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 60, 4 * 60);
  desk_sla_policy_set_in_hours_target (policy, 210 * MINUTE);
  assert_due (policy, utc (2026, 10, 24, 23, 0), utc (2026, 10, 25, 2, 30));  /* 03:30 CET */
  desk_sla_policy_set_in_hours_target (policy, 270 * MINUTE);
  assert_due (policy, utc (2026, 10, 24, 23, 0), utc (2026, 10, 26, 8, 30));  /* Mon 09:30 */

  /* A closing in the repeated hour (02:30) happens at its first pass, 02:30 CEST. */
  desk_sla_policy_set_closed (policy, G_DATE_SUNDAY);
  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 0, 150);
  desk_sla_policy_set_in_hours_target (policy, 3 * HOUR);
  /* 00:00 CEST (22:00 UTC) to 02:30 CEST (00:30 UTC): 2½ h, then Monday 09:00 CET + 30 min. */
  assert_due (policy, utc (2026, 10, 24, 22, 0), utc (2026, 10, 26, 8, 30));

  /* Elapsed business time counts real time across the change. */
  {
    DeskSlaStatus status;

    desk_sla_evaluate (policy, utc (2026, 10, 24, 22, 0), utc (2026, 10, 25, 12, 0), &status);
    g_assert_cmpint (status.elapsed, ==, 150 * MINUTE);
    g_assert_cmpint (status.remaining, ==, 30 * MINUTE);
  }
}

/* America/New_York: 8 March 2026 02:00 EST → 03:00 EDT (07:00 UTC); 1 November 2026
 * 02:00 EDT → 01:00 EST (06:00 UTC). */
static void
test_dst_new_york (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("America/New_York");

  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 0, 24 * 60);

  /* 01:30 EST + 1 h = 03:30 EDT */
  assert_due (policy, utc (2026, 3, 8, 6, 30), utc (2026, 3, 8, 7, 30));
  /* Sunday lasts 23 h: from 00:30 EST, 22½ h remain until midnight; Monday opens at 09:00
   * EDT, so 24 h end at 10:30 EDT. */
  desk_sla_policy_set_in_hours_target (policy, 24 * HOUR);
  assert_due (policy, utc (2026, 3, 8, 5, 30), utc (2026, 3, 9, 14, 30));

  /* Sunday 1 November lasts 25 h: from 00:30 EDT (04:30 UTC), 24 h ends at 23:30 EST. */
  assert_due (policy, utc (2026, 11, 1, 4, 30), utc (2026, 11, 2, 4, 30));
  /* 01:30 EDT + 1 h = 01:30 EST */
  desk_sla_policy_set_in_hours_target (policy, HOUR);
  assert_due (policy, utc (2026, 11, 1, 5, 30), utc (2026, 11, 1, 6, 30));

  /* Wall-clock time (business hours off) is real time too: Saturday 7 March 20:00 EST
   * + 12 h = Sunday 09:00 EDT, not 08:00. */
  desk_sla_policy_set_business_hours (policy, FALSE);
  assert_due (policy, utc (2026, 3, 8, 1, 0), utc (2026, 3, 8, 13, 0));
}

/* Asia/Tehran: UTC+03:30 all year since 2022 (it used to change on 21/22 March). */
static void
test_tehran (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Asia/Tehran");

  /* Saturday to Wednesday 08:00–16:00, Thursday 08:00–12:00. */
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    desk_sla_policy_set_closed (policy, day);
  desk_sla_policy_add_hours (policy, G_DATE_SATURDAY, 8 * 60, 16 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 8 * 60, 16 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_MONDAY, 8 * 60, 16 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_TUESDAY, 8 * 60, 16 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_WEDNESDAY, 8 * 60, 16 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_THURSDAY, 8 * 60, 12 * 60);

  /* Sunday 22 March 2026 15:30 (12:00 UTC) + 1 h → Monday 08:30 (05:00 UTC): no change to
   * summer time on the 22nd any more. */
  assert_due (policy, utc (2026, 3, 22, 12, 0), utc (2026, 3, 23, 5, 0));
  /* Thursday 11:45 (08:15 UTC) → Saturday 08:45 (05:15 UTC): Friday is closed. */
  assert_due (policy, utc (2026, 3, 26, 8, 15), utc (2026, 3, 28, 5, 15));
}

/* The states and the instants at which they change. */
static void
test_states (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");
  gint64 since = utc (2026, 11, 23, 8, 0);   /* Monday 09:00 CET */
  DeskSlaStatus status;

  desk_sla_evaluate (policy, since, since, &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
  g_assert_cmpint (status.due, ==, utc (2026, 11, 23, 9, 0));
  g_assert_cmpint (status.elapsed, ==, 0);
  g_assert_cmpint (status.remaining, ==, HOUR);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 23, 8, 45));

  desk_sla_evaluate (policy, since, utc (2026, 11, 23, 8, 45) - 1, &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
  g_assert_cmpint (status.remaining, ==, 15 * MINUTE + 1);

  desk_sla_evaluate (policy, since, utc (2026, 11, 23, 8, 45), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_DUE_SOON);
  g_assert_cmpint (status.remaining, ==, 15 * MINUTE);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 23, 9, 0));

  desk_sla_evaluate (policy, since, utc (2026, 11, 23, 9, 0) - 1, &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_DUE_SOON);
  g_assert_cmpint (status.remaining, ==, 1);
  g_assert_cmpint (status.overdue_by, ==, 0);

  desk_sla_evaluate (policy, since, utc (2026, 11, 23, 9, 0), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_OVERDUE);
  g_assert_cmpint (status.remaining, ==, 0);
  g_assert_cmpint (status.overdue_by, ==, 0);
  g_assert_cmpint (status.next_change, ==, 0);

  /* Overdue by business time: not more at night, more the next morning. */
  desk_sla_evaluate (policy, since, utc (2026, 11, 23, 20, 0), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_OVERDUE);
  g_assert_cmpint (status.overdue_by, ==, 7 * HOUR);
  g_assert_cmpint (status.elapsed, ==, 8 * HOUR);
  desk_sla_evaluate (policy, since, utc (2026, 11, 24, 8, 30), &status);
  g_assert_cmpint (status.overdue_by, ==, 7 * HOUR + 30 * MINUTE);

  /* Due soon in business time: Monday 16:50 → due Tuesday 09:50, due soon from 09:35;
   * in the evening it is on time and will change at 09:35. */
  since = utc (2026, 11, 23, 15, 50);
  desk_sla_evaluate (policy, since, utc (2026, 11, 23, 18, 0), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
  g_assert_cmpint (status.elapsed, ==, 10 * MINUTE);
  g_assert_cmpint (status.remaining, ==, 50 * MINUTE);
  g_assert_cmpint (status.due, ==, utc (2026, 11, 24, 8, 50));
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 24, 8, 35));

  /* Friday 16:40 with a 30-minute target: due soon from Friday 16:55 and over the weekend,
   * due Monday 09:10. */
  desk_sla_policy_set_in_hours_target (policy, 30 * MINUTE);
  since = utc (2026, 11, 20, 15, 40);
  desk_sla_evaluate (policy, since, utc (2026, 11, 20, 15, 54), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 20, 15, 55));
  desk_sla_evaluate (policy, since, utc (2026, 11, 22, 12, 0), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_DUE_SOON);
  g_assert_cmpint (status.remaining, ==, 10 * MINUTE);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 23, 8, 10));   /* Monday 09:10 */

  /* A margin of at least the target: due soon from the start. */
  desk_sla_policy_set_due_soon_margin (policy, HOUR);
  desk_sla_evaluate (policy, since, since, &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_DUE_SOON);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 23, 8, 10));

  /* Before the clock starts (a message at night) it is on time, with nothing elapsed. */
  desk_sla_policy_set_due_soon_margin (policy, 5 * MINUTE);
  since = utc (2026, 11, 23, 22, 0);   /* Monday 23:00 */
  desk_sla_evaluate (policy, since, utc (2026, 11, 24, 7, 0), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
  g_assert_cmpint (status.elapsed, ==, 0);
  g_assert_cmpint (status.remaining, ==, 30 * MINUTE);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 24, 8, 25));

  /* Nobody waits. */
  desk_sla_evaluate (policy, 0, since, &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_NONE);
  g_assert_cmpint (status.due, ==, 0);
  g_assert_cmpint (status.next_change, ==, 0);
  g_assert_cmpint (desk_sla_due_time (policy, 0), ==, 0);
}

/* Whatever the time, the state holds until next_change and changes at it; elapsed,
 * remaining and overdue-by add up to the target. */
static void
test_next_change (void)
{
  const char *zones[] = { "Europe/Ljubljana", "America/New_York", "Asia/Tehran" };

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(DeskSlaPolicy) policy = policy_in (zones[z]);
      gint64 since = utc (2026, 3, 6, 14, 7);   /* a Friday before both changes */

      add_holiday (policy, 2026, 3, 9);
      desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 60, 5 * 60);
      desk_sla_policy_set_in_hours_target (policy, 7 * HOUR);
      desk_sla_policy_set_due_soon_margin (policy, 2 * HOUR);

      for (gint64 now = since; now < since + 10 * 24 * HOUR; now += 37 * MINUTE)
        {
          DeskSlaStatus status, before, after;

          desk_sla_evaluate (policy, since, now, &status);
          g_assert_cmpint (status.due, ==, desk_sla_due_time (policy, since));
          if (status.state == DESK_SLA_OVERDUE)
            {
              g_assert_cmpint (status.next_change, ==, 0);
              g_assert_cmpint (status.elapsed, ==, 7 * HOUR + status.overdue_by);
              continue;
            }

          g_assert_cmpint (status.elapsed + status.remaining, ==, 7 * HOUR);
          g_assert_cmpint (status.next_change, >, now);
          desk_sla_evaluate (policy, since, status.next_change - 1, &before);
          desk_sla_evaluate (policy, since, status.next_change, &after);
          g_assert_cmpint (before.state, ==, status.state);
          g_assert_cmpint (after.state, ==, status.state + 1);
          if (after.state == DESK_SLA_DUE_SOON)
            g_assert_cmpint (after.remaining, ==, 2 * HOUR);
        }
    }
}

/* Business hours off: every moment counts, with the out-of-hours target. */
static void
test_business_hours_off (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");
  DeskSlaStatus status;

  desk_sla_policy_set_business_hours (policy, FALSE);
  /* Friday 16:45 CET + 12 h = Saturday 04:45 CET */
  assert_due (policy, utc (2026, 11, 20, 15, 45), utc (2026, 11, 21, 3, 45));
  desk_sla_evaluate (policy, utc (2026, 11, 20, 15, 45), utc (2026, 11, 21, 13, 45), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_OVERDUE);
  g_assert_cmpint (status.overdue_by, ==, 10 * HOUR);
  g_assert_cmpint (status.elapsed, ==, 22 * HOUR);

  desk_sla_policy_set_out_of_hours_target (policy, 2 * HOUR);
  desk_sla_evaluate (policy, utc (2026, 11, 22, 10, 0), utc (2026, 11, 22, 11, 0), &status);
  g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
  g_assert_cmpint (status.remaining, ==, HOUR);
  g_assert_cmpint (status.next_change, ==, utc (2026, 11, 22, 11, 45));

  /* On, but never open: counted as if off. */
  desk_sla_policy_set_business_hours (policy, TRUE);
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    desk_sla_policy_set_closed (policy, day);
  assert_due (policy, utc (2026, 11, 22, 10, 0), utc (2026, 11, 22, 12, 0));
}

static DeskConversation *
conversation_for_thread (DeskStore  *store,
                         const char *thread)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM conversations WHERE remote_thread_id = '%s'",
                                          thread);
  g_autofree char *id = desk_test_store_query_text (store, sql);
  g_autoptr(GError) error = NULL;
  DeskConversation *conversation;

  g_assert_nonnull (id);
  conversation = desk_store_get_conversation (store, g_ascii_strtoll (id, NULL, 10), &error);
  g_assert_no_error (error);

  return conversation;
}

static void
ingest_one (DeskStore   *store,
            gint64       account,
            DeskMessage *message)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (batch, message);
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* A reopened conversation restarts the clock: the store moves waiting_since to the new
 * customer message, and the evaluation counts from there. */
static void
test_reopened (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");
  gint64 account = desk_test_add_account (store, "bluesky");
  DeskSlaStatus status;
  DeskMessage *reply;

  /* Monday 09:00 a question, 09:40 the answer, 14:00 a new question. */
  ingest_one (store, account, desk_test_message ("q1", "t", DESK_DIRECTION_IN,
                                                 utc (2026, 11, 23, 8, 0), "Where is my order?"));
  reply = desk_test_message ("a1", "t", DESK_DIRECTION_OUT, utc (2026, 11, 23, 8, 40), "On its way");
  reply->agent_initials = g_strdup ("MJ");
  ingest_one (store, account, reply);
  {
    g_autoptr(DeskConversation) c = conversation_for_thread (store, "t");

    g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 0);
    desk_sla_evaluate (policy, desk_conversation_get_waiting_since (c), utc (2026, 11, 23, 12, 0),
                       &status);
    g_assert_cmpint (status.state, ==, DESK_SLA_NONE);
  }

  ingest_one (store, account, desk_test_message ("q2", "t", DESK_DIRECTION_IN,
                                                 utc (2026, 11, 23, 13, 0), "It is not"));
  {
    g_autoptr(DeskConversation) c = conversation_for_thread (store, "t");

    g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, utc (2026, 11, 23, 13, 0));
    desk_sla_evaluate (policy, desk_conversation_get_waiting_since (c), utc (2026, 11, 23, 13, 30),
                       &status);
    /* From 14:00, not from the first question at 09:00 (which would be overdue). */
    g_assert_cmpint (status.state, ==, DESK_SLA_ON_TIME);
    g_assert_cmpint (status.elapsed, ==, 30 * MINUTE);
    g_assert_cmpint (status.due, ==, utc (2026, 11, 23, 14, 0));
  }
}

static void
test_json_round_trip (void)
{
  g_autoptr(DeskSlaPolicy) policy = policy_in ("America/New_York");
  g_autoptr(DeskSlaPolicy) loaded = desk_sla_policy_new ();
  g_autoptr(DeskSlaPolicy) local = desk_sla_policy_new ();
  g_autoptr(DeskSlaPolicy) local_loaded = policy_in ("Asia/Tehran");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  g_autofree char *local_data = NULL;

  desk_sla_policy_set_closed (policy, G_DATE_MONDAY);
  desk_sla_policy_add_hours (policy, G_DATE_MONDAY, 8 * 60 + 30, 12 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_MONDAY, 13 * 60, 24 * 60);
  desk_sla_policy_add_hours (policy, G_DATE_SUNDAY, 0, 5);
  add_holiday (policy, 2026, 12, 25);
  add_holiday (policy, 2027, 1, 1);
  desk_sla_policy_set_business_hours (policy, FALSE);
  desk_sla_policy_set_in_hours_target (policy, 45 * MINUTE);
  desk_sla_policy_set_out_of_hours_target (policy, 8 * HOUR);
  desk_sla_policy_set_due_soon_margin (policy, 10 * MINUTE);

  g_assert_false (desk_sla_policy_equal (policy, loaded));
  data = desk_sla_policy_to_data (policy, NULL);
  g_assert_true (desk_sla_policy_load_from_data (loaded, data, -1, &error));
  g_assert_no_error (error);
  g_assert_true (desk_sla_policy_equal (policy, loaded));
  g_assert_cmpstr (desk_sla_policy_get_time_zone (loaded), ==, "America/New_York");
  again = desk_sla_policy_to_data (loaded, NULL);
  g_assert_cmpstr (again, ==, data);
  g_assert_nonnull (strstr (data, "\"13:00-24:00\""));
  g_assert_nonnull (strstr (data, "\"2026-12-25\""));

  /* The machine's zone is saved as such, not as the zone it is today. */
  local_data = desk_sla_policy_to_data (local, NULL);
  g_assert_true (desk_sla_policy_load_from_data (local_loaded, local_data, -1, &error));
  g_assert_no_error (error);
  g_assert_null (desk_sla_policy_get_time_zone (local_loaded));
  g_assert_true (desk_sla_policy_equal (local, local_loaded));

  /* What a document leaves out keeps its value; unknown members are ignored; inside
   * "hours", a day left out is closed. */
  {
    g_autoptr(DeskSlaPolicy) partial = desk_sla_policy_new ();
    guint n;

    g_assert_true (desk_sla_policy_load_from_data (partial,
                                                   "{\"due-soon-margin-seconds\": 600,"
                                                   " \"colour\": \"blue\","
                                                   " \"hours\": {\"tuesday\": [\"10:00-11:00\"]}}",
                                                   -1, &error));
    g_assert_no_error (error);
    g_assert_cmpint (desk_sla_policy_get_due_soon_margin (partial), ==, 10 * MINUTE);
    g_assert_cmpint (desk_sla_policy_get_in_hours_target (partial), ==, HOUR);
    desk_sla_policy_get_hours (partial, G_DATE_MONDAY, &n);
    g_assert_cmpuint (n, ==, 0);
    desk_sla_policy_get_hours (partial, G_DATE_TUESDAY, &n);
    g_assert_cmpuint (n, ==, 1);
  }

  /* Copies are equal and independent. */
  {
    g_autoptr(DeskSlaPolicy) copy = desk_sla_policy_copy (policy);

    g_assert_true (desk_sla_policy_equal (policy, copy));
    desk_sla_policy_clear_holidays (copy);
    g_assert_false (desk_sla_policy_equal (policy, copy));
  }
}

static void
test_json_malformed (void)
{
  static const struct {
    const char *data;
    int         code;
    const char *word;   /* in the message */
  } cases[] = {
    { "", DESK_SLA_ERROR_PARSE, NULL },
    { "{\"time-zone\": ", DESK_SLA_ERROR_PARSE, NULL },
    { "[1, 2]", DESK_SLA_ERROR_PARSE, NULL },
    { "{\"time-zone\": \"Mars/Olympus_Mons\"}", DESK_SLA_ERROR_TIME_ZONE, "Mars/Olympus_Mons" },
    { "{\"time-zone\": 42}", DESK_SLA_ERROR_INVALID, "time-zone" },
    { "{\"business-hours\": \"yes\"}", DESK_SLA_ERROR_INVALID, "business-hours" },
    { "{\"in-hours-target-seconds\": -60}", DESK_SLA_ERROR_INVALID, "in-hours-target-seconds" },
    { "{\"in-hours-target-seconds\": 0}", DESK_SLA_ERROR_INVALID, "in-hours-target-seconds" },
    { "{\"out-of-hours-target-seconds\": 1.5}", DESK_SLA_ERROR_INVALID, "out-of-hours" },
    { "{\"due-soon-margin-seconds\": 99999999999}", DESK_SLA_ERROR_INVALID, "due-soon" },
    { "{\"hours\": []}", DESK_SLA_ERROR_INVALID, "hours" },
    { "{\"hours\": {\"monday\": [\"9-17\"]}}", DESK_SLA_ERROR_INVALID, "monday" },
    { "{\"hours\": {\"monday\": [\"17:00-09:00\"]}}", DESK_SLA_ERROR_INVALID, "monday" },
    { "{\"hours\": {\"friday\": [\"09:00-24:01\"]}}", DESK_SLA_ERROR_INVALID, "friday" },
    { "{\"hours\": {\"sunday\": [\"09:60-10:00\"]}}", DESK_SLA_ERROR_INVALID, "sunday" },
    { "{\"hours\": {\"sunday\": \"09:00-10:00\"}}", DESK_SLA_ERROR_INVALID, "sunday" },
    { "{\"holidays\": [\"2026-02-30\"]}", DESK_SLA_ERROR_INVALID, "holidays" },
    { "{\"holidays\": [\"25.12.2026\"]}", DESK_SLA_ERROR_INVALID, "holidays" },
    { "{\"holidays\": \"2026-12-25\"}", DESK_SLA_ERROR_INVALID, "holidays" },
    /* Valid members before a bad one change nothing either. */
    { "{\"time-zone\": \"Asia/Tehran\", \"in-hours-target-seconds\": 60, \"holidays\": [3]}",
      DESK_SLA_ERROR_INVALID, "holidays" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DeskSlaPolicy) policy = desk_sla_policy_new ();
      g_autoptr(DeskSlaPolicy) defaults = desk_sla_policy_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].data);
      g_assert_false (desk_sla_policy_load_from_data (policy, cases[i].data, -1, &error));
      g_assert_error (error, DESK_SLA_ERROR, cases[i].code);
      g_assert_nonnull (error->message);
      if (cases[i].word != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].word));
      g_assert_true (desk_sla_policy_equal (policy, defaults));
    }

  /* Setting an unknown zone directly is refused too, keeping the zone. */
  {
    g_autoptr(DeskSlaPolicy) policy = policy_in ("Europe/Ljubljana");
    g_autoptr(GError) error = NULL;

    g_assert_false (desk_sla_policy_set_time_zone (policy, "Nowhere/Nothing", &error));
    g_assert_error (error, DESK_SLA_ERROR, DESK_SLA_ERROR_TIME_ZONE);
    g_assert_cmpstr (desk_sla_policy_get_time_zone (policy), ==, "Europe/Ljubljana");
  }
}

static void
assert_duration (gint64      duration,
                 const char *expected)
{
  g_autofree char *text = desk_sla_format_duration (duration);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_format_duration (void)
{
  assert_duration (0, "0 min");
  assert_duration (-5 * MINUTE, "0 min");
  assert_duration (1, "< 1 min");
  assert_duration (59 * G_USEC_PER_SEC, "< 1 min");
  assert_duration (MINUTE, "1 min");
  assert_duration (59 * MINUTE + 59 * G_USEC_PER_SEC, "59 min");
  assert_duration (HOUR, "1 h");
  assert_duration (HOUR + 5 * MINUTE, "1 h 05 min");
  assert_duration (12 * HOUR + 30 * MINUTE, "12 h 30 min");
  assert_duration (23 * HOUR + 59 * MINUTE, "23 h 59 min");
  assert_duration (24 * HOUR, "1 d");
  assert_duration (26 * HOUR + 30 * MINUTE, "1 d 2 h");
  assert_duration (400 * 24 * HOUR, "400 d");
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything reads the machine's zone: GLib caches it. */
  g_setenv ("TZ", "Europe/Ljubljana", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  desk_test_init (&argc, &argv);

  g_test_add_func ("/sla/defaults", test_defaults);
  g_test_add_func ("/sla/friday-afternoon", test_friday_afternoon);
  g_test_add_func ("/sla/business-day", test_business_day);
  g_test_add_func ("/sla/weekend", test_weekend);
  g_test_add_func ("/sla/holidays", test_holidays);
  g_test_add_func ("/sla/dst/ljubljana", test_dst_ljubljana);
  g_test_add_func ("/sla/dst/new-york", test_dst_new_york);
  g_test_add_func ("/sla/dst/tehran", test_tehran);
  g_test_add_func ("/sla/states", test_states);
  g_test_add_func ("/sla/next-change", test_next_change);
  g_test_add_func ("/sla/business-hours-off", test_business_hours_off);
  g_test_add_func ("/sla/reopened", test_reopened);
  g_test_add_func ("/sla/json/round-trip", test_json_round_trip);
  g_test_add_func ("/sla/json/malformed", test_json_malformed);
  g_test_add_func ("/sla/format-duration", test_format_duration);

  return g_test_run ();
}
