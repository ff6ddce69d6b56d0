/* test-ui-canned.c: the canned-response picker in a real text view, and the library window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh (Xvfb, a private D-Bus session). Text is typed one
 * character at a time through gtk_text_buffer_insert_interactive_at_cursor(), as GtkTextView
 * does for a key press; keys reach the picker through its key controller on the view, the one
 * GTK delivers real key presses to.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "desk-canned-library.h"
#include "desk-canned-picker.h"
#include "desk-test-util.h"

typedef struct
{
  DeskStore        *store;
  GtkWindow        *window;
  GtkTextView      *view;
  GtkTextBuffer    *buffer;
  DeskCannedPicker *picker;
} Fixture;

static gint64
add (DeskStore  *store,
     const char *title,
     const char *shortcut,
     const char *body,
     const char *network,
     const char *variant)
{
  g_autoptr(DeskCannedResponse) r = desk_canned_response_new (title, shortcut, body);
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (network != NULL)
    desk_canned_response_set_variant (r, network, variant);
  id = desk_store_add_canned (store, r, &error);
  g_assert_no_error (error);

  return id;
}

static gboolean
picker_loaded (gpointer data)
{
  return desk_canned_picker_is_loaded (data);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  DeskCannedContext context = {
    .customer_name = "Ana Novak",
    .customer_handle = "@ana.test",
    .agent_name = "Maja Jerman",
    .agent_initials = "MJ",
    .network = "mastodon",
    .account = "@shop@social.test",
  };

  f->store = desk_test_store_new ();
  add (f->store, "Refund policy", "refund", "Hi {customer_name}, refunds take 5 days. —{agent_initials}",
       "bluesky", "Refund: 5 days, {customer_handle}.");
  add (f->store, "Returns", "return", "Send it back to us, {customer_name}.", NULL, NULL);
  add (f->store, "Greeting", "hello", "Hello {customer_name}!", NULL, NULL);
  add (f->store, "Order status", "order", "Your order {order_id} left on {ship_date}. {agent_name}", NULL, NULL);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 360, 300);
  f->view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (f->view, GTK_WRAP_WORD_CHAR);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  f->buffer = gtk_text_view_get_buffer (f->view);
  gtk_window_present (f->window);
  gtk_widget_grab_focus (GTK_WIDGET (f->view));

  f->picker = desk_canned_picker_new (f->view, f->store);
  desk_canned_picker_set_context (f->picker, &context);
  desk_test_wait_until (picker_loaded, f->picker);
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *window = f->window;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &f->window);
  gtk_window_destroy (window);
  desk_test_wait_until (window_gone, &f->window);

  /* The view is gone: the picker let go of its popover and controller. */
  g_assert_null (desk_canned_picker_get_popover (f->picker));
  g_clear_object (&f->picker);
  g_clear_object (&f->store);
}

static void
type (Fixture    *f,
      const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      g_assert_true (gtk_text_buffer_insert_interactive_at_cursor (f->buffer, p, g_utf8_next_char (p) - p,
                                                                   TRUE));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

static void
backspace (Fixture *f)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_mark (f->buffer, &end, gtk_text_buffer_get_insert (f->buffer));
  start = end;
  gtk_text_iter_backward_char (&start);
  gtk_text_buffer_delete_interactive (f->buffer, &start, &end, TRUE);
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

/* A key press as GTK delivers it to the view's key controllers; TRUE if the picker took it */
static gboolean
press (Fixture *f,
       guint    keyval)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (picker_keys (GTK_WIDGET (f->view)), "key-pressed", keyval, 0, 0, &handled);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return handled;
}

static char *
buffer_text (Fixture *f)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (f->buffer, &start, &end);

  return gtk_text_buffer_get_text (f->buffer, &start, &end, TRUE);
}

