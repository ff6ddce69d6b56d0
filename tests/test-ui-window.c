/* test-ui-window.c: the triage workspace as an agent uses it, driven through its real widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh (Xvfb, a private D-Bus session, an unlocked keyring),
 * with warnings fatal. Each test writes an inbox through the core API, closes it, starts the
 * application on it and checks what the window shows and what the store holds after keyboard
 * actions. Time is the test clock (desk-clock.h), so badges are checked at chosen instants.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "desk-application.h"
#include "desk-canned-picker.h"
#include "desk-canned.h"
#include "desk-conversation-view.h"
#include "desk-clock.h"
#include "desk-inbox-row.h"
#include "desk-test-util.h"
#include "desk-window.h"

#define MINUTE (G_USEC_PER_SEC * G_GINT64_CONSTANT (60))

/* Monday 2026-11-23 10:00 UTC: the start of every test's story */
#define T0 (G_GINT64_CONSTANT (1795428000) * G_USEC_PER_SEC)

typedef void (*CheckFunc) (DeskWindow *window,
                           gpointer    data);

typedef struct
{
  CheckFunc  check;
  gpointer   data;
  gboolean   running;
  gboolean   checked;
} RunData;

static gboolean
inbox_settled (gpointer data)
{
  DeskWindow *window = data;
  DeskInboxModel *model = desk_window_get_inbox_model (window);
  const char *view = desk_window_get_view_name (window);

  return g_strcmp0 (view, "error") == 0 ||
         (model != NULL && !desk_inbox_model_get_loading (model) && g_strcmp0 (view, "loading") != 0);
}

static void
on_activate (DeskApplication *app,
             RunData         *data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* The app activates again when a notification is clicked: that one just shows the window. */
  if (data->running)
    return;

  g_assert_true (DESK_IS_WINDOW (window));
  data->running = TRUE;
  desk_test_wait_until (inbox_settled, window);
  data->check (DESK_WINDOW (window), data->data);
  data->checked = TRUE;

  g_application_quit (G_APPLICATION (app));
}

static int window_width;  /* 0: the window's own default */

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window)
{
  if (window_width > 0)
    gtk_window_set_default_size (window, window_width, 640);
}

static void
run_app (const char *database,
         CheckFunc   check,
         gpointer    check_data)
{
  g_autoptr(DeskApplication) app = NULL;
  RunData data = { check, check_data, FALSE, FALSE };
  char *argv[] = { (char *) "frontdesk", (char *) "--database", (char *) database, NULL };

  app = desk_application_new ("org.frontdesk.Frontdesk.Test", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &data);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, argv), ==, 0);
  g_assert_true (data.checked);
}

/* The team's rules for these tests: no business hours, a 1 h target, due soon 15 min before. */
static void
set_policy (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");

  g_settings_set_string (settings, "sla-policy",
                         "{\"business-hours\": false, \"out-of-hours-target-seconds\": 3600,"
                         " \"due-soon-margin-seconds\": 900}");
}

static void
ingest (DeskStore   *store,
        gint64       account,
        DeskMessage *message)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (batch, message);
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Three open conversations (a waits longest, then b, then c), one answered, one closed;
 * the tag "Billing" exists and carries nothing yet. */
