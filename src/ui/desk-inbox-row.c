/* desk-inbox-row.c: one conversation in the inbox list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything shown here came from the network: it is set as plain text, never as markup.
 *
 * The response-time badge is drawn from the SLA rules in core (desk-sla.h): the window calls
 * desk_inbox_row_update_badge() on the rows that are bound (the visible ones) once a minute.
 */
#define G_LOG_DOMAIN "desk-inbox-row"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-clock.h"
#include "desk-inbox-row.h"

struct _DeskInboxRow
{
  GtkWidget         parent_instance;

  GtkLabel         *name_label;
  GtkLabel         *handle_label;
  GtkLabel         *network_label;
  GtkLabel         *time_label;
  GtkLabel         *snippet_label;
  GtkLabel         *badge_label;
  GtkWidget        *tags_box;

  DeskConversation *conversation;
  gulong            notify_handler;

  DeskSlaPolicy    *policy;       /* owned by the window; NULL: no badge */
  DeskSlaState      badge_state;
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
update_tags (DeskInboxRow *self)
{
  const char * const *tags = NULL;
  GtkWidget *child;
  guint n = 0;

  if (self->conversation != NULL && desk_conversation_get_loaded (self->conversation))
    tags = desk_conversation_get_tags (self->conversation);

  /* Reuse the chips already there: rows are recycled while scrolling. */
  child = gtk_widget_get_first_child (self->tags_box);
  for (; tags != NULL && tags[n] != NULL; n++)
    {
      if (child == NULL)
        {
          child = gtk_label_new (NULL);
          gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
          gtk_label_set_max_width_chars (GTK_LABEL (child), 20);
          gtk_widget_add_css_class (child, "tag-chip");
          gtk_box_append (GTK_BOX (self->tags_box), child);
        }

      gtk_label_set_text (GTK_LABEL (child), tags[n]);
      gtk_widget_set_visible (child, TRUE);
      child = gtk_widget_get_next_sibling (child);
    }

  for (; child != NULL; child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_visible (child, FALSE);

  gtk_widget_set_visible (self->tags_box, n > 0);
}

/**
 * desk_inbox_row_update_badge:
 * @policy: (nullable): the team's response-time rules; %NULL hides the badge
 * @now: the time now (UNIX µs)
 *
 * Shows how long the customer has waited against the target: the waiting time while on time,
 * the time left once due soon, and by how much once overdue.
 */
void
desk_inbox_row_update_badge (DeskInboxRow        *self,
                             const DeskSlaPolicy *policy,
                             gint64               now)
{
  DeskConversation *c = self->conversation;
  DeskSlaStatus status = { DESK_SLA_NONE, };
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *duration = NULL;
  static const char * const classes[] = { "on-time", "due-soon", "overdue" };

  g_return_if_fail (DESK_IS_INBOX_ROW (self));

  if (policy != NULL && c != NULL && desk_conversation_get_loaded (c) &&
      desk_conversation_get_status (c) == DESK_CONVERSATION_OPEN &&
      desk_conversation_get_waiting_since (c) > 0)
    desk_sla_evaluate (policy, desk_conversation_get_waiting_since (c), now, &status);

  self->badge_state = status.state;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge_label), classes[i]);

  switch (status.state)
    {
    case DESK_SLA_NONE:
      gtk_widget_set_visible (GTK_WIDGET (self->badge_label), FALSE);
      return;

    case DESK_SLA_ON_TIME:
      {
        g_autofree char *target = desk_sla_format_duration (status.elapsed + status.remaining);
        g_autofree char *left = desk_sla_format_duration (status.remaining);
        g_autofree char *due = format_time (status.due);

        duration = desk_sla_format_duration (status.elapsed);
        /* Translators: how long the customer has waited (counted in business hours) against
         * the team's response-time target, e.g. "25 min of 1 h" */
        text = g_strdup_printf (_("%s of %s"), duration, target);

        /* Translators: how long the customer has waited, how long is left before the
         * response-time target, and when that is (business hours may stretch it) */
        tooltip = g_strdup_printf (_("Waiting %s, %s left: due %s"), duration, left, due);
      }
      break;

    case DESK_SLA_DUE_SOON:
      duration = desk_sla_format_duration (status.remaining);
      /* Translators: time left before the response-time target, e.g. "10 min left" */
      text = g_strdup_printf (_("%s left"), duration);
      tooltip = g_strdup_printf (_("Due soon: answer within %s"), duration);
      break;

    case DESK_SLA_OVERDUE:
    default:
      if (status.overdue_by < G_USEC_PER_SEC * 60)
        {
          text = g_strdup (_("Overdue"));
          tooltip = g_strdup (_("Overdue: the response-time target was just reached"));
          break;
        }
      duration = desk_sla_format_duration (status.overdue_by);
      /* Translators: how long ago the response-time target was missed, e.g. "Overdue 20 min" */
      text = g_strdup_printf (_("Overdue %s"), duration);
      tooltip = g_strdup_printf (_("Overdue by %s"), duration);
      break;
    }

  gtk_label_set_text (self->badge_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->badge_label), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->badge_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->badge_label), classes[status.state - DESK_SLA_ON_TIME]);
  gtk_widget_set_visible (GTK_WIDGET (self->badge_label), TRUE);
}

/**
 * desk_inbox_row_get_badge_state:
 *
 * Returns: the state the badge shows
 */
DeskSlaState
desk_inbox_row_get_badge_state (DeskInboxRow *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_ROW (self), DESK_SLA_NONE);
  return self->badge_state;
}

/**
 * desk_inbox_row_get_badge_text:
 *
 * Returns: (transfer none): the badge's text ("" when hidden)
 */
const char *
desk_inbox_row_get_badge_text (DeskInboxRow *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_ROW (self), NULL);
  return self->badge_state == DESK_SLA_NONE ? "" : gtk_label_get_text (self->badge_label);
}

/**
 * desk_inbox_row_set_policy:
 * @policy: (nullable) (transfer none): the rules the badge is drawn from; must outlive the row's
 *   use of it (the window replaces it on every row when the settings change)
 */
void
desk_inbox_row_set_policy (DeskInboxRow  *self,
                           DeskSlaPolicy *policy)
{
  g_return_if_fail (DESK_IS_INBOX_ROW (self));
  self->policy = policy;
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
      update_tags (self);
      desk_inbox_row_update_badge (self, NULL, 0);
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

  update_tags (self);
  desk_inbox_row_update_badge (self, self->policy, desk_clock_get_now ());
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
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, badge_label);
  gtk_widget_class_bind_template_child (widget_class, DeskInboxRow, tags_box);

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