static void
assert_text (Fixture    *f,
             const char *expected)
{
  g_autofree char *text = buffer_text (f);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_matches (Fixture            *f,
                const char * const *shortcuts)
{
  guint n = g_strv_length ((GStrv) shortcuts);

  g_assert_true (desk_canned_picker_is_open (f->picker));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (desk_canned_picker_get_popover (f->picker))));
  g_assert_cmpuint (desk_canned_picker_get_n_matches (f->picker), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (desk_canned_picker_get_match (f->picker, i)->shortcut, ==, shortcuts[i]);
}

/* "/" + letters opens the picker with the matches, narrowing as the letters change; Enter
 * inserts the selected one with its placeholders filled, in place of "/letters". */
static void
test_type_ahead (Fixture       *f,
                 gconstpointer  data)
{
  /* Closed, the picker lets every key through to the view. */
  g_assert_false (press (f, GDK_KEY_Return));
  g_assert_false (press (f, GDK_KEY_Down));
  g_assert_false (press (f, GDK_KEY_Escape));

  type (f, "Thanks! /");
  g_assert_false (desk_canned_picker_is_open (f->picker));

  /* Shortcuts first, then titles ("Greeting"). */
  type (f, "re");
  assert_matches (f, (const char *[]) { "refund", "return", "hello", NULL });
  g_assert_cmpuint (desk_canned_picker_get_selected (f->picker), ==, 0);

  type (f, "t");
  assert_matches (f, (const char *[]) { "return", NULL });
  backspace (f);
  assert_matches (f, (const char *[]) { "refund", "return", "hello", NULL });

  /* The text view keeps the focus; the popover never takes it. */
  g_assert_false (gtk_widget_get_can_focus (GTK_WIDGET (desk_canned_picker_get_popover (f->picker))));
  g_assert_false (gtk_popover_get_autohide (desk_canned_picker_get_popover (f->picker)));

  g_assert_true (press (f, GDK_KEY_Down));
  g_assert_cmpuint (desk_canned_picker_get_selected (f->picker), ==, 1);
  g_assert_true (press (f, GDK_KEY_Down));
  g_assert_true (press (f, GDK_KEY_Down));
  g_assert_cmpuint (desk_canned_picker_get_selected (f->picker), ==, 0);   /* wraps */
  g_assert_true (press (f, GDK_KEY_Up));
  g_assert_cmpuint (desk_canned_picker_get_selected (f->picker), ==, 2);
  g_assert_true (press (f, GDK_KEY_Up));
  g_assert_true (press (f, GDK_KEY_Up));
  g_assert_cmpuint (desk_canned_picker_get_selected (f->picker), ==, 0);

  g_assert_true (press (f, GDK_KEY_Return));
  g_assert_false (desk_canned_picker_is_open (f->picker));
  assert_text (f, "Thanks! Hi Ana Novak, refunds take 5 days. —MJ");
  g_assert_false (desk_canned_picker_has_unknown (f->picker));

  /* The cursor is after the inserted text: typing goes on from there. */
  type (f, " Bye.");
  assert_text (f, "Thanks! Hi Ana Novak, refunds take 5 days. —MJ Bye.");

  /* Enter goes to the view again once the picker is closed. */
  g_assert_false (press (f, GDK_KEY_Return));
}

/* The variant for the conversation's network, and Tab to insert. */
static void
test_variant (Fixture       *f,
              gconstpointer  data)
{
  DeskCannedContext context = { .customer_handle = "@ana.bsky.test", .network = "bluesky" };

  desk_canned_picker_set_context (f->picker, &context);
  type (f, "/refu");
  assert_matches (f, (const char *[]) { "refund", NULL });
  g_assert_true (press (f, GDK_KEY_Tab));
  assert_text (f, "Refund: 5 days, @ana.bsky.test.");
}

