/* desk-canned-picker.c: "/" + letters in a text view opens the canned responses that match
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a widget: a controller the composer keeps beside its GtkTextView. Typing "/" at the start
 * of a word (start of the text, or after a space) and then letters opens a popover at the cursor
 * with the best matches (desk_canned_search()); Up and Down move, Enter or Tab insert, Escape
 * closes and leaves the text, a space or no match closes. The text view keeps the focus all
 * along: the popover never takes it, and keys reach the picker through a key controller on the
 * view that lets everything through while the popover is closed.
 *
 * Inserting replaces "/letters" with the response (the variant for the context's network if
 * there is one) with its placeholders filled; those left unfilled carry the tag
 * "unknown-placeholder" so they show, and has-unknown says whether any remain. Text the program
 * sets (a draft read back after a restart) has lost its tags, so placeholders still written in
 * it are tagged again; what the agent types or pastes is left alone.
 *
 * The library is read in a worker thread when the picker is made and whenever the store says
 * it changed; typing only searches that copy.
 */
#define G_LOG_DOMAIN "desk-canned-picker"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "desk-canned-picker.h"

#define MAX_MATCHES 8

struct _DeskCannedPicker
{
  GObject        parent_instance;

  GtkTextView   *view;          /* weak: the view owns us through its owner */
  GtkTextBuffer *buffer;
  DeskStore     *store;
  GCancellable  *cancellable;

  GtkEventController *keys;
  GtkPopover    *popover;       /* a child of the view while the view is realized */
  GtkListBox    *list;

  GPtrArray     *library;       /* DeskCannedResponse, NULL until read */
  GPtrArray     *matches;       /* DeskCannedResponse */
  GtkTextMark   *slash;         /* where the open trigger starts */
  GtkTextMark   *dismissed;     /* the "/" of a trigger closed with Escape */
  gboolean       pending;       /* "/letters" typed, but nothing (yet) to show */
  gboolean       inserting;
  gboolean       has_unknown;
  guint          user_actions;  /* depth of begin/end-user-action */

  char          *customer_name;
  char          *customer_handle;
  char          *agent_name;
  char          *agent_initials;
  char          *network;
  char          *account;
};

G_DEFINE_FINAL_TYPE (DeskCannedPicker, desk_canned_picker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HAS_UNKNOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (DeskCannedPicker *self);
static void retag  (DeskCannedPicker *self,
                    int               start_offset,
                    int               end_offset);
static void evaluate (DeskCannedPicker *self,
                      gboolean          may_open);

/* The tag */

static GtkTextTag *
get_unknown_tag (GtkTextBuffer *buffer)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, DESK_CANNED_PICKER_UNKNOWN_TAG);
  GdkRGBA warning = { 0.898f, 0.647f, 0.039f, 1.0f };     /* GNOME's warning yellow */
  GdkRGBA tint = { 0.898f, 0.647f, 0.039f, 0.25f };

  if (tag == NULL)
    tag = gtk_text_buffer_create_tag (buffer, DESK_CANNED_PICKER_UNKNOWN_TAG,
                                      "underline", PANGO_UNDERLINE_ERROR,
                                      "underline-rgba", &warning,
                                      "background-rgba", &tint,
                                      NULL);

  return tag;
}

static void
update_has_unknown (DeskCannedPicker *self)
{
  gboolean has_unknown = FALSE;

  if (self->buffer != NULL)
    {
      GtkTextTag *tag = get_unknown_tag (self->buffer);
      GtkTextIter iter;

      gtk_text_buffer_get_start_iter (self->buffer, &iter);
      has_unknown = gtk_text_iter_has_tag (&iter, tag) ||
                    gtk_text_iter_forward_to_tag_toggle (&iter, tag);
    }

  if (has_unknown != self->has_unknown)
    {
      self->has_unknown = has_unknown;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNKNOWN]);
    }
}

/* Finding "/letters" before the cursor */

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '-' || c == '_';
}

