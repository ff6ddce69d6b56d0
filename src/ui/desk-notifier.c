/* desk-notifier.c: desktop notifications for new customer messages and replies due soon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Watches the store, never the network: on DeskStore::conversations-changed it reloads those
 * conversations in a worker thread (one load at a time, so answers arrive in order) and compares
 * them with what it saw before. A conversation is news when a customer waits in it and its last
 * message is newer than the one seen (or, for a conversation not seen before, when it is
 * unread). The first load after start-up only learns what is there.
 *
 * "Due soon" is desk_sla_evaluate() with the policy of the `sla-policy` setting, re-evaluated
 * when conversations change, when DeskClock::changed says a test moved the clock, and on a
 * timer set at the earliest instant a waiting conversation changes state.
 *
 * Notifications are sent only while the window is not focused and the setting is on; the
 * state is followed all the same, so turning away from the window brings no burst of old
 * news. One notification per conversation ("conversation-ID", "due-ID"), replaced by a later
 * one and withdrawn once the conversation is answered; many at once become one ("new-messages",
 * "due-soon"). Clicking one activates app.show-conversation with the conversation's id.
 */
#define G_LOG_DOMAIN "desk-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-clock.h"
#include "desk-conversation.h"
#include "desk-notifier.h"
#include "desk-sla.h"

#define MAX_TITLE_CHARS  80
#define MAX_BODY_CHARS   160
#define MAX_TIMER_MS     (60 * 60 * 1000)   /* re-evaluate at least hourly: the wall clock jumps */

typedef struct
{
  gint64                  last_message_at;
  gint64                  waiting_since;
  DeskConversationStatus  status;
  DeskSlaState            sla_state;
  gint64                  due_notified_for;  /* the waiting_since a due-soon was sent for */
  char                   *name;
  char                   *snippet;
} Seen;

struct _DeskNotifier
{
  GObject        parent_instance;

  GApplication  *app;       /* weak: the application usually owns the notifier */
  GtkWindow     *window;    /* weak */
  DeskStore     *store;
  GSettings     *settings;
  DeskSlaPolicy *policy;
  GCancellable  *cancellable;

  GHashTable    *seen;      /* conversation id → Seen */
  GHashTable    *pending;   /* conversation ids to reload */
  GHashTable    *batch;     /* unanswered conversations of the "new-messages" notification */
  GHashTable    *due_batch; /* … of the "due-soon" notification */
  GHashTable    *shown;     /* the ids of the notifications sent and not withdrawn */
  gboolean       loaded;    /* the first load is done */
  gboolean       loading;
  guint          timer;
};

G_DEFINE_FINAL_TYPE (DeskNotifier, desk_notifier, G_TYPE_OBJECT)

