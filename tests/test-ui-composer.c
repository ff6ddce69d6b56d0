/* test-ui-composer.c: the conversation view and its composer, real widgets on a real store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh (Xvfb, a private D-Bus session).
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "desk-canned.h"
#include "desk-composer.h"
#include "desk-conversation-view.h"
#include "desk-test-util.h"

#define FAMILY "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F\x91\xA6" /* 👨‍👩‍👧‍👦 */
#define GRINNING "\xF0\x9F\x98\x80"
#define EM_DASH "\xE2\x80\x94"
#define MARKUP "<b>Free</b> &amp; <a href=\"https://evil.example\">click</a> <span size=\"99999\">"

typedef struct
{
  char                 *path;
  DeskStore            *store;
  GtkWindow            *window;
  DeskConversationView *view;
  gint64                conversation_id;
  GArray               *queued;
  int                   width;     /* of the window; 0: 480 */
} Fixture;

/* Helpers */

static char *
repeat (const char *unit,
        guint       n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (out, unit);

  return g_string_free (out, FALSE);
}

static gint64
ingest_conversation (DeskStore   *store,
                     const char  *network,
                     const char  *thread,
                     const char  *customer_text,
                     GPtrArray   *replies)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *first_id = g_strdup_printf ("%s-1", thread);
  gint64 account = desk_test_add_account (store, network);

  g_ptr_array_add (batch, desk_test_message (first_id, thread, DESK_DIRECTION_IN, 1000000,
                                             customer_text));
  if (replies != NULL)
    for (guint i = 0; i < replies->len; i++)
      g_ptr_array_add (batch, desk_message_copy (g_ptr_array_index (replies, i)));

  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return desk_test_conversation_id (store, thread);
}

static void
on_reply_queued (DeskConversationView *view,
                 gint64                outbox_id,
                 Fixture              *fixture)
{
  g_array_append_val (fixture->queued, outbox_id);
}

static gboolean
view_loaded (gpointer data)
{
  Fixture *fixture = data;

  return desk_conversation_view_get_loaded (fixture->view) &&
         !desk_composer_is_busy (desk_conversation_view_get_composer (fixture->view));
}

static void
fixture_show (Fixture *fixture,
              gint64   conversation_id)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, fixture->width > 0 ? fixture->width : 480, 640);
  fixture->view = DESK_CONVERSATION_VIEW (desk_conversation_view_new ());
  g_signal_connect (fixture->view, "reply-queued", G_CALLBACK (on_reply_queued), fixture);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  gtk_window_present (fixture->window);

  g_object_set (fixture->view,
                "store", fixture->store,
                "conversation-id", conversation_id,
                NULL);
  fixture->conversation_id = conversation_id;

  desk_test_wait_until (view_loaded, fixture);
}

static void
fixture_destroy_window (Fixture *fixture)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  fixture->window = NULL;
  fixture->view = NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");
  static guint counter;
  g_autofree char *name = g_strdup_printf ("composer-%u.db", ++counter);

  g_settings_set_string (settings, "agent-name", "Maja Jurić");
  g_settings_set_string (settings, "agent-initials", "MJ");
  g_settings_set_string (settings, "signature-format", EM_DASH "%s");

  fixture->path = desk_test_tmp_path (name);
  fixture->store = desk_test_store_new_at (fixture->path);
  fixture->queued = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_destroy_window (fixture);

  /* Let callbacks of the destroyed widgets run */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (fixture->store != NULL)
    desk_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->queued, g_array_unref);
  g_free (fixture->path);
}

static DeskComposer *
composer_of (Fixture *fixture)
{
  return desk_conversation_view_get_composer (fixture->view);
}

static void
set_text (Fixture    *fixture,
          const char *text)
{
  GtkTextView *text_view = desk_composer_get_text_view (composer_of (fixture));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (text_view), text, -1);
}

