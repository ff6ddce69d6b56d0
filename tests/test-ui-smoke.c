/* test-ui-smoke.c: every window and templated widget, built once with warnings fatal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh (Xvfb, a private D-Bus session, an unlocked keyring).
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "desk-account-dialog.h"
#include "desk-application.h"
#include "desk-bluesky-provider.h"
#include "desk-inbox-row.h"
#include "desk-store-private.h"
#include "desk-telegram-provider.h"
#include "desk-test-util.h"
#include "desk-window.h"
#include "fake-bluesky.h"
#include "fake-mastodon.h"
#include "fake-telegram.h"

typedef void (*CheckFunc) (DeskApplication *app,
                           DeskWindow      *window);

typedef struct
{
  CheckFunc  check;
  gboolean   checked;
} RunData;

static gboolean
view_settled (gpointer data)
{
  const char *view = desk_window_get_view_name (data);

  return g_strcmp0 (view, "loading") != 0;
}

static void
on_activate (DeskApplication *app,
             RunData         *data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (DESK_IS_WINDOW (window));

  /* Settle first: the store opens in a worker thread. */
  desk_test_wait_until (view_settled, window);
  data->check (app, DESK_WINDOW (window));
  data->checked = TRUE;

  g_application_quit (G_APPLICATION (app));
}

static void
run_app (const char *database,
         CheckFunc   check)
{
  g_autoptr(DeskApplication) app = NULL;
  RunData data = { check, FALSE };
  char *argv[] = { (char *) "frontdesk", (char *) "--database", (char *) database, NULL };
  int status;

  app = desk_application_new ("org.frontdesk.Frontdesk.Test", G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &data);

  status = g_application_run (G_APPLICATION (app), 3, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (data.checked);
}

static void
check_empty (DeskApplication *app,
             DeskWindow      *window)
{
  g_assert_cmpstr (desk_window_get_view_name (window), ==, "empty");
}

static void
test_empty_inbox (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-empty/inbox.db");

  run_app (path, check_empty);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static gboolean
first_row_shown (gpointer data)
{
  GtkWidget *window = data;
  GtkWidget *child;

  /* Walk the widget tree for a bound row with a name in it. */
  for (child = gtk_widget_get_first_child (window); child != NULL; )
    {
      if (DESK_IS_INBOX_ROW (child))
        {
          DeskConversation *c = desk_inbox_row_get_conversation (DESK_INBOX_ROW (child));

          if (c != NULL && desk_conversation_get_loaded (c))
            return TRUE;
        }

      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
            {
              child = gtk_widget_get_parent (child);
              if (child == window)
                return FALSE;
            }
          if (child != NULL)
            child = gtk_widget_get_next_sibling (child);
        }
    }

  return FALSE;
}

static void
check_inbox (DeskApplication *app,
             DeskWindow      *window)
{
  DeskInboxModel *model;

  g_assert_cmpstr (desk_window_get_view_name (window), ==, "inbox");
  model = desk_window_get_inbox_model (window);
  g_assert_nonnull (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);

  desk_test_wait_until (first_row_shown, window);

  /* GTK 4.8's list view binds up to 200 rows around the visible ones; the model reads the
   * pages holding those, not the 1000 conversations. */
  g_assert_cmpuint (desk_inbox_model_get_pages_loaded (model), <=, 250 / DESK_INBOX_MODEL_PAGE_SIZE);
}

static void
test_inbox_with_conversations (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-inbox/inbox.db");
  g_autoptr(DeskStore) store = desk_test_store_new_at (path);

  desk_test_fill (store, 1000, 1);
  desk_store_close (store);

  run_app (path, check_inbox);
}

static void
check_error (DeskApplication *app,
             DeskWindow      *window)
{
  g_assert_cmpstr (desk_window_get_view_name (window), ==, "error");
}

static void
test_unreadable_database (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-garbage.db");
  const char *notes = "<b>not</b> a database & not markup either\n";
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (path, notes, -1, NULL));

  run_app (path, check_error);

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, notes);
}

static gboolean
has_toplevel_of_type (gpointer data)
{
  GType type = GPOINTER_TO_SIZE (data);
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return TRUE;
    }

  return FALSE;
}

static void
check_secondary_windows (DeskApplication *app,
                         DeskWindow      *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  desk_test_wait_until (has_toplevel_of_type, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  desk_test_wait_until (has_toplevel_of_type, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW));
}

static void
test_secondary_windows (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-windows/inbox.db");

  run_app (path, check_secondary_windows);
}