enum {
  SENT,
  WITHDRAWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_next (DeskNotifier *self);

static void
seen_free (Seen *seen)
{
  g_free (seen->name);
  g_free (seen->snippet);
  g_free (seen);
}

static gint64 *
id_new (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static gboolean
is_waiting (const Seen *seen)
{
  return seen->status == DESK_CONVERSATION_OPEN && seen->waiting_since != 0;
}

/* Plain text, one line, at most @max characters. */
static char *
bounded (const char *text,
         glong       max)
{
  g_autofree char *line = g_strdup (text != NULL ? text : "");

  g_strdelimit (line, "\n\r\t", ' ');
  g_strstrip (line);
  if (g_utf8_strlen (line, -1) <= max)
    return g_steal_pointer (&line);

  {
    g_autofree char *cut = g_utf8_substring (line, 0, max - 1);

    return g_strconcat (cut, "…", NULL);
  }
}

/* Sending */

static gboolean
may_notify (DeskNotifier *self,
            const char   *key)
{
  if (self->app == NULL || !g_settings_get_boolean (self->settings, key))
    return FALSE;

  return self->window == NULL || !gtk_window_is_active (self->window);
}

/* Plain text, bounded; clicking it shows the conversation. */
static void
send (DeskNotifier *self,
      const char   *id,
      const char   *title,
      const char   *body,
      gint64        conversation_id)
{
  g_autofree char *short_title = bounded (title, MAX_TITLE_CHARS);
  g_autofree char *short_body = bounded (body, MAX_BODY_CHARS);
  g_autoptr(GNotification) notification = g_notification_new (short_title);

  if (*short_body != '\0')
    g_notification_set_body (notification, short_body);
  g_notification_set_default_action_and_target_value (notification, "app.show-conversation",
                                                      g_variant_new_int64 (conversation_id));

  g_application_send_notification (self->app, id, notification);
  g_hash_table_add (self->shown, g_strdup (id));
  g_signal_emit (self, signals[SENT], 0, id, short_title, short_body, conversation_id);
}

static void
withdraw (DeskNotifier *self,
          const char   *id)
{
  if (!g_hash_table_remove (self->shown, id))
    return;

  if (self->app != NULL)
    g_application_withdraw_notification (self->app, id);
  g_signal_emit (self, signals[WITHDRAWN], 0, id);
}

static const char *
display_name (const DeskConversationData *row)
{
  if (row->contact_name != NULL && *row->contact_name != '\0')
    return row->contact_name;
  if (row->contact_handle != NULL && *row->contact_handle != '\0')
    return row->contact_handle;

  return _("A customer");
}

/* Several conversations in one notification: the names, as many as fit. */
static char *
names_of (DeskNotifier *self,
          GHashTable   *ids,
          gint64       *first_id)
{
  g_autoptr(GString) names = g_string_new (NULL);
  gint64 first_waiting = G_MAXINT64;
  GHashTableIter iter;
  gpointer key;

  *first_id = 0;

  /* Clicking opens the one that has waited longest. */
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Seen *seen;

      if ((seen = g_hash_table_lookup (self->seen, key)) == NULL)
        continue;

      if (*first_id == 0 || seen->waiting_since < first_waiting)
        {
          *first_id = *(gint64 *) key;
          first_waiting = seen->waiting_since;
        }

      if (names->len > MAX_BODY_CHARS)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, seen->name);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
notify_new_messages (DeskNotifier *self,
                     GArray       *news)
{
  if (news->len == 0 || !may_notify (self, "notify-new-messages"))
    return;

  if (news->len == 1 && g_hash_table_size (self->batch) == 0)
    {
      gint64 id = g_array_index (news, gint64, 0);
      Seen *seen = g_hash_table_lookup (self->seen, &id);
      g_autofree char *key = g_strdup_printf ("conversation-%" G_GINT64_FORMAT, id);

      send (self, key, seen->name, seen->snippet, id);
    }
  else
    {
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;
      gint64 first = 0;
      guint n;

      for (guint i = 0; i < news->len; i++)
        g_hash_table_add (self->batch, id_new (g_array_index (news, gint64, i)));

      n = g_hash_table_size (self->batch);
      title = g_strdup_printf (ngettext ("New messages in %u conversation",
                                         "New messages in %u conversations", n), n);
      body = names_of (self, self->batch, &first);
      send (self, "new-messages", title, body, first);
    }
}

static void
notify_due_soon (DeskNotifier *self,
                 GArray       *due)
{
  gint64 now = desk_clock_get_now ();

  if (due->len == 0 || !may_notify (self, "notify-due-soon"))
    return;

  if (due->len == 1 && g_hash_table_size (self->due_batch) == 0)
    {
      gint64 id = g_array_index (due, gint64, 0);
      Seen *seen = g_hash_table_lookup (self->seen, &id);
      g_autofree char *key = g_strdup_printf ("due-%" G_GINT64_FORMAT, id);
      g_autofree char *title = g_strdup_printf (_("Reply to %s soon"), seen->name);
      g_autofree char *body = NULL;
      DeskSlaStatus status;

      desk_sla_evaluate (self->policy, seen->waiting_since, now, &status);
      if (status.state == DESK_SLA_OVERDUE)
        body = g_strdup (_("The response-time target has passed."));
      else
        {
          g_autofree char *remaining = desk_sla_format_duration (status.remaining);

          /* TRANSLATORS: %s is a duration such as "15 min" */
          body = g_strdup_printf (_("Due in %s."), remaining);
        }

      send (self, key, title, body, id);
    }
  else
    {
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;
      gint64 first = 0;
      guint n;

      for (guint i = 0; i < due->len; i++)
        g_hash_table_add (self->due_batch, id_new (g_array_index (due, gint64, i)));

      n = g_hash_table_size (self->due_batch);
      title = g_strdup_printf (ngettext ("%u reply is due soon", "%u replies are due soon", n), n);
      body = names_of (self, self->due_batch, &first);
      send (self, "due-soon", title, body, first);
    }
}

/* A conversation no longer waits (answered, closed, removed): its notifications go. */
static void
withdraw_for (DeskNotifier *self,
              gint64        id)
{
  g_autofree char *message_key = g_strdup_printf ("conversation-%" G_GINT64_FORMAT, id);
  g_autofree char *due_key = g_strdup_printf ("due-%" G_GINT64_FORMAT, id);

  withdraw (self, message_key);
  withdraw (self, due_key);

  if (g_hash_table_remove (self->batch, &id) && g_hash_table_size (self->batch) == 0)
    withdraw (self, "new-messages");
  if (g_hash_table_remove (self->due_batch, &id) && g_hash_table_size (self->due_batch) == 0)
    withdraw (self, "due-soon");
}

/* Due soon */

static gboolean timer_cb (gpointer user_data);

static void
evaluate (DeskNotifier *self,
          gboolean      quietly)
{
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = desk_clock_get_now ();
  gint64 next = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_clear_handle_id (&self->timer, g_source_remove);

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Seen *seen = value;
      DeskSlaStatus status;
      DeskSlaState before = seen->sla_state;

      if (!is_waiting (seen))
        continue;

      /* Overdue stays overdue until the conversation is answered or the policy changes. */
      if (before == DESK_SLA_OVERDUE)
        continue;

      desk_sla_evaluate (self->policy, seen->waiting_since, now, &status);
      seen->sla_state = status.state;

      if (status.next_change > 0 && (next == 0 || status.next_change < next))
        next = status.next_change;

      /* Due soon, or overdue having been on time the last we looked (the due-soon instant
       * passed unseen, e.g. while the computer slept). */
      if (seen->due_notified_for != seen->waiting_since &&
          (status.state == DESK_SLA_DUE_SOON ||
           (status.state == DESK_SLA_OVERDUE && before == DESK_SLA_ON_TIME)))
        {
          seen->due_notified_for = seen->waiting_since;
          if (!quietly)
            g_array_append_val (due, *(gint64 *) key);
        }
    }

  notify_due_soon (self, due);

  if (next > 0)
    {
      gint64 delay_ms = (next - now) / 1000 + 1;

      self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, CLAMP (delay_ms, 0, MAX_TIMER_MS),
                                        timer_cb, self, NULL);
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  DeskNotifier *self = user_data;

  self->timer = 0;
  evaluate (self, FALSE);

  return G_SOURCE_REMOVE;
}

static void
load_policy (DeskNotifier *self)
{
  g_autofree char *data = g_settings_get_string (self->settings, "sla-policy");
  g_autoptr(DeskSlaPolicy) policy = desk_sla_policy_new ();
  g_autoptr(GError) error = NULL;

  /* A damaged value means the defaults; the preferences window says so. */
  if (*data != '\0' && !desk_sla_policy_load_from_data (policy, data, -1, &error))
    g_debug ("Using the default response-time policy: %s", error->message);

  g_clear_pointer (&self->policy, desk_sla_policy_free);
  self->policy = g_steal_pointer (&policy);
}

static void
on_policy_changed (DeskNotifier *self)
{
  GHashTableIter iter;
  gpointer value;

  load_policy (self);

  /* Every state is read again; a due-soon already sent is not sent twice. */
  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Seen *) value)->sla_state = DESK_SLA_NONE;

  evaluate (self, TRUE);
}