static char *
get_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (desk_composer_get_text_view (composer_of (fixture)));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Depth-first walk of a widget tree */
static GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *widget, gconstpointer data),
             gconstpointer data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_label_with_text (GtkWidget     *widget,
                    gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
send_button (Fixture *fixture)
{
  GtkWidget *button = find_widget (GTK_WIDGET (composer_of (fixture)), is_button_labelled, "_Send");

  g_assert_nonnull (button);

  return button;
}

static GtkWidget *
counter_label (Fixture *fixture)
{
  const char *text = desk_composer_get_counter_text (composer_of (fixture));
  GtkWidget *label = find_widget (GTK_WIDGET (composer_of (fixture)), is_label_with_text, text);

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));

  return label;
}

/* Presses Ctrl+Enter as the composer's key handling sees it: the shortcut bound to that key */
static void
press_ctrl_enter (Fixture *fixture)
{
  GtkWidget *composer = GTK_WIDGET (composer_of (fixture));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (composer);
  gboolean pressed = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !pressed; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_Return &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == GDK_CONTROL_MASK)
            {
              /* It must see the key before the text view would type a newline */
              g_assert_cmpint (gtk_event_controller_get_propagation_phase (controller), ==,
                               GTK_PHASE_CAPTURE);
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           0, composer, NULL));
              pressed = TRUE;
              break;
            }
        }
    }

  g_assert_true (pressed);
}

static gboolean
composer_idle (gpointer data)
{
  return !desk_composer_is_busy (composer_of (data));
}

/* Tests */

static void
test_no_conversation (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *page;

  fixture_show (fixture, 0);

  page = find_widget (GTK_WIDGET (fixture->view), is_label_with_text, "No Conversation Selected");
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_false (gtk_widget_get_sensitive (send_button (fixture)));
}

/* Bluesky counts graphemes, and the signature counts too */
static void
test_counter_graphemes_and_signature (Fixture       *fixture,
                                      gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "bluesky", "bsky", "Where is my order?", NULL);
  g_autofree char *at_limit = repeat (FAMILY, 296);
  g_autofree char *over = repeat (FAMILY, 297);
  GtkWidget *label;

  fixture_show (fixture, id);

  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "0 / 300");
  g_assert_false (gtk_widget_get_sensitive (send_button (fixture)));

  /* "Hi" + " —MJ" */
  set_text (fixture, "Hi");
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "6 / 300");
  g_assert_true (gtk_widget_get_sensitive (send_button (fixture)));

  /* 296 family emoji are 296 graphemes (2,000+ bytes, 1,000+ code points), + 4: exactly 300 */
  set_text (fixture, at_limit);
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "300 / 300");
  label = counter_label (fixture);
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  g_assert_false (desk_composer_get_over_limit (composer_of (fixture)));
  g_assert_true (gtk_widget_get_sensitive (send_button (fixture)));

  /* One more: 301 with the signature; over, in error style, Send off */
  set_text (fixture, over);
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "301 / 300");
  label = counter_label (fixture);
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_true (desk_composer_get_over_limit (composer_of (fixture)));
  g_assert_false (gtk_widget_get_sensitive (send_button (fixture)));

  /* Ctrl+Enter says why instead of sending */
  press_ctrl_enter (fixture);
  desk_test_wait_until (composer_idle, fixture);
  g_assert_nonnull (desk_composer_get_error_text (composer_of (fixture)));
  g_assert_cmpint (desk_test_store_count (fixture->store, "outbox"), ==, 0);

  /* Changing the initials changes the count */
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.frontdesk.Frontdesk");

    g_settings_set_string (settings, "agent-initials", "");  /* from the name: "MJ" */
    g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "301 / 300");
    g_settings_set_string (settings, "agent-initials", "M");
    g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "300 / 300");
    g_assert_true (gtk_widget_get_sensitive (send_button (fixture)));
  }
}

static gboolean
text_cleared_and_queued (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *text = get_text (fixture);

  return text[0] == '\0' && fixture->queued->len > 0 && composer_idle (fixture);
}

