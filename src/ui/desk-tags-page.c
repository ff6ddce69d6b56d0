/* desk-tags-page.c: the team's tags, in the preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Add a tag by name; each tag is a row whose name is edited in place (Enter or the apply button
 * renames it), with its counts as the row's title, a colour from a small palette, and a delete
 * button that asks first, saying how many conversations carry the tag. Writes run in a worker
 * thread; the rows follow DeskStore::tags-changed.
 */
#define G_LOG_DOMAIN "desk-tags-page"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-tag-dot.h"
#include "desk-tags-page.h"

struct _DeskTagsPage
{
  AdwPreferencesPage   parent_instance;

  AdwEntryRow         *new_row;
  GtkLabel            *error_label;
  AdwPreferencesGroup *tags_group;

  DeskStore           *store;
  GCancellable        *cancellable;
  GPtrArray           *rows;         /* the tag rows in tags_group */
};

G_DEFINE_FINAL_TYPE (DeskTagsPage, desk_tags_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GNOME's palette (the HIG's), and none */
static const struct {
  const char *color;
  const char *name;
} palette[] = {
  { "#3584e4", N_("Blue") },
  { "#33d17a", N_("Green") },
  { "#f6d32d", N_("Yellow") },
  { "#ff7800", N_("Orange") },
  { "#e01b24", N_("Red") },
  { "#9141ac", N_("Purple") },
  { "#986a44", N_("Brown") },
  { "#5e5c64", N_("Slate") },
  { "", N_("No Colour") },
};

static void reload (DeskTagsPage *self);

static void
show_error (DeskTagsPage *self,
            const GError *error)
{
  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
}

/* Writes, in a worker thread */

typedef enum
{
  WRITE_ADD,
  WRITE_RENAME,
  WRITE_COLOR,
  WRITE_DELETE,
} WriteKind;

typedef struct
{
  WriteKind  kind;
  gint64     tag_id;
  char      *text;
} Write;

static void
write_free (Write *write)
{
  g_free (write->text);
  g_free (write);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DeskStore *store = source_object;
  Write *write = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (write->kind)
    {
    case WRITE_ADD:
      ok = desk_store_add_tag (store, write->text, "", &error) != 0;
      break;

    case WRITE_RENAME:
      ok = desk_store_rename_tag (store, write->tag_id, write->text, &error);
      break;

    case WRITE_COLOR:
      ok = desk_store_set_tag_color (store, write->tag_id, write->text, &error);
      break;

    case WRITE_DELETE:
      ok = desk_store_delete_tag (store, write->tag_id, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DeskTagsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Write *write = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  if (write->kind == WRITE_ADD)
    gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
}

static void
run_write (DeskTagsPage *self,
           WriteKind     kind,
           gint64        tag_id,
           const char   *text)
{
  g_autoptr(GTask) task = NULL;
  Write *write = g_new0 (Write, 1);

  show_error (self, NULL);

  write->kind = kind;
  write->tag_id = tag_id;
  write->text = g_strdup (text);

  task = g_task_new (self->store, self->cancellable, write_cb, g_object_ref (self));
  g_task_set_source_tag (task, run_write);
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);
  g_task_run_in_thread (task, write_in_thread);
}

/* Rows */


static gint64
row_tag_id (GtkWidget *row)
{
  const gint64 *id = g_object_get_data (G_OBJECT (row), "tag-id");

  return id != NULL ? *id : 0;
}

static void
on_color_clicked (GtkButton *button,
                  gpointer   user_data)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (user_data);
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ENTRY_ROW);
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
  const char *color = g_object_get_data (G_OBJECT (button), "color");

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));

  /* The popover is not inside the row: the menu button carries the row. */
  if (row == NULL && popover != NULL)
    row = g_object_get_data (G_OBJECT (popover), "row");

  if (row != NULL)
    run_write (self, WRITE_COLOR, row_tag_id (row), color);
}

