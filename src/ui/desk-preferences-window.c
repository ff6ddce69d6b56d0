/* desk-preferences-window.c: the agent, response times, notifications, accounts and tags
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: every page edits GSettings (org.frontdesk.Frontdesk) or the store. The response-time
 * page edits a DeskSlaPolicy and saves it whole, as JSON, to `sla-policy` after each valid
 * change; what is not valid (a time that is not "HH:MM", a closing before the opening, a date
 * that does not exist) is marked with the error style and not saved. A damaged stored value
 * shows the defaults and a warning, and stays as it is until the user changes something.
 */
#define G_LOG_DOMAIN "desk-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "desk-account-dialog.h"
#include "desk-compose.h"
#include "desk-credentials.h"
#include "desk-preferences-window.h"
#include "desk-sla.h"
#include "desk-tags-page.h"

#define MAX_SIGNATURE_CHARS 40
#define PREVIEW_TEXT        N_("Thanks!")

typedef struct
{
  AdwActionRow *row;
  GtkSwitch    *open;
  GtkEntry     *from;
  GtkEntry     *to;
} DayRow;

struct _DeskPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwEntryRow          *name_row;
  GtkEntry             *initials_entry;
  AdwEntryRow          *signature_row;
  GtkLabel             *preview_label;
  AdwPreferencesGroup  *damaged_group;
  AdwPreferencesGroup  *hours_group;
  GtkSwitch            *business_hours_switch;
  AdwActionRow         *time_zone_row;
  GtkMenuButton        *time_zone_button;
  GtkPopover           *time_zone_popover;
  GtkSearchEntry       *time_zone_search;
  GtkListView          *time_zone_list;
  AdwPreferencesGroup  *holidays_group;
  AdwEntryRow          *holiday_row;
  AdwActionRow         *in_hours_row;
  AdwActionRow         *out_of_hours_row;
  AdwActionRow         *margin_row;
  GtkSpinButton        *in_hours_spin;
  GtkSpinButton        *out_of_hours_spin;
  GtkSpinButton        *margin_spin;
  GtkSwitch            *notify_messages_switch;
  GtkSwitch            *notify_due_switch;
  AdwPreferencesGroup  *accounts_group;

  DayRow                days[7];        /* Monday first */
  GPtrArray            *holiday_rows;
  GPtrArray            *account_rows;
  GtkFilterListModel   *zones;
  GtkStringFilter      *zone_filter;

  DeskStore            *store;
  GSettings            *settings;
  DeskSlaPolicy        *policy;
  char                 *saved_policy;   /* what this window last wrote to sla-policy */
  GCancellable         *cancellable;
  gboolean              filling;        /* widgets are being set from the settings */
  guint                 signature_idle;
};

G_DEFINE_FINAL_TYPE (DeskPreferencesWindow, desk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  ACCOUNT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const weekday_names[] = {
  N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
  N_("Saturday"), N_("Sunday"),
};

static void
show_toast (DeskPreferencesWindow *self,
            const char            *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);  /* a toast's title is markup */
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 5);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
set_error (GtkWidget *widget,
           gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

/* Agent */

/* "Maja Jurić" → "MJ": the first letters of the first and the last word. */
static char *
initials_from_name (const char *name)
{
  g_auto(GStrv) words = g_strsplit_set (name != NULL ? name : "", " \t", -1);
  GString *initials = g_string_new (NULL);
  const char *first = NULL, *last = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0' || !g_utf8_validate (words[i], -1, NULL))
        continue;
      if (first == NULL)
        first = words[i];
      else
        last = words[i];
    }

  if (first != NULL)
    g_string_append_unichar (initials, g_unichar_toupper (g_utf8_get_char (first)));
  if (last != NULL)
    g_string_append_unichar (initials, g_unichar_toupper (g_utf8_get_char (last)));

  return g_string_free (initials, FALSE);
}

static char *
derived_initials (DeskPreferencesWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "agent-name");

  g_strstrip (name);
  if (*name == '\0')
    {
      g_free (name);
      name = g_strdup (g_get_real_name ());
    }

  return initials_from_name (name);
}

