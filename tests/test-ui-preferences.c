/* test-ui-preferences.c: the preferences window and the notifications, through the real widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh (Xvfb, a private D-Bus session, an unlocked keyring).
 * Notifications go to a fake org.freedesktop.Notifications this test owns on that bus, so what
 * g_application_send_notification() really sent is checked too.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "desk-clock.h"
#include "desk-conversation.h"
#include "desk-notifier.h"
#include "desk-preferences-window.h"
#include "desk-sla.h"
#include "desk-test-util.h"

/* Finding widgets */

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      if (title == NULL)
        return widget;
      if (ADW_IS_PREFERENCES_ROW (widget) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The @n-th (0-based) widget of @type inside the row titled @title */
static GtkWidget *
in_row (GtkWidget  *window,
        const char *title,
        GType       type,
        guint       n)
{
  GtkWidget *row = find_widget (window, ADW_TYPE_PREFERENCES_ROW, title);
  GtkWidget *found = NULL;

  g_assert_nonnull (row);

  /* Walk the row's subtree in order, counting matches. */
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL; )
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && n-- == 0)
        {
          found = child;
          break;
        }

      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && child != row && gtk_widget_get_next_sibling (child) == NULL)
            child = gtk_widget_get_parent (child);
          if (child == NULL || child == row)
            break;
          child = gtk_widget_get_next_sibling (child);
        }
    }

  g_assert_nonnull (found);
  return found;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_tooltip_button (GtkWidget  *widget,
                     const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_tooltip_button (child, tooltip);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;

  return FALSE;
}

static GtkWidget *
find_label_starting (GtkWidget  *widget,
                     const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_starting (child, prefix);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_row_by_subtitle (GtkWidget  *widget,
                      const char *subtitle)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), subtitle) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_by_subtitle (child, subtitle);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
row_subtitle (GtkWidget  *window,
              const char *title)
{
  GtkWidget *row = find_widget (window, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static void
set_text (GtkWidget  *editable,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  while (g_main_context_iteration (NULL, FALSE));
}

static char *
setting (const char *key)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");

  return g_settings_get_string (settings, key);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  const char *keys[] = { "agent-name", "agent-initials", "signature-format", "sla-policy",
                         "notify-new-messages", "notify-due-soon" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static DeskPreferencesWindow *
open_window (DeskStore *store)
{
  DeskPreferencesWindow *window = desk_preferences_window_new (NULL, store);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (DeskPreferencesWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE));
}

/* Agent */

static void
test_agent (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  DeskPreferencesWindow *window;
  GtkWidget *name, *initials, *format, *preview;

  reset_settings ();
  window = open_window (store);

  name = find_widget (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "Name");
  initials = in_row (GTK_WIDGET (window), "Initials", GTK_TYPE_ENTRY, 0);
  format = find_widget (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "Signature Format");
  preview = find_label_starting (find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "A Reply Ends Like This"),
                                 "Thanks!");
  g_assert_nonnull (preview);
  g_assert_nonnull (name);
  g_assert_nonnull (format);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (preview)));

  /* Initials come from the name while none are set, shown as the placeholder. */
  set_text (name, "Maja Jurić");
  g_assert_cmpstr (setting ("agent-name"), ==, "Maja Jurić");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (initials)), ==, "MJ");
  g_assert_cmpstr (setting ("agent-initials"), ==, "");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (preview)), ==, "Thanks! —MJ");

  set_text (initials, "MK");
  g_assert_cmpstr (setting ("agent-initials"), ==, "MK");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (preview)), ==, "Thanks! —MK");

  set_text (format, "~%s (Support)");
  g_assert_cmpstr (setting ("signature-format"), ==, "~%s (Support)");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (preview)), ==, "Thanks! ~MK (Support)");
  g_assert_false (gtk_widget_has_css_class (format, "error"));

  /* Two places for the initials: refused, marked, not saved. */
  set_text (format, "%s and %s");
  g_assert_true (gtk_widget_has_css_class (format, "error"));
  g_assert_cmpstr (setting ("signature-format"), ==, "~%s (Support)");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (preview)), ==, "Thanks! ~MK (Support)");

  /* Text is never markup. */
  set_text (initials, "<b>");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (preview)), ==, "Thanks! ~<b> (Support)");

  close_window (window);
}