/* Sets @slash on the "/" and returns the letters between it and the cursor, or NULL */
static char *
find_trigger (GtkTextBuffer *buffer,
              GtkTextIter   *slash)
{
  GtkTextIter cursor, start, prev;
  guint n = 0;

  if (gtk_text_buffer_get_has_selection (buffer))
    return NULL;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  start = cursor;

  while (!gtk_text_iter_is_start (&start))
    {
      prev = start;
      gtk_text_iter_backward_char (&prev);
      if (!is_word_char (gtk_text_iter_get_char (&prev)))
        break;
      start = prev;
      if (++n > DESK_CANNED_MAX_SHORTCUT_CHARS)
        return NULL;
    }

  if (n == 0 || gtk_text_iter_is_start (&start))
    return NULL;

  *slash = start;
  gtk_text_iter_backward_char (slash);
  if (gtk_text_iter_get_char (slash) != '/')
    return NULL;

  if (!gtk_text_iter_is_start (slash))
    {
      prev = *slash;
      gtk_text_iter_backward_char (&prev);
      if (!g_unichar_isspace (gtk_text_iter_get_char (&prev)))
        return NULL;
    }

  return gtk_text_iter_get_slice (&start, &cursor);
}

/* The popover */

static void
clear_dismissed (DeskCannedPicker *self)
{
  if (self->dismissed != NULL && self->buffer != NULL)
    gtk_text_buffer_delete_mark (self->buffer, self->dismissed);
  self->dismissed = NULL;
}

static void
close_popover (DeskCannedPicker *self)
{
  self->pending = FALSE;
  if (self->matches != NULL)
    g_ptr_array_set_size (self->matches, 0);
  if (self->popover != NULL && gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    gtk_popover_popdown (self->popover);
}

static GtkWidget *
make_row (DeskCannedResponse *response)
{
  g_autofree char *shortcut = g_strdup_printf ("/%s", response->shortcut);
  g_autofree char *first_line = g_strdup (response->body);
  GtkWidget *box, *title, *line, *row;
  char *newline;

  newline = strchr (first_line, '\n');
  if (newline != NULL)
    *newline = '\0';

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  /* Plain text: titles and bodies are the team's own words, never markup. */
  title = gtk_label_new (response->title);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  line = gtk_label_new (NULL);
  {
    g_autofree char *text = g_strdup_printf ("%s  %s", shortcut, first_line);

    gtk_label_set_text (GTK_LABEL (line), text);
  }
  gtk_label_set_xalign (GTK_LABEL (line), 0);
  gtk_label_set_ellipsize (GTK_LABEL (line), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (line), TRUE);
  gtk_widget_add_css_class (line, "dim-label");
  gtk_widget_add_css_class (line, "caption");
  gtk_box_append (GTK_BOX (box), line);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_focusable (row, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, response->title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, shortcut,
                                  -1);

  return row;
}

static void
fill_list (DeskCannedPicker *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; i < self->matches->len; i++)
    gtk_list_box_append (self->list, make_row (g_ptr_array_index (self->matches, i)));

  gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, 0));
}

static void
point_at_cursor (DeskCannedPicker *self)
{
  GtkTextIter cursor;
  GdkRectangle rect;
  int x, y;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
  gtk_text_view_get_iter_location (self->view, &cursor, &rect);
  gtk_text_view_buffer_to_window_coords (self->view, GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y, &x, &y);
  rect.x = x;
  rect.y = y;
  rect.width = MAX (rect.width, 1);
  rect.height = MAX (rect.height, 1);
  gtk_popover_set_pointing_to (self->popover, &rect);
}

/* Looks at the text before the cursor: opens, updates or closes the popover. The popover opens
 * only after an edit by the user (@may_open); moving the cursor can only update or close it. */