static gboolean
iter_range_tagged (Fixture    *f,
                   const char *text,
                   const char *needle)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (f->buffer),
                                               DESK_CANNED_PICKER_UNKNOWN_TAG);
  const char *found = strstr (text, needle);
  int start = g_utf8_pointer_to_offset (text, found);
  int end = start + g_utf8_strlen (needle, -1);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  g_assert_nonnull (found);

  /* Tagged exactly there: the character before and after are not. */
  for (int i = MAX (start - 1, 0); i <= end && i < g_utf8_strlen (text, -1); i++)
    {
      gboolean inside = i >= start && i < end;

      gtk_text_buffer_get_iter_at_offset (f->buffer, &iter, i);
      if (gtk_text_iter_has_tag (&iter, tag) != inside)
        return FALSE;
    }

  return TRUE;
}

/* An unknown placeholder stays in the text and is tagged; so is a known one without a value.
 * Editing it away clears has-unknown. */
static void
test_unknown_placeholder (Fixture       *f,
                          gconstpointer  data)
{
  DeskCannedContext context = { .customer_name = "Žiga", .agent_name = NULL };
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  desk_canned_picker_set_context (f->picker, &context);
  type (f, "Živjo 👋 /ord");
  assert_matches (f, (const char *[]) { "order", NULL });
  g_assert_true (press (f, GDK_KEY_KP_Enter));

  text = buffer_text (f);
  g_assert_cmpstr (text, ==, "Živjo 👋 Your order {order_id} left on {ship_date}. {agent_name}");
  g_assert_true (desk_canned_picker_has_unknown (f->picker));
  g_assert_true (iter_range_tagged (f, text, "{order_id}"));
  g_assert_true (iter_range_tagged (f, text, "{ship_date}"));
  g_assert_true (iter_range_tagged (f, text, "{agent_name}"));

  /* A keyboard path to each: the next one is selected, so typing replaces it. */
  gtk_text_buffer_get_start_iter (f->buffer, &start);
  gtk_text_buffer_place_cursor (f->buffer, &start);
  g_assert_true (desk_canned_picker_select_next_unknown (f->picker));
  g_assert_true (gtk_text_buffer_get_selection_bounds (f->buffer, &start, &end));
  g_assert_cmpint (gtk_text_iter_get_offset (&start), ==, g_utf8_strlen ("Živjo 👋 Your order ", -1));
  g_assert_cmpint (gtk_text_iter_get_offset (&end), ==, g_utf8_strlen ("Živjo 👋 Your order {order_id}", -1));
  gtk_text_buffer_delete_interactive (f->buffer, &start, &end, TRUE);
  type (f, "A-1042");
  g_assert_true (desk_canned_picker_has_unknown (f->picker));

  /* Typing over a selection deletes it first, as GtkTextView does. */
  g_assert_true (desk_canned_picker_select_next_unknown (f->picker));
  gtk_text_buffer_delete_selection (f->buffer, TRUE, TRUE);
  type (f, "Monday");
  g_assert_true (desk_canned_picker_select_next_unknown (f->picker));
  gtk_text_buffer_delete_selection (f->buffer, TRUE, TRUE);
  type (f, "Maja");
  assert_text (f, "Živjo 👋 Your order A-1042 left on Monday. Maja");
  g_assert_false (desk_canned_picker_has_unknown (f->picker));
  g_assert_false (desk_canned_picker_select_next_unknown (f->picker));
}

/* A draft read back has lost its tags: placeholders still in it are flagged again. What the
 * agent types is left alone. */