static gboolean
has_plain_label (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return !gtk_label_get_use_markup (GTK_LABEL (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_plain_label (child, text))
      return TRUE;

  return FALSE;
}

/* Text from the network is shown as it is, never read as markup. */
static void
test_inbox_row_alone (void)
{
  DeskInboxRow *row = desk_inbox_row_new ();
  DeskConversationData data = {
    .id = 1,
    .network = (char *) "bluesky",
    .contact_name = (char *) "<i>Mallory</i> &amp;",
    .contact_handle = (char *) "@mallory.example",
    .snippet = (char *) "<span foreground=\"red\">markup</span> stays text",
    .kind = DESK_CONVERSATION_DM,
  };
  g_autoptr(DeskConversation) conversation = desk_conversation_new (&data);

  g_object_ref_sink (row);
  desk_inbox_row_set_conversation (row, conversation);
  g_assert_true (desk_inbox_row_get_conversation (row) == conversation);
  g_assert_true (has_plain_label (GTK_WIDGET (row), data.contact_name));
  g_assert_true (has_plain_label (GTK_WIDGET (row), data.snippet));
  g_assert_true (has_plain_label (GTK_WIDGET (row), "Bluesky · DM"));
  desk_inbox_row_set_conversation (row, NULL);
  g_object_unref (row);
}

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

static GtkWindow *
toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static FakeBluesky *fake;

static gboolean
inbox_has_one (gpointer data)
{
  DeskInboxModel *model = desk_window_get_inbox_model (data);

  return model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) == 1;
}

/* A user adds a Bluesky account in the dialog; the customer's mention reaches the inbox. */
static void
check_add_account (DeskApplication *app,
                   DeskWindow      *window)
{
  GtkWindow *dialog;
  GtkWidget *row;

  g_assert_cmpstr (desk_window_get_view_name (window), ==, "empty");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL);
  desk_test_wait_until (has_toplevel_of_type, GSIZE_TO_POINTER (DESK_TYPE_ACCOUNT_DIALOG));
  dialog = toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG);

  /* A wrong password first: the dialog says so and stays. */
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Handle")),
                         "@shop-biz.test");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, "App Password")),
                         "wrong");
  row = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Server");
  gtk_editable_set_text (GTK_EDITABLE (row), fake_bluesky_get_url (fake));
  g_signal_emit_by_name (row, "entry-activated");

  while (find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, NULL) != NULL &&
         !gtk_widget_get_sensitive (row))
    g_main_context_iteration (NULL, TRUE);
  while (toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG) != NULL && !gtk_widget_get_sensitive (row))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG));

  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, "App Password")),
                         "abcd-efgh-ijkl-mnop");
  g_signal_emit_by_name (row, "entry-activated");

  desk_test_wait_until (inbox_has_one, window);
  g_assert_null (toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG));
}

static void
test_add_account (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-add-account/inbox.db");
  const char *customer;

  fake = fake_bluesky_new ("shop-biz.test", "abcd-efgh-ijkl-mnop");
  customer = fake_bluesky_add_customer (fake, "ana.test", "Ana Novak");
  fake_bluesky_post (fake, customer, NULL, "@shop-biz.test do you ship to Ljubljana?", "mention");

  run_app (path, check_add_account);

  g_clear_pointer (&fake, fake_bluesky_free);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
sign_in_bar_shown (gpointer data)
{
  GtkWidget *revealer = find_named (data, "sign-in-bar");

  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static gboolean
sign_in_bar_hidden (gpointer data)
{
  return !sign_in_bar_shown (data);
}

/* An account whose session was revoked asks for signing in again, prefilled. */
static void
check_sign_in_again (DeskApplication *app,
                     DeskWindow      *window)
{
  GtkWindow *dialog;
  GtkWidget *handle, *password;

  desk_test_wait_until (sign_in_bar_shown, window);

  fake_bluesky_set_fault (fake, FAKE_BLUESKY_FAULT_NONE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in-again", NULL);
  desk_test_wait_until (has_toplevel_of_type, GSIZE_TO_POINTER (DESK_TYPE_ACCOUNT_DIALOG));
  dialog = toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG);

  handle = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Handle");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (handle)), ==, "shop-biz.test");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Server"))),
                   ==, fake_bluesky_get_url (fake));

  password = find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, "App Password");
  gtk_editable_set_text (GTK_EDITABLE (password), "abcd-efgh-ijkl-mnop");
  g_signal_emit_by_name (password, "entry-activated");

  desk_test_wait_until (sign_in_bar_hidden, window);
  desk_test_wait_until (inbox_has_one, window);
}