/* Text already signed is queued as it is: the signature is never doubled */
static void
test_signature_once (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "mastodon", "masto", "Hello?", NULL);
  g_autofree char *body = NULL;
  g_autofree char *initials = NULL;

  fixture_show (fixture, id);

  /* Mastodon: the provider starts the reply with "@masto " unless it mentions them already */
  set_text (fixture, "@masto hi");
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "13 / 500");
  set_text (fixture, "Your parcel left today. " EM_DASH "MJ");
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "34 / 500");
  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);

  body = desk_test_store_query_text (fixture->store, "SELECT body FROM outbox");
  initials = desk_test_store_query_text (fixture->store, "SELECT agent_initials FROM outbox");
  g_assert_cmpstr (body, ==, "Your parcel left today. " EM_DASH "MJ");
  g_assert_cmpstr (initials, ==, "MJ");

  /* Unsigned text gets the signature once, on a line of its own for several lines */
  g_array_set_size (fixture->queued, 0);
  set_text (fixture, "Hello,\n\nyour parcel left today.");
  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);

  g_clear_pointer (&body, g_free);
  body = desk_test_store_query_text (fixture->store, "SELECT body FROM outbox ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (body, ==, "Hello,\n\nyour parcel left today.\n" EM_DASH "MJ");
  g_assert_cmpint (desk_test_store_count (fixture->store, "outbox"), ==, 2);
}

static gboolean
counter_says_2000 (gpointer data)
{
  Fixture *fixture = data;

  return composer_idle (fixture) &&
         g_strcmp0 (desk_composer_get_counter_text (composer_of (fixture)), "38 / 2000") == 0;
}

/* A Mastodon server's own limits, stored with the account, reach the counter */
static void
test_mastodon_server_limits (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "mastodon", "masto", "Hello?", NULL);
  gint64 other = ingest_conversation (fixture->store, "mastodon", "masto-2", "Anyone?", NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT account_id FROM conversations WHERE id = %" G_GINT64_FORMAT, id);
  gint64 account = desk_test_store_query_int (fixture->store, sql);
  g_autoptr(GError) error = NULL;
  g_autofree char *at_limit = NULL;
  g_autofree char *over = NULL;

  g_assert_true (desk_store_set_account_limits (fixture->store, account, 1000, 30, &error));
  g_assert_no_error (error);

  fixture_show (fixture, id);

  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "0 / 1000");
  /* "@masto " + "hi" + " —MJ" */
  set_text (fixture, "hi");
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "13 / 1000");
  /* A link counts the server's 30, whatever its length */
  set_text (fixture, "see https://shop.example/track?parcel=4411");
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "45 / 1000");

  /* 7 + 985 + 4 = 996; 1001 is over, in error style, and Send is off */
  at_limit = repeat ("a", 989);
  set_text (fixture, at_limit);
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "1000 / 1000");
  g_assert_false (desk_composer_get_over_limit (composer_of (fixture)));
  g_assert_true (gtk_widget_get_sensitive (send_button (fixture)));
  over = repeat ("a", 990);
  set_text (fixture, over);
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "1001 / 1000");
  g_assert_true (desk_composer_get_over_limit (composer_of (fixture)));
  g_assert_true (gtk_widget_has_css_class (counter_label (fixture), "error"));
  g_assert_false (gtk_widget_get_sensitive (send_button (fixture)));

  /* The server changes its limits: the shown conversation follows */
  set_text (fixture, "see https://shop.example/track?parcel=4411");
  g_assert_true (desk_store_set_account_limits (fixture->store, account, 2000, 23, &error));
  g_assert_no_error (error);
  desk_test_wait_until (counter_says_2000, fixture);

  /* Another account whose server never said: Mastodon's 500 and 23 */
  fixture_destroy_window (fixture);
  fixture_show (fixture, other);
  set_text (fixture, "see https://shop.example/track?parcel=4411");
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "40 / 500");
}

static gboolean
draft_stored (gpointer data)
{
  Fixture *fixture = data;

  return composer_idle (fixture) && desk_test_store_count (fixture->store, "drafts") == 1;
}

