/* test-ui-tags.c: the tag popover and the tags page, driven through their real widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh (Xvfb, a private D-Bus session), warnings fatal. What the
 * widgets did is read back from the store.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "desk-tag-popover.h"
#include "desk-tags-page.h"
#include "desk-test-util.h"

static GtkWidget *
find_descendant (GtkWidget *widget,
                 gboolean  (*match) (GtkWidget *, gconstpointer),
                 gconstpointer data)
{
  if (match (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  return find_descendant (widget, is_type, GSIZE_TO_POINTER (type));
}

static gint64
add_conversation (DeskStore  *store,
                  const char *thread)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, "bluesky");

  g_ptr_array_add (batch, desk_test_message ("q1", thread, DESK_DIRECTION_IN, 1000, "Charged twice"));
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return desk_test_conversation_id (store, thread);
}

typedef struct
{
  DeskStore *store;
  gint64     conversation;
  gint64     tag_id;
  gboolean   tagged;
} Carries;

static gboolean
carries (gpointer data)
{
  Carries *c = data;
  g_autoptr(GArray) ids = desk_store_get_conversation_tags (c->store, c->conversation, NULL);
  gboolean found = FALSE;

  for (guint i = 0; i < ids->len; i++)
    found |= g_array_index (ids, gint64, i) == c->tag_id;

  return found == c->tagged;
}

typedef struct
{
  DeskStore  *store;
  const char *name;
} TagNamed;

static gboolean
tag_exists (gpointer data)
{
  TagNamed *t = data;

  return desk_store_find_tag (t->store, t->name, NULL) != 0;
}

static gboolean
tag_gone (gpointer data)
{
  return !tag_exists (data);
}

static gboolean
highlighted_is_tag (gpointer data)
{
  GtkListBox *list = GTK_LIST_BOX (find_type (data, GTK_TYPE_LIST_BOX));
  GtkListBoxRow *row = gtk_list_box_get_selected_row (list);

  return row != NULL && g_object_get_data (G_OBJECT (row), "tag-id") != NULL;
}

/* What Enter does: the key binding of the entry's own text widget emits its "activate". */
static void
press_enter (GtkWidget *entry)
{
  GtkWidget *inner = find_type (entry, GTK_TYPE_TEXT);

  g_assert_nonnull (inner);
  g_signal_emit_by_name (inner, "activate");
}

static gboolean
not_visible (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* Type a tag's first letters, press Enter: it is applied; Enter on a new name creates and
 * applies it; Enter again on an applied tag takes it off; Escape closes. */
static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static void
test_popover (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *anchor = gtk_button_new_with_label ("Tags");
  DeskTagPopover *popover;
  GtkWidget *entry;
  gint64 conversation, billing;
  Carries c;
  TagNamed created = { store, "Warranty" };

  conversation = add_conversation (store, "t1");
  billing = desk_store_add_tag (store, "Billing", "#3584e4", &error);
  g_assert_no_error (error);
  desk_store_add_tag (store, "Bug", "", &error);
  g_assert_no_error (error);
  desk_store_add_tag (store, "Shipping", "", &error);
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (window), anchor);
  popover = desk_tag_popover_new (store);
  gtk_widget_set_parent (GTK_WIDGET (popover), anchor);
  desk_tag_popover_set_conversation_id (popover, conversation);
  g_assert_cmpint (desk_tag_popover_get_conversation_id (popover), ==, conversation);
  gtk_window_present (GTK_WINDOW (window));
  gtk_popover_popup (GTK_POPOVER (popover));

  entry = find_type (GTK_WIDGET (popover), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);

  /* "bil", not "b": with "b" both Billing and Bug start so; "bil" is Billing alone. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "bil");
  desk_test_wait_until (highlighted_is_tag, popover);
  press_enter (entry);

  c = (Carries) { store, conversation, billing, TRUE };
  desk_test_wait_until (carries, &c);

  /* Diacritics and case do not matter; "ship" finds Shipping. Ä → a: "ÄRGER" is new. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "Warranty");
  press_enter (entry);
  desk_test_wait_until (tag_exists, &created);
  c = (Carries) { store, conversation, desk_store_find_tag (store, "warranty", NULL), TRUE };
  desk_test_wait_until (carries, &c);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  /* Again on Billing: taken off. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "BÍL");
  desk_test_wait_until (highlighted_is_tag, popover);
  press_enter (entry);
  c = (Carries) { store, conversation, billing, FALSE };
  desk_test_wait_until (carries, &c);

  /* Escape closes. */
  g_signal_emit_by_name (entry, "stop-search");
  desk_test_wait_until (not_visible, popover);

  /* Let GTK's own pending timeouts (a tooltip armed while the popover grabbed the pointer) run
   * while their surfaces exist: GTK 4.8 fires them on a destroyed surface otherwise. */
  {
    gboolean done = FALSE;

    g_timeout_add_once (1000, (GSourceOnceFunc) set_true, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
  }

  gtk_widget_unparent (GTK_WIDGET (popover));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The tags page: add, rename, colour and delete, through its rows and buttons. */

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_tag_row_named (GtkWidget     *widget,
                  gconstpointer  name)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_object_get_data (G_OBJECT (widget), "tag-id") != NULL &&
         g_strcmp0 (g_object_get_data (G_OBJECT (widget), "tag-name"), name) == 0;
}

typedef struct
{
  GtkWidget  *page;
  const char *name;
} RowNamed;

static gboolean
row_shown (gpointer data)
{
  RowNamed *r = data;

  return find_descendant (r->page, is_tag_row_named, r->name) != NULL;
}

static void
type_and_enter (GtkWidget  *entry_row,
                const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry_row), text);
  press_enter (entry_row);
}