static void
update_preview (DeskPreferencesWindow *self)
{
  g_autofree char *initials = g_settings_get_string (self->settings, "agent-initials");
  g_autofree char *format = g_settings_get_string (self->settings, "signature-format");
  g_autofree char *derived = derived_initials (self);
  g_autofree char *preview = NULL;

  g_strstrip (initials);
  preview = desk_compose_sign (_(PREVIEW_TEXT), format, *initials != '\0' ? initials : derived);

  gtk_entry_set_placeholder_text (self->initials_entry, derived);
  gtk_label_set_text (self->preview_label, preview);
}

static void
on_name_changed (DeskPreferencesWindow *self)
{
  if (self->filling)
    return;

  g_settings_set_string (self->settings, "agent-name",
                         gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  update_preview (self);
}

static void
on_initials_changed (DeskPreferencesWindow *self)
{
  g_autofree char *initials = NULL;

  if (self->filling)
    return;

  initials = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->initials_entry))));
  g_settings_set_string (self->settings, "agent-initials", initials);
  update_preview (self);
}

/* At most one "%s" (the format is never given to printf), short, printable. */
static gboolean
signature_format_is_valid (const char *format)
{
  const char *first = strstr (format, "%s");

  if (g_utf8_strlen (format, -1) > MAX_SIGNATURE_CHARS)
    return FALSE;
  if (first != NULL && strstr (first + 2, "%s") != NULL)
    return FALSE;

  for (const char *p = format; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static gboolean
check_signature (gpointer user_data)
{
  DeskPreferencesWindow *self = user_data;
  const char *format = gtk_editable_get_text (GTK_EDITABLE (self->signature_row));
  gboolean valid = signature_format_is_valid (format);

  self->signature_idle = 0;

  set_error (GTK_WIDGET (self->signature_row), !valid);
  if (valid)
    {
      g_settings_set_string (self->settings, "signature-format", format);
      update_preview (self);
    }

  return G_SOURCE_REMOVE;
}

/* Read once the change is complete: replacing the text passes through "" (unsigned, valid),
 * which must not be saved on its way to a text that is refused. */
static void
on_signature_changed (DeskPreferencesWindow *self)
{
  if (self->filling || self->signature_idle != 0)
    return;

  self->signature_idle = g_idle_add (check_signature, self);
}

static void
fill_agent (DeskPreferencesWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "agent-name");
  g_autofree char *initials = g_settings_get_string (self->settings, "agent-initials");
  g_autofree char *format = g_settings_get_string (self->settings, "signature-format");

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->initials_entry), initials);
  gtk_editable_set_text (GTK_EDITABLE (self->signature_row), format);
  self->filling = FALSE;

  update_preview (self);
}

/* Response times: saving */

static void
save_policy (DeskPreferencesWindow *self)
{
  g_autofree char *data = desk_sla_policy_to_data (self->policy, NULL);

  g_free (self->saved_policy);
  self->saved_policy = g_strdup (data);
  g_settings_set_string (self->settings, "sla-policy", data);

  /* The damaged value is gone: replaced by what is shown. */
  gtk_widget_set_visible (GTK_WIDGET (self->damaged_group), FALSE);
}

/* "9:00", "09:00", "17:30"; "24:00" only as a closing time */
static gboolean
parse_time (const char *text,
            gboolean    closing,
            guint      *minutes)
{
  guint hours = 0, mins = 0;
  const char *p = text;
  guint digits = 0;

  while (g_ascii_isspace (*p))
    p++;
  for (; g_ascii_isdigit (*p) && digits < 2; p++, digits++)
    hours = hours * 10 + (*p - '0');
  if (digits == 0 || *p++ != ':')
    return FALSE;
  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
    return FALSE;
  mins = (p[0] - '0') * 10 + (p[1] - '0');
  p += 2;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || mins >= 60 || hours > 24 || (hours == 24 && mins != 0))
    return FALSE;
  if (hours == 24 && !closing)
    return FALSE;

  *minutes = hours * 60 + mins;
  return TRUE;
}

static char *
format_time (guint minutes)
{
  return g_strdup_printf ("%02u:%02u", minutes / 60, minutes % 60);
}

/* The row edits the day's first opening and last closing. A day kept with breaks (a lunch hour,
 * set in the settings) keeps those that still fall inside the new hours: editing the times
 * never drops them silently. */
