/* desk-sla.c: response-time (SLA) rules: business hours, targets, due times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules are described in desk-sla.h. Here, business time is a walk over the desk's open
 * intervals, one local date at a time. An interval's ends are found in real time (UNIX
 * seconds) from the wall-clock time: the first instant at which the wall clock in the policy's
 * zone shows that time, or the end of the gap when summer time skips it. All of it uses the
 * zone's own transitions (GTimeZone), never the machine's zone unless the policy asks for it.
 */
#define G_LOG_DOMAIN "desk-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "desk-sla.h"

#define SECONDS_PER_DAY  (24 * 60 * 60)
#define MINUTES_PER_DAY  (24 * 60)
/* GDate's Julian day of 1970-01-01 (day 1 is 0001-01-01). */
#define EPOCH_JULIAN     719163
/* No zone's offset reaches this far from UTC (they span −12 h … +14 h). */
#define MAX_OFFSET       (15 * 60 * 60)
/* A walk over open intervals gives up after this many days (a policy open one minute a week
 * still reaches the longest target well before). */
#define MAX_WALK_DAYS    (400 * 366)

struct _DeskSlaPolicy
{
  char      *time_zone_id;      /* NULL: the machine's zone */
  GTimeZone *time_zone;
  GArray    *hours[7];          /* DeskSlaRange, sorted, disjoint; index: GDateWeekday − 1 */
  GArray    *holidays;          /* GDate, sorted by Julian day, unique */
  gboolean   business_hours;
  gint64     in_hours_target;
  gint64     out_of_hours_target;
  gint64     due_soon_margin;
};

G_DEFINE_QUARK (desk-sla-error-quark, desk_sla_error)

G_DEFINE_BOXED_TYPE (DeskSlaPolicy, desk_sla_policy, desk_sla_policy_copy, desk_sla_policy_free)

static const char * const weekday_names[7] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

static GArray *
new_range_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (DeskSlaRange));
}

static GArray *
new_holiday_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (GDate));
}

/**
 * desk_sla_policy_new:
 *
 * Returns: (transfer full): the default policy: business hours on, Monday to Friday
 *   09:00–17:00 in the machine's time zone, no holidays, a 1 h in-hours target, a 12 h
 *   out-of-hours target, due soon 15 minutes before the target.
 */
DeskSlaPolicy *
desk_sla_policy_new (void)
{
  DeskSlaPolicy *policy = g_new0 (DeskSlaPolicy, 1);

  policy->time_zone = g_time_zone_new_local ();
  for (guint i = 0; i < G_N_ELEMENTS (policy->hours); i++)
    policy->hours[i] = new_range_array ();
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_FRIDAY; day++)
    desk_sla_policy_add_hours (policy, day, 9 * 60, 17 * 60);
  policy->holidays = new_holiday_array ();
  policy->business_hours = TRUE;
  policy->in_hours_target = DESK_SLA_DEFAULT_IN_HOURS_TARGET;
  policy->out_of_hours_target = DESK_SLA_DEFAULT_OUT_OF_HOURS_TARGET;
  policy->due_soon_margin = DESK_SLA_DEFAULT_DUE_SOON_MARGIN;

  return policy;
}

DeskSlaPolicy *
desk_sla_policy_copy (const DeskSlaPolicy *policy)
{
  DeskSlaPolicy *copy;

  g_return_val_if_fail (policy != NULL, NULL);

  copy = g_new0 (DeskSlaPolicy, 1);
  copy->time_zone_id = g_strdup (policy->time_zone_id);
  copy->time_zone = g_time_zone_ref (policy->time_zone);
  for (guint i = 0; i < G_N_ELEMENTS (policy->hours); i++)
    {
      copy->hours[i] = new_range_array ();
      g_array_append_vals (copy->hours[i], policy->hours[i]->data, policy->hours[i]->len);
    }
  copy->holidays = new_holiday_array ();
  g_array_append_vals (copy->holidays, policy->holidays->data, policy->holidays->len);
  copy->business_hours = policy->business_hours;
  copy->in_hours_target = policy->in_hours_target;
  copy->out_of_hours_target = policy->out_of_hours_target;
  copy->due_soon_margin = policy->due_soon_margin;

  return copy;
}