static void
evaluate (DeskCannedPicker *self,
          gboolean          may_open)
{
  g_autofree char *query = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GtkTextIter slash, dismissed;
  gboolean open;

  if (self->inserting || self->buffer == NULL || self->view == NULL)
    return;

  open = desk_canned_picker_is_open (self) || self->pending;

  query = find_trigger (self->buffer, &slash);
  if (query == NULL)
    {
      clear_dismissed (self);
      close_popover (self);
      return;
    }

  if (self->dismissed != NULL)
    {
      gtk_text_buffer_get_iter_at_mark (self->buffer, &dismissed, self->dismissed);
      if (gtk_text_iter_equal (&dismissed, &slash))
        return;
      clear_dismissed (self);
    }

  if (!open && !may_open)
    return;

  if (self->slash == NULL)
    self->slash = gtk_text_buffer_create_mark (self->buffer, NULL, &slash, TRUE);
  else
    gtk_text_buffer_move_mark (self->buffer, self->slash, &slash);

  if (self->library == NULL)
    {
      self->pending = TRUE;  /* opens when the library has been read */
      return;
    }
  self->pending = FALSE;

  found = desk_canned_search (self->library, query, MAX_MATCHES);
  if (found->len == 0)
    {
      /* Closed, but still wanted: a response added meanwhile opens it. */
      close_popover (self);
      self->pending = TRUE;
      return;
    }

  g_ptr_array_set_size (self->matches, 0);
  g_ptr_array_extend_and_steal (self->matches, g_steal_pointer (&found));
  if (gtk_widget_get_parent (GTK_WIDGET (self->popover)) == NULL)
    return;  /* the view is not on screen */

  fill_list (self);
  point_at_cursor (self);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    gtk_popover_popup (self->popover);
}

/* Inserting */

static void
insert_match (DeskCannedPicker *self,
              guint             position)
{
  DeskCannedContext context = {
    self->customer_name, self->customer_handle, self->agent_name,
    self->agent_initials, self->network, self->account,
  };
  g_autoptr(GArray) unfilled = NULL;
  g_autofree char *text = NULL;
  DeskCannedResponse *response;
  GtkTextIter start, end;
  GtkTextTag *tag;
  int offset;

  if (self->buffer == NULL || self->slash == NULL || position >= self->matches->len)
    return;

  if (!gtk_text_view_get_editable (self->view))
    {
      close_popover (self);
      return;
    }

  response = g_ptr_array_index (self->matches, position);
  text = desk_canned_expand (desk_canned_response_get_body_for (response, self->network),
                             &context, &unfilled);

  /* "/letters", including any letters after the cursor */
  gtk_text_buffer_get_iter_at_mark (self->buffer, &start, self->slash);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &end, gtk_text_buffer_get_insert (self->buffer));
  while (!gtk_text_iter_is_end (&end) && is_word_char (gtk_text_iter_get_char (&end)))
    gtk_text_iter_forward_char (&end);

  tag = get_unknown_tag (self->buffer);
  self->inserting = TRUE;
  gtk_text_buffer_begin_user_action (self->buffer);

  gtk_text_buffer_delete (self->buffer, &start, &end);
  offset = gtk_text_iter_get_offset (&start);
  gtk_text_buffer_insert (self->buffer, &start, text, -1);

  for (guint i = 0; i < unfilled->len; i++)
    {
      DeskCannedRange *range = &g_array_index (unfilled, DeskCannedRange, i);
      GtkTextIter tag_start, tag_end;

      gtk_text_buffer_get_iter_at_offset (self->buffer, &tag_start,
                                          offset + g_utf8_pointer_to_offset (text, text + range->start));
      gtk_text_buffer_get_iter_at_offset (self->buffer, &tag_end,
                                          offset + g_utf8_pointer_to_offset (text, text + range->end));
      gtk_text_buffer_apply_tag (self->buffer, tag, &tag_start, &tag_end);
    }

  gtk_text_buffer_place_cursor (self->buffer, &start);
  gtk_text_buffer_end_user_action (self->buffer);
  self->inserting = FALSE;

  close_popover (self);
  update_has_unknown (self);
  gtk_text_view_scroll_mark_onscreen (self->view, gtk_text_buffer_get_insert (self->buffer));
}