static void
set_day_hours (DeskSlaPolicy *policy,
               GDateWeekday   weekday,
               gboolean       open,
               guint          from,
               guint          to)
{
  guint n_ranges = 0;
  const DeskSlaRange *ranges = desk_sla_policy_get_hours (policy, weekday, &n_ranges);
  g_autofree DeskSlaRange *kept = g_memdup2 (ranges, n_ranges * sizeof *ranges);
  guint start = from;

  desk_sla_policy_set_closed (policy, weekday);
  if (!open)
    return;

  for (guint i = 0; i + 1 < n_ranges; i++)
    {
      guint break_from = kept[i].close;
      guint break_to = kept[i + 1].open;

      if (break_from <= start || break_to >= to)
        continue;

      desk_sla_policy_add_hours (policy, weekday, start, break_from);
      start = break_to;
    }

  desk_sla_policy_add_hours (policy, weekday, start, to);
}

/* A day's breaks, said in its row: "Closed 12:00–13:00" */
static void
update_day_breaks (DayRow              *day,
                   const DeskSlaPolicy *policy,
                   GDateWeekday         weekday)
{
  guint n_ranges = 0;
  const DeskSlaRange *ranges = desk_sla_policy_get_hours (policy, weekday, &n_ranges);
  g_autoptr(GString) breaks = g_string_new (NULL);

  for (guint i = 0; i + 1 < n_ranges; i++)
    {
      g_autofree char *from = g_strdup_printf ("%02u:%02u", ranges[i].close / 60, ranges[i].close % 60);
      g_autofree char *to = g_strdup_printf ("%02u:%02u", ranges[i + 1].open / 60, ranges[i + 1].open % 60);

      if (breaks->len > 0)
        g_string_append (breaks, ", ");
      /* Translators: a break in a day's business hours, e.g. "Closed 12:00–13:00" */
      g_string_append_printf (breaks, _("Closed %s–%s"), from, to);
    }

  {
    g_autofree char *escaped = g_markup_escape_text (breaks->str, -1);  /* a subtitle is markup */

    adw_action_row_set_subtitle (day->row, escaped);
  }
}

static void
on_day_changed (DeskPreferencesWindow *self,
                GParamSpec            *pspec,
                GtkWidget             *widget)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "desk-day"));
  DayRow *day = &self->days[index];
  GDateWeekday weekday = G_DATE_MONDAY + index;
  gboolean open = gtk_switch_get_active (day->open);
  guint from = 0, to = 0;
  gboolean from_ok, to_ok;

  gtk_widget_set_sensitive (GTK_WIDGET (day->from), open);
  gtk_widget_set_sensitive (GTK_WIDGET (day->to), open);

  from_ok = parse_time (gtk_editable_get_text (GTK_EDITABLE (day->from)), FALSE, &from);
  to_ok = parse_time (gtk_editable_get_text (GTK_EDITABLE (day->to)), TRUE, &to);
  if (from_ok && to_ok && from >= to)
    to_ok = FALSE;

  set_error (GTK_WIDGET (day->from), open && !from_ok);
  set_error (GTK_WIDGET (day->to), open && !to_ok);

  if (self->filling || (open && (!from_ok || !to_ok)))
    return;

  set_day_hours (self->policy, weekday, open, from, to);
  update_day_breaks (day, self->policy, weekday);
  save_policy (self);
}

static void
on_day_text_changed (GtkEditable           *editable,
                     DeskPreferencesWindow *self)
{
  on_day_changed (self, NULL, GTK_WIDGET (editable));
}

static GtkEntry *
time_entry_new (guint       index,
                const char *label)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  gtk_entry_set_max_length (entry, 5);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 5);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 5);
  gtk_entry_set_input_purpose (entry, GTK_INPUT_PURPOSE_DIGITS);
  gtk_widget_set_valign (GTK_WIDGET (entry), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (entry), "desk-day", GUINT_TO_POINTER (index));

  return entry;
}