void
desk_sla_policy_free (DeskSlaPolicy *policy)
{
  if (policy == NULL)
    return;

  g_free (policy->time_zone_id);
  g_time_zone_unref (policy->time_zone);
  for (guint i = 0; i < G_N_ELEMENTS (policy->hours); i++)
    g_array_unref (policy->hours[i]);
  g_array_unref (policy->holidays);
  g_free (policy);
}

/* Moves everything of @from into @to, and frees @from. */
static void
policy_take (DeskSlaPolicy *to,
             DeskSlaPolicy *from)
{
  DeskSlaPolicy tmp = *to;

  *to = *from;
  *from = tmp;
  desk_sla_policy_free (from);
}

gboolean
desk_sla_policy_equal (const DeskSlaPolicy *a,
                       const DeskSlaPolicy *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (g_strcmp0 (a->time_zone_id, b->time_zone_id) != 0 ||
      a->business_hours != b->business_hours ||
      a->in_hours_target != b->in_hours_target ||
      a->out_of_hours_target != b->out_of_hours_target ||
      a->due_soon_margin != b->due_soon_margin ||
      a->holidays->len != b->holidays->len)
    return FALSE;

  for (guint i = 0; i < a->holidays->len; i++)
    if (g_date_compare (&g_array_index (a->holidays, GDate, i),
                        &g_array_index (b->holidays, GDate, i)) != 0)
      return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (a->hours); i++)
    {
      if (a->hours[i]->len != b->hours[i]->len)
        return FALSE;
      if (a->hours[i]->len > 0 &&
          memcmp (a->hours[i]->data, b->hours[i]->data, a->hours[i]->len * sizeof (DeskSlaRange)) != 0)
        return FALSE;
    }

  return TRUE;
}

/**
 * desk_sla_policy_set_time_zone:
 * @identifier: (nullable): an IANA time zone such as "Europe/Ljubljana"; NULL or "": the
 *   machine's zone
 *
 * Returns: %FALSE, with %DESK_SLA_ERROR_TIME_ZONE and the policy unchanged, when this system
 *   does not know the zone
 */
gboolean
desk_sla_policy_set_time_zone (DeskSlaPolicy  *policy,
                               const char     *identifier,
                               GError        **error)
{
  GTimeZone *time_zone;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (identifier == NULL || *identifier == '\0')
    {
      identifier = NULL;
      time_zone = g_time_zone_new_local ();
    }
  else
    {
      time_zone = g_time_zone_new_identifier (identifier);
      if (time_zone == NULL)
        {
          g_set_error (error, DESK_SLA_ERROR, DESK_SLA_ERROR_TIME_ZONE,
                       _("The time zone “%s” is not known on this computer"), identifier);
          return FALSE;
        }
    }

  g_time_zone_unref (policy->time_zone);
  policy->time_zone = time_zone;
  g_free (policy->time_zone_id);
  policy->time_zone_id = g_strdup (identifier);

  return TRUE;
}

/**
 * desk_sla_policy_get_time_zone:
 *
 * Returns: (nullable): the zone's identifier, NULL for the machine's zone
 */
const char *
desk_sla_policy_get_time_zone (const DeskSlaPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, NULL);

  return policy->time_zone_id;
}

void
desk_sla_policy_set_closed (DeskSlaPolicy *policy,
                            GDateWeekday   weekday)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail (g_date_valid_weekday (weekday));

  g_array_set_size (policy->hours[weekday - 1], 0);
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const DeskSlaRange *ra = a;
  const DeskSlaRange *rb = b;

  return (ra->open > rb->open) - (ra->open < rb->open);
}

/**
 * desk_sla_policy_add_hours:
 * @open_minute: minutes after local midnight, below @close_minute
 * @close_minute: minutes after local midnight, at most 1440 (midnight at the day's end)
 *
 * Opens the desk on @weekday from @open_minute until @close_minute, in addition to the
 * day's other ranges; ranges that overlap or touch are merged.
 */