static void
test_sign_in_again (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-sign-in-again/inbox.db");
  g_autoptr(GError) error = NULL;
  const char *customer;
  gint64 account;

  fake = fake_bluesky_new ("shop-biz.test", "abcd-efgh-ijkl-mnop");
  customer = fake_bluesky_add_customer (fake, "ana.test", "Ana Novak");
  fake_bluesky_post (fake, customer, NULL, "@shop-biz.test is the shop open on Sunday?", "mention");

  {
    g_autoptr(DeskStore) store = desk_test_store_new_at (path);

    account = desk_bluesky_sign_in (store, fake_bluesky_get_url (fake), "shop-biz.test",
                                    "abcd-efgh-ijkl-mnop", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (desk_store_set_account_state (store, account, "needs-sign-in", &error));
    desk_store_close (store);
  }
  fake_bluesky_set_fault (fake, FAKE_BLUESKY_FAULT_REVOKE);

  run_app (path, check_sign_in_again);

  g_clear_pointer (&fake, fake_bluesky_free);
}

static FakeTelegram *telegram;
static FakeMastodon *mastodon;

static GtkWindow *
open_dialog_for (DeskWindow *window,
                 guint       network)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL);
  desk_test_wait_until (has_toplevel_of_type, GSIZE_TO_POINTER (DESK_TYPE_ACCOUNT_DIALOG));
  dialog = toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG);
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "Network")),
                              network);
  return dialog;
}

/* A Telegram bot added by its token: the customer's private message reaches the inbox. */
static void
check_add_telegram (DeskApplication *app,
                    DeskWindow      *window)
{
  GtkWindow *dialog = open_dialog_for (window, 2);
  GtkWidget *token = find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, "Bot Token");
  GtkWidget *server = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Server");

  g_assert_true (gtk_widget_get_visible (token));
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Handle")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (server)), ==, "https://api.telegram.org");

  gtk_editable_set_text (GTK_EDITABLE (server), fake_telegram_get_url (telegram));
  gtk_editable_set_text (GTK_EDITABLE (token), "123456:ABC-secret-token");
  g_signal_emit_by_name (token, "entry-activated");

  desk_test_wait_until (inbox_has_one, window);
  g_assert_null (toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG));
}

static void
test_add_telegram (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-add-telegram/inbox.db");

  g_setenv ("FRONTDESK_TELEGRAM_POLL_TIMEOUT", "1", TRUE);
  telegram = fake_telegram_new ("123456:ABC-secret-token", 123456, "lipa_help_bot");
  fake_telegram_private_message (telegram, 777, "Mojca", "Ali imate brezglutenske piškote?");

  run_app (path, check_add_telegram);

  g_clear_pointer (&telegram, fake_telegram_free);
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

static GtkRevealer *
webhook_bar (DeskWindow *window)
{
  GtkWidget *button = find_button (GTK_WIDGET (window), "_Remove Webhook");

  g_assert_nonnull (button);
  return GTK_REVEALER (gtk_widget_get_ancestor (button, GTK_TYPE_REVEALER));
}

static gboolean
webhook_bar_shown (gpointer data)
{
  return gtk_revealer_get_reveal_child (webhook_bar (data));
}

static gboolean
webhook_bar_hidden (gpointer data)
{
  return !webhook_bar_shown (data);
}

static gboolean
webhook_removed (gpointer data)
{
  return !fake_telegram_has_webhook (telegram);
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

static gboolean
webhook_toast_shown (gpointer data)
{
  return has_label (data, "Webhook removed; syncing again");
}

/* A bot whose webhook sends its messages elsewhere: the window says so and removes it. */
static void
check_webhook (DeskApplication *app,
               DeskWindow      *window)
{
  GtkRevealer *bar;
  GtkWidget *label, *button;
  const char *text;

  desk_test_wait_until (webhook_bar_shown, window);
  bar = webhook_bar (window);

  /* The sign-in bar is for sessions that ended; this account is signed in. */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (find_widget (GTK_WIDGET (window),
                                                                            GTK_TYPE_REVEALER, NULL))));

  label = find_widget (GTK_WIDGET (bar), GTK_TYPE_LABEL, NULL);
  text = gtk_label_get_text (GTK_LABEL (label));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_nonnull (strstr (text, "@lipa_help_bot"));
  g_assert_nonnull (strstr (text, "webhook"));
  g_assert_null (strstr (text, "secret-token"));

  button = find_button (GTK_WIDGET (bar), "_Remove Webhook");
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (fake_telegram_has_webhook (telegram));
  g_signal_emit_by_name (button, "clicked");

  desk_test_wait_until (webhook_removed, NULL);
  desk_test_wait_until (webhook_toast_shown, window);
  desk_test_wait_until (webhook_bar_hidden, window);
  desk_test_wait_until (inbox_has_one, window);
}