static void
build_day_rows (DeskPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->days); i++)
    {
      DayRow *day = &self->days[i];
      const char *name = _(weekday_names[i]);
      g_autofree char *opens = g_strdup_printf (_("%s opens at"), name);
      g_autofree char *closes = g_strdup_printf (_("%s closes at"), name);
      g_autofree char *open_label = g_strdup_printf (_("Open on %s"), name);
      GtkWidget *dash = gtk_label_new ("–");

      day->row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (day->row), name);

      day->open = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (day->open), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (day->open), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      open_label, -1);
      g_object_set_data (G_OBJECT (day->open), "desk-day", GUINT_TO_POINTER (i));

      day->from = time_entry_new (i, opens);
      day->to = time_entry_new (i, closes);
      gtk_widget_add_css_class (dash, "dim-label");

      adw_action_row_add_suffix (day->row, GTK_WIDGET (day->from));
      adw_action_row_add_suffix (day->row, dash);
      adw_action_row_add_suffix (day->row, GTK_WIDGET (day->to));
      adw_action_row_add_suffix (day->row, GTK_WIDGET (day->open));

      g_signal_connect_object (day->open, "notify::active", G_CALLBACK (on_day_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (day->from, "changed", G_CALLBACK (on_day_text_changed), self, 0);
      g_signal_connect_object (day->to, "changed", G_CALLBACK (on_day_text_changed), self, 0);

      adw_preferences_group_add (self->hours_group, GTK_WIDGET (day->row));
    }
}

static void
on_business_hours_toggled (DeskPreferencesWindow *self)
{
  gboolean on = gtk_switch_get_active (self->business_hours_switch);

  for (guint i = 0; i < G_N_ELEMENTS (self->days); i++)
    gtk_widget_set_sensitive (GTK_WIDGET (self->days[i].row), on);

  if (self->filling)
    return;

  desk_sla_policy_set_business_hours (self->policy, on);
  save_policy (self);
}

/* Response times: time zone */

static void
update_time_zone_row (DeskPreferencesWindow *self)
{
  const char *zone = desk_sla_policy_get_time_zone (self->policy);
  g_autofree char *escaped = g_markup_escape_text (zone != NULL ? zone : _("System time zone"), -1);

  adw_action_row_set_subtitle (self->time_zone_row, escaped);
}

static void
choose_time_zone (DeskPreferencesWindow *self,
                  guint                  position)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (self->zones), position);
  const char *zone;
  g_autoptr(GError) error = NULL;

  if (item == NULL)
    return;

  /* The first item of the unfiltered list stands for the machine's zone. */
  zone = g_object_get_data (G_OBJECT (item), "desk-system-zone") != NULL
           ? NULL : gtk_string_object_get_string (item);

  if (!desk_sla_policy_set_time_zone (self->policy, zone, &error))
    {
      show_toast (self, error->message);
      return;
    }

  gtk_popover_popdown (self->time_zone_popover);
  update_time_zone_row (self);
  save_policy (self);
}

static void
on_time_zone_activated (DeskPreferencesWindow *self,
                        guint                  position)
{
  choose_time_zone (self, position);
}

static void
on_time_zone_search_changed (DeskPreferencesWindow *self)
{
  gtk_string_filter_set_search (self->zone_filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->time_zone_search)));
}

/* Enter in the search takes the first match. */
static void
on_time_zone_search_activate (DeskPreferencesWindow *self)
{
  on_time_zone_search_changed (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->zones)) > 0)
    choose_time_zone (self, 0);
}

static void
on_time_zone_popover_show (DeskPreferencesWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->time_zone_search), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->time_zone_search));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Every zone and link tzdata knows (tzdata.zi), or the canonical ones (zone1970.tab). */
static GPtrArray *
read_time_zones (void)
{
  g_autoptr(GPtrArray) zones = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean zi;

  zi = g_file_get_contents ("/usr/share/zoneinfo/tzdata.zi", &contents, NULL, NULL);
  if (!zi && !g_file_get_contents ("/usr/share/zoneinfo/zone1970.tab", &contents, NULL, NULL))
    return g_steal_pointer (&zones);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (lines[i], zi ? " " : "\t", -1);
      const char *name = NULL;

      if (zi && fields[0] != NULL && g_str_equal (fields[0], "Z") && fields[1] != NULL)
        name = fields[1];
      else if (zi && fields[0] != NULL && g_str_equal (fields[0], "L") && fields[1] != NULL &&
               fields[2] != NULL)
        name = fields[2];
      else if (!zi && fields[0] != NULL && fields[0][0] != '#' && fields[1] != NULL &&
               fields[2] != NULL)
        name = fields[2];

      /* Regions only: "Etc/GMT+5", "EST5EDT" and the old names are not what a team picks. */
      if (name != NULL && strchr (name, '/') != NULL && !g_str_has_prefix (name, "Etc/") &&
          !g_str_has_prefix (name, "SystemV/") && g_utf8_validate (name, -1, NULL))
        g_ptr_array_add (zones, g_strdup (name));
    }

  g_ptr_array_sort (zones, compare_strings);

  return g_steal_pointer (&zones);
}