void
desk_sla_policy_add_hours (DeskSlaPolicy *policy,
                           GDateWeekday   weekday,
                           guint          open_minute,
                           guint          close_minute)
{
  DeskSlaRange range = { open_minute, close_minute };
  GArray *ranges;
  guint kept = 0;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (g_date_valid_weekday (weekday));
  g_return_if_fail (open_minute < close_minute);
  g_return_if_fail (close_minute <= MINUTES_PER_DAY);

  ranges = policy->hours[weekday - 1];
  g_array_append_val (ranges, range);
  g_array_sort (ranges, compare_ranges);

  for (guint i = 1; i < ranges->len; i++)
    {
      DeskSlaRange *last = &g_array_index (ranges, DeskSlaRange, kept);
      const DeskSlaRange *next = &g_array_index (ranges, DeskSlaRange, i);

      if (next->open <= last->close)
        last->close = MAX (last->close, next->close);
      else
        g_array_index (ranges, DeskSlaRange, ++kept) = *next;
    }
  g_array_set_size (ranges, kept + 1);
}

/**
 * desk_sla_policy_get_hours:
 * @n_ranges: (out): the number of ranges
 *
 * Returns: (array length=n_ranges) (transfer none): the day's ranges, sorted and disjoint
 */
const DeskSlaRange *
desk_sla_policy_get_hours (const DeskSlaPolicy *policy,
                           GDateWeekday         weekday,
                           guint               *n_ranges)
{
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (g_date_valid_weekday (weekday), NULL);
  g_return_val_if_fail (n_ranges != NULL, NULL);

  *n_ranges = policy->hours[weekday - 1]->len;
  return (const DeskSlaRange *) (gpointer) policy->hours[weekday - 1]->data;
}

/* The index of the holiday on Julian day @julian, or where it would be inserted. */
static gboolean
find_holiday (const DeskSlaPolicy *policy,
              guint32              julian,
              guint               *index)
{
  guint lo = 0;
  guint hi = policy->holidays->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint32 day = g_date_get_julian (&g_array_index (policy->holidays, GDate, mid));

      if (day < julian)
        lo = mid + 1;
      else if (day > julian)
        hi = mid;
      else
        {
          *index = mid;
          return TRUE;
        }
    }

  *index = lo;
  return FALSE;
}

void
desk_sla_policy_add_holiday (DeskSlaPolicy *policy,
                             const GDate   *date)
{
  GDate day;
  guint index;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (date != NULL && g_date_valid (date));

  g_date_clear (&day, 1);
  g_date_set_julian (&day, g_date_get_julian (date));
  if (!find_holiday (policy, g_date_get_julian (&day), &index))
    g_array_insert_val (policy->holidays, index, day);
}

void
desk_sla_policy_remove_holiday (DeskSlaPolicy *policy,
                                const GDate   *date)
{
  guint index;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (date != NULL && g_date_valid (date));

  if (find_holiday (policy, g_date_get_julian (date), &index))
    g_array_remove_index (policy->holidays, index);
}

void
desk_sla_policy_clear_holidays (DeskSlaPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  g_array_set_size (policy->holidays, 0);
}

gboolean
desk_sla_policy_is_holiday (const DeskSlaPolicy *policy,
                            const GDate         *date)
{
  guint index;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return find_holiday (policy, g_date_get_julian (date), &index);
}

/**
 * desk_sla_policy_get_holidays:
 * @n_holidays: (out): the number of holidays
 *
 * Returns: (array length=n_holidays) (transfer none): the holidays, oldest first
 */
const GDate *
desk_sla_policy_get_holidays (const DeskSlaPolicy *policy,
                              guint               *n_holidays)
{
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (n_holidays != NULL, NULL);

  *n_holidays = policy->holidays->len;
  return (const GDate *) (gpointer) policy->holidays->data;
}

void
desk_sla_policy_set_business_hours (DeskSlaPolicy *policy,
                                    gboolean       enabled)
{
  g_return_if_fail (policy != NULL);

  policy->business_hours = !!enabled;
}

gboolean
desk_sla_policy_get_business_hours (const DeskSlaPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, FALSE);

  return policy->business_hours;
}

static gboolean
valid_duration (gint64 duration)
{
  return duration >= G_USEC_PER_SEC && duration <= DESK_SLA_MAX_DURATION;
}

/**
 * desk_sla_policy_set_in_hours_target:
 * @target: µs of business time, from one second to %DESK_SLA_MAX_DURATION
 */
void
desk_sla_policy_set_in_hours_target (DeskSlaPolicy *policy,
                                     gint64         target)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail (valid_duration (target));

  policy->in_hours_target = target;
}

gint64
desk_sla_policy_get_in_hours_target (const DeskSlaPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, 0);

  return policy->in_hours_target;
}

/**
 * desk_sla_policy_set_out_of_hours_target:
 * @target: µs of wall-clock time, from one second to %DESK_SLA_MAX_DURATION
 */