static void
move_selection (DeskCannedPicker *self,
                int               delta)
{
  int n = (int) self->matches->len;
  int index = (int) desk_canned_picker_get_selected (self);
  GtkListBoxRow *row;

  if (n == 0)
    return;

  index = (index + delta + n) % n;
  row = gtk_list_box_get_row_at_index (self->list, index);
  gtk_list_box_select_row (self->list, row);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DeskCannedPicker      *self)
{
  if (!desk_canned_picker_is_open (self))
    return GDK_EVENT_PROPAGATE;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
      insert_match (self, desk_canned_picker_get_selected (self));
      return GDK_EVENT_STOP;

    case GDK_KEY_Escape:
      {
        GtkTextIter slash;

        /* Leaves the text; the same "/" does not open the picker again. */
        clear_dismissed (self);
        gtk_text_buffer_get_iter_at_mark (self->buffer, &slash, self->slash);
        self->dismissed = gtk_text_buffer_create_mark (self->buffer, NULL, &slash, TRUE);
        close_popover (self);
        return GDK_EVENT_STOP;
      }

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_row_activated (GtkListBox       *list,
                  GtkListBoxRow    *row,
                  DeskCannedPicker *self)
{
  insert_match (self, gtk_list_box_row_get_index (row));
}

/* Following the buffer */

static void
on_end_user_action (GtkTextBuffer    *buffer,
                    DeskCannedPicker *self)
{
  if (self->user_actions > 0)
    self->user_actions--;
  evaluate (self, TRUE);
}

static void
on_mark_set (GtkTextBuffer    *buffer,
             GtkTextIter      *location,
             GtkTextMark      *mark,
             DeskCannedPicker *self)
{
  if (mark == gtk_text_buffer_get_insert (buffer) && gtk_text_buffer_get_char_count (buffer) > 0)
    evaluate (self, FALSE);
}

static void
on_begin_user_action (GtkTextBuffer    *buffer,
                      DeskCannedPicker *self)
{
  self->user_actions++;
}

/* Text the program puts in (a draft read back) has lost its tags: placeholders still written
 * in it are tagged again. What the user types or pastes is theirs and left alone. */
static void
on_insert_text (GtkTextBuffer    *buffer,
                GtkTextIter      *location,
                const char       *text,
                int               length,
                DeskCannedPicker *self)
{
  int end = gtk_text_iter_get_offset (location);
  int start = end - (int) g_utf8_strlen (text, length);

  if (self->user_actions > 0 || self->inserting || memchr (text, '{', length) == NULL)
    return;

  retag (self, start, end);

  /* Tagging invalidates iterators: hand the caller's back, where insertion leaves it. */
  gtk_text_buffer_get_iter_at_offset (buffer, location, end);
}

static void
retag (DeskCannedPicker *self,
       int               start_offset,
       int               end_offset)
{
  g_autofree char *text = NULL;
  g_autoptr(GArray) found = NULL;
  GtkTextIter start, end;
  GtkTextTag *tag = get_unknown_tag (self->buffer);
  int offset = start_offset;

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, start_offset);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end, end_offset);

  text = gtk_text_iter_get_slice (&start, &end);
  found = desk_canned_find_placeholders (text);

  for (guint i = 0; i < found->len; i++)
    {
      DeskCannedRange *range = &g_array_index (found, DeskCannedRange, i);

      gtk_text_buffer_get_iter_at_offset (self->buffer, &start,
                                          offset + g_utf8_pointer_to_offset (text, text + range->start));
      gtk_text_buffer_get_iter_at_offset (self->buffer, &end,
                                          offset + g_utf8_pointer_to_offset (text, text + range->end));
      gtk_text_buffer_apply_tag (self->buffer, tag, &start, &end);
    }
}