static GtkWidget *
make_color_button (DeskTagsPage      *self,
                   GtkWidget         *row,
                   const DeskTagInfo *info)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  g_autofree char *label = NULL;

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);

  for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
    {
      GtkWidget *choice = gtk_button_new ();

      gtk_button_set_child (GTK_BUTTON (choice), desk_tag_dot_new (palette[i].color, 16));
      gtk_widget_add_css_class (choice, "circular");
      gtk_widget_add_css_class (choice, "flat");
      gtk_widget_set_tooltip_text (choice, _(palette[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (choice), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(palette[i].name), -1);
      g_object_set_data (G_OBJECT (choice), "color", (gpointer) palette[i].color);
      g_signal_connect (choice, "clicked", G_CALLBACK (on_color_clicked), self);
      gtk_grid_attach (GTK_GRID (grid), choice, i % 5, i / 5, 1, 1);
    }

  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  g_object_set_data (G_OBJECT (popover), "row", row);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), desk_tag_dot_new (info->color, 14));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");

  /* TRANSLATORS: the colour button of a tag; %s is the tag's name */
  label = g_strdup_printf (_("Colour of “%s”"), info->name);
  gtk_widget_set_tooltip_text (button, _("Colour"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  return button;
}

static void
on_rename (AdwEntryRow *row,
           gpointer     user_data)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (user_data);
  const char *old_name = g_object_get_data (G_OBJECT (row), "tag-name");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (g_strcmp0 (old_name, text) == 0)
    return;

  run_write (self, WRITE_RENAME, row_tag_id (GTK_WIDGET (row)), text);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (user_data);
  const gint64 *tag_id = g_object_get_data (G_OBJECT (dialog), "tag-id");

  if (g_strcmp0 (response, "delete") == 0)
    run_write (self, WRITE_DELETE, *tag_id, NULL);
}

static void
on_delete_clicked (GtkButton *button,
                   gpointer   user_data)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (user_data);
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ENTRY_ROW);
  const char *name = g_object_get_data (G_OBJECT (row), "tag-name");
  guint n_total = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "tag-total"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  gint64 tag_id = row_tag_id (row);
  AdwMessageDialog *dialog;

  /* TRANSLATORS: %s is a tag's name */
  heading = g_strdup_printf (_("Delete “%s”?"), name);
  if (n_total == 0)
    body = g_strdup (_("No conversation carries this tag."));
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u conversation carries this tag. It will be taken off; "
                                         "the conversation stays.",
                                         "%u conversations carry this tag. It will be taken off "
                                         "them; the conversations stay.",
                                         n_total),
                            n_total);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "tag-id", g_memdup2 (&tag_id, sizeof tag_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What a row shows of its tag; used for new rows and to refresh rows in place. */
static void
update_row (GtkWidget         *row,
            const DeskTagInfo *info)
{
  GtkWidget *color_button = g_object_get_data (G_OBJECT (row), "color-button");
  GtkRoot *root = gtk_widget_get_root (row);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  g_autofree char *title = NULL;

  g_object_set_data_full (G_OBJECT (row), "tag-name", g_strdup (info->name), g_free);
  g_object_set_data (G_OBJECT (row), "tag-total", GUINT_TO_POINTER (info->n_total));

  /* TRANSLATORS: a tag's counts in the tags page: open conversations, all conversations */
  title = g_strdup_printf (_("%u open · %u in all"), info->n_open, info->n_total);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  /* Not under the agent's fingers while they rename it */
  if ((focus == NULL || !gtk_widget_is_ancestor (focus, row)) &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), info->name) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), info->name);

  if (color_button != NULL)
    gtk_menu_button_set_child (GTK_MENU_BUTTON (color_button), desk_tag_dot_new (info->color, 14));
}

static GtkWidget *
make_row (DeskTagsPage      *self,
          const DeskTagInfo *info)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *color_button = make_color_button (self, row, info);
  g_autofree char *delete_label = NULL;

  g_object_set_data_full (G_OBJECT (row), "tag-id", g_memdup2 (&info->id, sizeof info->id), g_free);
  g_object_set_data (G_OBJECT (row), "color-button", color_button);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  adw_entry_row_add_prefix (ADW_ENTRY_ROW (row), color_button);
  update_row (row, info);

  /* TRANSLATORS: the delete button of a tag; %s is the tag's name */
  delete_label = g_strdup_printf (_("Delete “%s”"), info->name);
  gtk_widget_set_tooltip_text (delete, _("Delete"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  delete_label, -1);
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete, "flat");
  g_signal_connect (delete, "clicked", G_CALLBACK (on_delete_clicked), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), delete);

  g_signal_connect (row, "apply", G_CALLBACK (on_rename), self);
  g_signal_connect (row, "entry-activated", G_CALLBACK (on_rename), self);

  return row;
}