static void
test_draft_placeholders (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *text = NULL;
  GtkTextIter end;

  gtk_text_buffer_set_text (f->buffer, "Žiga, your order {order_id} ships {{soon}}.", -1);
  text = buffer_text (f);
  g_assert_true (desk_canned_picker_has_unknown (f->picker));
  g_assert_true (iter_range_tagged (f, text, "{order_id}"));
  g_assert_false (desk_canned_picker_is_open (f->picker));

  gtk_text_buffer_set_text (f->buffer, "", -1);
  g_assert_false (desk_canned_picker_has_unknown (f->picker));

  type (f, "We use {braces} here");
  g_assert_false (desk_canned_picker_has_unknown (f->picker));

  /* Text added by the program at the end: only the new part is looked at. */
  gtk_text_buffer_get_end_iter (f->buffer, &end);
  gtk_text_buffer_insert (f->buffer, &end, " — {agent_name}", -1);
  g_clear_pointer (&text, g_free);
  text = buffer_text (f);
  g_assert_true (iter_range_tagged (f, text, "{agent_name}"));
  g_assert_true (desk_canned_picker_has_unknown (f->picker));
  {
    GtkTextIter iter;
    GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (f->buffer),
                                                 DESK_CANNED_PICKER_UNKNOWN_TAG);

    gtk_text_buffer_get_iter_at_offset (f->buffer, &iter, g_utf8_strlen ("We use {", -1));
    g_assert_false (gtk_text_iter_has_tag (&iter, tag));
  }
}

/* Several responses in one reply, each at the cursor. */
static void
test_two_in_one_reply (Fixture       *f,
                       gconstpointer  data)
{
  GtkTextIter iter;

  type (f, "/hel");
  g_assert_true (press (f, GDK_KEY_Return));
  type (f, " ");
  type (f, "/ret");
  g_assert_true (press (f, GDK_KEY_Return));
  assert_text (f, "Hello Ana Novak! Send it back to us, Ana Novak.");

  /* In the middle of the text too, replacing only "/letters". */
  gtk_text_buffer_get_iter_at_offset (f->buffer, &iter, strlen ("Hello Ana Novak!"));
  gtk_text_buffer_place_cursor (f->buffer, &iter);
  type (f, " /hello");
  assert_matches (f, (const char *[]) { "hello", NULL });
  g_assert_true (press (f, GDK_KEY_Return));
  assert_text (f, "Hello Ana Novak! Hello Ana Novak! Send it back to us, Ana Novak.");
}

/* Escape closes and leaves the text; the same "/" does not reopen. A space, no match, or a
 * "/" inside a word (a URL, a date) never opens it. */
static void
test_escape_and_closing (Fixture       *f,
                         gconstpointer  data)
{
  type (f, "/re");
  g_assert_true (desk_canned_picker_is_open (f->picker));
  g_assert_true (press (f, GDK_KEY_Escape));
  g_assert_false (desk_canned_picker_is_open (f->picker));
  assert_text (f, "/re");

  type (f, "f");
  g_assert_false (desk_canned_picker_is_open (f->picker));
  g_assert_false (press (f, GDK_KEY_Return));

  type (f, " /he");
  g_assert_true (desk_canned_picker_is_open (f->picker));
  type (f, " ");
  g_assert_false (desk_canned_picker_is_open (f->picker));

  type (f, "/zz");
  g_assert_false (desk_canned_picker_is_open (f->picker));
  backspace (f);
  backspace (f);
  type (f, "ord");
  g_assert_true (desk_canned_picker_is_open (f->picker));
  type (f, "x");
  g_assert_false (desk_canned_picker_is_open (f->picker));

  type (f, " https://example.test/refund 1/re");
  g_assert_false (desk_canned_picker_is_open (f->picker));
  assert_text (f, "/ref /he /ordx https://example.test/refund 1/re");
}

/* The library changes while the picker lives: it follows. */
static gboolean
picker_open (gpointer data)
{
  return desk_canned_picker_is_open (data);
}

static void
test_follows_library (Fixture       *f,
                      gconstpointer  data)
{
  type (f, "/deliv");
  g_assert_false (desk_canned_picker_is_open (f->picker));
  backspace (f);

  add (f->store, "Delivery", "delivery", "We deliver on weekdays.", NULL, NULL);
  type (f, "v");
  desk_test_wait_until (picker_open, f->picker);
  assert_matches (f, (const char *[]) { "delivery", NULL });
}