static void
on_clock_changed (DeskNotifier *self)
{
  if (self->loaded)
    evaluate (self, FALSE);
}

/* Loading */

typedef struct
{
  GArray    *ids;   /* NULL: every open conversation (the first load) */
  GPtrArray *rows;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_pointer (&data->ids, g_array_unref);
  g_clear_pointer (&data->rows, g_ptr_array_unref);
  g_free (data);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DeskStore *store = source_object;
  LoadData *data = task_data;
  g_autoptr(GArray) open_ids = NULL;
  GError *error = NULL;
  GArray *ids = data->ids;

  if (ids == NULL)
    {
      DeskInboxQuery query = { .status = DESK_CONVERSATION_OPEN,
                               .sort = DESK_INBOX_SORT_WAITING_LONGEST };

      open_ids = desk_store_query_conversation_ids (store, &query, &error);
      if (open_ids == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      ids = open_ids;
    }

  data->rows = desk_store_load_conversations (store, (const gint64 *) (gpointer) ids->data,
                                              ids->len, &error);
  if (data->rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
apply_rows (DeskNotifier *self,
            LoadData     *data)
{
  g_autoptr(GArray) news = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) returned = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean first = data->ids == NULL;

  for (guint i = 0; i < data->rows->len; i++)
    {
      DeskConversationData *row = g_ptr_array_index (data->rows, i);
      Seen *seen = g_hash_table_lookup (self->seen, &row->id);
      gboolean waiting = row->status == DESK_CONVERSATION_OPEN && row->waiting_since != 0;
      gboolean is_new;

      g_hash_table_add (returned, &row->id);

      if (seen == NULL)
        {
          is_new = !first && waiting && row->unread;
          seen = g_new0 (Seen, 1);
          g_hash_table_insert (self->seen, id_new (row->id), seen);
        }
      else
        {
          is_new = waiting && row->last_message_at > seen->last_message_at;
        }

      if (seen->waiting_since != row->waiting_since)
        seen->sla_state = DESK_SLA_NONE;

      seen->last_message_at = row->last_message_at;
      seen->waiting_since = row->waiting_since;
      seen->status = row->status;
      g_free (seen->name);
      seen->name = g_strdup (display_name (row));
      g_free (seen->snippet);
      seen->snippet = g_strdup (row->snippet);

      if (is_new)
        g_array_append_val (news, row->id);
      else if (!waiting && !first)
        withdraw_for (self, row->id);
    }

  /* Conversations that went (their account was removed) */
  for (guint i = 0; data->ids != NULL && i < data->ids->len; i++)
    {
      gint64 id = g_array_index (data->ids, gint64, i);

      if (!g_hash_table_contains (returned, &id) && g_hash_table_remove (self->seen, &id))
        withdraw_for (self, id);
    }

  notify_new_messages (self, news);
  evaluate (self, first);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DeskNotifier) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Nothing to tell the user here: the window shows the store's failures. */
      g_debug ("Cannot read conversations for notifications: %s", error->message);
    }
  else
    {
      apply_rows (self, g_task_get_task_data (G_TASK (result)));
    }

  self->loading = FALSE;
  self->loaded = TRUE;
  load_next (self);
}