static void
test_webhook (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-webhook/inbox.db");
  g_autoptr(GError) error = NULL;

  g_setenv ("FRONTDESK_TELEGRAM_POLL_TIMEOUT", "1", TRUE);
  telegram = fake_telegram_new ("123456:ABC-secret-token", 123456, "lipa_help_bot");

  {
    g_autoptr(DeskStore) store = desk_test_store_new_at (path);

    g_assert_cmpint (desk_telegram_sign_in (store, fake_telegram_get_url (telegram),
                                            "123456:ABC-secret-token", NULL, &error), >, 0);
    g_assert_no_error (error);
    desk_store_close (store);
  }
  fake_telegram_private_message (telegram, 777, "Mojca", "Ali imate brezglutenske piškote?");
  fake_telegram_set_webhook (telegram, "https://old-crm.example/telegram");

  run_app (path, check_webhook);

  g_assert_false (fake_telegram_has_webhook (telegram));
  g_clear_pointer (&telegram, fake_telegram_free);
}

static gboolean
browser_address_shown (gpointer data)
{
  GtkWidget *code = find_widget (data, ADW_TYPE_ENTRY_ROW, "Code From the Browser");

  return code != NULL && gtk_widget_get_visible (code);
}

static char *
authorize_url (GtkWidget *dialog)
{
  /* The dialog shows the address for users whose browser did not open: use it as one. */
  for (GtkWidget *child = gtk_widget_get_first_child (dialog); child != NULL; )
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child))
        {
          const char *text = gtk_label_get_text (GTK_LABEL (child));
          const char *url = strstr (text, "http");

          if (url != NULL && strstr (url, "/oauth/authorize") != NULL)
            return g_strdup (url);
        }

      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
            {
              child = gtk_widget_get_parent (child);
              if (child == dialog)
                return NULL;
            }
          if (child != NULL)
            child = gtk_widget_get_next_sibling (child);
        }
    }

  return NULL;
}

static gpointer
browse_thread (gpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", data);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  g_free (data);
  return GUINT_TO_POINTER (soup_message_get_status (message));
}

/* A Mastodon account added through the browser: the code comes back to the loopback. */
static void
check_add_mastodon (DeskApplication *app,
                    DeskWindow      *window)
{
  GtkWindow *dialog = open_dialog_for (window, 1);
  GtkWidget *server = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Server");
  g_autofree char *url = NULL;
  GThread *browser;

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (server)), ==, "");
  gtk_editable_set_text (GTK_EDITABLE (server), fake_mastodon_get_url (mastodon));
  g_signal_emit_by_name (server, "entry-activated");

  desk_test_wait_until (browser_address_shown, dialog);
  url = authorize_url (GTK_WIDGET (dialog));
  g_assert_nonnull (url);
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));

  /* The browser runs beside the app, as it would. */
  browser = g_thread_new ("browser", browse_thread, g_strdup (url));
  desk_test_wait_until (inbox_has_one, window);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (browser)), ==, 200);
  g_assert_null (toplevel_of_type (DESK_TYPE_ACCOUNT_DIALOG));
}

static void
test_add_mastodon (void)
{
  g_autofree char *path = desk_test_tmp_path ("ui-add-mastodon/inbox.db");
  const char *customer;

  mastodon = fake_mastodon_new ("lipa");
  customer = fake_mastodon_add_customer (mastodon, "ana@social.example", "Ana Novak");
  fake_mastodon_post (mastodon, customer, NULL, "public",
                      "<p><span class=\"h-card\"><a href=\"#\">@lipa</a></span> do you ship to Ljubljana?</p>",
                      FAKE_MASTODON_NOTIFY_MENTION);

  run_app (path, check_add_mastodon);

  g_clear_pointer (&mastodon, fake_mastodon_free);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  /* No window manager under Xvfb: windows never become active, and a blinking cursor in an
   * entry would find itself without focus and warn. Nothing here needs it to blink. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* No notification server on the private bus (and windows never active): notifications are
   * test-ui-preferences' subject, not these tests'. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");

    g_settings_set_boolean (settings, "notify-new-messages", FALSE);
    g_settings_set_boolean (settings, "notify-due-soon", FALSE);
  }

  g_test_add_func ("/ui/inbox-row", test_inbox_row_alone);
  g_test_add_func ("/ui/window/empty", test_empty_inbox);
  g_test_add_func ("/ui/window/inbox", test_inbox_with_conversations);
  g_test_add_func ("/ui/window/unreadable-database", test_unreadable_database);
  g_test_add_func ("/ui/window/secondary", test_secondary_windows);
  g_test_add_func ("/ui/window/add-account", test_add_account);
  g_test_add_func ("/ui/window/sign-in-again", test_sign_in_again);
  g_test_add_func ("/ui/window/add-telegram", test_add_telegram);
  g_test_add_func ("/ui/window/webhook", test_webhook);
  g_test_add_func ("/ui/window/add-mastodon", test_add_mastodon);

  return g_test_run ();
}