/* The library window */

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *title,
             guint      *skip)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      gboolean match = title == NULL ||
                       (ADW_IS_PREFERENCES_ROW (widget) &&
                        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0);

      if (match && (skip == NULL || (*skip)-- == 0))
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, title, skip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_nth (GtkWidget *widget,
          GType      type,
          guint      n)
{
  return find_widget (widget, type, NULL, &n);
}

static GtkWindow *
toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

typedef struct
{
  GtkWidget  *window;
  const char *title;
  gboolean    present;
} RowQuery;

/* The library's list: the list box styled as a sidebar */
static GtkWidget *
library_list (GtkWidget *window)
{
  GtkWidget *list;

  for (guint i = 0; (list = find_nth (window, GTK_TYPE_LIST_BOX, i)) != NULL; i++)
    if (gtk_widget_has_css_class (list, "navigation-sidebar"))
      return list;

  g_assert_not_reached ();
}

static gboolean
row_shown (gpointer data)
{
  RowQuery *query = data;
  GtkWidget *list = library_list (query->window);

  return (find_widget (list, ADW_TYPE_ACTION_ROW, query->title, NULL) != NULL) == query->present;
}

static GtkWindow *
open_library (DeskStore *store,
              int        width)
{
  GtkWindow *library = desk_canned_library_new (NULL, store);

  gtk_window_set_default_size (library, width, 600);
  gtk_window_present (library);

  return library;
}

static void
close_library (GtkWindow *library)
{
  gpointer weak = library;

  g_object_add_weak_pointer (G_OBJECT (library), &weak);
  gtk_window_destroy (library);
  desk_test_wait_until (window_gone, &weak);
}

typedef struct
{
  DeskStore *store;
  gint64     count;
} CountQuery;

static gboolean
count_is (gpointer data)
{
  CountQuery *query = data;

  return desk_test_store_count (query->store, "canned_responses") == query->count;
}

static void
wait_count (DeskStore *store,
            gint64     count)
{
  CountQuery query = { store, count };

  desk_test_wait_until (count_is, &query);
}

/* Ctrl+N, the editor's fields, Ctrl+S: the response is stored and appears in the list. The
 * short version for Bluesky shows its length against Bluesky's limit, in error colour over it. */
