/* desk-canned-library.c: the window where the team's canned responses are managed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list with search beside an editor (one above the other below 600 px, down to 360 px).
 * Thin: responses are read, saved, deleted, imported and exported through the store's _async
 * calls (src/core/desk-store-canned.c); the list follows DeskStore::canned-changed.
 * Keyboard: Ctrl+N new, Ctrl+F search, Ctrl+S save, Delete deletes the selected response (with
 * Undo), Escape goes back from the editor or closes the window.
 */
#define G_LOG_DOMAIN "desk-canned-library"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "desk-canned.h"
#include "desk-canned-library.h"
#include "desk-compose.h"

typedef struct
{
  const char  *network;
  GtkTextView *view;
  GtkLabel    *counter;
} VariantEditor;

struct _DeskCannedLibrary
{
  AdwWindow           parent_instance;

  AdwToastOverlay    *toast_overlay;
  AdwLeaflet         *leaflet;
  AdwHeaderBar       *list_header;
  AdwHeaderBar       *editor_header;
  GtkToggleButton    *search_button;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  GtkListBox         *list;
  AdwWindowTitle     *editor_title;
  GtkWidget          *back_button;
  GtkWidget          *delete_button;
  GtkStack           *editor_stack;
  GtkLabel           *error_label;
  AdwEntryRow        *title_row;
  AdwEntryRow        *shortcut_row;
  GtkTextView        *body_view;
  AdwPreferencesGroup *variants_group;

  VariantEditor       variants[4];

  DeskStore          *store;
  GCancellable       *cancellable;
  GPtrArray          *responses;       /* the library as last read */
  DeskCannedResponse *editing;         /* as loaded into the editor; id 0 for a new one */
  DeskCannedResponse *deleted;         /* for Undo */
  GtkNativeDialog    *chooser;
};

G_DEFINE_FINAL_TYPE (DeskCannedLibrary, desk_canned_library, ADW_TYPE_WINDOW)

static void
toast (DeskCannedLibrary *self,
       const char        *text)
{
  /* AdwToast's title is markup: escape the response's own words. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
show_error_dialog (DeskCannedLibrary *self,
                   const char        *heading,
                   const char        *body)
{
  GtkWidget *dialog;

  /* The body is plain text: the message may quote the file. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Editor */

static char *
get_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static DeskCannedResponse *
response_from_editor (DeskCannedLibrary *self)
{
  g_autofree char *body = get_view_text (self->body_view);
  DeskCannedResponse *response;

  response = desk_canned_response_new (gtk_editable_get_text (GTK_EDITABLE (self->title_row)),
                                       gtk_editable_get_text (GTK_EDITABLE (self->shortcut_row)),
                                       body);
  response->id = self->editing != NULL ? self->editing->id : 0;

  for (guint i = 0; i < G_N_ELEMENTS (self->variants); i++)
    {
      g_autofree char *text = get_view_text (self->variants[i].view);

      desk_canned_response_set_variant (response, self->variants[i].network, text);
    }

  return response;
}

static gboolean
editor_is_dirty (DeskCannedLibrary *self)
{
  g_autoptr(DeskCannedResponse) now = NULL;

  if (self->editing == NULL)
    return FALSE;

  now = response_from_editor (self);

  return !desk_canned_response_same_content (now, self->editing);
}

static void
update_counter (DeskCannedLibrary *self,
                VariantEditor     *editor)
{
  g_autofree char *text = get_view_text (editor->view);
  g_autofree char *label = NULL;
  guint length = desk_compose_get_length (editor->network, text);
  guint limit = desk_compose_get_limit (editor->network, 0);

  /* TRANSLATORS: a reply's length against the network's limit, e.g. "120 / 300" */
  label = g_strdup_printf (_("%u / %u"), length, limit);
  gtk_label_set_text (editor->counter, label);

  if (limit > 0 && length > limit)
    {
      gtk_widget_add_css_class (GTK_WIDGET (editor->counter), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (editor->counter), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (editor->counter), "error");
      gtk_widget_add_css_class (GTK_WIDGET (editor->counter), "dim-label");
    }
}

static void
on_variant_changed (GtkTextBuffer     *buffer,
                    DeskCannedLibrary *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->variants); i++)
    if (gtk_text_view_get_buffer (self->variants[i].view) == buffer)
      update_counter (self, &self->variants[i]);
}