/* Response times */

static DeskSlaPolicy *
stored_policy (void)
{
  g_autofree char *data = setting ("sla-policy");
  g_autoptr(DeskSlaPolicy) policy = desk_sla_policy_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (data, !=, "");
  g_assert_true (desk_sla_policy_load_from_data (policy, data, -1, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&policy);
}

static GDate *
date_new (guint day,
          guint month,
          guint year)
{
  return g_date_new_dmy (day, month, year);
}

static void
test_response_times (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskSlaPolicy) expected = desk_sla_policy_new ();
  g_autoptr(DeskSlaPolicy) saved = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  DeskPreferencesWindow *window;
  GtkWidget *search, *holiday, *wednesday_from;
  GDate *christmas = date_new (25, 12, 2026);
  GDate *new_year = date_new (1, 1, 2027);

  reset_settings ();
  window = open_window (store);

  /* Every page fits a phone's 360 px, weekday rows and all (the content: a 360 px window has
   * no shadow around it). */
  for (const char *page = "agent"; page != NULL;
       page = g_str_equal (page, "agent") ? "response-times" : g_str_equal (page, "response-times") ? "accounts" : NULL)
    {
      int min_width = 0;

      adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), page);
      gtk_widget_measure (gtk_widget_get_first_child (GTK_WIDGET (window)), GTK_ORIENTATION_HORIZONTAL, -1,
                          &min_width, NULL, NULL, NULL);
      g_assert_cmpint (min_width, <=, 360);
    }

  /* Tuesday 10:00–18:30; Saturday opens 10:00–14:00 */
  set_text (in_row (GTK_WIDGET (window), "Tuesday", GTK_TYPE_ENTRY, 0), "10:00");
  set_text (in_row (GTK_WIDGET (window), "Tuesday", GTK_TYPE_ENTRY, 1), "18:30");
  gtk_switch_set_active (GTK_SWITCH (in_row (GTK_WIDGET (window), "Saturday", GTK_TYPE_SWITCH, 0)), TRUE);
  set_text (in_row (GTK_WIDGET (window), "Saturday", GTK_TYPE_ENTRY, 0), "10:00");
  set_text (in_row (GTK_WIDGET (window), "Saturday", GTK_TYPE_ENTRY, 1), "14:00");
  desk_sla_policy_set_closed (expected, G_DATE_TUESDAY);
  desk_sla_policy_add_hours (expected, G_DATE_TUESDAY, 10 * 60, 18 * 60 + 30);
  desk_sla_policy_add_hours (expected, G_DATE_SATURDAY, 10 * 60, 14 * 60);

  /* The time zone, searched and taken with Enter */
  {
    GtkMenuButton *button = GTK_MENU_BUTTON (in_row (GTK_WIDGET (window), "Time Zone", GTK_TYPE_MENU_BUTTON, 0));

    gtk_menu_button_popup (button);
    search = find_widget (GTK_WIDGET (gtk_menu_button_get_popover (button)), GTK_TYPE_SEARCH_ENTRY, NULL);
  }
  g_assert_nonnull (search);
  set_text (search, "ljubljana");
  g_signal_emit_by_name (search, "activate");
  g_assert_true (desk_sla_policy_set_time_zone (expected, "Europe/Ljubljana", NULL));
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (window), "Time Zone"), ==, "Europe/Ljubljana");

  /* Two holidays, one removed again */
  holiday = find_widget (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "Add a Holiday (YYYY-MM-DD)");
  set_text (holiday, "2026-12-25");
  g_signal_emit_by_name (holiday, "apply");
  set_text (holiday, "2027-01-01");
  g_signal_emit_by_name (holiday, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (holiday)), ==, "");
  desk_sla_policy_add_holiday (expected, christmas);
  desk_sla_policy_add_holiday (expected, new_year);
  saved = stored_policy ();
  g_assert_true (desk_sla_policy_is_holiday (saved, new_year));
  g_clear_pointer (&saved, desk_sla_policy_free);

  {
    GtkWidget *row = find_row_by_subtitle (GTK_WIDGET (window), "2027-01-01");

    g_assert_nonnull (row);
    g_signal_emit_by_name (in_row (row, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                   GTK_TYPE_BUTTON, 0), "clicked");
    g_assert_null (find_row_by_subtitle (GTK_WIDGET (window), "2027-01-01"));
  }
  desk_sla_policy_remove_holiday (expected, new_year);

  /* A date that does not exist is refused. */
  before = setting ("sla-policy");
  set_text (holiday, "2026-02-30");
  g_signal_emit_by_name (holiday, "apply");
  g_assert_true (gtk_widget_has_css_class (holiday, "error"));
  after = setting ("sla-policy");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* Targets in minutes */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "During Business Hours", GTK_TYPE_SPIN_BUTTON, 0)), 30);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "Without Business Hours", GTK_TYPE_SPIN_BUTTON, 0)), 240);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "Due Soon Before the Target", GTK_TYPE_SPIN_BUTTON, 0)), 10);
  desk_sla_policy_set_in_hours_target (expected, G_GINT64_CONSTANT (30) * 60 * G_USEC_PER_SEC);
  desk_sla_policy_set_out_of_hours_target (expected, G_GINT64_CONSTANT (240) * 60 * G_USEC_PER_SEC);
  desk_sla_policy_set_due_soon_margin (expected, G_GINT64_CONSTANT (10) * 60 * G_USEC_PER_SEC);

  saved = stored_policy ();
  g_assert_true (desk_sla_policy_equal (saved, expected));
  g_clear_pointer (&saved, desk_sla_policy_free);

  /* Invalid times are marked and not saved: an hour past 24, a closing before the opening. */
  g_clear_pointer (&before, g_free);
  before = setting ("sla-policy");
  wednesday_from = in_row (GTK_WIDGET (window), "Wednesday", GTK_TYPE_ENTRY, 0);
  set_text (wednesday_from, "25:00");
  g_assert_true (gtk_widget_has_css_class (wednesday_from, "error"));
  set_text (wednesday_from, "9h");
  g_assert_true (gtk_widget_has_css_class (wednesday_from, "error"));
  set_text (wednesday_from, "18:00");
  g_assert_true (gtk_widget_has_css_class (in_row (GTK_WIDGET (window), "Wednesday", GTK_TYPE_ENTRY, 1), "error"));
  after = setting ("sla-policy");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* Fixed, it is saved. */
  set_text (wednesday_from, "8:30");
  g_assert_false (gtk_widget_has_css_class (wednesday_from, "error"));
  desk_sla_policy_set_closed (expected, G_DATE_WEDNESDAY);
  desk_sla_policy_add_hours (expected, G_DATE_WEDNESDAY, 8 * 60 + 30, 17 * 60);

  /* Business hours off */
  gtk_switch_set_active (GTK_SWITCH (in_row (GTK_WIDGET (window), "Keep Business Hours", GTK_TYPE_SWITCH, 0)), FALSE);
  desk_sla_policy_set_business_hours (expected, FALSE);

  saved = stored_policy ();
  g_assert_true (desk_sla_policy_equal (saved, expected));

  close_window (window);

  /* A new window shows what was saved. */
  window = open_window (store);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Wednesday", GTK_TYPE_ENTRY, 0))), ==, "08:30");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (in_row (GTK_WIDGET (window), "Keep Business Hours", GTK_TYPE_SWITCH, 0))));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "During Business Hours", GTK_TYPE_SPIN_BUTTON, 0))), ==, 30);
  close_window (window);

  g_date_free (christmas);
  g_date_free (new_year);
}