/* Ctrl+Enter queues one reply, clears the text and the draft, and says so */
static void
test_ctrl_enter_queues_once (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "telegram", "tg", "Hi", NULL);
  g_autofree char *body = NULL;
  gint64 outbox_id;

  fixture_show (fixture, id);

  set_text (fixture, "On its way " GRINNING);
  /* The draft is saved after a pause in typing */
  desk_test_wait_until (draft_stored, fixture);

  press_ctrl_enter (fixture);
  /* A second press while the first is stored, or after, sends nothing more */
  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);
  press_ctrl_enter (fixture);
  desk_test_wait_until (composer_idle, fixture);

  g_assert_cmpint (desk_test_store_count (fixture->store, "outbox"), ==, 1);
  g_assert_cmpint (desk_test_store_count (fixture->store, "drafts"), ==, 0);
  body = desk_test_store_query_text (fixture->store, "SELECT body FROM outbox");
  g_assert_cmpstr (body, ==, "On its way " GRINNING " " EM_DASH "MJ");

  outbox_id = desk_test_store_query_int (fixture->store, "SELECT id FROM outbox");
  g_assert_cmpuint (fixture->queued->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->queued, gint64, 0), ==, outbox_id);
}

static gboolean
text_is (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *text = get_text (fixture);

  return composer_idle (fixture) && g_strcmp0 (text, "Half-written " FAMILY) == 0;
}

/* A draft survives the view going away and the store being closed and opened again */
static void
test_draft_survives (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 first = ingest_conversation (fixture->store, "bluesky", "one", "First?", NULL);
  gint64 second = ingest_conversation (fixture->store, "bluesky", "two", "Second?", NULL);
  g_autofree char *text = NULL;

  fixture_show (fixture, first);

  /* Switching conversation keeps each draft apart */
  set_text (fixture, "Half-written " FAMILY);
  desk_conversation_view_set_conversation_id (fixture->view, second);
  desk_test_wait_until (view_loaded, fixture);
  text = get_text (fixture);
  g_assert_cmpstr (text, ==, "");
  set_text (fixture, "For two");

  /* Destroyed at once, before the debounced save: the draft is saved all the same */
  fixture_destroy_window (fixture);
  desk_store_close (fixture->store);
  g_clear_object (&fixture->store);

  fixture->store = desk_test_store_new_at (fixture->path);
  g_assert_cmpint (desk_test_store_count (fixture->store, "drafts"), ==, 2);

  fixture_show (fixture, first);
  desk_test_wait_until (text_is, fixture);

  desk_conversation_view_set_conversation_id (fixture->view, second);
  desk_test_wait_until (view_loaded, fixture);
  g_clear_pointer (&text, g_free);
  text = get_text (fixture);
  g_assert_cmpstr (text, ==, "For two");
}

static gboolean
is_private_toggle (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_TOGGLE_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Private Reply") == 0;
}

static GtkWidget *
private_toggle (Fixture *fixture)
{
  return find_widget (GTK_WIDGET (composer_of (fixture)), is_private_toggle, NULL);
}

static gboolean
private_draft_stored (gpointer data)
{
  Fixture *fixture = data;

  return composer_idle (fixture) &&
         desk_test_store_query_int (fixture->store, "SELECT count(*) FROM drafts WHERE is_dm = 1") == 1;
}

static gboolean
private_restored (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *toggle = private_toggle (fixture);
  g_autofree char *text = get_text (fixture);

  return composer_idle (fixture) && g_strcmp0 (text, "Your address, please?") == 0 &&
         toggle != NULL && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle));
}

/* A public Mastodon conversation can be answered privately: the choice is kept with the draft,
 * reset for another conversation, and queued as a direct reply */