static void
set_tags (DeskTagsPage *self,
          GPtrArray    *tags)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *focus_row = focus != NULL ? gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW) : NULL;
  gint64 focus_id = focus_row != NULL ? row_tag_id (focus_row) : 0;
  /* A rename being typed there survives the rebuild */
  g_autofree char *focus_text = focus_row != NULL
                                  ? g_strdup (gtk_editable_get_text (GTK_EDITABLE (focus_row)))
                                  : NULL;
  gboolean same_tags = self->rows->len == tags->len;

  /* The same tags in the same order (a colour or a count changed): refresh the rows in place.
   * Rebuilding would destroy the colour popover the agent just used, and GTK 4.8 may still have
   * a tooltip timeout on its surface. */
  for (guint i = 0; same_tags && i < tags->len; i++)
    same_tags = row_tag_id (g_ptr_array_index (self->rows, i)) ==
                ((const DeskTagInfo *) g_ptr_array_index (tags, i))->id;

  if (same_tags)
    {
      for (guint i = 0; i < tags->len; i++)
        update_row (g_ptr_array_index (self->rows, i), g_ptr_array_index (tags, i));
      return;
    }

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->tags_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < tags->len; i++)
    {
      const DeskTagInfo *info = g_ptr_array_index (tags, i);
      GtkWidget *row = make_row (self, info);

      adw_preferences_group_add (self->tags_group, row);
      g_ptr_array_add (self->rows, row);

      /* A rebuild keeps the keyboard where it was. */
      if (focus_id != 0 && info->id == focus_id)
        {
          gtk_editable_set_text (GTK_EDITABLE (row), focus_text);
          gtk_widget_grab_focus (row);
        }
    }

  adw_preferences_group_set_description (self->tags_group,
                                         tags->len == 0
                                           ? _("No tags yet. Add one above, or type a new name in a conversation’s tag popover.")
                                           : _("Rename a tag in place and press Enter. Each row says how many open conversations carry the tag, and how many in all."));
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeskTagsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tags = desk_store_list_tags_finish (DESK_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (tags == NULL)
    {
      show_error (self, error);
      return;
    }

  set_tags (self, tags);
}

static void
reload (DeskTagsPage *self)
{
  if (self->store != NULL)
    desk_store_list_tags_async (self->store, self->cancellable, loaded_cb, g_object_ref (self));
}

/* Callbacks */

static void
on_new_apply (DeskTagsPage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_row))));

  if (name[0] == '\0')
    return;

  run_write (self, WRITE_ADD, 0, name);
}

/* Object */

static void
desk_tags_page_dispose (GObject *object)
{
  DeskTagsPage *self = (DeskTagsPage *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_TAGS_PAGE);
  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (desk_tags_page_parent_class)->dispose (object);
}

static void
desk_tags_page_finalize (GObject *object)
{
  DeskTagsPage *self = (DeskTagsPage *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (desk_tags_page_parent_class)->finalize (object);
}

static void
desk_tags_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      if (self->store != NULL)
        {
          g_signal_connect_object (self->store, "tags-changed", G_CALLBACK (reload), self,
                                   G_CONNECT_SWAPPED);
          reload (self);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_tags_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_tags_page_class_init (DeskTagsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_tags_page_dispose;
  object_class->finalize = desk_tags_page_finalize;
  object_class->get_property = desk_tags_page_get_property;
  object_class->set_property = desk_tags_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DESK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/frontdesk/Frontdesk/desk-tags-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskTagsPage, new_row);
  gtk_widget_class_bind_template_child (widget_class, DeskTagsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskTagsPage, tags_group);
  gtk_widget_class_bind_template_callback (widget_class, on_new_apply);
}

static void
desk_tags_page_init (DeskTagsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
}

DeskTagsPage *
desk_tags_page_new (DeskStore *store)
{
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  return g_object_new (DESK_TYPE_TAGS_PAGE, "store", store, NULL);
}