/* A damaged value shows the defaults and a warning, without a warning in the log, and stays. */
static void
test_damaged_policy (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  DeskPreferencesWindow *window;
  GtkWidget *warning;

  reset_settings ();
  g_settings_set_string (settings, "sla-policy", "{\"hours\": {\"monday\": [\"9 to 5\"]");
  window = open_window (store);

  warning = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW,
                         "The saved response-time settings are damaged");
  g_assert_nonnull (warning);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (warning, ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Monday", GTK_TYPE_ENTRY, 0))), ==, "09:00");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Monday", GTK_TYPE_ENTRY, 1))), ==, "17:00");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (in_row (GTK_WIDGET (window), "Sunday", GTK_TYPE_SWITCH, 0))));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "During Business Hours", GTK_TYPE_SPIN_BUTTON, 0))), ==, 60);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "Due Soon Before the Target", GTK_TYPE_SPIN_BUTTON, 0))), ==, 15);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (window), "Time Zone"), ==, "System time zone");

  {
    g_autofree char *kept = setting ("sla-policy");
    g_assert_cmpstr (kept, ==, "{\"hours\": {\"monday\": [\"9 to 5\"]");
  }

  /* A change replaces it, and the warning goes. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (in_row (GTK_WIDGET (window), "During Business Hours", GTK_TYPE_SPIN_BUTTON, 0)), 45);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (warning, ADW_TYPE_PREFERENCES_GROUP)));
  {
    g_autoptr(DeskSlaPolicy) saved = stored_policy ();
    g_assert_cmpint (desk_sla_policy_get_in_hours_target (saved), ==, G_GINT64_CONSTANT (45) * 60 * G_USEC_PER_SEC);
  }

  close_window (window);
}

/* Notifications: the switches write the settings. */
static void
test_notification_switches (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  DeskPreferencesWindow *window;

  reset_settings ();
  window = open_window (store);

  gtk_switch_set_active (GTK_SWITCH (in_row (GTK_WIDGET (window), "New Messages", GTK_TYPE_SWITCH, 0)), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notify-new-messages"));
  g_assert_true (g_settings_get_boolean (settings, "notify-due-soon"));
  gtk_switch_set_active (GTK_SWITCH (in_row (GTK_WIDGET (window), "Replies Due Soon", GTK_TYPE_SWITCH, 0)), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notify-due-soon"));

  close_window (window);
}

/* Accounts */

static gint64
add_account (DeskStore  *store,
             const char *network,
             const char *handle)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remote_id = g_strdup_printf ("id-%s", handle);
  DeskAccountInfo info = {
    .network = (char *) network,
    .remote_id = remote_id,
    .handle = (char *) handle,
    .server_url = (char *) "http://127.0.0.1",
  };
  gint64 id = desk_store_add_account (store, &info, &error);

  g_assert_no_error (error);
  return id;
}

static gboolean
row_shown (gpointer data)
{
  return find_widget (data, ADW_TYPE_ACTION_ROW, "@ana.example") != NULL &&
         find_widget (data, ADW_TYPE_ACTION_ROW, "&lt;b&gt;help&lt;/b&gt;") != NULL;
}

static GtkWindow *
message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return message_dialog () != NULL;
}