static void
set_view_text (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

static void
show_editor_page (DeskCannedLibrary *self)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "editor");
}

static void
edit (DeskCannedLibrary  *self,
      DeskCannedResponse *response)
{
  g_clear_pointer (&self->editing, desk_canned_response_unref);
  self->editing = response != NULL ? desk_canned_response_copy (response)
                                   : desk_canned_response_new ("", "", "");

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), self->editing->title);
  gtk_editable_set_text (GTK_EDITABLE (self->shortcut_row), self->editing->shortcut);
  set_view_text (self->body_view, self->editing->body);
  for (guint i = 0; i < G_N_ELEMENTS (self->variants); i++)
    set_view_text (self->variants[i].view,
                   desk_canned_response_get_variant (self->editing, self->variants[i].network));

  adw_window_title_set_title (self->editor_title,
                              self->editing->id == 0 ? _("New Response") : _("Edit Response"));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_sensitive (self->delete_button, self->editing->id != 0);
  gtk_stack_set_visible_child_name (self->editor_stack, "edit");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.save", TRUE);
  show_editor_page (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

static void
stop_editing (DeskCannedLibrary *self)
{
  g_clear_pointer (&self->editing, desk_canned_response_unref);
  gtk_stack_set_visible_child_name (self->editor_stack, "none");
  gtk_widget_set_sensitive (self->delete_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.save", FALSE);
  adw_window_title_set_title (self->editor_title, "");
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

static void
on_field_changed (DeskCannedLibrary *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* List */

static DeskCannedResponse *
find_response (DeskCannedLibrary *self,
               gint64             id)
{
  for (guint i = 0; self->responses != NULL && i < self->responses->len; i++)
    {
      DeskCannedResponse *response = g_ptr_array_index (self->responses, i);

      if (response->id == id)
        return response;
    }

  return NULL;
}

static GtkWidget *
make_row (DeskCannedResponse *response)
{
  g_autofree char *title = g_markup_escape_text (response->title, -1);
  g_autofree char *first_line = g_strdup (response->body);
  g_autofree char *subtitle = NULL;
  g_autofree char *escaped = NULL;
  GtkWidget *row;
  char *newline;

  if ((newline = strchr (first_line, '\n')) != NULL)
    *newline = '\0';
  subtitle = g_strdup_printf ("/%s · %s", response->shortcut, first_line);
  escaped = g_markup_escape_text (subtitle, -1);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "canned-response", desk_canned_response_ref (response),
                          (GDestroyNotify) desk_canned_response_unref);

  return row;
}

static DeskCannedResponse *
row_response (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "canned-response") : NULL;
}

static void
fill_list (DeskCannedLibrary *self)
{
  g_autoptr(GPtrArray) shown = NULL;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gint64 selected_id = 0;
  GtkWidget *child;

  if (row_response (gtk_list_box_get_selected_row (self->list)) != NULL)
    selected_id = row_response (gtk_list_box_get_selected_row (self->list))->id;
  else if (self->editing != NULL)
    selected_id = self->editing->id;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (self->responses == NULL || self->responses->len == 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
      return;
    }

  shown = desk_canned_search (self->responses, query, 0);
  gtk_stack_set_visible_child_name (self->list_stack, shown->len > 0 ? "list" : "no-results");

  for (guint i = 0; i < shown->len; i++)
    {
      DeskCannedResponse *response = g_ptr_array_index (shown, i);
      GtkWidget *row = make_row (response);

      gtk_list_box_append (self->list, row);
      if (response->id == selected_id)
        gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
    }
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  DeskCannedLibrary *self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *responses;

  responses = desk_store_list_canned_finish (DESK_STORE (object), result, &error);
  if (responses == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  g_clear_pointer (&self->responses, g_ptr_array_unref);
  self->responses = responses;
  fill_list (self);
}

static void
reload (DeskCannedLibrary *self)
{
  desk_store_list_canned_async (self->store, self->cancellable, list_cb, self);
}

static void
on_canned_changed (DeskStore         *store,
                   DeskCannedLibrary *self)
{
  reload (self);
}

static void
on_search_changed (DeskCannedLibrary *self)
{
  fill_list (self);
}

static void
on_search_activate (DeskCannedLibrary *self)
{
  GtkListBoxRow *row;

  /* Enter can come before the entry's delayed search-changed: filter for what is typed now. */
  fill_list (self);
  row = gtk_list_box_get_row_at_index (self->list, 0);

  if (row != NULL)
    edit (self, row_response (row));
}

static void
on_row_activated (DeskCannedLibrary *self,
                  GtkListBoxRow     *row)
{
  if (row_response (row) != NULL)
    edit (self, row_response (row));
}

static void
on_entry_activated (DeskCannedLibrary *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

static void
on_folded_changed (DeskCannedLibrary *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  adw_header_bar_set_show_end_title_buttons (self->list_header, folded);
  adw_header_bar_set_show_start_title_buttons (self->editor_header, folded);
  gtk_widget_set_visible (self->back_button, folded);
}

/* Saving and deleting */

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DeskCannedLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskCannedResponse) saved = NULL;
  g_autofree char *message = NULL;
  gint64 id;

  id = desk_store_save_canned_finish (DESK_STORE (object), result, &error);
  if (id == 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Plain text: the message may quote the shortcut. */
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  saved = response_from_editor (self);
  if (!desk_canned_response_normalize (saved, NULL))
    return;
  saved->id = id;

  /* TRANSLATORS: %s is the response's title */
  message = g_strdup_printf (_("Saved “%s”"), saved->title);
  toast (self, message);

  stop_editing (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DeskCannedLibrary *self = DESK_CANNED_LIBRARY (widget);
  g_autoptr(DeskCannedResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  if (self->editing == NULL)
    return;

  /* The rules first, so the editor says at once what is wrong. */
  response = response_from_editor (self);
  if (!desk_canned_response_normalize (response, &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  desk_store_save_canned_async (self->store, response, self->cancellable, save_cb,
                                g_object_ref (self));
}

static void
undo_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DeskCannedLibrary) self = user_data;
  g_autoptr(GError) error = NULL;

  if (desk_store_save_canned_finish (DESK_STORE (object), result, &error) == 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DeskCannedLibrary *self = DESK_CANNED_LIBRARY (widget);
  g_autoptr(DeskCannedResponse) response = g_steal_pointer (&self->deleted);

  if (response == NULL)
    return;

  response->id = 0;
  desk_store_save_canned_async (self->store, response, self->cancellable, undo_cb,
                                g_object_ref (self));
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeskCannedLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *undo;

  if (!desk_store_delete_canned_finish (DESK_STORE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  if (self->deleted == NULL)
    return;

  /* TRANSLATORS: %s is the response's title */
  message = g_strdup_printf (_("Deleted “%s”"), self->deleted->title);
  escaped = g_markup_escape_text (message, -1);
  undo = adw_toast_new (escaped);
  adw_toast_set_button_label (undo, _("_Undo"));
  adw_toast_set_action_name (undo, "library.undo-delete");
  adw_toast_set_priority (undo, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, undo);
}

static void
delete_response (DeskCannedLibrary  *self,
                 DeskCannedResponse *response)
{
  if (response == NULL || response->id == 0)
    return;

  g_clear_pointer (&self->deleted, desk_canned_response_unref);
  self->deleted = desk_canned_response_copy (response);

  if (self->editing != NULL && self->editing->id == response->id)
    stop_editing (self);

  desk_store_delete_canned_async (self->store, response->id, self->cancellable, delete_cb,
                                  g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeskCannedLibrary *self = DESK_CANNED_LIBRARY (widget);

  if (self->editing != NULL && self->editing->id != 0)
    delete_response (self, find_response (self, self->editing->id));
  else
    delete_response (self, row_response (gtk_list_box_get_selected_row (self->list)));
}

static gboolean
on_list_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     DeskCannedLibrary     *self)
{
  if ((keyval == GDK_KEY_Delete || keyval == GDK_KEY_KP_Delete) &&
      (state & GDK_MODIFIER_MASK) == 0)
    {
      delete_response (self, row_response (gtk_list_box_get_selected_row (self->list)));
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

/* Other actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  edit (DESK_CANNED_LIBRARY (widget), NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeskCannedLibrary *self = DESK_CANNED_LIBRARY (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
discard_response_cb (AdwMessageDialog  *dialog,
                     const char        *response,
                     DeskCannedLibrary *self)
{
  if (g_str_equal (response, "discard"))
    stop_editing (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DeskCannedLibrary *self = DESK_CANNED_LIBRARY (widget);
  GtkWidget *dialog;

  if (!editor_is_dirty (self))
    {
      stop_editing (self);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard Changes?"),
                                   _("The changes to this response have not been saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
escape_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeskCannedLibrary *self = DESK_CANNED_LIBRARY (widget);

  if (gtk_search_bar_get_search_mode (self->search_bar) &&
      gtk_widget_has_focus (GTK_WIDGET (self->search_entry)))
    gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  else if (self->editing != NULL)
    back_action (widget, NULL, NULL);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Import */

static GtkWidget *
make_plan_row (DeskCannedImportItem *item)
{
  g_autofree char *title = g_markup_escape_text (item->incoming->title, -1);
  g_autofree char *shortcut = g_strdup_printf ("/%s", item->incoming->shortcut);
  g_autofree char *escaped = g_markup_escape_text (shortcut, -1);
  const char *what = NULL;
  GtkWidget *row, *label;

  switch (item->action)
    {
    case DESK_CANNED_IMPORT_ADD:
      what = _("New");
      break;
    case DESK_CANNED_IMPORT_CHANGE:
      what = _("Changed");
      break;
    case DESK_CANNED_IMPORT_SAME:
      what = _("Unchanged");
      break;
    default:
      g_assert_not_reached ();
    }

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);

  label = gtk_label_new (what);
  gtk_widget_add_css_class (label, item->action == DESK_CANNED_IMPORT_SAME ? "dim-label" : "accent");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

static void
apply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DeskCannedLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "import-count"));

  if (!desk_store_apply_canned_import_finish (DESK_STORE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_dialog (self, _("Could Not Import"), error->message);
      return;
    }

  message = g_strdup_printf (ngettext ("Imported %u response", "Imported %u responses", n), n);
  toast (self, message);
}

static void
plan_response_cb (AdwMessageDialog  *dialog,
                  const char        *response,
                  DeskCannedLibrary *self)
{
  DeskCannedPlan *plan = g_object_get_data (G_OBJECT (dialog), "plan");

  if (!g_str_equal (response, "import") || plan == NULL)
    return;

  g_object_set_data (G_OBJECT (self), "import-count", GUINT_TO_POINTER (plan->n_add + plan->n_change));
  desk_store_apply_canned_import_async (self->store, plan, self->cancellable, apply_cb,
                                        g_object_ref (self));
}

static char *
plan_summary (DeskCannedPlan *plan)
{
  g_autofree char *add = g_strdup_printf (ngettext ("%u to add", "%u to add", plan->n_add), plan->n_add);
  g_autofree char *change = g_strdup_printf (ngettext ("%u to change", "%u to change", plan->n_change),
                                             plan->n_change);
  g_autofree char *same = g_strdup_printf (ngettext ("%u unchanged", "%u unchanged", plan->n_same),
                                           plan->n_same);

  /* TRANSLATORS: "3 to add, 1 to change, 2 unchanged" */
  return g_strdup_printf (_("%s, %s, %s"), add, change, same);
}

static void
show_plan (DeskCannedLibrary *self,
           DeskCannedPlan    *plan)
{
  g_autofree char *summary = plan_summary (plan);
  GtkWidget *dialog, *scrolled, *list;
  gboolean anything = plan->n_add + plan->n_change > 0;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   anything ? _("Import Canned Responses?") : _("Nothing to Import"),
                                   summary);
  g_object_set_data_full (G_OBJECT (dialog), "plan", desk_canned_plan_ref (plan),
                          (GDestroyNotify) desk_canned_plan_unref);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Responses in the file"), -1);
  for (guint i = 0; i < plan->items->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), make_plan_row (g_ptr_array_index (plan->items, i)));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 280);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);

  if (anything)
    {
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "import", _("_Import"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "import");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    }
  else
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));

  g_signal_connect_object (dialog, "response", G_CALLBACK (plan_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DeskCannedLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskCannedPlan) plan = NULL;

  plan = desk_store_plan_canned_import_finish (DESK_STORE (object), result, &error);
  if (plan == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_dialog (self, _("Could Not Import"), error->message);
      return;
    }

  show_plan (self, plan);
}

/**
 * desk_canned_library_import_file:
 *
 * Reads @file, then shows what importing it would add and change; nothing changes until the
 * user confirms. A file that cannot be imported is explained in a dialog.
 */
void
desk_canned_library_import_file (DeskCannedLibrary *self,
                                 GFile             *file)
{
  g_return_if_fail (DESK_IS_CANNED_LIBRARY (self));
  g_return_if_fail (G_IS_FILE (file));

  desk_store_plan_canned_import_async (self->store, file, self->cancellable, plan_cb,
                                       g_object_ref (self));
}

static GtkFileFilter *
json_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Canned responses (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");

  return filter;
}

static void
chooser_response_cb (GtkNativeDialog   *chooser,
                     int                response,
                     DeskCannedLibrary *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean import = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_OPEN;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file == NULL)
    return;

  if (import)
    desk_canned_library_import_file (self, file);
  else
    desk_canned_library_export_file (self, file);
}

static void
choose_file (DeskCannedLibrary    *self,
             GtkFileChooserAction  action)
{
  GtkFileChooserNative *chooser;
  gboolean import = action == GTK_FILE_CHOOSER_ACTION_OPEN;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (import ? _("Import Canned Responses")
                                                : _("Export Canned Responses"),
                                         GTK_WINDOW (self), action,
                                         import ? _("_Import") : _("_Export"),
                                         _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json_filter ());
  if (!import)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "canned-responses.json");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (DESK_CANNED_LIBRARY (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (DESK_CANNED_LIBRARY (widget), GTK_FILE_CHOOSER_ACTION_SAVE);
}

/* Export */

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DeskCannedLibrary) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "export-count"));

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_dialog (self, _("Could Not Export"), error->message);
      return;
    }

  message = g_strdup_printf (ngettext ("Exported %u response", "Exported %u responses", n), n);
  toast (self, message);
  g_object_set_data (G_OBJECT (self), "export-done", GINT_TO_POINTER (1));
}