static char *
make_inbox (void)
{
  static guint n_inboxes;
  g_autofree char *name = g_strdup_printf ("window-%u.db", ++n_inboxes);
  g_autofree char *path = desk_test_tmp_path (name);
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 account;

  g_remove (path);
  store = desk_test_store_new_at (path);
  account = desk_test_add_account (store, "bluesky");

  ingest (store, account, desk_test_message ("a1", "a", DESK_DIRECTION_IN, T0 - 50 * MINUTE, "Where is my order #1?"));
  ingest (store, account, desk_test_message ("b1", "b", DESK_DIRECTION_IN, T0 - 20 * MINUTE, "Do you ship to Ljubljana?"));
  ingest (store, account, desk_test_message ("c1", "c", DESK_DIRECTION_IN, T0 - 5 * MINUTE, "<b>Bold</b> question"));
  ingest (store, account, desk_test_message ("d1", "d", DESK_DIRECTION_IN, T0 - 90 * MINUTE, "Thanks!"));
  ingest (store, account, desk_test_message ("d2", "d", DESK_DIRECTION_OUT, T0 - 80 * MINUTE, "You're welcome —MJ"));
  ingest (store, account, desk_test_message ("e1", "e", DESK_DIRECTION_IN, T0 - 300 * MINUTE, "Spam"));
  g_assert_true (desk_store_set_status (store, desk_test_conversation_id (store, "e"),
                                        DESK_CONVERSATION_CLOSED, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_store_add_tag (store, "Billing", "#3584e4", &error), >, 0);
  g_assert_no_error (error);

  desk_store_close (store);

  return g_steal_pointer (&path);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (DESK_IS_INBOX_ROW (widget) && gtk_widget_get_mapped (widget) &&
      desk_inbox_row_get_conversation (DESK_INBOX_ROW (widget)) != NULL)
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* The row shown for a thread ("a", "b", …), or NULL */
static DeskInboxRow *
find_row (DeskWindow *window,
          gint64      conversation_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (window), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      DeskConversation *c = desk_inbox_row_get_conversation (g_ptr_array_index (rows, i));

      if (desk_conversation_get_loaded (c) && desk_conversation_get_id (c) == conversation_id)
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

typedef struct
{
  DeskWindow *window;
  gint64      id;
  const char *view;
  const char *text;
  guint       n;
} Wait;

static gboolean
row_shown (gpointer data)
{
  Wait *wait = data;

  return find_row (wait->window, wait->id) != NULL;
}

static gboolean
count_is (gpointer data)
{
  Wait *wait = data;

  return g_strcmp0 (desk_window_get_sidebar_count (wait->window, wait->view, wait->id), wait->text) == 0;
}

static gboolean
model_has (gpointer data)
{
  Wait *wait = data;
  DeskInboxModel *model = desk_window_get_inbox_model (wait->window);

  return !desk_inbox_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n;
}

static gboolean
conversation_is (gpointer data)
{
  Wait *wait = data;

  return desk_window_get_conversation_id (wait->window) == wait->id;
}

static void
wait_count (DeskWindow *window,
            const char *view,
            gint64      id,
            const char *text)
{
  Wait wait = { window, id, view, text, 0 };

  desk_test_wait_until (count_is, &wait);
}

static void
wait_items (DeskWindow *window,
            guint       n)
{
  Wait wait = { window, 0, NULL, NULL, n };

  desk_test_wait_until (model_has, &wait);
}

static gint64
thread (DeskWindow *window,
        const char *thread_id)
{
  return desk_test_conversation_id (desk_window_get_store (window), thread_id);
}

/* The sidebar counts every view, and choosing a view shows its conversations */
static void
check_views (DeskWindow *window,
             gpointer    data)
{
  gint64 billing;

  wait_count (window, "open", 0, "3");
  wait_count (window, "waiting", 0, "3");
  wait_count (window, "answered", 0, "1");
  wait_count (window, "closed", 0, "1");

  billing = desk_store_find_tag (desk_window_get_store (window), "Billing", NULL);
  g_assert_cmpint (billing, >, 0);
  wait_count (window, "tag", billing, "");
  /* One account: it is the whole inbox and gets no view of its own. */
  g_assert_null (desk_window_get_sidebar_count (window, "account", 1));

  wait_items (window, 3);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "answered");
  wait_items (window, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "closed");
  wait_items (window, 1);
  g_assert_true (desk_window_select_view (window, "tag", billing));
  wait_items (window, 0);
  g_assert_cmpstr (desk_window_get_view_name (window), ==, "empty");

  /* Waiting Longest puts the oldest unanswered question first. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "waiting");
  wait_items (window, 3);
  {
    g_autoptr(DeskConversation) first = g_list_model_get_item (G_LIST_MODEL (desk_window_get_inbox_model (window)), 0);

    g_assert_cmpint (desk_conversation_get_id (first), ==, thread (window, "a"));
  }
}

static void
test_views (void)
{
  g_autofree char *path = make_inbox ();

  run_app (path, check_views, NULL);
}

/* A badge tells the truth as the clock moves: on time, due soon, overdue */
static void
check_badge (DeskWindow *window,
             gpointer    data)
{
  Wait wait = { window, thread (window, "c"), NULL, NULL, 0 };
  DeskInboxRow *row;

  desk_test_wait_until (row_shown, &wait);
  row = find_row (window, wait.id);

  /* c was asked at T0 − 5 min: 35 minutes later, 40 of the 60 have gone */
  desk_clock_set_now_for_testing (T0 + 35 * MINUTE);
  g_assert_cmpint (desk_inbox_row_get_badge_state (row), ==, DESK_SLA_ON_TIME);
  g_assert_cmpstr (desk_inbox_row_get_badge_text (row), ==, "40 min of 1 h");

  /* 15 minutes before the target it turns "due soon" */
  desk_clock_set_now_for_testing (T0 + 39 * MINUTE);
  g_assert_cmpint (desk_inbox_row_get_badge_state (row), ==, DESK_SLA_ON_TIME);
  desk_clock_set_now_for_testing (T0 + 40 * MINUTE);
  g_assert_cmpint (desk_inbox_row_get_badge_state (row), ==, DESK_SLA_DUE_SOON);
  g_assert_cmpstr (desk_inbox_row_get_badge_text (row), ==, "15 min left");

  /* at the target it is overdue, and says by how much */
  desk_clock_set_now_for_testing (T0 + 55 * MINUTE);
  g_assert_cmpint (desk_inbox_row_get_badge_state (row), ==, DESK_SLA_OVERDUE);
  g_assert_cmpstr (desk_inbox_row_get_badge_text (row), ==, "Overdue");
  desk_clock_set_now_for_testing (T0 + 75 * MINUTE);
  g_assert_cmpstr (desk_inbox_row_get_badge_text (row), ==, "Overdue 20 min");

  desk_clock_set_now_for_testing (0);
}

static void
test_badge (void)
{
  g_autofree char *path = make_inbox ();

  set_policy ();
  run_app (path, check_badge, NULL);
}

/* From the keyboard: next longest waiting, mark answered, reopen, close */
static void
check_status_actions (DeskWindow *window,
                      gpointer    data)
{
  DeskStore *store = desk_window_get_store (window);
  Wait wait = { window, 0, NULL, NULL, 0 };
  g_autofree char *status = NULL;

  wait_items (window, 3);

  /* Nothing is shown until the agent picks; Ctrl+J goes to whoever waited longest. */
  g_assert_cmpint (desk_window_get_conversation_id (window), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-waiting", NULL);
  wait.id = thread (window, "a");
  desk_test_wait_until (conversation_is, &wait);

  /* Ctrl+D: answered; it leaves the Open view and the counts follow */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.mark-answered", NULL);
  wait_count (window, "open", 0, "2");
  wait_count (window, "answered", 0, "2");
  status = desk_test_conversation_status (store, "a");
  g_assert_cmpstr (status, ==, "answered");
  g_clear_pointer (&status, g_free);

  /* Ctrl+J again: b is next, a is no longer waiting */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-waiting", NULL);
  wait.id = thread (window, "b");
  desk_test_wait_until (conversation_is, &wait);

  /* Ctrl+Shift+D closes it; Ctrl+Shift+O reopens it */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-conversation", NULL);
  wait_count (window, "closed", 0, "2");
  status = desk_test_conversation_status (store, "b");
  g_assert_cmpstr (status, ==, "closed");
  g_clear_pointer (&status, g_free);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "closed");
  wait_items (window, 2);
  /* What clicking a notification does */
  g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (window))),
                                  "show-conversation", g_variant_new_int64 (thread (window, "b")));
  wait.id = thread (window, "b");
  desk_test_wait_until (conversation_is, &wait);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reopen", NULL);
  wait_count (window, "closed", 0, "1");
  status = desk_test_conversation_status (store, "b");
  g_assert_cmpstr (status, ==, "open");
}