static gboolean
account_gone (gpointer data)
{
  DeskPreferencesWindow *window = data;

  return find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "@ana.example") == NULL;
}

static void
test_accounts (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  DeskPreferencesWindow *window;
  GtkWidget *row, *remove;
  gint64 ana, help;

  reset_settings ();
  ana = add_account (store, "bluesky", "@ana.example");
  help = add_account (store, "telegram", "<b>help</b>");
  g_assert_true (desk_store_set_account_state (store, help, "needs-sign-in", &error));
  g_assert_no_error (error);

  window = open_window (store);
  desk_test_wait_until (row_shown, window);

  /* The handle is text, the state says what to do. */
  row = find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "&lt;b&gt;help&lt;/b&gt;");
  g_assert_true (has_label (row, "<b>help</b>"));
  g_assert_true (has_label (row, "Needs signing in again"));
  g_assert_false (has_label (find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "@ana.example"),
                             "Needs signing in again"));
  g_assert_nonnull (find_button (row, "Sign In _Again…"));

  /* Remove asks first; cancelling keeps the account. */
  remove = find_tooltip_button (find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, "@ana.example"),
                                "Remove Account…");
  g_signal_emit_by_name (remove, "clicked");
  desk_test_wait_until (has_message_dialog, NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message_dialog ()), "cancel");
  while (g_main_context_iteration (NULL, FALSE));
  accounts = desk_store_list_accounts (store, &error);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_clear_pointer (&accounts, g_ptr_array_unref);

  g_signal_emit_by_name (remove, "clicked");
  desk_test_wait_until (has_message_dialog, NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message_dialog ()), "remove");
  desk_test_wait_until (account_gone, window);

  accounts = desk_store_list_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpint (((DeskAccountInfo *) accounts->pdata[0])->id, ==, help);
  g_assert_cmpint (ana, !=, help);

  close_window (window);
}