static void
zone_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
zone_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  GtkStringObject *zone = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (zone));
}

static void
build_time_zones (DeskPreferencesWindow *self)
{
  g_autoptr(GPtrArray) zones = read_time_zones ();
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkStringList *list = gtk_string_list_new (NULL);
  g_autoptr(GtkStringObject) system = NULL;
  GtkExpression *expression;

  gtk_string_list_append (list, _("System time zone"));
  system = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_object_set_data (G_OBJECT (system), "desk-system-zone", GINT_TO_POINTER (TRUE));

  for (guint i = 0; i < zones->len; i++)
    if (i == 0 || !g_str_equal (zones->pdata[i], zones->pdata[i - 1]))
      gtk_string_list_append (list, zones->pdata[i]);

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  self->zone_filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_match_mode (self->zone_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->zone_filter, TRUE);
  self->zones = gtk_filter_list_model_new (G_LIST_MODEL (list),
                                           GTK_FILTER (g_object_ref (self->zone_filter)));

  g_signal_connect (factory, "setup", G_CALLBACK (zone_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (zone_bind), NULL);
  gtk_list_view_set_factory (self->time_zone_list, factory);
  gtk_list_view_set_model (self->time_zone_list,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->zones)))));
}

/* Response times: holidays */

static void fill_holidays (DeskPreferencesWindow *self);

static void
on_remove_holiday (DeskPreferencesWindow *self,
                   GtkButton             *button)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "desk-julian")));
  desk_sla_policy_remove_holiday (self->policy, &date);
  save_policy (self);
  fill_holidays (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->holiday_row));
}

static void
fill_holidays (DeskPreferencesWindow *self)
{
  const GDate *holidays;
  guint n_holidays = 0;

  for (guint i = 0; i < self->holiday_rows->len; i++)
    adw_preferences_group_remove (self->holidays_group, g_ptr_array_index (self->holiday_rows, i));
  g_ptr_array_set_size (self->holiday_rows, 0);

  holidays = desk_sla_policy_get_holidays (self->policy, &n_holidays);
  for (guint i = 0; i < n_holidays; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      char iso[16], title[128];
      g_autofree char *escaped = NULL;

      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &holidays[i]);
      /* TRANSLATORS: a holiday's date, as strftime() formats it */
      if (g_date_strftime (title, sizeof title, _("%A, %e %B %Y"), &holidays[i]) == 0)
        g_strlcpy (title, iso, sizeof title);
      escaped = g_markup_escape_text (g_strstrip (title), -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), iso);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Remove Holiday"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove Holiday"), -1);
      g_object_set_data (G_OBJECT (button), "desk-julian",
                         GUINT_TO_POINTER (g_date_get_julian (&holidays[i])));
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_holiday), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (self->holidays_group, row);
      g_ptr_array_add (self->holiday_rows, row);
    }
}

/* "2026-12-25" and nothing else */
static gboolean
parse_date (const char *text,
            GDate      *date)
{
  guint year, month, day;
  char end;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3)
    return FALSE;

  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static void
on_holiday_apply (DeskPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->holiday_row))));
  GDate date;

  if (*text == '\0')
    return;

  if (!parse_date (text, &date))
    {
      set_error (GTK_WIDGET (self->holiday_row), TRUE);
      return;
    }

  desk_sla_policy_add_holiday (self->policy, &date);
  save_policy (self);
  fill_holidays (self);
  gtk_editable_set_text (GTK_EDITABLE (self->holiday_row), "");
}

static void
on_holiday_changed (DeskPreferencesWindow *self)
{
  set_error (GTK_WIDGET (self->holiday_row), FALSE);
}

/* Response times: targets */