static void
start_load (DeskNotifier *self,
            GArray       *ids)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data = g_new0 (LoadData, 1);

  data->ids = ids;
  self->loading = TRUE;

  task = g_task_new (self->store, self->cancellable, loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_in_thread);
}

static void
load_next (DeskNotifier *self)
{
  GArray *ids;
  GHashTableIter iter;
  gpointer key;

  if (self->loading || g_hash_table_size (self->pending) == 0)
    return;

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (self->pending));
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  g_hash_table_remove_all (self->pending);

  start_load (self, ids);
}

static void
on_conversations_changed (DeskNotifier *self,
                          GArray       *ids,
                          DeskStore    *store)
{
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (self->pending, id_new (g_array_index (ids, gint64, i)));

  /* Before the first load is in, it reads them anyway; they are compared after it. */
  if (self->loaded)
    load_next (self);
}

/* Object */

static void
desk_notifier_dispose (GObject *object)
{
  DeskNotifier *self = (DeskNotifier *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_weak_pointer (&self->app);
  g_clear_weak_pointer (&self->window);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (desk_notifier_parent_class)->dispose (object);
}

static void
desk_notifier_finalize (GObject *object)
{
  DeskNotifier *self = (DeskNotifier *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->policy, desk_sla_policy_free);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->batch, g_hash_table_unref);
  g_clear_pointer (&self->due_batch, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);

  G_OBJECT_CLASS (desk_notifier_parent_class)->finalize (object);
}

