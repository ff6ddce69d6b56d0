/* desk-conversation-view.c: one conversation: who, the thread, unsent replies, the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the conversation, its messages and its replies not yet posted are read in a worker
 * thread and shown as plain text (messages come from strangers: never markup). The business
 * account's own replies say which agent wrote them: the initials stored with a reply sent
 * from here, or those recognized in a reply's signature when it was sent elsewhere.
 *
 * Reloads when the store announces the conversation changed, and every few seconds while a
 * reply waits to be sent (the outbox does not announce a failure).
 */
#define G_LOG_DOMAIN "desk-conversation-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "desk-conversation-view.h"
#include "desk-text.h"

#define UNSENT_POLL_SECONDS 3

struct _DeskConversationView
{
  GtkWidget             parent_instance;

  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *missing_page;
  GtkLabel             *name_label;
  GtkLabel             *details_label;
  GtkScrolledWindow    *thread_scroller;
  GtkBox               *thread_box;
  GtkBox               *unsent_box;
  GtkLabel             *unsent_error_label;
  DeskComposer         *composer;

  DeskStore            *store;
  gint64                conversation_id;
  DeskConversation     *conversation;
  GCancellable         *cancellable;
  char                 *thread_fingerprint;
  GPtrArray            *unsent_rows;     /* the widgets in unsent_box, but its error label */

  guint                 poll_source;
  guint                 loaded : 1;
  guint                 focus_pending : 1;
  guint                 stick_to_bottom : 1;
};

G_DEFINE_FINAL_TYPE (DeskConversationView, desk_conversation_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONVERSATION_ID,
  N_PROPS
};