static void
test_status_actions (void)
{
  g_autofree char *path = make_inbox ();

  run_app (path, check_status_actions, NULL);
}

/* Search looks through every status as you type, and clearing it restores the view */
static void
check_search (DeskWindow *window,
              gpointer    data)
{
  GtkWidget *focus;

  wait_items (window, 3);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_true (GTK_IS_SEARCH_ENTRY (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)));

  /* "spam" is in the closed conversation only */
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)), "spa");
  wait_items (window, 1);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)), "Ljubljana");
  wait_items (window, 1);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY)), "");
  wait_items (window, 3);
}

static void
test_search (void)
{
  g_autofree char *path = make_inbox ();

  run_app (path, check_search, NULL);
}

/* At 360 px the leaflet folds: one pane at a time, the inbox first */
static void
check_narrow (DeskWindow *window,
              gpointer    data)
{
  AdwLeaflet *leaflet;
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  Wait wait = { window, 0, NULL, NULL, 0 };

  leaflet = ADW_LEAFLET (adw_toast_overlay_get_child (ADW_TOAST_OVERLAY (content)));

  desk_test_wait_until ((gboolean (*) (gpointer)) adw_leaflet_get_folded, leaflet);

  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "inbox");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-views", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "waiting");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "inbox");
  wait_items (window, 3);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-waiting", NULL);
  wait.id = thread (window, "a");
  desk_test_wait_until (conversation_is, &wait);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reply", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "conversation");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-inbox", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "inbox");
}