static void
test_library_add (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskCannedResponse) stored = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *long_text = g_strnfill (301, 'a');
  GtkWindow *library = open_library (store, 820);
  GtkWidget *editor, *bluesky, *counter;
  RowQuery query = { GTK_WIDGET (library), "Refund policy", TRUE };

  gtk_widget_activate_action (GTK_WIDGET (library), "library.new", NULL);

  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (library), ADW_TYPE_ENTRY_ROW, "Title", NULL)),
                         "Refund policy");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (library), ADW_TYPE_ENTRY_ROW, "Shortcut", NULL)),
                         "/refund");

  editor = GTK_WIDGET (library);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_nth (editor, GTK_TYPE_TEXT_VIEW, 0))),
                            "Hi {customer_name}, refunds take 5 days.", -1);

  /* Variants follow the body: Bluesky first. Its counter is the label beside its name. */
  bluesky = find_nth (editor, GTK_TYPE_TEXT_VIEW, 1);
  g_assert_cmpstr (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (bluesky)) == GTK_ACCESSIBLE_ROLE_TEXT_BOX
                     ? "text-box" : "other", ==, "text-box");
  counter = gtk_widget_get_last_child (gtk_widget_get_first_child (gtk_widget_get_parent (gtk_widget_get_parent (bluesky))));
  g_assert_true (GTK_IS_LABEL (counter));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (counter)), ==, "0 / 300");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (bluesky)), "Refunds: 5 days.", -1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (counter)), ==, "16 / 300");
  g_assert_false (gtk_widget_has_css_class (counter, "error"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (bluesky)), long_text, -1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (counter)), ==, "301 / 300");
  g_assert_true (gtk_widget_has_css_class (counter, "error"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (bluesky)), "Refunds: 5 days.", -1);

  gtk_widget_activate_action (GTK_WIDGET (library), "library.save", NULL);
  desk_test_wait_until (row_shown, &query);

  all = desk_store_list_canned (store, NULL);
  g_assert_cmpuint (all->len, ==, 1);
  stored = desk_canned_response_ref (all->pdata[0]);
  g_assert_cmpstr (stored->shortcut, ==, "refund");
  g_assert_cmpstr (stored->body, ==, "Hi {customer_name}, refunds take 5 days.");
  g_assert_cmpstr (desk_canned_response_get_variant (stored, "bluesky"), ==, "Refunds: 5 days.");
  g_assert_null (desk_canned_response_get_variant (stored, "x"));

  /* A second with the same shortcut: the editor says why it was not saved. */
  gtk_widget_activate_action (GTK_WIDGET (library), "library.new", NULL);
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (library), ADW_TYPE_ENTRY_ROW, "Title", NULL)),
                         "Another");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (library), ADW_TYPE_ENTRY_ROW, "Shortcut", NULL)),
                         "REFUND");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_nth (editor, GTK_TYPE_TEXT_VIEW, 0))),
                            "Other", -1);
  gtk_widget_activate_action (GTK_WIDGET (library), "library.save", NULL);
  {
    GtkWidget *error_label = NULL;
    guint skip = 0;

    /* The error label is the first label in the editor that shows. */
    while (error_label == NULL || !gtk_widget_has_css_class (error_label, "error") ||
           !gtk_widget_get_visible (error_label))
      {
        g_main_context_iteration (NULL, TRUE);
        for (skip = 0; (error_label = find_nth (editor, GTK_TYPE_LABEL, skip)) != NULL; skip++)
          if (gtk_widget_has_css_class (error_label, "error") && gtk_widget_get_visible (error_label))
            break;
      }
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "/REFUND"));
  }
  g_assert_cmpint (desk_test_store_count (store, "canned_responses"), ==, 1);

  close_library (library);
}

static gboolean
is_folded (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && adw_leaflet_get_folded (data);
}

/* Delete removes the selected response; Undo brings it back. */
static void
test_library_delete_undo (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  GtkWindow *library;
  RowQuery query = { NULL, "Greeting", TRUE };
  GtkWidget *list;
  GtkEventController *keys = NULL;
  g_autoptr(GListModel) controllers = NULL;
  gboolean handled = FALSE;

  add (store, "Greeting", "hello", "Hello!", NULL, NULL);
  library = open_library (store, 360);
  query.window = GTK_WIDGET (library);
  desk_test_wait_until (row_shown, &query);

  /* 360 px: one pane at a time. */
  desk_test_wait_until (is_folded, find_nth (GTK_WIDGET (library), ADW_TYPE_LEAFLET, 0));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (library)), <=, 360 + 2 * 32);

  list = library_list (GTK_WIDGET (library));
  gtk_list_box_select_row (GTK_LIST_BOX (list), gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  controllers = gtk_widget_observe_controllers (list);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && keys == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        keys = controller;
    }
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Delete, 0, 0, &handled);
  g_assert_true (handled);
  wait_count (store, 0);

  gtk_widget_activate_action (GTK_WIDGET (library), "library.undo-delete", NULL);
  wait_count (store, 1);
  desk_test_wait_until (row_shown, &query);

  close_library (library);
}

/* Import shows the plan (added, changed, unchanged) before anything changes; Import applies it.
 * A broken file is explained and changes nothing. */