static void
export_list_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DeskCannedLibrary *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GBytes) contents = NULL;

  responses = desk_store_list_canned_finish (DESK_STORE (object), result, &error);
  if (responses == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_dialog (self, _("Could Not Export"), error->message);
      return;
    }

  contents = desk_canned_export (responses);
  g_object_set_data (G_OBJECT (self), "export-count", GUINT_TO_POINTER (responses->len));
  g_file_replace_contents_bytes_async (file, contents, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, write_cb, g_object_ref (self));
}

/**
 * desk_canned_library_export_file:
 *
 * Writes the whole library to @file in the shared format (see desk-canned.h).
 */
void
desk_canned_library_export_file (DeskCannedLibrary *self,
                                 GFile             *file)
{
  GTask *task;

  g_return_if_fail (DESK_IS_CANNED_LIBRARY (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Only to carry the file and keep the window alive until the list is read. */
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_object_set_data (G_OBJECT (self), "export-done", NULL);
  desk_store_list_canned_async (self->store, self->cancellable, export_list_cb, task);
}

/* Object */

static void
build_variant_editors (DeskCannedLibrary *self)
{
  const char * const *networks = desk_canned_networks ();

  g_assert (g_strv_length ((GStrv) networks) == G_N_ELEMENTS (self->variants));

  for (guint i = 0; networks[i] != NULL; i++)
    {
      VariantEditor *editor = &self->variants[i];
      GtkWidget *box, *header, *name, *frame;

      editor->network = networks[i];

      name = gtk_label_new (desk_canned_network_label (networks[i]));
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (name, "heading");

      editor->counter = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_add_css_class (GTK_WIDGET (editor->counter), "numeric");
      gtk_widget_add_css_class (GTK_WIDGET (editor->counter), "dim-label");

      header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (header), name);
      gtk_box_append (GTK_BOX (header), GTK_WIDGET (editor->counter));

      editor->view = GTK_TEXT_VIEW (gtk_text_view_new ());
      gtk_text_view_set_wrap_mode (editor->view, GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_accepts_tab (editor->view, FALSE);
      gtk_text_view_set_top_margin (editor->view, 6);
      gtk_text_view_set_bottom_margin (editor->view, 6);
      gtk_text_view_set_left_margin (editor->view, 6);
      gtk_text_view_set_right_margin (editor->view, 6);
      gtk_widget_set_size_request (GTK_WIDGET (editor->view), -1, 64);
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor->view),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      desk_canned_network_label (networks[i]),
                                      -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (editor->view),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, editor->counter, NULL,
                                      -1);
      g_signal_connect (gtk_text_view_get_buffer (editor->view), "changed",
                        G_CALLBACK (on_variant_changed), self);

      frame = gtk_frame_new (NULL);
      gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (editor->view));

      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_margin_bottom (box, 12);
      gtk_box_append (GTK_BOX (box), header);
      gtk_box_append (GTK_BOX (box), frame);
      adw_preferences_group_add (self->variants_group, box);

      update_counter (self, editor);
    }
}