void
desk_sla_policy_set_out_of_hours_target (DeskSlaPolicy *policy,
                                         gint64         target)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail (valid_duration (target));

  policy->out_of_hours_target = target;
}

gint64
desk_sla_policy_get_out_of_hours_target (const DeskSlaPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, 0);

  return policy->out_of_hours_target;
}

/**
 * desk_sla_policy_set_due_soon_margin:
 * @margin: µs before the due time, from one second to %DESK_SLA_MAX_DURATION
 */
void
desk_sla_policy_set_due_soon_margin (DeskSlaPolicy *policy,
                                     gint64         margin)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail (valid_duration (margin));

  policy->due_soon_margin = margin;
}

gint64
desk_sla_policy_get_due_soon_margin (const DeskSlaPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, 0);

  return policy->due_soon_margin;
}

/* Time in the policy's zone */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static gint64
offset_at (const DeskSlaPolicy *policy,
           gint64               instant)
{
  int interval = g_time_zone_find_interval (policy->time_zone, G_TIME_TYPE_UNIVERSAL, instant);

  return g_time_zone_get_offset (policy->time_zone, interval);
}

/* The local date (a Julian day, as GDate counts) at UNIX second @instant. */
static gint64
local_julian (const DeskSlaPolicy *policy,
              gint64               instant)
{
  return floor_div (instant + offset_at (policy, instant), SECONDS_PER_DAY) + EPOCH_JULIAN;
}

/* The first UNIX second at which the wall clock shows @minute on Julian day @julian or later:
 * in a gap (summer time begins) the end of the gap; in a repeated hour its first pass. */
static gint64
first_reaching (const DeskSlaPolicy *policy,
                gint64               julian,
                guint                minute)
{
  gint64 wall = (julian - EPOCH_JULIAN) * SECONDS_PER_DAY + (gint64) minute * 60;
  gint64 offsets[2];
  gint64 best = G_MAXINT64;
  gint64 lo, hi;

  /* The offsets in force before and after any change near that wall-clock time. */
  offsets[0] = offset_at (policy, wall - MAX_OFFSET);
  offsets[1] = offset_at (policy, wall + MAX_OFFSET);

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      gint64 instant = wall - offsets[i];

      if (offset_at (policy, instant) == offsets[i])
        best = MIN (best, instant);
    }
  if (best != G_MAXINT64)
    return best;

  /* A gap: the clock jumps over @wall. Find the jump; the clock only moves forward here. */
  lo = wall - MAX (offsets[0], offsets[1]);
  hi = wall - MIN (offsets[0], offsets[1]);
  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (mid + offset_at (policy, mid) >= wall)
        hi = mid;
      else
        lo = mid + 1;
    }

  return lo;
}

static gboolean
has_hours (const DeskSlaPolicy *policy)
{
  for (guint i = 0; i < G_N_ELEMENTS (policy->hours); i++)
    if (policy->hours[i]->len > 0)
      return TRUE;

  return FALSE;
}

static gboolean
counts_business_time (const DeskSlaPolicy *policy)
{
  return policy->business_hours && has_hours (policy);
}

static gint64
effective_target (const DeskSlaPolicy *policy)
{
  return counts_business_time (policy) ? policy->in_hours_target : policy->out_of_hours_target;
}

/* Walks the open intervals [start, end) (UNIX µs) in order, from the local day before @from's.
 * @visit returns FALSE to stop. Returns FALSE if the walk ran out of days. */
typedef gboolean (*IntervalFunc) (gint64   start,
                                  gint64   end,
                                  gpointer data);

static gboolean
walk_open_intervals (const DeskSlaPolicy *policy,
                     gint64               from,
                     IntervalFunc         visit,
                     gpointer             data)
{
  gint64 first = local_julian (policy, floor_div (from, G_USEC_PER_SEC)) - 1;

  for (gint64 julian = first; julian < first + MAX_WALK_DAYS; julian++)
    {
      GArray *ranges = policy->hours[(julian - 1) % 7];
      guint index;

      if (ranges->len == 0 || find_holiday (policy, (guint32) julian, &index))
        continue;

      for (guint i = 0; i < ranges->len; i++)
        {
          const DeskSlaRange *range = &g_array_index (ranges, DeskSlaRange, i);
          gint64 start = first_reaching (policy, julian, range->open) * G_USEC_PER_SEC;
          gint64 end = first_reaching (policy, julian, range->close) * G_USEC_PER_SEC;

          if (end > start && !visit (start, end, data))
            return TRUE;
        }
    }

  return FALSE;
}