static void
test_private_reply (Fixture       *fixture,
                    gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "mastodon", "masto", "Where is it?", NULL);
  gint64 other = ingest_conversation (fixture->store, "mastodon", "masto-2", "Anyone?", NULL);
  GtkWidget *toggle;

  fixture_show (fixture, id);

  toggle = private_toggle (fixture);
  g_assert_nonnull (toggle);
  g_assert_true (gtk_widget_get_visible (toggle));
  g_assert_true (gtk_widget_get_focusable (toggle));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_nonnull (find_widget (GTK_WIDGET (composer_of (fixture)), is_label_with_text,
                                 "Public reply"));

  set_text (fixture, "Your address, please?");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  g_assert_nonnull (find_widget (GTK_WIDGET (composer_of (fixture)), is_label_with_text,
                                 "Only @masto sees this reply"));
  desk_test_wait_until (private_draft_stored, fixture);

  /* Another conversation starts public */
  desk_conversation_view_set_conversation_id (fixture->view, other);
  desk_test_wait_until (view_loaded, fixture);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (private_toggle (fixture))));

  /* Closed and opened again: the draft comes back private */
  fixture_destroy_window (fixture);
  desk_store_close (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = desk_test_store_new_at (fixture->path);
  fixture_show (fixture, id);
  desk_test_wait_until (private_restored, fixture);

  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);
  g_assert_cmpint (desk_test_store_query_int (fixture->store, "SELECT is_dm FROM outbox"), ==, 1);
  g_assert_cmpint (desk_test_store_count (fixture->store, "drafts"), ==, 0);
}

/* Bluesky has no private reply to a public post: no toggle */
static void
test_no_private_reply_on_bluesky (Fixture       *fixture,
                                  gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "bluesky", "bsky", "Where is it?", NULL);
  GtkWidget *toggle;

  fixture_show (fixture, id);

  toggle = private_toggle (fixture);
  g_assert_true (toggle == NULL || !gtk_widget_get_visible (toggle));

  set_text (fixture, "On its way");
  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);
  g_assert_cmpint (desk_test_store_query_int (fixture->store, "SELECT is_dm FROM outbox"), ==, 0);
}

/* Messages are shown as they are: never markup */
static void
test_markup_is_literal (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "bluesky", "markup", MARKUP, NULL);
  GtkWidget *label;

  fixture_show (fixture, id);

  label = find_widget (GTK_WIDGET (fixture->view), is_label_with_text, MARKUP);
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, MARKUP);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (label)));

  /* The header too: the customer's name is from the network */
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_label_with_text, "Customer markup"));
}

/* The business account's replies say which agent wrote them */
static void
test_agent_initials_shown (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  DeskMessage *reply;
  gint64 id;

  /* Sent from Frontdesk: initials stored with it */
  reply = desk_test_message ("r1", "init", DESK_DIRECTION_OUT, 2000000, "We are on it.");
  reply->agent_initials = g_strdup ("AH");
  g_ptr_array_add (replies, reply);
  /* Sent elsewhere, signed by hand */
  reply = desk_test_message ("r2", "init", DESK_DIRECTION_OUT, 3000000, "Fixed now. " EM_DASH "MJ");
  g_ptr_array_add (replies, reply);
  /* Not signed at all */
  reply = desk_test_message ("r3", "init", DESK_DIRECTION_OUT, 4000000, "Anything else?");
  g_ptr_array_add (replies, reply);

  id = ingest_conversation (fixture->store, "bluesky", "init", "Broken!", replies);
  fixture_show (fixture, id);

  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_label_containing, "shop · by AH"));
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_label_containing, "shop · by MJ"));
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_label_with_text, "Anything else?"));
  g_assert_null (find_widget (GTK_WIDGET (fixture->view), is_label_containing, "by Customer"));
}

static gboolean
error_shown (gpointer data)
{
  Fixture *fixture = data;

  return composer_idle (fixture) && desk_composer_get_error_text (composer_of (fixture)) != NULL;
}