static void
on_buffer_changed (GtkTextBuffer    *buffer,
                   DeskCannedPicker *self)
{
  update_has_unknown (self);
}

static void
on_tag_changed (GtkTextBuffer    *buffer,
                GtkTextTag       *tag,
                GtkTextIter      *start,
                GtkTextIter      *end,
                DeskCannedPicker *self)
{
  if (tag == get_unknown_tag (buffer))
    update_has_unknown (self);
}

static void
unbind_buffer (DeskCannedPicker *self)
{
  if (self->buffer == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->buffer, self);
  if (self->slash != NULL)
    gtk_text_buffer_delete_mark (self->buffer, self->slash);
  self->slash = NULL;
  clear_dismissed (self);
  g_clear_object (&self->buffer);
}

static void
bind_buffer (DeskCannedPicker *self)
{
  unbind_buffer (self);
  close_popover (self);

  if (self->view == NULL)
    return;

  self->buffer = g_object_ref (gtk_text_view_get_buffer (self->view));
  get_unknown_tag (self->buffer);
  self->user_actions = 0;
  g_signal_connect (self->buffer, "begin-user-action", G_CALLBACK (on_begin_user_action), self);
  g_signal_connect_after (self->buffer, "end-user-action", G_CALLBACK (on_end_user_action), self);
  g_signal_connect_after (self->buffer, "insert-text", G_CALLBACK (on_insert_text), self);
  g_signal_connect_after (self->buffer, "mark-set", G_CALLBACK (on_mark_set), self);
  g_signal_connect_after (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self);
  g_signal_connect_after (self->buffer, "apply-tag", G_CALLBACK (on_tag_changed), self);
  g_signal_connect_after (self->buffer, "remove-tag", G_CALLBACK (on_tag_changed), self);
  update_has_unknown (self);
}

static void
on_buffer_notify (GtkTextView      *view,
                  GParamSpec       *pspec,
                  DeskCannedPicker *self)
{
  bind_buffer (self);
}

/* The view goes: let go of everything attached to it, before it finalizes. */
static void
release_view (DeskCannedPicker *self)
{
  if (self->view == NULL)
    return;

  unbind_buffer (self);
  g_signal_handlers_disconnect_by_data (self->view, self);
  if (self->keys != NULL)
    gtk_widget_remove_controller (GTK_WIDGET (self->view), self->keys);
  self->keys = NULL;
  if (self->popover != NULL && gtk_widget_get_parent (GTK_WIDGET (self->popover)) != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->popover));
  g_clear_object (&self->popover);
  self->list = NULL;
  g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
  self->view = NULL;
}

static void
on_view_destroy (GtkWidget        *view,
                 DeskCannedPicker *self)
{
  release_view (self);
}

/* The popover is the view's child only while the view is realized: GtkTextView's dispose
 * removes every child it has with its own remove(), which refuses children it did not add. */
static void
on_view_realize (GtkWidget        *view,
                 DeskCannedPicker *self)
{
  if (self->popover != NULL && gtk_widget_get_parent (GTK_WIDGET (self->popover)) == NULL)
    gtk_widget_set_parent (GTK_WIDGET (self->popover), view);
}

static void
on_view_unrealize (GtkWidget        *view,
                   DeskCannedPicker *self)
{
  close_popover (self);
  if (self->popover != NULL && gtk_widget_get_parent (GTK_WIDGET (self->popover)) == view)
    gtk_widget_unparent (GTK_WIDGET (self->popover));
}

/* The library */

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DeskCannedPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *library;

  library = desk_store_list_canned_finish (DESK_STORE (object), result, &error);
  if (library == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not read the canned responses: %s", error->message);
      return;
    }

  g_clear_pointer (&self->library, g_ptr_array_unref);
  self->library = library;

  if (self->pending || desk_canned_picker_is_open (self))
    evaluate (self, TRUE);
}