typedef struct
{
  gint64 from;
  gint64 until;
  gint64 total;
} Between;

static gboolean
add_overlap (gint64   start,
             gint64   end,
             gpointer data)
{
  Between *between = data;

  if (start >= between->until)
    return FALSE;

  start = MAX (start, between->from);
  end = MIN (end, between->until);
  if (end > start)
    between->total += end - start;

  return TRUE;
}

/* Time counted by the policy from @from until @until (0 if @until is not later). */
static gint64
counted_between (const DeskSlaPolicy *policy,
                 gint64               from,
                 gint64               until)
{
  Between between = { from, until, 0 };

  if (until <= from)
    return 0;
  if (!counts_business_time (policy))
    return until - from;

  walk_open_intervals (policy, from, add_overlap, &between);

  return between.total;
}

typedef struct
{
  gint64 from;
  gint64 left;
  gint64 instant;
} After;

static gboolean
consume (gint64   start,
         gint64   end,
         gpointer data)
{
  After *after = data;

  start = MAX (start, after->from);
  if (end <= start)
    return TRUE;

  if (end - start >= after->left)
    {
      after->instant = start + after->left;
      return FALSE;
    }

  after->left -= end - start;
  return TRUE;
}

/* The first instant at which the policy has counted @amount since @from; G_MAXINT64 if never. */
static gint64
instant_after (const DeskSlaPolicy *policy,
               gint64               from,
               gint64               amount)
{
  After after = { from, amount, G_MAXINT64 };

  if (amount <= 0)
    return from;
  if (!counts_business_time (policy))
    return from + amount;

  walk_open_intervals (policy, from, consume, &after);

  return after.instant;
}

/**
 * desk_sla_due_time:
 * @waiting_since: the oldest unanswered customer message (UNIX µs); 0: nobody waits
 *
 * Returns: when the target is reached (UNIX µs); 0 if nobody waits
 */
gint64
desk_sla_due_time (const DeskSlaPolicy *policy,
                   gint64               waiting_since)
{
  g_return_val_if_fail (policy != NULL, 0);

  if (waiting_since <= 0)
    return 0;

  return instant_after (policy, waiting_since, effective_target (policy));
}

/**
 * desk_sla_evaluate:
 * @waiting_since: the oldest unanswered customer message (UNIX µs); 0: nobody waits
 * @now: the time to evaluate at (UNIX µs), usually g_get_real_time()
 * @out: (out caller-allocates): the status
 *
 * Where a conversation stands against its target, and when that changes next.
 */
void
desk_sla_evaluate (const DeskSlaPolicy *policy,
                   gint64               waiting_since,
                   gint64               now,
                   DeskSlaStatus       *out)
{
  gint64 target;
  gint64 soon;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->state = DESK_SLA_NONE;
  if (waiting_since <= 0)
    return;

  target = effective_target (policy);
  out->due = instant_after (policy, waiting_since, target);
  soon = instant_after (policy, waiting_since, MAX (0, target - policy->due_soon_margin));
  out->elapsed = counted_between (policy, waiting_since, now);

  if (now >= out->due)
    {
      out->state = DESK_SLA_OVERDUE;
      out->overdue_by = counted_between (policy, out->due, now);
      return;
    }

  out->remaining = target - out->elapsed;
  if (now >= soon)
    {
      out->state = DESK_SLA_DUE_SOON;
      out->next_change = out->due == G_MAXINT64 ? 0 : out->due;
    }
  else
    {
      out->state = DESK_SLA_ON_TIME;
      out->next_change = soon;
    }
}

/**
 * desk_sla_format_duration:
 * @duration: µs; a negative duration reads as none
 *
 * A short text for a badge, in whole minutes rounded down: "45 min", "1 h 05 min", "3 h",
 * "2 d 4 h" (minutes are left out from a day on), "< 1 min" under a minute, "0 min" for none.
 *
 * Returns: (transfer full): the text, translated
 */