enum {
  REPLY_QUEUED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void load (DeskConversationView *self,
                  gboolean              unsent_only);

/* Loading, in a worker thread */

typedef struct
{
  gint64            id;
  gboolean          unsent_only;
  DeskConversation *conversation;
  GPtrArray        *messages;
  GPtrArray        *unsent;
} Load;

static void
load_free (Load *data)
{
  g_clear_object (&data->conversation);
  g_clear_pointer (&data->messages, g_ptr_array_unref);
  g_clear_pointer (&data->unsent, g_ptr_array_unref);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DeskStore *store = source_object;
  Load *data = task_data;
  GError *error = NULL;

  if (!data->unsent_only)
    {
      data->conversation = desk_store_get_conversation (store, data->id, &error);
      if (data->conversation == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      data->messages = desk_store_list_messages (store, data->id, &error);
      if (data->messages == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  data->unsent = desk_store_list_unsent (store, data->id, &error);
  if (data->unsent == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* The thread */

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (utc == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (utc);

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: a time today, see https://docs.gtk.org/glib/method.DateTime.format.html */
    return g_date_time_format (local, _("%H:%M"));

  /* Translators: a message's date and time in a conversation, see
   * https://docs.gtk.org/glib/method.DateTime.format.html */
  return g_date_time_format (local, _("%e %b %Y, %H:%M"));
}

static const char *
network_name (const char *network)
{
  if (g_strcmp0 (network, "bluesky") == 0)
    return "Bluesky";
  if (g_strcmp0 (network, "mastodon") == 0)
    return "Mastodon";
  if (g_strcmp0 (network, "telegram") == 0)
    return "Telegram";
  if (g_strcmp0 (network, "x") == 0)
    return "X";

  return network != NULL ? network : "";
}

static GtkWidget *
plain_label (const char *text,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* gtk_label_set_text(): never markup, whatever the text holds */
  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static GtkWidget *
message_widget (DeskConversationView *self,
                const DeskMessage    *message)
{
  g_autofree char *when = format_time (message->created_at);
  g_autofree char *meta = NULL;
  GtkWidget *box;
  GtkWidget *body;

  if (message->direction == DESK_DIRECTION_OUT)
    {
      const char *account = desk_conversation_get_account_handle (self->conversation);
      g_autofree char *initials = NULL;

      /* Who wrote it: stored when sent from here, else read from its signature */
      if (message->agent_initials != NULL && message->agent_initials[0] != '\0')
        initials = g_strdup (message->agent_initials);
      else
        initials = desk_text_find_initials (message->text);

      if (initials != NULL)
        /* Translators: the business account, the agent's initials, a time */
        meta = g_strdup_printf (_("%s · by %s · %s"), account != NULL ? account : "", initials,
                                when);
      else
        meta = g_strdup_printf ("%s · %s", account != NULL ? account : "", when);
    }
  else
    {
      const char *name = message->author_name;
      const char *handle = message->author_handle;

      if (name != NULL && name[0] != '\0' && handle != NULL && handle[0] != '\0')
        meta = g_strdup_printf ("%s (%s) · %s", name, handle, when);
      else
        meta = g_strdup_printf ("%s · %s",
                                name != NULL && name[0] != '\0' ? name
                                  : handle != NULL ? handle : _("Unknown"),
                                when);
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, message->direction == DESK_DIRECTION_OUT ? "outgoing"
                                                                           : "incoming");
  if (message->direction == DESK_DIRECTION_OUT)
    gtk_widget_set_margin_start (box, 36);
  else
    gtk_widget_set_margin_end (box, 36);

  {
    GtkWidget *meta_label = plain_label (meta, "caption");

    gtk_widget_add_css_class (meta_label, "dim-label");
    gtk_widget_set_margin_start (meta_label, 12);
    gtk_widget_set_margin_end (meta_label, 12);
    gtk_widget_set_margin_top (meta_label, 8);
    gtk_box_append (GTK_BOX (box), meta_label);
  }

  body = plain_label (message->text, NULL);
  gtk_label_set_selectable (GTK_LABEL (body), TRUE);
  gtk_widget_set_margin_start (body, 12);
  gtk_widget_set_margin_end (body, 12);
  gtk_widget_set_margin_bottom (body, 10);
  gtk_accessible_update_property (GTK_ACCESSIBLE (body),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, meta,
                                  -1);
  gtk_box_append (GTK_BOX (box), body);

  return box;
}

static char *
fingerprint (GPtrArray *messages)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      const DeskMessage *message = g_ptr_array_index (messages, i);

      g_string_append_printf (out, "%s/%" G_GINT64_FORMAT "/%u/%s;",
                              message->remote_id != NULL ? message->remote_id : "",
                              message->created_at, g_str_hash (message->text ? message->text : ""),
                              message->agent_initials != NULL ? message->agent_initials : "");
    }

  return g_string_free (out, FALSE);
}

static void
show_thread (DeskConversationView *self,
             GPtrArray            *messages)
{
  g_autofree char *print = fingerprint (messages);
  GtkWidget *child;

  if (g_strcmp0 (print, self->thread_fingerprint) == 0)
    return;

  g_free (self->thread_fingerprint);
  self->thread_fingerprint = g_steal_pointer (&print);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->thread_box))) != NULL)
    gtk_box_remove (self->thread_box, child);

  for (guint i = 0; i < messages->len; i++)
    gtk_box_append (self->thread_box, message_widget (self, g_ptr_array_index (messages, i)));
}

static void
show_header (DeskConversationView *self)
{
  const char *name = desk_conversation_get_contact_name (self->conversation);
  const char *handle = desk_conversation_get_contact_handle (self->conversation);
  const char *account = desk_conversation_get_account_handle (self->conversation);
  const char *network = network_name (desk_conversation_get_network (self->conversation));
  g_autofree char *details = NULL;

  if (name == NULL || name[0] == '\0')
    name = handle != NULL && handle[0] != '\0' ? handle : _("Unknown Customer");
  gtk_label_set_text (self->name_label, name);

  if (desk_conversation_get_kind (self->conversation) == DESK_CONVERSATION_DM)
    /* Translators: customer handle · network · the business account; a direct message */
    details = g_strdup_printf (_("%s · %s · direct message to %s"),
                               handle != NULL ? handle : "", network,
                               account != NULL ? account : "");
  else
    /* Translators: customer handle · network · the business account; in public */
    details = g_strdup_printf (_("%s · %s · in public, to %s"),
                               handle != NULL ? handle : "", network,
                               account != NULL ? account : "");
  gtk_label_set_text (self->details_label, details);
}

/* Unsent replies */

static gint64
button_outbox_id (GtkWidget *button)
{
  gint64 *id = g_object_get_data (G_OBJECT (button), "outbox-id");

  g_assert (id != NULL);

  return *id;
}

typedef enum
{
  OUTBOX_RETRY,
  OUTBOX_POSTED,
  OUTBOX_SEND_AGAIN,
  OUTBOX_DISCARD,
} OutboxAction;

typedef struct
{
  gint64       id;
  OutboxAction action;
} OutboxOp;

static void
outbox_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  OutboxOp *op = task_data;
  GError *error = NULL;
  gboolean ok;