static void
test_narrow (void)
{
  g_autofree char *path = make_inbox ();

  window_width = 360;
  run_app (path, check_narrow, NULL);
  window_width = 0;
}

/* An agent's day without the mouse: the longest-waiting customer, a canned answer adapted and
 * sent signed, a tag from the keyboard, answered, and on to the next. */

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Typing, as GtkTextView inserts what the keyboard gives it */
static void
type (GtkTextView *view,
      const char  *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      g_assert_true (gtk_text_buffer_insert_interactive_at_cursor (buffer, p, g_utf8_next_char (p) - p, TRUE));
      iterate ();
    }
}

/* A key press as GTK delivers it to the named key controller of @widget */
static gboolean
press (GtkWidget  *widget,
       const char *controller_name,
       guint       keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          g_strcmp0 (gtk_event_controller_get_name (controller), controller_name) == 0)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
          iterate ();
          return handled;
        }
    }

  g_assert_not_reached ();
}

/* A key combination as a shortcut controller of @widget would take it; TRUE if one did */
static gboolean
press_shortcut (GtkWidget       *widget,
                guint            keyval,
                GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            {
              gboolean handled = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                               widget, gtk_shortcut_get_arguments (shortcut));
              iterate ();
              return handled;
            }
        }
    }

  return FALSE;
}

static char *
buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
buffer_empty (gpointer data)
{
  return gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (data)) == 0;
}

static gboolean
view_loaded (gpointer data)
{
  return desk_conversation_view_get_loaded (data);
}

static gboolean
picker_open (gpointer data)
{
  return desk_canned_picker_is_open (data) && desk_canned_picker_get_n_matches (data) > 0;
}

typedef struct
{
  DeskStore  *store;
  const char *sql;
  gint64      value;
} Query;

static gboolean
query_is (gpointer data)
{
  Query *query = data;

  return desk_test_store_query_int (query->store, query->sql) == query->value;
}

static gboolean
row_has_tag (gpointer data)
{
  Wait *wait = data;
  DeskInboxRow *row = find_row (wait->window, wait->id);
  const char * const *tags;

  if (row == NULL)
    return FALSE;

  tags = desk_conversation_get_tags (desk_inbox_row_get_conversation (row));
  return tags != NULL && g_strv_contains (tags, wait->text);
}

