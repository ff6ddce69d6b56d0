/* desk-tag-popover.c: applying tags to a conversation from the keyboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Type a few letters: the tags whose name holds them are listed (without regard to case or
 * accents), those that start with them first, each with a check mark when the conversation
 * carries it. Up and Down move, Enter puts the highlighted tag on or takes it off; when no tag
 * has the typed name, a last row offers to create it, and Enter on it creates and applies it.
 * Escape closes. Store writes run in a worker thread; the list follows tags-changed.
 */
#define G_LOG_DOMAIN "desk-tag-popover"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "desk-tag-dot.h"
#include "desk-tag-popover.h"

#define MAX_NAME_CHARS 64

struct _DeskTagPopover
{
  GtkPopover      parent_instance;

  GtkSearchEntry *entry;
  GtkListBox     *list;
  GtkLabel       *error_label;

  DeskStore      *store;
  gint64          conversation_id;
  GPtrArray      *tags;        /* DeskTagInfo, by name */
  GHashTable     *carried;     /* tag ids (gint64 *) the conversation carries */
  GCancellable   *cancellable;
  guint           loading;
};

G_DEFINE_FINAL_TYPE (DeskTagPopover, desk_tag_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONVERSATION_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (DeskTagPopover *self);

/* Matching: case-folded, accents set aside */

static char *
fold (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
  GString *key = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (key, c);
    }

  return g_string_free (key, FALSE);
}

static char *
typed_name (DeskTagPopover *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  return g_strstrip (g_steal_pointer (&valid));
}

/* Rows */


static GtkWidget *
make_tag_row (DeskTagPopover    *self,
              const DeskTagInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gboolean on = g_hash_table_contains (self->carried, &info->id);
  g_autofree char *accessible = NULL;

  gtk_label_set_text (GTK_LABEL (label), info->name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_visible (check, on);

  gtk_box_append (GTK_BOX (box), desk_tag_dot_new (info->color, 10));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* TRANSLATORS: how a screen reader says a tag in the tag popover */
  accessible = on ? g_strdup_printf (_("%s, applied"), info->name) : g_strdup (info->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  g_object_set_data_full (G_OBJECT (row), "tag-id", g_memdup2 (&info->id, sizeof info->id), g_free);

  return row;
}

static GtkWidget *
make_create_row (const char *name)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *text = NULL;

  /* TRANSLATORS: a row in the tag popover; %s is the name typed */
  text = g_strdup_printf (_("Create “%s”"), name);
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "create-name", g_strdup (name), g_free);

  return row;
}

/* Rebuilds the rows for what is typed and highlights the first. */
static void
refilter (DeskTagPopover *self)
{
  g_autofree char *name = typed_name (self);
  g_autofree char *key = fold (name);
  g_autoptr(GPtrArray) prefix = g_ptr_array_new ();
  g_autoptr(GPtrArray) inside = g_ptr_array_new ();
  gboolean exact = FALSE;
  GtkWidget *child;
  GtkListBoxRow *first;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; self->tags != NULL && i < self->tags->len; i++)
    {
      DeskTagInfo *info = g_ptr_array_index (self->tags, i);
      g_autofree char *tag_key = fold (info->name);
      const char *found = strstr (tag_key, key);

      if (found == NULL)
        continue;
      if (g_str_equal (tag_key, key))
        exact = TRUE;
      g_ptr_array_add (found == tag_key ? prefix : inside, info);
    }

  for (guint i = 0; i < prefix->len; i++)
    gtk_list_box_append (self->list, make_tag_row (self, g_ptr_array_index (prefix, i)));
  for (guint i = 0; i < inside->len; i++)
    gtk_list_box_append (self->list, make_tag_row (self, g_ptr_array_index (inside, i)));

  if (name[0] != '\0' && !exact && g_utf8_strlen (name, -1) <= MAX_NAME_CHARS)
    gtk_list_box_append (self->list, make_create_row (name));

  first = gtk_list_box_get_row_at_index (self->list, 0);
  if (first != NULL)
    gtk_list_box_select_row (self->list, first);
}

/* Loading */