  switch (op->action)
    {
    case OUTBOX_RETRY:
      ok = desk_store_outbox_retry (source_object, op->id, NULL, &error);
      break;

    case OUTBOX_POSTED:
      ok = desk_store_outbox_settle (source_object, op->id, DESK_OUTBOX_SETTLE_POSTED, &error);
      break;

    case OUTBOX_SEND_AGAIN:
      ok = desk_store_outbox_settle (source_object, op->id, DESK_OUTBOX_SETTLE_SEND_AGAIN,
                                     &error);
      break;

    case OUTBOX_DISCARD:
      ok = desk_store_outbox_settle (source_object, op->id, DESK_OUTBOX_SETTLE_DISCARD, &error);
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
outbox_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DeskConversationView) self = user_data;
  g_autoptr(GError) error = NULL;
  OutboxOp *op = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self->unsent_error_label != NULL)
        {
          gtk_label_set_text (self->unsent_error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->unsent_error_label), TRUE);
        }
    }
  else if (op->action == OUTBOX_RETRY || op->action == OUTBOX_SEND_AGAIN)
    g_signal_emit (self, signals[REPLY_QUEUED], 0, op->id);

  if (self->store != NULL && self->conversation_id != 0)
    load (self, TRUE);
}

static void
run_outbox_action (DeskConversationView *self,
                   GtkWidget            *button,
                   OutboxAction          action)
{
  g_autoptr(GTask) task = NULL;
  OutboxOp *op;

  if (self->store == NULL)
    return;

  op = g_new0 (OutboxOp, 1);
  op->id = button_outbox_id (button);
  op->action = action;

  gtk_widget_set_visible (GTK_WIDGET (self->unsent_error_label), FALSE);
  gtk_widget_set_sensitive (gtk_widget_get_parent (button), FALSE);

  task = g_task_new (self->store, NULL, outbox_done, g_object_ref (self));
  g_task_set_source_tag (task, run_outbox_action);
  g_task_set_task_data (task, op, g_free);
  g_task_run_in_thread (task, outbox_thread);
}

static void
on_retry_clicked (GtkWidget            *button,
                  DeskConversationView *self)
{
  run_outbox_action (self, button, OUTBOX_RETRY);
}

static void
on_posted_clicked (GtkWidget            *button,
                   DeskConversationView *self)
{
  run_outbox_action (self, button, OUTBOX_POSTED);
}

static void
on_send_again_clicked (GtkWidget            *button,
                       DeskConversationView *self)
{
  run_outbox_action (self, button, OUTBOX_SEND_AGAIN);
}

static void
on_discard_clicked (GtkWidget            *button,
                    DeskConversationView *self)
{
  run_outbox_action (self, button, OUTBOX_DISCARD);
}

static void
on_edit_clicked (GtkWidget            *button,
                 DeskConversationView *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "outbox-text");

  desk_composer_edit_failed (self->composer, button_outbox_id (button), text);
}

static GtkWidget *
outbox_button (DeskConversationView *self,
               const char           *label,
               const DeskOutboxEntry *entry,
               GCallback             callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  g_object_set_data_full (G_OBJECT (button), "outbox-id",
                          g_memdup2 (&entry->id, sizeof entry->id), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);

  return button;
}

static void
append_button (GtkWidget *flow_box,
               GtkWidget *button)
{
  gtk_flow_box_append (GTK_FLOW_BOX (flow_box), button);
  /* Tab goes to the button itself, not to its place in the box */
  gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
}