/* The notifier, against a fake notification server on the test's session bus */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "  </interface>"
  "</node>";

static GPtrArray *server_summaries;   /* what reached the fake server */
static guint server_closed;
static gboolean server_ready;

static void
server_method (GDBusConnection       *connection,
               const char            *sender,
               const char            *path,
               const char            *interface,
               const char            *method,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  static guint32 next_id = 1;

  if (g_str_equal (method, "Notify"))
    {
      const char *summary = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_ptr_array_add (server_summaries, g_strdup (summary));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", next_id++));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      server_closed++;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "body", "actions", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "fake", "frontdesk", "1", "1.2"));
    }
}

static void
name_acquired (GDBusConnection *connection,
               const char      *name,
               gpointer         user_data)
{
  server_ready = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { server_method, NULL, NULL, { 0 } };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired, NULL, NULL, NULL);
  server_summaries = g_ptr_array_new_with_free_func (g_free);
  desk_test_wait_until (flag_set, &server_ready);
}

typedef struct
{
  GPtrArray *sent;        /* "id|title|body" */
  GPtrArray *withdrawn;
  gint64     target;      /* the conversation the last one opens */
} Observed;

static void
on_sent (DeskNotifier *notifier,
         const char   *id,
         const char   *title,
         const char   *body,
         gint64        conversation_id,
         Observed     *observed)
{
  observed->target = conversation_id;
  g_ptr_array_add (observed->sent, g_strdup_printf ("%s|%s|%s", id, title, body));
}

static void
on_withdrawn (DeskNotifier *notifier,
              const char   *id,
              Observed     *observed)
{
  g_ptr_array_add (observed->withdrawn, g_strdup (id));
}

static GApplication *
registered_app (void)
{
  GApplication *app = g_application_new ("org.frontdesk.Frontdesk.NotifierTest", G_APPLICATION_NON_UNIQUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_application_register (app, NULL, &error));
  g_assert_no_error (error);
  return app;
}

static gboolean
notifier_ready (gpointer data)
{
  return desk_notifier_get_ready (data);
}

static gboolean
n_sent_at_least (gpointer data)
{
  Observed *observed = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return observed->sent->len >= n;
}

static void
wait_sent (Observed *observed,
           guint     n)
{
  gpointer data[2] = { observed, GUINT_TO_POINTER (n) };

  desk_test_wait_until (n_sent_at_least, data);
}

static gboolean
n_withdrawn_at_least (gpointer data)
{
  Observed *observed = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return observed->withdrawn->len >= n;
}

static void
ingest (DeskStore *store,
        gint64     account,
        ...)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  DeskMessage *message;
  va_list args;

  va_start (args, account);
  while ((message = va_arg (args, DeskMessage *)) != NULL)
    g_ptr_array_add (batch, message);
  va_end (args);

  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