static void
update_target_subtitles (DeskPreferencesWindow *self)
{
  struct { AdwActionRow *row; gint64 value; } targets[] = {
    { self->in_hours_row, desk_sla_policy_get_in_hours_target (self->policy) },
    { self->out_of_hours_row, desk_sla_policy_get_out_of_hours_target (self->policy) },
    { self->margin_row, desk_sla_policy_get_due_soon_margin (self->policy) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *text = desk_sla_format_duration (targets[i].value);
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      adw_action_row_set_subtitle (targets[i].row, escaped);
    }
}

static gint64
spin_minutes (GtkSpinButton *spin)
{
  return (gint64) gtk_spin_button_get_value_as_int (spin) * 60 * G_USEC_PER_SEC;
}

static void
on_target_changed (DeskPreferencesWindow *self)
{
  if (self->filling)
    return;

  desk_sla_policy_set_in_hours_target (self->policy, spin_minutes (self->in_hours_spin));
  desk_sla_policy_set_out_of_hours_target (self->policy, spin_minutes (self->out_of_hours_spin));
  desk_sla_policy_set_due_soon_margin (self->policy, spin_minutes (self->margin_spin));
  update_target_subtitles (self);
  save_policy (self);
}

/* Response times: loading */

static void
fill_response_times (DeskPreferencesWindow *self)
{
  g_autofree char *data = g_settings_get_string (self->settings, "sla-policy");
  g_autoptr(DeskSlaPolicy) policy = desk_sla_policy_new ();
  g_autoptr(GError) error = NULL;
  gboolean damaged = FALSE;

  if (*data != '\0' && !desk_sla_policy_load_from_data (policy, data, -1, &error))
    {
      g_debug ("Showing the default response-time policy: %s", error->message);
      damaged = TRUE;
    }

  g_clear_pointer (&self->policy, desk_sla_policy_free);
  self->policy = g_steal_pointer (&policy);
  gtk_widget_set_visible (GTK_WIDGET (self->damaged_group), damaged);

  self->filling = TRUE;

  gtk_switch_set_active (self->business_hours_switch,
                         desk_sla_policy_get_business_hours (self->policy));
  on_business_hours_toggled (self);

  for (guint i = 0; i < G_N_ELEMENTS (self->days); i++)
    {
      DayRow *day = &self->days[i];
      guint n_ranges = 0;
      const DeskSlaRange *ranges = desk_sla_policy_get_hours (self->policy, G_DATE_MONDAY + i,
                                                              &n_ranges);
      g_autofree char *from = format_time (n_ranges > 0 ? ranges[0].open : 9 * 60);
      g_autofree char *to = format_time (n_ranges > 0 ? ranges[n_ranges - 1].close : 17 * 60);

      gtk_switch_set_active (day->open, n_ranges > 0);
      gtk_editable_set_text (GTK_EDITABLE (day->from), from);
      gtk_editable_set_text (GTK_EDITABLE (day->to), to);
      on_day_changed (self, NULL, GTK_WIDGET (day->open));
      update_day_breaks (day, self->policy, G_DATE_MONDAY + i);
    }

  gtk_spin_button_set_value (self->in_hours_spin,
                             desk_sla_policy_get_in_hours_target (self->policy) / (60 * G_USEC_PER_SEC));
  gtk_spin_button_set_value (self->out_of_hours_spin,
                             desk_sla_policy_get_out_of_hours_target (self->policy) / (60 * G_USEC_PER_SEC));
  gtk_spin_button_set_value (self->margin_spin,
                             desk_sla_policy_get_due_soon_margin (self->policy) / (60 * G_USEC_PER_SEC));

  self->filling = FALSE;

  update_time_zone_row (self);
  update_target_subtitles (self);
  fill_holidays (self);
}

static void
on_sla_policy_changed (DeskPreferencesWindow *self)
{
  g_autofree char *data = g_settings_get_string (self->settings, "sla-policy");

  /* Our own save needs no reload; a change from elsewhere does. */
  if (g_strcmp0 (data, self->saved_policy) != 0)
    fill_response_times (self);
}

/* Accounts */

static const char *
network_name (const char *network)
{
  if (g_strcmp0 (network, "bluesky") == 0)
    return _("Bluesky");
  if (g_strcmp0 (network, "mastodon") == 0)
    return _("Mastodon");
  if (g_strcmp0 (network, "telegram") == 0)
    return _("Telegram");
  if (g_strcmp0 (network, "x") == 0)
    return _("X");

  return network;
}

static void
on_dialog_account_added (DeskPreferencesWindow *self,
                         gint64                 account_id,
                         const char            *handle,
                         DeskAccountDialog     *dialog)
{
  g_autofree char *title = g_strdup_printf (_("Signed in as %s"), handle);

  show_toast (self, title);
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account_id, handle);
}