static gboolean
is_button_with_icon (GtkWidget     *widget,
                     gconstpointer  icon)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0;
}

static gboolean
is_palette_button (GtkWidget     *widget,
                   gconstpointer  color)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (g_object_get_data (G_OBJECT (widget), "color"), color) == 0;
}

typedef struct
{
  DeskStore  *store;
  gint64      id;
  const char *color;
} TagColor;

static gboolean
tag_has_color (gpointer data)
{
  TagColor *t = data;
  g_autoptr(GPtrArray) tags = desk_store_list_tags (t->store, NULL);

  for (guint i = 0; i < tags->len; i++)
    {
      DeskTagInfo *info = g_ptr_array_index (tags, i);

      if (info->id == t->id)
        return g_strcmp0 (info->color, t->color) == 0;
    }

  return FALSE;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
is_error_label (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") &&
         gtk_widget_get_visible (widget);
}

static gboolean
error_shown (gpointer data)
{
  return find_descendant (data, is_error_label, NULL) != NULL;
}

static void
test_page (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *window = adw_preferences_window_new ();
  DeskTagsPage *page = desk_tags_page_new (store);
  GtkWidget *new_row, *row, *button;
  AdwMessageDialog *dialog;
  gint64 conversation, id;
  TagNamed returns = { store, "Returns" };
  TagNamed refunds = { store, "Refunds" };
  RowNamed shown = { GTK_WIDGET (page), "Returns" };
  TagColor colored;

  conversation = add_conversation (store, "t1");

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  /* Xvfb leaves the pointer in the middle of the screen, and without a window manager the window
   * sits at 0,0: kept narrow, it is not under the pointer. Under it, GTK 4.8 arms a tooltip
   * timeout on a row that the next tags-changed replaces, and then asks a destroyed surface
   * where the pointer is (a critical, fatal here). */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 600);
  gtk_window_present (GTK_WINDOW (window));

  /* Add */
  new_row = find_descendant (GTK_WIDGET (page), is_entry_row_titled, "Name");
  g_assert_nonnull (new_row);
  type_and_enter (new_row, "Returns");
  desk_test_wait_until (tag_exists, &returns);
  desk_test_wait_until (row_shown, &shown);
  id = desk_store_find_tag (store, "Returns", NULL);

  /* A duplicate is refused in words, and nothing is added. */
  type_and_enter (new_row, "returns");
  desk_test_wait_until (error_shown, page);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find_descendant (GTK_WIDGET (page),
                                                                            is_error_label, NULL))),
                            "Returns"));
  g_assert_cmpint (desk_store_find_tag (store, "Returns", NULL), ==, id);

  g_assert_true (desk_store_tag_conversation (store, conversation, id, TRUE, &error));
  g_assert_no_error (error);

  /* Rename in place */
  row = find_descendant (GTK_WIDGET (page), is_tag_row_named, "Returns");
  g_assert_nonnull (row);
  type_and_enter (row, "Refunds");
  desk_test_wait_until (tag_exists, &refunds);
  g_assert_cmpint (desk_store_find_tag (store, "Refunds", NULL), ==, id);
  shown.name = "Refunds";
  desk_test_wait_until (row_shown, &shown);

  /* Colour from the palette */
  row = find_descendant (GTK_WIDGET (page), is_tag_row_named, "Refunds");
  button = find_type (row, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (button);
  button = find_descendant (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                            is_palette_button, "#e01b24");
  g_assert_nonnull (button);
  /* The palette's popover is not open: click the button as a pointer would. */
  g_signal_emit_by_name (button, "clicked");
  colored = (TagColor) { store, id, "#e01b24" };
  desk_test_wait_until (tag_has_color, &colored);

  /* Delete, after saying how many conversations carry it */
  desk_test_wait_until (row_shown, &shown);
  row = find_descendant (GTK_WIDGET (page), is_tag_row_named, "Refunds");
  button = find_descendant (row, is_button_with_icon, "user-trash-symbolic");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  desk_test_wait_until (dialog_shown, NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 conversation"));
  adw_message_dialog_response (dialog, "delete");
  desk_test_wait_until (tag_gone, &refunds);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  /* No window manager under Xvfb: a blinking cursor without focus would warn. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/ui/tags/popover", test_popover);
  g_test_add_func ("/ui/tags/page", test_page);

  return g_test_run ();
}