static void
desk_canned_library_dispose (GObject *object)
{
  DeskCannedLibrary *self = (DeskCannedLibrary *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->responses, g_ptr_array_unref);
  g_clear_pointer (&self->editing, desk_canned_response_unref);
  g_clear_pointer (&self->deleted, desk_canned_response_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_CANNED_LIBRARY);

  G_OBJECT_CLASS (desk_canned_library_parent_class)->dispose (object);
}

static void
desk_canned_library_finalize (GObject *object)
{
  DeskCannedLibrary *self = (DeskCannedLibrary *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (desk_canned_library_parent_class)->finalize (object);
}

static void
desk_canned_library_class_init (DeskCannedLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_canned_library_dispose;
  object_class->finalize = desk_canned_library_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/desk-canned-library.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, list_header);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, editor_header);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, search_button);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, list_stack);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, list);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, editor_title);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, back_button);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, delete_button);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, title_row);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, shortcut_row);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, body_view);
  gtk_widget_class_bind_template_child (widget_class, DeskCannedLibrary, variants_group);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);

  gtk_widget_class_install_action (widget_class, "library.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "library.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "library.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "library.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "library.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "library.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "library.escape", NULL, escape_action);
  gtk_widget_class_install_action (widget_class, "library.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "library.export", NULL, export_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "library.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "library.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "library.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "library.escape", NULL);
}

static void
desk_canned_library_init (DeskCannedLibrary *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_list_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list), keys);

  build_variant_editors (self);
  on_folded_changed (self);
  stop_editing (self);
}

/**
 * desk_canned_library_new:
 *
 * Returns: (transfer none): the library window, not yet shown
 */
GtkWindow *
desk_canned_library_new (GtkWindow *parent,
                         DeskStore *store)
{
  DeskCannedLibrary *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  self = g_object_new (DESK_TYPE_CANNED_LIBRARY,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->store = g_object_ref (store);
  g_signal_connect (store, "canned-changed", G_CALLBACK (on_canned_changed), self);
  reload (self);

  return GTK_WINDOW (self);
}