static GtkWidget *
unsent_widget (DeskConversationView  *self,
               const DeskOutboxEntry *entry)
{
  g_autofree char *state = NULL;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *buttons;

  switch (entry->state)
    {
    case DESK_OUTBOX_QUEUED:
      state = g_strdup (_("Waiting to be sent"));
      break;

    case DESK_OUTBOX_SENDING:
      state = g_strdup (_("Sending…"));
      break;

    case DESK_OUTBOX_UNKNOWN:
      /* Translators: the network could not say whether the reply was posted; %s says why */
      state = entry->last_error != NULL
                ? g_strdup_printf (_("Perhaps posted: %s"), entry->last_error)
                : g_strdup (_("Perhaps posted: the network did not say. It will be checked "
                              "before it is sent again."));
      break;

    case DESK_OUTBOX_FAILED:
      state = g_strdup_printf (_("Not sent: %s"),
                               entry->last_error != NULL ? entry->last_error
                                                         : _("the network refused it."));
      break;

    case DESK_OUTBOX_SENT:
    default:
      state = g_strdup (_("Sent"));
      break;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_start (box, 24);

  label = plain_label (state, "caption-heading");
  if (entry->state == DESK_OUTBOX_FAILED)
    gtk_widget_add_css_class (label, "error");
  else if (entry->state == DESK_OUTBOX_UNKNOWN)
    gtk_widget_add_css_class (label, "warning");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 8);
  gtk_box_append (GTK_BOX (box), label);

  label = plain_label (entry->body, NULL);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_box_append (GTK_BOX (box), label);

  if (entry->state != DESK_OUTBOX_FAILED && entry->state != DESK_OUTBOX_UNKNOWN)
    return box;

  /* Wraps rather than widening the pane beyond 360 px */
  buttons = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (buttons), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 3);
  gtk_widget_set_margin_start (buttons, 12);
  gtk_widget_set_margin_end (buttons, 12);
  gtk_widget_set_margin_bottom (buttons, 8);

  if (entry->state == DESK_OUTBOX_FAILED)
    {
      GtkWidget *edit = outbox_button (self, _("_Edit"), entry, G_CALLBACK (on_edit_clicked));

      g_object_set_data_full (G_OBJECT (edit), "outbox-text", g_strdup (entry->body), g_free);
      append_button (buttons, edit);
      append_button (buttons,
                     outbox_button (self, _("_Retry"), entry, G_CALLBACK (on_retry_clicked)));
    }
  else
    {
      append_button (buttons,
                     outbox_button (self, _("_Discard"), entry, G_CALLBACK (on_discard_clicked)));
      append_button (buttons,
                     outbox_button (self, _("Send _Again"), entry,
                                    G_CALLBACK (on_send_again_clicked)));
      append_button (buttons,
                     outbox_button (self, _("It Was _Posted"), entry,
                                    G_CALLBACK (on_posted_clicked)));
    }

  gtk_box_append (GTK_BOX (box), buttons);

  return box;
}

static gboolean
poll_unsent (gpointer data)
{
  DeskConversationView *self = data;

  self->poll_source = 0;
  load (self, TRUE);

  return G_SOURCE_REMOVE;
}

static void
show_unsent (DeskConversationView *self,
             GPtrArray            *unsent)
{
  gboolean waiting = FALSE;

  for (guint i = 0; i < self->unsent_rows->len; i++)
    gtk_box_remove (self->unsent_box, g_ptr_array_index (self->unsent_rows, i));
  g_ptr_array_set_size (self->unsent_rows, 0);

  for (guint i = 0; i < unsent->len; i++)
    {
      const DeskOutboxEntry *entry = g_ptr_array_index (unsent, i);
      GtkWidget *row = unsent_widget (self, entry);

      g_ptr_array_add (self->unsent_rows, row);
      gtk_box_append (self->unsent_box, row);

      if (entry->state == DESK_OUTBOX_QUEUED || entry->state == DESK_OUTBOX_SENDING)
        waiting = TRUE;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->unsent_box),
                          unsent->len > 0 ||
                          gtk_widget_get_visible (GTK_WIDGET (self->unsent_error_label)));

  /* A failure is not announced by the store: look again while something waits */
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (waiting)
    self->poll_source = g_timeout_add_seconds (UNSENT_POLL_SECONDS, poll_unsent, self);
}