/* The disk is full: the reply stays in the composer, the error shows, nothing is lost */
static void
test_store_error_keeps_text (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "telegram", "full", "Hi", NULL);
  g_autofree char *big = repeat (GRINNING, 2000);  /* 4,000 UTF-16 units, 8,000 bytes */
  g_autofree char *page_count = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = g_strconcat (big, " " EM_DASH "MJ", NULL);
  g_autofree char *body = NULL;

  fixture_show (fixture, id);
  set_text (fixture, big);
  g_assert_cmpstr (desk_composer_get_counter_text (composer_of (fixture)), ==, "4004 / 4096");

  page_count = desk_test_store_query_text (fixture->store, "PRAGMA page_count");
  limit = g_strdup_printf ("PRAGMA max_page_count = %s", page_count);
  g_free (desk_test_store_query_text (fixture->store, limit));

  g_assert_true (desk_composer_send (composer_of (fixture), NULL));
  desk_test_wait_until (error_shown, fixture);

  g_test_message ("error: %s", desk_composer_get_error_text (composer_of (fixture)));
  text = get_text (fixture);
  g_assert_cmpstr (text, ==, big);
  g_assert_cmpint (desk_test_store_count (fixture->store, "outbox"), ==, 0);
  g_assert_cmpuint (fixture->queued->len, ==, 0);

  /* Room again: the same text goes */
  g_free (desk_test_store_query_text (fixture->store, "PRAGMA max_page_count = 1073741823"));
  g_assert_true (desk_composer_send (composer_of (fixture), NULL));
  desk_test_wait_until (text_cleared_and_queued, fixture);
  g_assert_null (desk_composer_get_error_text (composer_of (fixture)));
  body = desk_test_store_query_text (fixture->store, "SELECT body FROM outbox");
  g_assert_cmpstr (body, ==, expected);
}

static gboolean
label_shown (gpointer data)
{
  Fixture *fixture = g_object_get_data (G_OBJECT (data), "fixture");
  const char *text = g_object_get_data (G_OBJECT (data), "text");

  return find_widget (GTK_WIDGET (fixture->view), is_label_containing, text) != NULL;
}

static void
wait_for_label (Fixture    *fixture,
                const char *text)
{
  g_autoptr(GObject) holder = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (holder, "fixture", fixture);
  g_object_set_data (holder, "text", (gpointer) text);
  desk_test_wait_until (label_shown, holder);
}

static gboolean
text_is_draft (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *text = get_text (fixture);

  return composer_idle (fixture) && fixture->queued->len > 0 &&
         g_strcmp0 (text, "Draft in progress") == 0;
}

/* A reply the network refused shows with its error, and can be edited and sent again */
static void
test_failed_reply_edit_and_retry (Fixture       *fixture,
                                  gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "bluesky", "fail", "Hi", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *state = NULL;
  GtkWidget *edit;
  gint64 outbox_id;

  outbox_id = desk_store_queue_reply (fixture->store, id, "Frist reply " EM_DASH "MJ", "MJ", &error);
  g_assert_no_error (error);
  g_assert_true (desk_store_outbox_begin_attempt (fixture->store, outbox_id, &error));
  g_assert_true (desk_store_outbox_failed (fixture->store, outbox_id, DESK_OUTBOX_FAILED,
                                           "The post was refused <b>now</b>", &error));
  g_assert_no_error (error);

  fixture_show (fixture, id);
  wait_for_label (fixture, "Not sent: The post was refused <b>now</b>");

  /* A draft in progress is kept aside while the failed reply is edited */
  set_text (fixture, "Draft in progress");
  edit = find_widget (GTK_WIDGET (fixture->view), is_button_labelled, "_Edit");
  g_assert_nonnull (edit);
  g_signal_emit_by_name (edit, "clicked");
  body = get_text (fixture);
  g_assert_cmpstr (body, ==, "Frist reply " EM_DASH "MJ");

  set_text (fixture, "First reply " EM_DASH "MJ");
  press_ctrl_enter (fixture);
  desk_test_wait_until (text_is_draft, fixture);

  g_clear_pointer (&body, g_free);
  body = desk_test_store_query_text (fixture->store, "SELECT body FROM outbox");
  state = desk_test_store_query_text (fixture->store, "SELECT state FROM outbox");
  g_assert_cmpstr (body, ==, "First reply " EM_DASH "MJ");
  g_assert_cmpstr (state, ==, "queued");
  g_assert_cmpint (desk_test_store_count (fixture->store, "outbox"), ==, 1);
  g_assert_cmpuint (fixture->queued->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->queued, gint64, 0), ==, outbox_id);

  wait_for_label (fixture, "Waiting to be sent");
}