typedef struct
{
  GPtrArray *tags;
  GArray    *carried;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->tags, g_ptr_array_unref);
  g_clear_pointer (&loaded->carried, g_array_unref);
  g_free (loaded);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DeskStore *store = source_object;
  gint64 conversation_id = *(gint64 *) task_data;
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  loaded->tags = desk_store_list_tags (store, &error);
  if (loaded->tags != NULL && conversation_id > 0)
    loaded->carried = desk_store_get_conversation_tags (store, conversation_id, &error);

  if (error != NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
show_error (DeskTagPopover *self,
            const GError   *error)
{
  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeskTagPopover) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  self->loading--;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (loaded == NULL)
    {
      show_error (self, error);
      return;
    }

  g_clear_pointer (&self->tags, g_ptr_array_unref);
  self->tags = g_steal_pointer (&loaded->tags);
  g_hash_table_remove_all (self->carried);
  for (guint i = 0; loaded->carried != NULL && i < loaded->carried->len; i++)
    {
      gint64 id = g_array_index (loaded->carried, gint64, i);
      g_hash_table_add (self->carried, g_memdup2 (&id, sizeof id));
    }
  loaded_free (loaded);

  refilter (self);
}

static void
reload (DeskTagPopover *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;

  self->loading++;
  task = g_task_new (self->store, self->cancellable, loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, g_memdup2 (&self->conversation_id, sizeof (gint64)), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

/* Writing */

typedef struct
{
  gint64    conversation_id;
  gint64    tag_id;     /* 0: create @name first */
  char     *name;
  gboolean  tagged;
} Toggle;

static void
toggle_free (Toggle *toggle)
{
  g_free (toggle->name);
  g_free (toggle);
}

static void
toggle_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DeskStore *store = source_object;
  Toggle *toggle = task_data;
  GError *error = NULL;
  gint64 tag_id = toggle->tag_id;

  if (tag_id == 0)
    tag_id = desk_store_add_tag (store, toggle->name, "", &error);

  if (tag_id == 0 ||
      !desk_store_tag_conversation (store, toggle->conversation_id, tag_id, toggle->tagged, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
toggled_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DeskTagPopover) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  /* tags-changed reloads the list too; this one also catches the conversation's own tags. */
  reload (self);
}

static void
activate_row (DeskTagPopover *self,
              GtkListBoxRow  *row)
{
  g_autoptr(GTask) task = NULL;
  const gint64 *tag_id = g_object_get_data (G_OBJECT (row), "tag-id");
  const char *create = g_object_get_data (G_OBJECT (row), "create-name");
  Toggle *toggle;

  if (self->conversation_id <= 0 || (tag_id == NULL && create == NULL))
    return;

  show_error (self, NULL);

  toggle = g_new0 (Toggle, 1);
  toggle->conversation_id = self->conversation_id;
  if (tag_id != NULL)
    {
      toggle->tag_id = *tag_id;
      toggle->tagged = !g_hash_table_contains (self->carried, tag_id);

      /* Show it at once; the reload that follows confirms it. */
      if (toggle->tagged)
        g_hash_table_add (self->carried, g_memdup2 (tag_id, sizeof *tag_id));
      else
        g_hash_table_remove (self->carried, tag_id);
    }
  else
    {
      toggle->name = g_strdup (create);
      toggle->tagged = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
    }

  task = g_task_new (self->store, self->cancellable, toggled_cb, g_object_ref (self));
  g_task_set_source_tag (task, activate_row);
  g_task_set_task_data (task, toggle, (GDestroyNotify) toggle_free);
  g_task_run_in_thread (task, toggle_in_thread);

  if (tag_id != NULL)
    {
      int index = gtk_list_box_row_get_index (row);

      refilter (self);
      row = gtk_list_box_get_row_at_index (self->list, index);
      if (row != NULL)
        gtk_list_box_select_row (self->list, row);
    }
}

/* Keyboard */

static void
on_entry_changed (DeskTagPopover *self)
{
  show_error (self, NULL);
  refilter (self);
}

static void
on_entry_activate (DeskTagPopover *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  if (row != NULL)
    activate_row (self, row);
}

static void
on_entry_stop_search (DeskTagPopover *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
on_row_activated (DeskTagPopover *self,
                  GtkListBoxRow  *row)
{
  activate_row (self, row);
}

static void
move_selection (DeskTagPopover *self,
                int             delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) + delta : 0;
  GtkListBoxRow *next;

  next = gtk_list_box_get_row_at_index (self->list, MAX (index, 0));
  if (next == NULL)
    return;

  gtk_list_box_select_row (self->list, next);
  /* Keeps the highlighted row in view without taking focus from the entry. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->list), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = scrolled != NULL
                           ? gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled))
                           : NULL;
    graphene_rect_t bounds;

    if (adj != NULL &&
        gtk_widget_compute_bounds (GTK_WIDGET (next), GTK_WIDGET (self->list), &bounds))
      {
        double top = gtk_adjustment_get_value (adj);
        double page = gtk_adjustment_get_page_size (adj);

        if (bounds.origin.y < top)
          gtk_adjustment_set_value (adj, bounds.origin.y);
        else if (bounds.origin.y + bounds.size.height > top + page)
          gtk_adjustment_set_value (adj, bounds.origin.y + bounds.size.height - page);
      }
  }
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DeskTagPopover        *self)
{
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

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

/* Object */

static void
on_tags_changed (DeskTagPopover *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
}

static void
desk_tag_popover_show (GtkWidget *widget)
{
  DeskTagPopover *self = DESK_TAG_POPOVER (widget);

  GTK_WIDGET_CLASS (desk_tag_popover_parent_class)->show (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  show_error (self, NULL);
  reload (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
desk_tag_popover_dispose (GObject *object)
{
  DeskTagPopover *self = (DeskTagPopover *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_TAG_POPOVER);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_tag_popover_parent_class)->dispose (object);
}

static void
desk_tag_popover_finalize (GObject *object)
{
  DeskTagPopover *self = (DeskTagPopover *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tags, g_ptr_array_unref);
  g_clear_pointer (&self->carried, g_hash_table_unref);

  G_OBJECT_CLASS (desk_tag_popover_parent_class)->finalize (object);
}

static void
desk_tag_popover_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DeskTagPopover *self = DESK_TAG_POPOVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_CONVERSATION_ID:
      g_value_set_int64 (value, self->conversation_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_tag_popover_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DeskTagPopover *self = DESK_TAG_POPOVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      if (self->store != NULL)
        g_signal_connect_object (self->store, "tags-changed", G_CALLBACK (on_tags_changed), self,
                                 G_CONNECT_SWAPPED);
      break;

    case PROP_CONVERSATION_ID:
      desk_tag_popover_set_conversation_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_tag_popover_class_init (DeskTagPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_tag_popover_dispose;
  object_class->finalize = desk_tag_popover_finalize;
  object_class->get_property = desk_tag_popover_get_property;
  object_class->set_property = desk_tag_popover_set_property;

  widget_class->show = desk_tag_popover_show;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DESK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CONVERSATION_ID] =
    g_param_spec_int64 ("conversation-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/frontdesk/Frontdesk/desk-tag-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskTagPopover, entry);
  gtk_widget_class_bind_template_child (widget_class, DeskTagPopover, list);
  gtk_widget_class_bind_template_child (widget_class, DeskTagPopover, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
desk_tag_popover_init (DeskTagPopover *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->carried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  /* Up and Down move in the list while the entry keeps the focus. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

/**
 * desk_tag_popover_new:
 *
 * Returns: (transfer floating): a popover to set on a parent with gtk_widget_set_parent() or a
 *   GtkMenuButton
 */
DeskTagPopover *
desk_tag_popover_new (DeskStore *store)
{
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  return g_object_new (DESK_TYPE_TAG_POPOVER, "store", store, NULL);
}

/**
 * desk_tag_popover_set_conversation_id:
 * @conversation_id: the conversation the tags go on, or 0 for none
 */
void
desk_tag_popover_set_conversation_id (DeskTagPopover *self,
                                      gint64          conversation_id)
{
  g_return_if_fail (DESK_IS_TAG_POPOVER (self));

  if (self->conversation_id == conversation_id)
    return;

  self->conversation_id = conversation_id;
  g_hash_table_remove_all (self->carried);
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    reload (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);
}

gint64
desk_tag_popover_get_conversation_id (DeskTagPopover *self)
{
  g_return_val_if_fail (DESK_IS_TAG_POPOVER (self), 0);

  return self->conversation_id;
}