static void
test_library_import (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autofree char *path = desk_test_tmp_path ("team.json");
  g_autofree char *bad_path = desk_test_tmp_path ("not-ours.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  RowQuery query = { NULL, "Shipping", TRUE };
  GtkWindow *library;
  AdwMessageDialog *dialog;

  add (store, "Greeting", "hello", "Hello!", NULL, NULL);
  add (store, "Refund", "refund", "Old words", NULL, NULL);

  g_assert_true (g_file_set_contents (path,
      "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": ["
      "{\"title\": \"Greeting\", \"shortcut\": \"hello\", \"body\": \"Hello!\"},"
      "{\"title\": \"Refund\", \"shortcut\": \"refund\", \"body\": \"New words\"},"
      "{\"title\": \"Shipping\", \"shortcut\": \"ship\", \"body\": \"We ship.\", \"variants\": {\"x\": \"Ships.\"}}"
      "]}", -1, &error));
  g_assert_true (g_file_set_contents (bad_path, "{\"name\": \"some-package\", \"version\": \"1.0\"}", -1, &error));

  library = open_library (store, 820);
  query.window = GTK_WIDGET (library);

  /* Not ours: said in words, nothing changes. */
  desk_canned_library_import_file (DESK_CANNED_LIBRARY (library), bad);
  desk_test_wait_until (has_message_dialog, NULL);
  dialog = ADW_MESSAGE_DIALOG (toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Import");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "This file is not a Frontdesk canned-responses file.");
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The plan first. */
  desk_canned_library_import_file (DESK_CANNED_LIBRARY (library), file);
  desk_test_wait_until (has_message_dialog, NULL);
  dialog = ADW_MESSAGE_DIALOG (toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import Canned Responses?");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "1 to add, 1 to change, 1 unchanged");
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, "Shipping", NULL));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, "Refund", NULL));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, "Greeting", NULL));
  g_assert_cmpint (desk_test_store_count (store, "canned_responses"), ==, 2);

  adw_message_dialog_response (dialog, "import");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_count (store, 3);
  desk_test_wait_until (row_shown, &query);

  body = desk_test_store_query_text (store, "SELECT body FROM canned_responses WHERE shortcut = 'refund'");
  g_assert_cmpstr (body, ==, "New words");

  close_library (library);
}

static gboolean
export_done (gpointer data)
{
  return g_object_get_data (data, "export-done") != NULL;
}

static void
test_library_export (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autofree char *path = desk_test_tmp_path ("exported.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *library;

  add (store, "Greeting", "hello", "Hello!", "telegram", "Hi!");
  library = open_library (store, 820);

  desk_canned_library_export_file (DESK_CANNED_LIBRARY (library), file);
  desk_test_wait_until (export_done, library);

  contents = desk_canned_read_file (file, NULL, &error);
  g_assert_no_error (error);
  responses = desk_canned_parse (contents, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (responses->len, ==, 1);
  g_assert_cmpstr (desk_canned_response_get_variant (responses->pdata[0], "telegram"), ==, "Hi!");

  close_library (library);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add ("/ui/canned/picker/type-ahead", Fixture, NULL, fixture_set_up, test_type_ahead, fixture_tear_down);
  g_test_add ("/ui/canned/picker/variant", Fixture, NULL, fixture_set_up, test_variant, fixture_tear_down);
  g_test_add ("/ui/canned/picker/unknown-placeholder", Fixture, NULL, fixture_set_up, test_unknown_placeholder, fixture_tear_down);
  g_test_add ("/ui/canned/picker/draft-placeholders", Fixture, NULL, fixture_set_up, test_draft_placeholders, fixture_tear_down);
  g_test_add ("/ui/canned/picker/two-in-one-reply", Fixture, NULL, fixture_set_up, test_two_in_one_reply, fixture_tear_down);
  g_test_add ("/ui/canned/picker/escape", Fixture, NULL, fixture_set_up, test_escape_and_closing, fixture_tear_down);
  g_test_add ("/ui/canned/picker/follows-library", Fixture, NULL, fixture_set_up, test_follows_library, fixture_tear_down);
  g_test_add_func ("/ui/canned/library/add", test_library_add);
  g_test_add_func ("/ui/canned/library/delete-undo", test_library_delete_undo);
  g_test_add_func ("/ui/canned/library/import", test_library_import);
  g_test_add_func ("/ui/canned/library/export", test_library_export);

  return g_test_run ();
}