static void
check_day (DeskWindow *window,
           gpointer    data)
{
  DeskStore *store = desk_window_get_store (window);
  Wait wait = { window, 0, NULL, NULL, 0 };
  DeskConversationView *view;
  GtkTextView *text_view;
  GtkWidget *focus, *popover, *entry;
  DeskCannedPicker *picker;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  gint64 billing;
  Query query = { store, NULL, 0 };

  wait_items (window, 3);

  /* Ctrl+J: whoever has waited longest; Ctrl+R: the reply box has the keyboard */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-waiting", NULL);
  wait.id = thread (window, "a");
  desk_test_wait_until (conversation_is, &wait);

  view = DESK_CONVERSATION_VIEW (find_type (GTK_WIDGET (window), DESK_TYPE_CONVERSATION_VIEW));
  desk_test_wait_until (view_loaded, view);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reply", NULL);
  text_view = desk_composer_get_text_view (desk_conversation_view_get_composer (view));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus == GTK_WIDGET (text_view));

  /* "/" and a few letters: the picker offers the canned answer; Enter inserts it, filled */
  picker = desk_composer_get_picker (desk_conversation_view_get_composer (view));
  type (text_view, "/tha");
  desk_test_wait_until (picker_open, picker);
  g_assert_cmpstr (desk_canned_picker_get_match (picker, 0)->shortcut, ==, "thanks");
  g_assert_true (press (GTK_WIDGET (text_view), "desk-canned-picker", GDK_KEY_Return));
  text = buffer_text (text_view);
  g_assert_cmpstr (text, ==, "Hi Customer a, thanks for waiting!");
  g_assert_false (desk_canned_picker_has_unknown (picker));

  /* adapted before sending, then Ctrl+Enter: signed once, in the outbox */
  type (text_view, " Your order #1 ships today.");
  g_assert_true (press_shortcut (GTK_WIDGET (desk_conversation_view_get_composer (view)),
                                 GDK_KEY_Return, GDK_CONTROL_MASK));
  query.sql = "SELECT count(*) FROM outbox";
  query.value = 1;
  desk_test_wait_until (query_is, &query);
  body = desk_test_store_query_text (store, "SELECT body FROM outbox");
  g_assert_cmpstr (body, ==, "Hi Customer a, thanks for waiting! Your order #1 ships today. —MJ");
  desk_test_wait_until (buffer_empty, text_view);

  /* Ctrl+T, "bil", Enter: tagged Billing; the row and the tag's view show it */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.tag", NULL);
  popover = find_type (GTK_WIDGET (window), g_type_from_name ("DeskTagPopover"));
  g_assert_true (gtk_widget_get_visible (popover));
  entry = find_type (popover, GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "bil");
  iterate ();
  g_signal_emit_by_name (find_type (entry, GTK_TYPE_TEXT), "activate");

  query.sql = "SELECT count(*) FROM conversation_tags";
  query.value = 1;
  desk_test_wait_until (query_is, &query);
  billing = desk_store_find_tag (store, "Billing", NULL);
  wait.text = "Billing";
  desk_test_wait_until (row_has_tag, &wait);
  wait_count (window, "tag", billing, "1");
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* Ctrl+D: answered; Ctrl+J: the next customer */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.mark-answered", NULL);
  wait_count (window, "open", 0, "2");
  wait_count (window, "tag", billing, "");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-waiting", NULL);
  wait.id = thread (window, "b");
  desk_test_wait_until (conversation_is, &wait);

  /* the tag's view lists the tagged conversation, answered or not */
  g_assert_true (desk_window_select_view (window, "tag", billing));
  wait_items (window, 1);
}

static void
test_day (void)
{
  g_autofree char *path = make_inbox ();
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(DeskStore) store = desk_test_store_new_at (path);
    DeskCannedResponse *response = desk_canned_response_new ("Thanks for waiting", "thanks",
                                                             "Hi {customer_name}, thanks for waiting!");

    g_assert_cmpint (desk_store_add_canned (store, response, &error), >, 0);
    g_assert_no_error (error);
    desk_canned_response_unref (response);
    desk_store_close (store);
  }

  g_settings_set_string (settings, "agent-name", "Maja Jurić");
  g_settings_set_string (settings, "agent-initials", "MJ");

  run_app (path, check_day, NULL);

  g_settings_reset (settings, "agent-name");
  g_settings_reset (settings, "agent-initials");
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);
  /* No background sync: these inboxes have no credentials, and the tests write the store. */
  g_setenv ("FRONTDESK_NO_SYNC", "1", TRUE);
  gtk_init ();
  adw_init ();

  /* No window manager under Xvfb: windows never become active, and a blinking cursor in an
   * entry would find itself without focus and warn. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* No notification server on the private bus (and windows never active): notifications are
   * test-ui-preferences' subject, not these tests'. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");

    g_settings_set_boolean (settings, "notify-new-messages", FALSE);
    g_settings_set_boolean (settings, "notify-due-soon", FALSE);
  }

  g_test_add_func ("/ui/window/views", test_views);
  g_test_add_func ("/ui/window/badge", test_badge);
  g_test_add_func ("/ui/window/status-actions", test_status_actions);
  g_test_add_func ("/ui/window/search", test_search);
  g_test_add_func ("/ui/window/narrow", test_narrow);
  g_test_add_func ("/ui/window/day-without-mouse", test_day);

  return g_test_run ();
}