static void
test_notifier_new_messages (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GApplication) app = registered_app ();
  g_autoptr(DeskNotifier) notifier = NULL;
  Observed observed = { g_ptr_array_new_with_free_func (g_free),
                        g_ptr_array_new_with_free_func (g_free), 0 };
  gint64 account = desk_test_add_account (store, "bluesky");
  gint64 now = g_get_real_time ();
  gint64 old, fresh;
  g_autofree char *expected = NULL;
  GtkWidget *window;

  reset_settings ();
  desk_clock_set_now_for_testing (0);

  /* Waiting before the start: never notified. */
  ingest (store, account, desk_test_message ("m1", "old", DESK_DIRECTION_IN, now - 60 * G_USEC_PER_SEC, "Hello?"), NULL);
  old = desk_test_conversation_id (store, "old");

  notifier = desk_notifier_new (app, store);
  window = gtk_window_new ();   /* never focused under Xvfb without a window manager */
  desk_notifier_set_window (notifier, GTK_WINDOW (window));
  g_signal_connect (notifier, "sent", G_CALLBACK (on_sent), &observed);
  g_signal_connect (notifier, "withdrawn", G_CALLBACK (on_withdrawn), &observed);
  desk_test_wait_until (notifier_ready, notifier);
  run_for (100);
  g_assert_cmpuint (observed.sent->len, ==, 0);

  /* A new customer message: one notification, the customer and the text. */
  ingest (store, account, desk_test_message ("m2", "fresh", DESK_DIRECTION_IN, now, "Is my <b>order</b> shipped?"), NULL);
  fresh = desk_test_conversation_id (store, "fresh");
  wait_sent (&observed, 1);
  run_for (100);
  g_assert_cmpuint (observed.sent->len, ==, 1);
  expected = g_strdup_printf ("conversation-%" G_GINT64_FORMAT "|Customer fresh|Is my <b>order</b> shipped?", fresh);
  g_assert_cmpstr (observed.sent->pdata[0], ==, expected);
  g_assert_cmpint (observed.target, ==, fresh);

  /* The real call reached the notification server. */
  while (server_summaries->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (server_summaries->pdata[server_summaries->len - 1], ==, "Customer fresh");

  /* A second message in the same conversation replaces it (same id). */
  ingest (store, account, desk_test_message ("m3", "fresh", DESK_DIRECTION_IN, now + 1, "Hello??"), NULL);
  wait_sent (&observed, 2);
  {
    g_autofree char *same = g_strdup_printf ("conversation-%" G_GINT64_FORMAT "|Customer fresh|Hello??", fresh);
    g_assert_cmpstr (observed.sent->pdata[1], ==, same);
  }

  /* Answered: withdrawn. */
  ingest (store, account, desk_test_message ("r1", "fresh", DESK_DIRECTION_OUT, now + 2, "Yes! —MJ"), NULL);
  {
    gpointer data[2] = { &observed, GUINT_TO_POINTER (1) };
    g_autofree char *key = g_strdup_printf ("conversation-%" G_GINT64_FORMAT, fresh);

    desk_test_wait_until (n_withdrawn_at_least, data);
    g_assert_cmpstr (observed.withdrawn->pdata[0], ==, key);
  }

  /* Many at once: one notification. */
  ingest (store, account,
          desk_test_message ("a1", "t1", DESK_DIRECTION_IN, now + 3, "One"),
          desk_test_message ("a2", "t2", DESK_DIRECTION_IN, now + 4, "Two"),
          desk_test_message ("a3", "t3", DESK_DIRECTION_IN, now + 5, "Three"),
          NULL);
  wait_sent (&observed, 3);
  run_for (100);
  g_assert_cmpuint (observed.sent->len, ==, 3);
  g_assert_true (g_str_has_prefix (observed.sent->pdata[2], "new-messages|New messages in 3 conversations|"));
  g_assert_nonnull (strstr (observed.sent->pdata[2], "Customer t2"));

  /* Turned off: nothing. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");

    g_settings_set_boolean (settings, "notify-new-messages", FALSE);
    ingest (store, account, desk_test_message ("m9", "old", DESK_DIRECTION_IN, now + 6, "Anyone?"), NULL);
    run_for (300);
    g_assert_cmpuint (observed.sent->len, ==, 3);
  }

  (void) old;
  gtk_window_destroy (GTK_WINDOW (window));
  g_ptr_array_unref (observed.sent);
  g_ptr_array_unref (observed.withdrawn);
}

static void
test_notifier_due_soon (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GApplication) app = registered_app ();
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  g_autoptr(DeskNotifier) notifier = NULL;
  Observed observed = { g_ptr_array_new_with_free_func (g_free),
                        g_ptr_array_new_with_free_func (g_free), 0 };
  gint64 account = desk_test_add_account (store, "mastodon");
  gint64 start = G_GINT64_CONSTANT (1798800000) * G_USEC_PER_SEC;   /* 2027-01-01 */
  gint64 minute = 60 * G_USEC_PER_SEC;
  gint64 waiting;
  g_autofree char *key = NULL;

  reset_settings ();
  /* Around the clock, one hour, due soon 15 minutes before */
  g_settings_set_string (settings, "sla-policy",
                         "{\"business-hours\": false, \"out-of-hours-target-seconds\": 3600,"
                         " \"due-soon-margin-seconds\": 900}");

  desk_clock_set_now_for_testing (start + 10 * minute);
  ingest (store, account, desk_test_message ("q1", "late", DESK_DIRECTION_IN, start, "Where is it?"), NULL);
  waiting = desk_test_conversation_id (store, "late");
  key = g_strdup_printf ("due-%" G_GINT64_FORMAT "|Reply to Customer late soon|Due in 15 min.", waiting);

  notifier = desk_notifier_new (app, store);
  g_signal_connect (notifier, "sent", G_CALLBACK (on_sent), &observed);
  desk_test_wait_until (notifier_ready, notifier);

  desk_clock_set_now_for_testing (start + 44 * minute);
  run_for (50);
  g_assert_cmpuint (observed.sent->len, ==, 0);

  desk_clock_set_now_for_testing (start + 45 * minute);
  g_assert_cmpuint (observed.sent->len, ==, 1);
  g_assert_cmpstr (observed.sent->pdata[0], ==, key);
  g_assert_cmpint (observed.target, ==, waiting);

  /* Once per wait */
  desk_clock_set_now_for_testing (start + 50 * minute);
  desk_clock_set_now_for_testing (start + 70 * minute);
  run_for (50);
  g_assert_cmpuint (observed.sent->len, ==, 1);

  desk_clock_set_now_for_testing (0);
  g_ptr_array_unref (observed.sent);
  g_ptr_array_unref (observed.withdrawn);
}