static void
open_account_dialog (DeskPreferencesWindow *self,
                     const DeskAccountInfo *account)
{
  DeskAccountDialog *dialog = desk_account_dialog_new (GTK_WINDOW (self), self->store);

  if (account != NULL)
    desk_account_dialog_set_account (dialog, account->network, account->handle,
                                     account->server_url);
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (on_dialog_account_added), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_add_account (DeskPreferencesWindow *self)
{
  open_account_dialog (self, NULL);
}

static void
on_sign_in_again (DeskPreferencesWindow *self,
                  GtkButton             *button)
{
  open_account_dialog (self, g_object_get_data (G_OBJECT (button), "desk-account"));
}

static void
credentials_cleared_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(DeskPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!desk_credentials_clear_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The account was removed, but its sign-in "
                                                 "could not be deleted from the keyring: %s"),
                                               error->message);
      show_toast (self, text);
    }
}

static void
remove_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DeskPreferencesWindow *self = source_object;
  GError *error = NULL;

  if (desk_store_remove_account (self->store, *(gint64 *) task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DeskPreferencesWindow *self = DESK_PREFERENCES_WINDOW (object);
  gint64 account_id = *(gint64 *) g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  /* The store's accounts-changed refreshes the list (and stops the account's sync). */
  desk_credentials_clear_async (account_id, NULL, NULL, credentials_cleared_cb, g_object_ref (self));
}

static void
on_remove_response (AdwMessageDialog      *dialog,
                    const char            *response,
                    DeskPreferencesWindow *self)
{
  const DeskAccountInfo *account = g_object_get_data (G_OBJECT (dialog), "desk-account");
  g_autoptr(GTask) task = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;

  task = g_task_new (self, self->cancellable, removed_cb, NULL);
  g_task_set_source_tag (task, on_remove_response);
  g_task_set_task_data (task, g_memdup2 (&account->id, sizeof account->id), g_free);
  g_task_run_in_thread (task, remove_in_thread);
}

static void
on_remove_account (DeskPreferencesWindow *self,
                   GtkButton             *button)
{
  const DeskAccountInfo *account = g_object_get_data (G_OBJECT (button), "desk-account");
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Account?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The conversations of %s are removed from this computer; "
                                    "nothing is deleted on the network."),
                                  account->handle);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "desk-account", desk_account_info_copy (account),
                          (GDestroyNotify) desk_account_info_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
account_button_new (const char            *label,
                    const DeskAccountInfo *account,
                    GCallback              callback,
                    DeskPreferencesWindow *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "desk-account", desk_account_info_copy (account),
                          (GDestroyNotify) desk_account_info_free);
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_SWAPPED);

  return button;
}

static void
accounts_listed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DeskPreferencesWindow) self = user_data;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  accounts = desk_store_list_accounts_finish (DESK_STORE (object), result, &error);
  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  for (guint i = 0; i < self->account_rows->len; i++)
    adw_preferences_group_remove (self->accounts_group, g_ptr_array_index (self->account_rows, i));
  g_ptr_array_set_size (self->account_rows, 0);

  for (guint i = 0; i < accounts->len; i++)
    {
      const DeskAccountInfo *account = g_ptr_array_index (accounts, i);
      gboolean needs_sign_in = g_strcmp0 (account->state, "needs-sign-in") == 0;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *sign_in, *remove;
      g_autofree char *title = g_markup_escape_text (account->handle, -1);
      g_autofree char *subtitle = NULL;

      if (account->server_url != NULL && *account->server_url != '\0')
        subtitle = g_strdup_printf ("%s · %s", network_name (account->network), account->server_url);
      else
        subtitle = g_strdup (network_name (account->network));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      {
        g_autofree char *escaped = g_markup_escape_text (subtitle, -1);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      }

      if (needs_sign_in)
        {
          GtkWidget *state = gtk_label_new (_("Needs signing in again"));

          gtk_widget_add_css_class (state, "warning");
          gtk_label_set_wrap (GTK_LABEL (state), TRUE);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
        }

      sign_in = account_button_new (_("Sign In _Again…"), account, G_CALLBACK (on_sign_in_again), self);
      gtk_widget_add_css_class (sign_in, needs_sign_in ? "suggested-action" : "flat");

      /* A quiet icon in every row; the confirmation is where it turns red. */
      remove = account_button_new (_("_Remove…"), account, G_CALLBACK (on_remove_account), self);
      gtk_button_set_icon_name (GTK_BUTTON (remove), "user-trash-symbolic");
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove Account…"));
      {
        /* Translators: the accessible name of an account's remove button; %s is its handle */
        g_autofree char *label = g_strdup_printf (_("Remove %s"), account->handle);

        gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
      }

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sign_in);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

      adw_preferences_group_add (self->accounts_group, row);
      g_ptr_array_add (self->account_rows, row);
    }

  if (accounts->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No accounts yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Add the business account of each network you answer on."));
      adw_preferences_group_add (self->accounts_group, row);
      g_ptr_array_add (self->account_rows, row);
    }
}

