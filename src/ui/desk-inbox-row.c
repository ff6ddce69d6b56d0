/* desk-inbox-row.c: one conversation in the inbox list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything shown here came from the network: it is set as plain text, never as markup.
 */
#define G_LOG_DOMAIN "desk-inbox-row"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-inbox-row.h"

struct _DeskInboxRow
{
  GtkWidget         parent_instance;

  GtkLabel         *name_label;
  GtkLabel         *handle_label;
  GtkLabel         *network_label;
  GtkLabel         *time_label;
  GtkLabel         *snippet_label;

  DeskConversation *conversation;
  gulong            notify_handler;
};

G_DEFINE_FINAL_TYPE (DeskInboxRow, desk_inbox_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONVERSATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
network_name (const char *network)
{
  if (g_strcmp0 (network, "mastodon") == 0)
    return _("Mastodon");
  if (g_strcmp0 (network, "bluesky") == 0)
    return _("Bluesky");
  if (g_strcmp0 (network, "telegram") == 0)
    return _("Telegram");
  if (g_strcmp0 (network, "x") == 0)
    return _("X");
  return network != NULL ? network : "";
}

static char *
format_time (gint64 time_us)
{
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan age;

  if (time_us <= 0)
    return g_strdup ("");

  then = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  now = g_date_time_new_now_local ();
  if (then == NULL || now == NULL)
    return g_strdup ("");

  age = g_date_time_difference (now, then);

  if (age < G_TIME_SPAN_DAY && g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (then))
    /* Translators: a time today, see https://docs.gtk.org/glib/method.DateTime.format.html */
    return g_date_time_format (then, _("%H:%M"));
  if (age < 7 * G_TIME_SPAN_DAY)
    /* Translators: a weekday and time */
    return g_date_time_format (then, _("%a %H:%M"));

  /* Translators: a date */
  return g_date_time_format (then, _("%e %b %Y"));
}

static void
update (DeskInboxRow *self)
{
  DeskConversation *c = self->conversation;
  g_autofree char *time = NULL;
  g_autofree char *network = NULL;
  const char *name;

  if (c == NULL || !desk_conversation_get_loaded (c))
    {
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->handle_label, "");
      gtk_label_set_text (self->network_label, "");
      gtk_label_set_text (self->time_label, "");
      gtk_label_set_text (self->snippet_label, "");
      return;
    }

  name = desk_conversation_get_contact_name (c);
  if (name == NULL || name[0] == '\0')
    name = desk_conversation_get_contact_handle (c);

  time = format_time (desk_conversation_get_last_message_at (c));

  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->handle_label, desk_conversation_get_contact_handle (c));
  if (desk_conversation_get_kind (c) == DESK_CONVERSATION_DM)
    /* Translators: a direct message on a network, e.g. "Mastodon · DM" */
    network = g_strdup_printf (_("%s · DM"), network_name (desk_conversation_get_network (c)));
  else
    network = g_strdup (network_name (desk_conversation_get_network (c)));

  gtk_label_set_text (self->network_label, network);
  gtk_label_set_text (self->time_label, time);
  gtk_label_set_text (self->snippet_label, desk_conversation_get_snippet (c));

  if (desk_conversation_get_unread (c))
    gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "heading");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_label), "heading");
}

void
desk_inbox_row_set_conversation (DeskInboxRow     *self,
                                 DeskConversation *conversation)
{
  g_return_if_fail (DESK_IS_INBOX_ROW (self));
  g_return_if_fail (!conversation || DESK_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  g_clear_signal_handler (&self->notify_handler, self->conversation);
  g_set_object (&self->conversation, conversation);

  if (conversation != NULL)
    self->notify_handler = g_signal_connect_object (conversation, "notify", G_CALLBACK (update),
                                                    self, G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

DeskConversation *
desk_inbox_row_get_conversation (DeskInboxRow *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_ROW (self), NULL);
  return self->conversation;
}

static void
desk_inbox_row_dispose (GObject *object)
{
  DeskInboxRow *self = (DeskInboxRow *)object;
  GtkWidget *child;

  g_clear_signal_handler (&self->notify_handler, self->conversation);
  g_clear_object (&self->conversation);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_INBOX_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (desk_inbox_row_parent_class)->dispose (object);
}

static void
desk_inbox_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DeskInboxRow *self = DESK_INBOX_ROW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_inbox_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DeskInboxRow *self = DESK_INBOX_ROW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      desk_inbox_row_set_conversation (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_inbox_row_class_init (DeskInboxRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_inbox_row_dispose;
  object_class->get_property = desk_inbox_row_get_property;
  object_class->set_property = desk_inbox_row_set_property;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, DESK_TYPE_CONVERSATION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/desk-inbox-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, handle_label);
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, network_label);
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, snippet_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inboxrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
desk_inbox_row_init (DeskInboxRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DeskInboxRow *
desk_inbox_row_new (void)
{
  return g_object_new (DESK_TYPE_INBOX_ROW, NULL);
}