static gboolean
no_label_waiting (gpointer data)
{
  Fixture *fixture = data;

  return find_widget (GTK_WIDGET (fixture->view), is_label_with_text, "Waiting to be sent") == NULL;
}

/* A reply waits under the thread until the sync engine posts it; then it is in the thread,
 * with the agent who wrote it */
static void
test_sent_reply_joins_thread (Fixture       *fixture,
                              gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "bluesky", "sent", "Status?", NULL);
  g_autoptr(GError) error = NULL;
  gint64 outbox_id;

  fixture_show (fixture, id);
  set_text (fixture, "Shipped yesterday.");
  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);
  wait_for_label (fixture, "Waiting to be sent");
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_label_with_text,
                                 "Shipped yesterday. " EM_DASH "MJ"));

  /* What the sync engine does */
  outbox_id = g_array_index (fixture->queued, gint64, 0);
  g_assert_true (desk_store_outbox_begin_attempt (fixture->store, outbox_id, &error));
  g_assert_true (desk_store_outbox_sent (fixture->store, outbox_id, "at://sent/1", &error));
  g_assert_no_error (error);

  wait_for_label (fixture, "shop · by MJ");
  desk_test_wait_until (no_label_waiting, fixture);
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_label_with_text,
                                 "Shipped yesterday. " EM_DASH "MJ"));
}

/* A reply whose outcome the network cannot tell: the agent settles it, from a pane that still
 * fits 360 px */
static void
test_unknown_reply_settled (Fixture       *fixture,
                            gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "telegram", "unknown", "Hi", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  GtkWidget *posted;
  gint64 outbox_id;
  int minimum = 0;

  outbox_id = desk_store_queue_reply (fixture->store, id, "Hello " EM_DASH "MJ", "MJ", &error);
  g_assert_true (desk_store_outbox_begin_attempt (fixture->store, outbox_id, &error));
  g_assert_true (desk_store_outbox_failed (fixture->store, outbox_id, DESK_OUTBOX_UNKNOWN,
                                           "Telegram cannot tell whether it arrived.", &error));
  g_assert_no_error (error);

  fixture->width = 360;
  fixture_show (fixture, id);
  wait_for_label (fixture, "Perhaps posted: Telegram cannot tell whether it arrived.");

  gtk_widget_measure (GTK_WIDGET (fixture->view), GTK_ORIENTATION_HORIZONTAL, -1,
                      &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);

  /* And laid out at that width, without a warning */
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_test_message ("width at 360: %d", gtk_widget_get_width (GTK_WIDGET (fixture->view)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->view)), <=, 360);

  posted = find_widget (GTK_WIDGET (fixture->view), is_button_labelled, "It Was _Posted");
  g_assert_nonnull (posted);
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_button_labelled, "Send _Again"));
  g_assert_nonnull (find_widget (GTK_WIDGET (fixture->view), is_button_labelled, "_Discard"));
  g_signal_emit_by_name (posted, "clicked");

  wait_for_label (fixture, "shop · by MJ");
  state = desk_test_store_query_text (fixture->store, "SELECT state FROM outbox");
  g_assert_cmpstr (state, ==, "sent");
  g_assert_null (find_widget (GTK_WIDGET (fixture->view), is_button_labelled, "It Was _Posted"));
}

static gboolean
picker_loaded (gpointer data)
{
  return desk_canned_picker_is_loaded (desk_composer_get_picker (composer_of (data)));
}