/* Loading */

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeskConversationView) self = user_data;
  g_autoptr(GError) error = NULL;
  Load *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Another conversation is shown by now, or the view is gone */
  if (data->id != self->conversation_id || self->stack == NULL)
    return;

  if (error != NULL)
    {
      g_autofree char *description = NULL;

      if (data->unsent_only)
        {
          g_debug ("Could not read the unsent replies: %s", error->message);
          return;
        }

      description = g_markup_escape_text (error->message, -1);
      adw_status_page_set_description (self->missing_page, description);
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "missing");
      desk_composer_set_conversation (self->composer, NULL);
      self->loaded = TRUE;
      return;
    }

  /* A poll that overtook the first load: that load shows the replies too */
  if (data->unsent_only && self->conversation == NULL)
    return;

  if (!data->unsent_only)
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->thread_scroller);
      gboolean first = self->conversation == NULL;

      /* Follow new messages when the end of the thread is in view */
      self->stick_to_bottom = first ||
        gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
        gtk_adjustment_get_upper (adjustment) - 1;

      g_set_object (&self->conversation, data->conversation);
      show_header (self);
      show_thread (self, data->messages);
      desk_composer_set_store (self->composer, self->store);
      desk_composer_set_conversation (self->composer, self->conversation);
    }

  show_unsent (self, data->unsent);

  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "conversation");
  self->loaded = TRUE;

  if (self->focus_pending)
    {
      self->focus_pending = FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (desk_composer_get_text_view (self->composer)));
    }
}

static void
load (DeskConversationView *self,
      gboolean              unsent_only)
{
  g_autoptr(GTask) task = NULL;
  Load *data;

  if (self->store == NULL || self->conversation_id == 0)
    return;

  /* A full load supersedes any load under way; a poll only adds itself */
  if (!unsent_only)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }

  data = g_new0 (Load, 1);
  data->id = self->conversation_id;
  data->unsent_only = unsent_only;

  task = g_task_new (self->store, self->cancellable, load_done, g_object_ref (self));
  g_task_set_source_tag (task, load);
  g_task_set_task_data (task, data, (GDestroyNotify) load_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, load_thread);
}

static void
on_conversations_changed (DeskConversationView *self,
                          GArray               *ids)
{
  if (self->conversation_id == 0 || ids == NULL)
    return;

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == self->conversation_id)
      {
        load (self, FALSE);
        return;
      }
}

static void
on_upper_changed (DeskConversationView *self,
                  GParamSpec           *pspec,
                  GtkAdjustment        *adjustment)
{
  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_upper (adjustment) -
                              gtk_adjustment_get_page_size (adjustment));
}

static void
on_value_changed (DeskConversationView *self,
                  GtkAdjustment        *adjustment)
{
  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) +
                          gtk_adjustment_get_page_size (adjustment) >=
                          gtk_adjustment_get_upper (adjustment) - 1;
}

static void
on_composer_queued (DeskConversationView *self,
                    gint64                outbox_id,
                    DeskComposer         *composer)
{
  self->stick_to_bottom = TRUE;
  g_signal_emit (self, signals[REPLY_QUEUED], 0, outbox_id);
  load (self, TRUE);
}

/* Object */

static void
desk_conversation_view_dispose (GObject *object)
{
  DeskConversationView *self = (DeskConversationView *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  /* The composer saves its draft as it goes */
  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_CONVERSATION_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->conversation);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_conversation_view_parent_class)->dispose (object);
}