static void
reload (DeskCannedPicker *self)
{
  desk_store_list_canned_async (self->store, self->cancellable, list_cb, g_object_ref (self));
}

static void
on_canned_changed (DeskStore        *store,
                   DeskCannedPicker *self)
{
  reload (self);
}

/* Object */

static void
desk_canned_picker_dispose (GObject *object)
{
  DeskCannedPicker *self = (DeskCannedPicker *)object;

  g_cancellable_cancel (self->cancellable);
  release_view (self);
  g_clear_object (&self->popover);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->library, g_ptr_array_unref);
  g_clear_pointer (&self->matches, g_ptr_array_unref);

  G_OBJECT_CLASS (desk_canned_picker_parent_class)->dispose (object);
}

static void
desk_canned_picker_finalize (GObject *object)
{
  DeskCannedPicker *self = (DeskCannedPicker *)object;

  g_clear_object (&self->cancellable);
  g_free (self->customer_name);
  g_free (self->customer_handle);
  g_free (self->agent_name);
  g_free (self->agent_initials);
  g_free (self->network);
  g_free (self->account);

  G_OBJECT_CLASS (desk_canned_picker_parent_class)->finalize (object);
}

static void
desk_canned_picker_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DeskCannedPicker *self = DESK_CANNED_PICKER (object);

  switch (prop_id)
    {
    case PROP_HAS_UNKNOWN:
      g_value_set_boolean (value, self->has_unknown);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_canned_picker_class_init (DeskCannedPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_canned_picker_dispose;
  object_class->finalize = desk_canned_picker_finalize;
  object_class->get_property = desk_canned_picker_get_property;

  properties[PROP_HAS_UNKNOWN] =
    g_param_spec_boolean ("has-unknown", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
desk_canned_picker_init (DeskCannedPicker *self)
{
  self->cancellable = g_cancellable_new ();
  self->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_response_unref);
}

/**
 * desk_canned_picker_new:
 * @view: the composer's text view
 * @store: where the library is
 *
 * Returns: (transfer full): a picker working on @view until @view is destroyed
 */
DeskCannedPicker *
desk_canned_picker_new (GtkTextView *view,
                        DeskStore   *store)
{
  DeskCannedPicker *self;
  GtkWidget *scrolled;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  self = g_object_new (DESK_TYPE_CANNED_PICKER, NULL);
  self->view = view;
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
  self->store = g_object_ref (store);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_BROWSE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self->list), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_widget_set_size_request (scrolled, 280, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));

  /* Never takes the focus: typing goes on in the text view. */
  self->popover = g_object_ref_sink (GTK_POPOVER (gtk_popover_new ()));
  gtk_popover_set_autohide (self->popover, FALSE);
  gtk_popover_set_has_arrow (self->popover, TRUE);
  gtk_popover_set_position (self->popover, GTK_POS_TOP);
  gtk_widget_set_can_focus (GTK_WIDGET (self->popover), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->popover), "menu");
  gtk_popover_set_child (self->popover, scrolled);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->popover),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Canned responses"),
                                  -1);
  if (gtk_widget_get_realized (GTK_WIDGET (view)))
    gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (view));

  self->keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (self->keys, "desk-canned-picker");
  gtk_event_controller_set_propagation_phase (self->keys, GTK_PHASE_CAPTURE);
  g_signal_connect (self->keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (view), self->keys);

  g_signal_connect (view, "destroy", G_CALLBACK (on_view_destroy), self);
  g_signal_connect (view, "realize", G_CALLBACK (on_view_realize), self);
  g_signal_connect (view, "unrealize", G_CALLBACK (on_view_unrealize), self);
  g_signal_connect (view, "notify::buffer", G_CALLBACK (on_buffer_notify), self);
  bind_buffer (self);

  g_signal_connect (store, "canned-changed", G_CALLBACK (on_canned_changed), self);
  reload (self);

  return self;
}