static void
desk_notifier_class_init (DeskNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_notifier_dispose;
  object_class->finalize = desk_notifier_finalize;

  /**
   * DeskNotifier::sent:
   * @id: the notification's id for g_application_send_notification()
   * @title: its title, as sent
   * @body: its body, as sent ("" for none)
   * @conversation_id: the conversation app.show-conversation opens when it is clicked
   *
   * Emitted after each notification is handed to the application, for observers (tests).
   */
  signals[SENT] =
    g_signal_new ("sent",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64);

  /**
   * DeskNotifier::withdrawn:
   * @id: the notification's id
   *
   * Emitted after a notification that was sent is withdrawn (its conversation was answered).
   */
  signals[WITHDRAWN] =
    g_signal_new ("withdrawn",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
desk_notifier_init (DeskNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      (GDestroyNotify) seen_free);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->batch = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->due_batch = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * desk_notifier_new:
 * @app: the application that sends the notifications (not kept alive by the notifier)
 * @store: the store to watch
 *
 * Starts watching at once: the first load of the open conversations runs in a worker thread
 * and notifies of nothing.
 */
DeskNotifier *
desk_notifier_new (GApplication *app,
                   DeskStore    *store)
{
  DeskNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  self = g_object_new (DESK_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->store = g_object_ref (store);
  self->settings = g_settings_new ("org.frontdesk.Frontdesk");
  load_policy (self);

  g_signal_connect_object (self->settings, "changed::sla-policy",
                           G_CALLBACK (on_policy_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (desk_clock_get_default (), "changed",
                           G_CALLBACK (on_clock_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "conversations-changed",
                           G_CALLBACK (on_conversations_changed), self, G_CONNECT_SWAPPED);

  start_load (self, NULL);

  return self;
}

/* The agent is looking: news already shown has been seen. (Due-soon notifications stay until
 * the conversation is answered.) */
static void
on_window_active (DeskNotifier *self)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  if (self->window == NULL || !gtk_window_is_active (self->window))
    return;

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));

  for (guint i = 0; i < keys->len; i++)
    if (g_str_has_prefix (keys->pdata[i], "conversation-") ||
        g_str_equal (keys->pdata[i], "new-messages"))
      withdraw (self, keys->pdata[i]);

  g_hash_table_remove_all (self->batch);
}

/**
 * desk_notifier_set_window:
 * @window: (nullable): the main window; while it is focused nothing is sent
 */
void
desk_notifier_set_window (DeskNotifier *self,
                          GtkWindow    *window)
{
  g_return_if_fail (DESK_IS_NOTIFIER (self));
  g_return_if_fail (window == NULL || GTK_IS_WINDOW (window));

  if (self->window != NULL)
    g_signal_handlers_disconnect_by_func (self->window, on_window_active, self);

  g_set_weak_pointer (&self->window, window);

  if (window != NULL)
    g_signal_connect_object (window, "notify::is-active", G_CALLBACK (on_window_active), self,
                             G_CONNECT_SWAPPED);
}

/**
 * desk_notifier_get_ready:
 *
 * Returns: whether the first load of the open conversations is in: news from then on notifies
 */
gboolean
desk_notifier_get_ready (DeskNotifier *self)
{
  g_return_val_if_fail (DESK_IS_NOTIFIER (self), FALSE);

  return self->loaded;
}