static void
desk_conversation_view_finalize (GObject *object)
{
  DeskConversationView *self = (DeskConversationView *)object;

  g_free (self->thread_fingerprint);
  g_clear_pointer (&self->unsent_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (desk_conversation_view_parent_class)->finalize (object);
}

static void
desk_conversation_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DeskConversationView *self = DESK_CONVERSATION_VIEW (object);

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
desk_conversation_view_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  DeskConversationView *self = DESK_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      desk_conversation_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_CONVERSATION_ID:
      desk_conversation_view_set_conversation_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_conversation_view_class_init (DeskConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_conversation_view_dispose;
  object_class->finalize = desk_conversation_view_finalize;
  object_class->get_property = desk_conversation_view_get_property;
  object_class->set_property = desk_conversation_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         DESK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONVERSATION_ID] =
    g_param_spec_int64 ("conversation-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeskConversationView::reply-queued:
   * @outbox_id: the reply's row in the outbox
   *
   * A reply went into the outbox (new, retried, or to be sent again): wake the sync engine.
   */
  signals[REPLY_QUEUED] =
    g_signal_new ("reply-queued",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (DESK_TYPE_COMPOSER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/frontdesk/Frontdesk/desk-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, spinner);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, missing_page);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, name_label);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, details_label);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, thread_scroller);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, thread_box);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, unsent_box);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, unsent_error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskConversationView, composer);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_queued);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conversationview");
}

static void
desk_conversation_view_init (DeskConversationView *self)
{
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->unsent_rows = g_ptr_array_new ();
  self->loaded = TRUE;   /* nothing to show, and it is shown */

  adjustment = gtk_scrolled_window_get_vadjustment (self->thread_scroller);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (on_upper_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_value_changed), self,
                           G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
desk_conversation_view_new (void)
{
  return g_object_new (DESK_TYPE_CONVERSATION_VIEW, NULL);
}

DeskStore *
desk_conversation_view_get_store (DeskConversationView *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION_VIEW (self), NULL);

  return self->store;
}

void
desk_conversation_view_set_store (DeskConversationView *self,
                                  DeskStore            *store)
{
  g_return_if_fail (DESK_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (store == NULL || DESK_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  /* What is shown belongs to the old store */
  desk_composer_set_conversation (self->composer, NULL);
  desk_composer_set_store (self->composer, store);
  g_set_object (&self->store, store);

  if (store != NULL)
    g_signal_connect_object (store, "conversations-changed",
                             G_CALLBACK (on_conversations_changed), self, G_CONNECT_SWAPPED);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);

  if (self->conversation_id != 0)
    {
      gint64 id = self->conversation_id;

      self->conversation_id = 0;
      desk_conversation_view_set_conversation_id (self, id);
    }
}

gint64
desk_conversation_view_get_conversation_id (DeskConversationView *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION_VIEW (self), 0);

  return self->conversation_id;
}

void
desk_conversation_view_set_conversation_id (DeskConversationView *self,
                                            gint64                id)
{
  GtkWidget *child;

  g_return_if_fail (DESK_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (id >= 0);

  if (self->conversation_id == id && (id == 0 || self->conversation != NULL || !self->loaded))
    return;

  /* Saves the draft of the conversation shown until now */
  desk_composer_set_conversation (self->composer, NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_object (&self->conversation);
  g_clear_pointer (&self->thread_fingerprint, g_free);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->thread_box))) != NULL)
    gtk_box_remove (self->thread_box, child);
  for (guint i = 0; i < self->unsent_rows->len; i++)
    gtk_box_remove (self->unsent_box, g_ptr_array_index (self->unsent_rows, i));
  g_ptr_array_set_size (self->unsent_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->unsent_error_label), FALSE);

  self->conversation_id = id;
  self->loaded = FALSE;

  if (id == 0 || self->store == NULL)
    {
      self->loaded = id == 0;
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      load (self, FALSE);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);
}

/**
 * desk_conversation_view_focus_composer:
 *
 * Puts the keyboard focus in the reply, now or as soon as the conversation is shown.
 */
void
desk_conversation_view_focus_composer (DeskConversationView *self)
{
  g_return_if_fail (DESK_IS_CONVERSATION_VIEW (self));

  if (self->conversation_id == 0)
    return;

  if (self->loaded && self->conversation != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (desk_composer_get_text_view (self->composer)));
  else
    self->focus_pending = TRUE;
}

DeskComposer *
desk_conversation_view_get_composer (DeskConversationView *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION_VIEW (self), NULL);

  return self->composer;
}

gboolean
desk_conversation_view_get_loaded (DeskConversationView *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION_VIEW (self), FALSE);

  return self->loaded;
}