/* A day kept with a lunch break keeps it when its hours are edited, and says so in its row. */
static void
test_day_with_break (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  g_autoptr(DeskSlaPolicy) policy = NULL;
  DeskPreferencesWindow *window;
  const DeskSlaRange *ranges;
  guint n_ranges = 0;

  reset_settings ();
  g_settings_set_string (settings, "sla-policy",
                         "{\"hours\": {\"monday\": [\"09:00-12:00\", \"13:00-17:00\"],"
                         " \"tuesday\": [\"09:00-17:00\"]}}");
  window = open_window (store);

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Monday", GTK_TYPE_ENTRY, 0))), ==, "09:00");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Monday", GTK_TYPE_ENTRY, 1))), ==, "17:00");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (window), "Monday"), ==, "Closed 12:00–13:00");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (window), "Tuesday"), ==, "");

  /* Closing later keeps the break */
  gtk_editable_set_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Monday", GTK_TYPE_ENTRY, 1)), "18:00");
  policy = stored_policy ();
  ranges = desk_sla_policy_get_hours (policy, G_DATE_MONDAY, &n_ranges);
  g_assert_cmpuint (n_ranges, ==, 2);
  g_assert_cmpuint (ranges[0].open, ==, 9 * 60);
  g_assert_cmpuint (ranges[0].close, ==, 12 * 60);
  g_assert_cmpuint (ranges[1].open, ==, 13 * 60);
  g_assert_cmpuint (ranges[1].close, ==, 18 * 60);
  g_clear_pointer (&policy, desk_sla_policy_free);

  /* Closing before the break ends the day there: one range, and the row says no break */
  gtk_editable_set_text (GTK_EDITABLE (in_row (GTK_WIDGET (window), "Monday", GTK_TYPE_ENTRY, 1)), "11:30");
  policy = stored_policy ();
  ranges = desk_sla_policy_get_hours (policy, G_DATE_MONDAY, &n_ranges);
  g_assert_cmpuint (n_ranges, ==, 1);
  g_assert_cmpuint (ranges[0].close, ==, 11 * 60 + 30);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (window), "Monday"), ==, "");

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  /* No window manager under Xvfb: a blinking cursor would find itself without focus and warn. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  start_notification_server ();

  /* desk_clock_set_now_for_testing() reads the signal id before it makes the clock: make it. */
  desk_clock_get_default ();

  g_test_add_func ("/ui/preferences/agent", test_agent);
  g_test_add_func ("/ui/preferences/response-times", test_response_times);
  g_test_add_func ("/ui/preferences/damaged-policy", test_damaged_policy);
  g_test_add_func ("/ui/preferences/day-with-break", test_day_with_break);
  g_test_add_func ("/ui/preferences/notification-switches", test_notification_switches);
  g_test_add_func ("/ui/preferences/accounts", test_accounts);
  g_test_add_func ("/ui/notifier/new-messages", test_notifier_new_messages);
  g_test_add_func ("/ui/notifier/due-soon", test_notifier_due_soon);

  return g_test_run ();
}