static void
refresh_accounts (DeskPreferencesWindow *self)
{
  desk_store_list_accounts_async (self->store, self->cancellable, accounts_listed_cb,
                                  g_object_ref (self));
}

/* Object */

static void
desk_preferences_window_dispose (GObject *object)
{
  DeskPreferencesWindow *self = (DeskPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->signature_idle, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->zones);
  g_clear_object (&self->zone_filter);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (desk_preferences_window_parent_class)->dispose (object);
}

static void
desk_preferences_window_finalize (GObject *object)
{
  DeskPreferencesWindow *self = (DeskPreferencesWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->policy, desk_sla_policy_free);
  g_clear_pointer (&self->saved_policy, g_free);
  g_clear_pointer (&self->holiday_rows, g_ptr_array_unref);
  g_clear_pointer (&self->account_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (desk_preferences_window_parent_class)->finalize (object);
}

static void
desk_preferences_window_class_init (DeskPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_preferences_window_dispose;
  object_class->finalize = desk_preferences_window_finalize;

  /**
   * DeskPreferencesWindow::account-added:
   * @account_id: the account's id in the store
   * @handle: the account's handle
   *
   * An account was added, or signed in again, from the Accounts page: its sync may start now.
   */
  signals[ACCOUNT_ADDED] =
    g_signal_new ("account-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/frontdesk/Frontdesk/desk-preferences-window.ui");

  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, initials_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, signature_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, preview_label);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, damaged_group);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, hours_group);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, business_hours_switch);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, time_zone_button);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, time_zone_popover);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, time_zone_search);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, time_zone_list);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, holidays_group);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, holiday_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, in_hours_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, out_of_hours_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, margin_row);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, in_hours_spin);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, out_of_hours_spin);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, margin_spin);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, notify_messages_switch);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, notify_due_switch);
  gtk_widget_class_bind_template_child (widget_class, DeskPreferencesWindow, accounts_group);

  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_initials_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_signature_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_business_hours_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_time_zone_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_time_zone_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_time_zone_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_time_zone_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_holiday_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_holiday_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_target_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_account);
}

static void
desk_preferences_window_init (DeskPreferencesWindow *self)
{
  self->filling = TRUE;   /* the template sets values before the settings are read */
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;

  self->cancellable = g_cancellable_new ();
  self->holiday_rows = g_ptr_array_new ();
  self->account_rows = g_ptr_array_new ();
  self->settings = g_settings_new ("org.frontdesk.Frontdesk");

  build_day_rows (self);
  build_time_zones (self);

  g_settings_bind (self->settings, "notify-new-messages", self->notify_messages_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-due-soon", self->notify_due_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::sla-policy",
                           G_CALLBACK (on_sla_policy_changed), self, G_CONNECT_SWAPPED);

  fill_agent (self);
  fill_response_times (self);
}

/**
 * desk_preferences_window_new:
 * @parent: (nullable): the main window
 * @store: the store, for the accounts and tags
 */
DeskPreferencesWindow *
desk_preferences_window_new (GtkWindow *parent,
                             DeskStore *store)
{
  DeskPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  self = g_object_new (DESK_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (desk_tags_page_new (store)));

  g_signal_connect_object (store, "accounts-changed", G_CALLBACK (refresh_accounts), self,
                           G_CONNECT_SWAPPED);
  refresh_accounts (self);

  return self;
}