void
desk_canned_picker_set_context (DeskCannedPicker        *self,
                                const DeskCannedContext *context)
{
  DeskCannedContext none = { NULL, };

  g_return_if_fail (DESK_IS_CANNED_PICKER (self));

  if (context == NULL)
    context = &none;

  g_free (self->customer_name);
  self->customer_name = g_strdup (context->customer_name);
  g_free (self->customer_handle);
  self->customer_handle = g_strdup (context->customer_handle);
  g_free (self->agent_name);
  self->agent_name = g_strdup (context->agent_name);
  g_free (self->agent_initials);
  self->agent_initials = g_strdup (context->agent_initials);
  g_free (self->network);
  self->network = g_strdup (context->network);
  g_free (self->account);
  self->account = g_strdup (context->account);
}

gboolean
desk_canned_picker_has_unknown (DeskCannedPicker *self)
{
  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), FALSE);

  return self->has_unknown;
}

gboolean
desk_canned_picker_select_next_unknown (DeskCannedPicker *self)
{
  GtkTextIter start, end;
  GtkTextTag *tag;
  gboolean found;

  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), FALSE);

  if (self->buffer == NULL || !self->has_unknown)
    return FALSE;

  tag = get_unknown_tag (self->buffer);
  gtk_text_buffer_get_selection_bounds (self->buffer, &end, &start);

  /* The next tagged stretch after the cursor, else the first in the text */
  found = gtk_text_iter_starts_tag (&start, tag);
  while (!found && gtk_text_iter_forward_to_tag_toggle (&start, tag))
    found = gtk_text_iter_starts_tag (&start, tag);
  if (!found)
    {
      gtk_text_buffer_get_start_iter (self->buffer, &start);
      if (!gtk_text_iter_starts_tag (&start, tag))
        gtk_text_iter_forward_to_tag_toggle (&start, tag);
    }

  end = start;
  gtk_text_iter_forward_to_tag_toggle (&end, tag);
  gtk_text_buffer_select_range (self->buffer, &start, &end);
  if (self->view != NULL)
    gtk_text_view_scroll_mark_onscreen (self->view, gtk_text_buffer_get_insert (self->buffer));

  return TRUE;
}

gboolean
desk_canned_picker_is_open (DeskCannedPicker *self)
{
  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), FALSE);

  return self->popover != NULL && gtk_widget_get_visible (GTK_WIDGET (self->popover));
}

void
desk_canned_picker_close (DeskCannedPicker *self)
{
  g_return_if_fail (DESK_IS_CANNED_PICKER (self));

  close_popover (self);
}

guint
desk_canned_picker_get_n_matches (DeskCannedPicker *self)
{
  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), 0);

  return desk_canned_picker_is_open (self) ? self->matches->len : 0;
}

/**
 * desk_canned_picker_get_match:
 *
 * Returns: (transfer none): the match at @position in the open popover
 */
DeskCannedResponse *
desk_canned_picker_get_match (DeskCannedPicker *self,
                              guint             position)
{
  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), NULL);
  g_return_val_if_fail (position < self->matches->len, NULL);

  return g_ptr_array_index (self->matches, position);
}

guint
desk_canned_picker_get_selected (DeskCannedPicker *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), 0);

  if (self->list == NULL)
    return 0;

  row = gtk_list_box_get_selected_row (self->list);

  return row != NULL ? (guint) gtk_list_box_row_get_index (row) : 0;
}

/**
 * desk_canned_picker_get_popover:
 *
 * Returns: (transfer none) (nullable): the popover, NULL once the view is gone
 */
GtkPopover *
desk_canned_picker_get_popover (DeskCannedPicker *self)
{
  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), NULL);

  return self->popover;
}

gboolean
desk_canned_picker_is_loaded (DeskCannedPicker *self)
{
  g_return_val_if_fail (DESK_IS_CANNED_PICKER (self), FALSE);

  return self->library != NULL;
}