static GtkEventController *
picker_keys (GtkWidget *view)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          g_strcmp0 (gtk_event_controller_get_name (controller), "desk-canned-picker") == 0)
        return controller;
    }

  g_assert_not_reached ();
}

static void
type (Fixture    *fixture,
      const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (desk_composer_get_text_view (composer_of (fixture)));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      g_assert_true (gtk_text_buffer_insert_interactive_at_cursor (buffer, p,
                                                                   g_utf8_next_char (p) - p,
                                                                   TRUE));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

/* A canned response goes in with "/" + letters, filled from the conversation; a placeholder
 * it could not fill keeps Send off until the agent replaces it */
static void
test_canned_placeholders (Fixture       *fixture,
                          gconstpointer  data)
{
  gint64 id = ingest_conversation (fixture->store, "bluesky", "canned", "When?", NULL);
  g_autoptr(DeskCannedResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  GtkTextBuffer *buffer;
  gboolean handled = FALSE;

  response = desk_canned_response_new ("Shipping", "ship",
                                       "Hi {customer_name}, order {order_number} ships today.");
  desk_store_add_canned (fixture->store, response, &error);
  g_assert_no_error (error);

  fixture_show (fixture, id);
  desk_test_wait_until (picker_loaded, fixture);
  buffer = gtk_text_view_get_buffer (desk_composer_get_text_view (composer_of (fixture)));

  type (fixture, "/ship");
  g_assert_true (desk_canned_picker_is_open (desk_composer_get_picker (composer_of (fixture))));
  g_signal_emit_by_name (picker_keys (GTK_WIDGET (desk_composer_get_text_view (composer_of (fixture)))),
                         "key-pressed", GDK_KEY_Return, 0, 0, &handled);
  g_assert_true (handled);

  text = get_text (fixture);
  g_assert_cmpstr (text, ==, "Hi Customer canned, order {order_number} ships today.");
  g_assert_false (gtk_widget_get_sensitive (send_button (fixture)));

  /* Ctrl+Enter says why, and selects the placeholder so typing replaces it */
  press_ctrl_enter (fixture);
  g_assert_nonnull (desk_composer_get_error_text (composer_of (fixture)));
  g_assert_true (gtk_text_buffer_get_has_selection (buffer));
  gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
  type (fixture, "A-1234");
  g_assert_true (gtk_widget_get_sensitive (send_button (fixture)));

  press_ctrl_enter (fixture);
  desk_test_wait_until (text_cleared_and_queued, fixture);
  body = desk_test_store_query_text (fixture->store, "SELECT body FROM outbox");
  g_assert_cmpstr (body, ==, "Hi Customer canned, order A-1234 ships today. " EM_DASH "MJ");
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  /* No window manager under Xvfb: a blinking cursor would find itself without focus */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

#define ADD(path, func) \
  g_test_add ("/ui/composer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("no-conversation", test_no_conversation);
  ADD ("counter-graphemes-and-signature", test_counter_graphemes_and_signature);
  ADD ("signature-once", test_signature_once);
  ADD ("mastodon-server-limits", test_mastodon_server_limits);
  ADD ("ctrl-enter-queues-once", test_ctrl_enter_queues_once);
  ADD ("draft-survives", test_draft_survives);
  ADD ("private-reply", test_private_reply);
  ADD ("no-private-reply-on-bluesky", test_no_private_reply_on_bluesky);
  ADD ("markup-is-literal", test_markup_is_literal);
  ADD ("agent-initials", test_agent_initials_shown);
  ADD ("store-error-keeps-text", test_store_error_keeps_text);
  ADD ("failed-reply-edit-retry", test_failed_reply_edit_and_retry);
  ADD ("canned-placeholders", test_canned_placeholders);
  ADD ("sent-reply-joins-thread", test_sent_reply_joins_thread);
  ADD ("unknown-reply-settled", test_unknown_reply_settled);

#undef ADD

  return g_test_run ();
}