char *
desk_sla_format_duration (gint64 duration)
{
  gint64 minutes = MAX (duration, 0) / (G_USEC_PER_SEC * 60);
  gulong days = (gulong) (minutes / MINUTES_PER_DAY);
  gulong hours = (gulong) (minutes / 60 % 24);
  gulong mins = (gulong) (minutes % 60);
  g_autofree char *big = NULL;
  g_autofree char *small = NULL;

  if (duration > 0 && minutes == 0)
    /* Translators: a wait shorter than one minute, on a badge */
    return g_strdup (_("< 1 min"));

  if (days == 0 && hours == 0)
    /* Translators: a duration in minutes, on a badge */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu min", "%lu min", mins), mins);

  if (days == 0)
    {
      /* Translators: the hours of a duration such as "1 h 05 min" */
      big = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu h", "%lu h", hours), hours);
      if (mins == 0)
        return g_steal_pointer (&big);
      /* Translators: the minutes of a duration such as "1 h 05 min", always two digits */
      small = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%02lu min", "%02lu min", mins), mins);
    }
  else
    {
      /* Translators: the days of a duration such as "2 d 4 h" */
      big = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu d", "%lu d", days), days);
      if (hours == 0)
        return g_steal_pointer (&big);
      /* Translators: the hours of a duration such as "2 d 4 h" */
      small = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu h", "%lu h", hours), hours);
    }

  /* Translators: a duration made of a larger and a smaller unit: "1 h" and "05 min" */
  return g_strdup_printf (C_("duration", "%s %s"), big, small);
}

/* JSON settings */

static gboolean
set_invalid (GError     **error,
             const char  *member)
{
  g_set_error (error, DESK_SLA_ERROR, DESK_SLA_ERROR_INVALID,
               _("The response-time setting “%s” is not valid"), member);
  return FALSE;
}

/* "HH:MM", 00:00 … 24:00 */
static gboolean
parse_minute (const char *text,
              guint      *minute)
{
  guint h, m;

  if (!g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || text[2] != ':' ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;

  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m >= 60 || h * 60 + m > MINUTES_PER_DAY)
    return FALSE;

  *minute = h * 60 + m;
  return TRUE;
}

/* "HH:MM-HH:MM" */
static gboolean
parse_range (const char *text,
             guint      *open,
             guint      *close)
{
  if (strlen (text) != 11 || text[5] != '-')
    return FALSE;

  return parse_minute (text, open) && parse_minute (text + 6, close) && *open < *close;
}

/* "YYYY-MM-DD" */
static gboolean
parse_date (const char *text,
            GDate      *date)
{
  guint year = 0, month = 0, day = 0;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  for (guint i = 0; i < 4; i++)
    year = year * 10 + (text[i] - '0');
  month = (text[5] - '0') * 10 + (text[6] - '0');
  day = (text[8] - '0') * 10 + (text[9] - '0');
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static gboolean
get_string (JsonNode    *node,
            const char **value)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *value = json_node_get_string (node);
  return TRUE;
}

/* A duration in whole seconds, within the limits of valid_duration(). */
static gboolean
get_duration (JsonObject *object,
              const char *member,
              gint64     *value,
              GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);
  gint64 seconds;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return set_invalid (error, member);

  seconds = json_node_get_int (node);
  if (seconds <= 0 || seconds > DESK_SLA_MAX_DURATION / G_USEC_PER_SEC)
    return set_invalid (error, member);

  *value = seconds * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
load_hours (DeskSlaPolicy  *policy,
            JsonNode       *node,
            GError        **error)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_invalid (error, "hours");

  object = json_node_get_object (node);
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      const char *name = weekday_names[day - 1];
      JsonNode *ranges = json_object_get_member (object, name);
      JsonArray *array;

      /* A day left out is closed: the document says the whole week. */
      desk_sla_policy_set_closed (policy, day);
      if (ranges == NULL || JSON_NODE_HOLDS_NULL (ranges))
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (ranges))
        return set_invalid (error, name);

      array = json_node_get_array (ranges);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *text;
          guint open, close;

          if (!get_string (json_array_get_element (array, i), &text) ||
              !parse_range (text, &open, &close))
            return set_invalid (error, name);

          desk_sla_policy_add_hours (policy, day, open, close);
        }
    }

  return TRUE;
}

static gboolean
load_holidays (DeskSlaPolicy  *policy,
               JsonNode       *node,
               GError        **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_invalid (error, "holidays");

  desk_sla_policy_clear_holidays (policy);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text;
      GDate date;

      if (!get_string (json_array_get_element (array, i), &text) || !parse_date (text, &date))
        return set_invalid (error, "holidays");

      desk_sla_policy_add_holiday (policy, &date);
    }

  return TRUE;
}

/**
 * desk_sla_policy_load_from_data:
 * @data: settings as desk_sla_policy_to_data() writes them
 * @length: the length of @data, or -1 if it ends with a NUL
 *
 * Reads settings into @policy. A setting the document leaves out keeps its value; members
 * this version does not know are ignored.
 *
 * Returns: %FALSE with a #DESK_SLA_ERROR, and @policy unchanged, if any of it is not valid
 */
gboolean
desk_sla_policy_load_from_data (DeskSlaPolicy  *policy,
                                const char     *data,
                                gssize          length,
                                GError        **error)
{
  g_autoptr(DeskSlaPolicy) loaded = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *root;
  JsonNode *node;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, DESK_SLA_ERROR, DESK_SLA_ERROR_PARSE,
                   _("The response-time settings are damaged: %s"), local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, DESK_SLA_ERROR, DESK_SLA_ERROR_PARSE,
                           _("The response-time settings are damaged: they are not a JSON object"));
      return FALSE;
    }
  object = json_node_get_object (root);
  loaded = desk_sla_policy_copy (policy);

  if ((node = json_object_get_member (object, "time-zone")) != NULL)
    {
      const char *identifier = NULL;

      if (!JSON_NODE_HOLDS_NULL (node) && !get_string (node, &identifier))
        return set_invalid (error, "time-zone");
      if (!desk_sla_policy_set_time_zone (loaded, identifier, error))
        return FALSE;
    }

  if ((node = json_object_get_member (object, "business-hours")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return set_invalid (error, "business-hours");
      loaded->business_hours = json_node_get_boolean (node);
    }

  if ((node = json_object_get_member (object, "hours")) != NULL &&
      !load_hours (loaded, node, error))
    return FALSE;

  if ((node = json_object_get_member (object, "holidays")) != NULL &&
      !load_holidays (loaded, node, error))
    return FALSE;

  if (!get_duration (object, "in-hours-target-seconds", &loaded->in_hours_target, error) ||
      !get_duration (object, "out-of-hours-target-seconds", &loaded->out_of_hours_target, error) ||
      !get_duration (object, "due-soon-margin-seconds", &loaded->due_soon_margin, error))
    return FALSE;

  policy_take (policy, g_steal_pointer (&loaded));
  return TRUE;
}

/**
 * desk_sla_policy_to_data:
 * @length: (out) (optional): the length of the text
 *
 * Returns: (transfer full): the settings as JSON, for desk_sla_policy_load_from_data()
 */
char *
desk_sla_policy_to_data (const DeskSlaPolicy *policy,
                         gsize               *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (policy != NULL, NULL);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "time-zone");
  if (policy->time_zone_id != NULL)
    json_builder_add_string_value (builder, policy->time_zone_id);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "business-hours");
  json_builder_add_boolean_value (builder, policy->business_hours);

  json_builder_set_member_name (builder, "hours");
  json_builder_begin_object (builder);
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      GArray *ranges = policy->hours[day - 1];

      json_builder_set_member_name (builder, weekday_names[day - 1]);
      json_builder_begin_array (builder);
      for (guint i = 0; i < ranges->len; i++)
        {
          const DeskSlaRange *range = &g_array_index (ranges, DeskSlaRange, i);
          g_autofree char *text = g_strdup_printf ("%02u:%02u-%02u:%02u",
                                                   range->open / 60, range->open % 60,
                                                   range->close / 60, range->close % 60);

          json_builder_add_string_value (builder, text);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "holidays");
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->holidays->len; i++)
    {
      const GDate *date = &g_array_index (policy->holidays, GDate, i);
      g_autofree char *text = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                                               g_date_get_month (date), g_date_get_day (date));

      json_builder_add_string_value (builder, text);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "in-hours-target-seconds");
  json_builder_add_int_value (builder, policy->in_hours_target / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "out-of-hours-target-seconds");
  json_builder_add_int_value (builder, policy->out_of_hours_target / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "due-soon-margin-seconds");
  json_builder_add_int_value (builder, policy->due_soon_margin / G_USEC_PER_SEC);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);

  return json_generator_to_data (generator, length);
}
