/* desk-composer.c: writing a reply: the text, its length, the signature, the draft
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the rules live in desk-compose.c and the store. The counter counts the reply as it
 * will be sent, signature included (desk_compose_sign() with the agent's settings), in the
 * network's units; Send is off while the reply is empty or over the limit. Ctrl+Enter sends.
 * A Mastodon server's own limit and what it counts a link as are stored with the account: they
 * are read (in a worker thread) when the conversation's account changes and when the store
 * says accounts changed; until then Mastodon's defaults (500, 23) apply.
 *
 * Every store call runs in one worker thread shared by all composers, in the order made:
 * a draft saved by a composer that is going away is on disk before the next composer reads
 * it, and a draft is deleted after, never before, a late save of it. Dispose waits for that
 * worker (a few small writes), so a destroyed composer's draft is stored when it returns.
 */
#define G_LOG_DOMAIN "desk-composer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "desk-canned-picker.h"
#include "desk-compose.h"
#include "desk-composer.h"

#define DRAFT_SAVE_DELAY_MS 500

struct _DeskComposer
{
  GtkWidget          parent_instance;

  GtkWidget         *edit_banner;
  GtkTextView       *text_view;
  GtkLabel          *error_label;
  GtkLabel          *kind_label;
  GtkToggleButton   *private_button;
  GtkLabel          *counter_label;
  GtkWidget         *send_button;

  DeskStore         *store;
  DeskConversation  *conversation;
  GSettings         *settings;
  DeskCannedPicker  *picker;            /* "/" + letters: canned responses */

  char              *counter_text;
  guint              length;
  guint              limit;

  GCancellable      *limits_cancellable; /* the account's limits being read, or NULL */
  gint64             limits_account_id;  /* whose limits these are; 0: no account */
  guint              max_reply_chars;    /* the server's; 0: not known */
  int                chars_per_url;      /* the server's; -1: not known */

  guint              serial;            /* bumped when the conversation changes */
  guint              save_source;       /* the debounced draft save */
  guint              jobs;              /* store calls under way */
  gint64             editing_outbox_id; /* a failed reply being edited, or 0 */
  guint              draft_loaded : 1;  /* the conversation's draft is in the buffer */
  guint              typed : 1;         /* the user typed since the conversation was set */
  guint              quiet : 1;         /* changing the buffer ourselves */
  guint              sending : 1;
  guint              placeholders_pending : 1;
  guint              private_reply : 1; /* answer a public conversation privately */
};

G_DEFINE_FINAL_TYPE (DeskComposer, desk_composer, GTK_TYPE_WIDGET)

G_DEFINE_QUARK (desk-composer-error-quark, desk_composer_error)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONVERSATION,
  PROP_COUNTER_TEXT,
  PROP_OVER_LIMIT,
  N_PROPS
};

enum {
  QUEUED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The store worker */

typedef enum
{
  JOB_LOAD_DRAFT,
  JOB_SAVE_DRAFT,
  JOB_QUEUE,
  JOB_RETRY,
} JobKind;

typedef struct
{
  JobKind       kind;
  GWeakRef      composer;
  GMainContext *context;
  DeskStore    *store;
  guint         serial;
  gint64        conversation_id;
  gint64        outbox_id;
  char         *text;
  char         *initials;
  gboolean      is_dm;

  gboolean      ok;
  gint64        result_id;
  char         *draft;
  GError       *error;
} Job;

static GThreadPool *io_pool;
static GMutex io_mutex;
static GCond io_cond;
static guint io_outstanding;

static void
job_free (Job *job)
{
  g_weak_ref_clear (&job->composer);
  g_main_context_unref (job->context);
  g_object_unref (job->store);
  g_free (job->text);
  g_free (job->initials);
  g_free (job->draft);
  g_clear_error (&job->error);
  g_free (job);
}

static gboolean job_done (gpointer data);

static void
io_thread (gpointer data,
           gpointer user_data)
{
  Job *job = data;

  switch (job->kind)
    {
    case JOB_LOAD_DRAFT:
      job->draft = desk_store_get_draft (job->store, job->conversation_id, &job->is_dm,
                                         &job->error);
      job->ok = job->error == NULL;
      break;

    case JOB_SAVE_DRAFT:
      job->ok = desk_store_save_draft (job->store, job->conversation_id, job->text, job->is_dm,
                                       &job->error);
      break;

    case JOB_QUEUE:
      job->result_id = desk_store_queue_reply_full (job->store, job->conversation_id, job->text,
                                                    job->initials, job->is_dm, &job->error);
      job->ok = job->result_id != 0;
      break;

    case JOB_RETRY:
      job->ok = desk_store_outbox_retry (job->store, job->outbox_id, job->text, &job->error);
      job->result_id = job->outbox_id;
      break;

    default:
      g_assert_not_reached ();
    }

  /* Queued: desk_store_queue_reply() dropped the draft in the same transaction. */

  g_main_context_invoke (job->context, job_done, job);

  g_mutex_lock (&io_mutex);
  io_outstanding--;
  g_cond_broadcast (&io_cond);
  g_mutex_unlock (&io_mutex);
}

static void
push_job (DeskComposer *self,
          Job          *job)
{
  if (g_once_init_enter (&io_pool))
    g_once_init_leave (&io_pool, g_thread_pool_new (io_thread, NULL, 1, FALSE, NULL));

  g_weak_ref_init (&job->composer, self);
  job->context = g_main_context_ref_thread_default ();
  job->store = g_object_ref (self->store);
  job->serial = self->serial;
  self->jobs++;

  g_mutex_lock (&io_mutex);
  io_outstanding++;
  g_mutex_unlock (&io_mutex);

  g_thread_pool_push (io_pool, job, NULL);
}

static void
wait_for_io (void)
{
  g_mutex_lock (&io_mutex);
  while (io_outstanding > 0)
    g_cond_wait (&io_cond, &io_mutex);
  g_mutex_unlock (&io_mutex);
}

/* Text and settings */

static char *
get_text (DeskComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_text_quietly (DeskComposer *self,
                  const char   *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter end;

  self->quiet = TRUE;
  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  self->quiet = FALSE;
}

static char *
get_initials (DeskComposer *self)
{
  g_autofree char *initials = g_settings_get_string (self->settings, "agent-initials");
  g_autofree char *name = g_settings_get_string (self->settings, "agent-name");

  return desk_compose_agent_initials (initials, name);
}

static char *
sign (DeskComposer *self,
      const char   *text)
{
  g_autofree char *format = g_settings_get_string (self->settings, "signature-format");
  g_autofree char *initials = get_initials (self);

  return desk_compose_sign (text, format, initials);
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

static void
show_error (DeskComposer *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Whether the reply can go, and why not */
static gboolean
check_can_send (DeskComposer  *self,
                GError       **error)
{
  g_autofree char *text = NULL;

  if (self->store == NULL || self->conversation == NULL ||
      !desk_conversation_get_loaded (self->conversation))
    {
      g_set_error_literal (error, DESK_COMPOSER_ERROR, DESK_COMPOSER_ERROR_NO_CONVERSATION,
                           _("No conversation is shown."));
      return FALSE;
    }

  if (self->sending)
    {
      g_set_error_literal (error, DESK_COMPOSER_ERROR, DESK_COMPOSER_ERROR_BUSY,
                           _("The previous reply is still being stored."));
      return FALSE;
    }

  text = get_text (self);
  g_strstrip (text);
  if (text[0] == '\0')
    {
      g_set_error_literal (error, DESK_COMPOSER_ERROR, DESK_COMPOSER_ERROR_EMPTY,
                           _("The reply is empty."));
      return FALSE;
    }

  if (self->limit > 0 && self->length > self->limit)
    {
      g_set_error (error, DESK_COMPOSER_ERROR, DESK_COMPOSER_ERROR_TOO_LONG,
                   /* Translators: the length counts the signature; the last %s is a network */
                   g_dngettext (GETTEXT_PACKAGE,
                                "The reply is %u character long with the signature; %s allows %u.",
                                "The reply is %u characters long with the signature; %s allows %u.",
                                self->length),
                   self->length,
                   network_name (desk_conversation_get_network (self->conversation)),
                   self->limit);
      return FALSE;
    }

  if (self->placeholders_pending)
    {
      g_set_error_literal (error, DESK_COMPOSER_ERROR, DESK_COMPOSER_ERROR_PLACEHOLDERS,
                           _("Fill in or remove the flagged placeholders first."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
mentions (const char *text,
          const char *needle)
{
  gsize len = strlen (needle);

  for (const char *found = strstr (text, needle); found != NULL; found = strstr (found + 1, needle))
    {
      char after = found[len];

      if (!(g_ascii_isalnum (after) || after == '_' || after == '.' || after == '-' || after == '@'))
        return TRUE;
    }

  return FALSE;
}

/* The reply as the network will count it. The Mastodon provider starts a reply with a
 * mention of the customer unless it already has one ("@user@domain " counts "@user "). */
static char *
countable_text (DeskComposer *self,
                const char   *network,
                const char   *signed_text)
{
  const char *handle;
  g_autofree char *needle = NULL;

  if (g_strcmp0 (network, "mastodon") != 0 || signed_text[0] == '\0')
    return g_strdup (signed_text);

  handle = desk_conversation_get_contact_handle (self->conversation);
  if (handle == NULL)
    return g_strdup (signed_text);
  while (handle[0] == '@')
    handle++;
  if (handle[0] == '\0')
    return g_strdup (signed_text);

  needle = g_strconcat ("@", handle, NULL);
  if (mentions (signed_text, needle))
    return g_strdup (signed_text);

  return g_strconcat (needle, " ", signed_text, NULL);
}

static void
update_state (DeskComposer *self)
{
  g_autofree char *text = get_text (self);
  g_autofree char *signed_text = sign (self, text);
  const char *network = NULL;
  gboolean over;
  gboolean was_over = self->limit > 0 && self->length > self->limit;
  char *counter;

  if (self->conversation != NULL && desk_conversation_get_loaded (self->conversation))
    network = desk_conversation_get_network (self->conversation);

  {
    g_autofree char *countable = network != NULL ? countable_text (self, network, signed_text)
                                                 : g_strdup (signed_text);

    self->length = desk_compose_get_length_full (network, countable, self->chars_per_url);
  }
  /* The server's own limit once read from the store; the network's default before */
  self->limit = network != NULL ? desk_compose_get_limit (network, self->max_reply_chars) : 0;
  over = self->limit > 0 && self->length > self->limit;

  if (self->limit > 0)
    /* Translators: the reply's length, signature included, and the network's limit */
    counter = g_strdup_printf (_("%u / %u"), self->length, self->limit);
  else
    counter = g_strdup_printf ("%u", self->length);

  if (g_strcmp0 (counter, self->counter_text) != 0)
    {
      g_free (self->counter_text);
      self->counter_text = counter;
      gtk_label_set_text (self->counter_label, counter);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER_TEXT]);
    }
  else
    g_free (counter);

  if (over)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "dim-label");
    }

  if (over != was_over)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVER_LIMIT]);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send",
                                 check_can_send (self, NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.cancel-edit",
                                 self->editing_outbox_id != 0 && !self->sending);
}

/* The account's limits */

static void
limits_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DeskComposer) self = user_data;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  accounts = desk_store_list_accounts_finish (DESK_STORE (source), result, &error);

  /* Another read took its place, or the composer went */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->limits_cancellable);

  if (accounts == NULL)
    {
      g_debug ("The account's limits stay as they were: %s", error->message);
      return;
    }

  for (guint i = 0; i < accounts->len; i++)
    {
      const DeskAccountInfo *account = g_ptr_array_index (accounts, i);

      if (account->id == self->limits_account_id)
        {
          self->max_reply_chars = account->max_reply_chars;
          self->chars_per_url = account->has_chars_per_url ? (int) account->chars_per_url : -1;
        }
    }

  update_state (self);
}

static void
load_limits (DeskComposer *self)
{
  if (self->limits_cancellable != NULL)
    {
      g_cancellable_cancel (self->limits_cancellable);
      g_clear_object (&self->limits_cancellable);
    }

  if (self->store == NULL || self->limits_account_id == 0)
    return;

  self->limits_cancellable = g_cancellable_new ();
  desk_store_list_accounts_async (self->store, self->limits_cancellable, limits_loaded_cb,
                                  g_object_ref (self));
}

/* Another account: Mastodon's defaults until its own limits are read */
static void
update_limits_account (DeskComposer *self)
{
  gint64 account_id = 0;

  if (self->conversation != NULL && desk_conversation_get_loaded (self->conversation))
    account_id = desk_conversation_get_account_id (self->conversation);

  if (account_id == self->limits_account_id)
    return;

  self->limits_account_id = account_id;
  self->max_reply_chars = 0;
  self->chars_per_url = -1;
  load_limits (self);
}

static void
on_accounts_changed (DeskComposer *self)
{
  load_limits (self);
}

/* Whether a public conversation may be answered privately. Only Mastodon can, with a direct
 * reply in the same thread that the customer's mention makes visible to them alone. Bluesky has
 * no private post: it would take a chat conversation (chat.bsky.convo), another thread that
 * the customer may not accept, so a public Bluesky post is answered publicly. Telegram and X
 * conversations are answered where they are. */
static gboolean
can_reply_privately (DeskComposer *self)
{
  return self->conversation != NULL &&
         desk_conversation_get_loaded (self->conversation) &&
         desk_conversation_get_kind (self->conversation) == DESK_CONVERSATION_PUBLIC &&
         g_strcmp0 (desk_conversation_get_network (self->conversation), "mastodon") == 0;
}

static void on_private_toggled (DeskComposer    *self,
                                GtkToggleButton *button);
static gboolean save_draft_timeout (gpointer data);

static void
update_kind (DeskComposer *self)
{
  g_autofree char *private_label = NULL;
  const char *label = "";
  gboolean can_private = can_reply_privately (self);

  if (self->conversation != NULL && desk_conversation_get_loaded (self->conversation))
    {
      /* Replies go where the conversation is: a public reply or a direct message, unless the
       * agent chose to answer a public Mastodon conversation privately */
      if (desk_conversation_get_kind (self->conversation) == DESK_CONVERSATION_DM)
        label = _("Direct message");
      else if (can_private && self->private_reply)
        {
          const char *handle = desk_conversation_get_contact_handle (self->conversation);

          while (handle != NULL && handle[0] == '@')
            handle++;
          if (handle != NULL && handle[0] != '\0')
            /* Translators: %s is the customer's handle, as user@example.social */
            label = private_label = g_strdup_printf (_("Only @%s sees this reply"), handle);
          else
            label = _("Only the customer sees this reply");
        }
      else
        label = _("Public reply");
    }

  gtk_label_set_text (self->kind_label, label);

  g_signal_handlers_block_by_func (self->private_button, on_private_toggled, self);
  gtk_toggle_button_set_active (self->private_button, can_private && self->private_reply);
  g_signal_handlers_unblock_by_func (self->private_button, on_private_toggled, self);
  gtk_widget_set_visible (GTK_WIDGET (self->private_button),
                          can_private && self->editing_outbox_id == 0);
}

static void
on_private_toggled (DeskComposer    *self,
                    GtkToggleButton *button)
{
  self->private_reply = gtk_toggle_button_get_active (button);
  update_kind (self);

  /* The choice is kept with the draft */
  self->typed = TRUE;
  if (self->editing_outbox_id != 0)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (DRAFT_SAVE_DELAY_MS, save_draft_timeout, self);
}

/* Canned responses: what their placeholders are filled with */

static void
update_picker_context (DeskComposer *self)
{
  g_autofree char *agent_name = NULL;
  g_autofree char *initials = NULL;
  DeskCannedContext context = { NULL, };

  if (self->picker == NULL)
    return;

  agent_name = g_settings_get_string (self->settings, "agent-name");
  initials = get_initials (self);

  context.agent_name = agent_name[0] != '\0' ? agent_name : NULL;
  context.agent_initials = initials;

  if (self->conversation != NULL && desk_conversation_get_loaded (self->conversation))
    {
      context.customer_name = desk_conversation_get_contact_name (self->conversation);
      context.customer_handle = desk_conversation_get_contact_handle (self->conversation);
      context.network = desk_conversation_get_network (self->conversation);
      context.account = desk_conversation_get_account_handle (self->conversation);
    }

  desk_canned_picker_set_context (self->picker, &context);
}

static void
on_has_unknown_changed (DeskComposer     *self,
                        GParamSpec       *pspec,
                        DeskCannedPicker *picker)
{
  self->placeholders_pending = desk_canned_picker_has_unknown (picker);
  update_state (self);
}

static void
set_picker_store (DeskComposer *self,
                  DeskStore    *store)
{
  if (self->picker != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->picker, self);
      desk_canned_picker_close (self->picker);
      g_clear_object (&self->picker);
    }
  self->placeholders_pending = FALSE;

  if (store == NULL || self->text_view == NULL)
    return;

  self->picker = desk_canned_picker_new (self->text_view, store);
  g_signal_connect_object (self->picker, "notify::has-unknown",
                           G_CALLBACK (on_has_unknown_changed), self, G_CONNECT_SWAPPED);
  self->placeholders_pending = desk_canned_picker_has_unknown (self->picker);
  update_picker_context (self);
}

/* Drafts */

/* Whether the reply goes privately: in a DM, or a public conversation answered privately */
static gboolean
is_dm (DeskComposer *self)
{
  return self->conversation != NULL &&
         (desk_conversation_get_kind (self->conversation) == DESK_CONVERSATION_DM ||
          (self->private_reply && can_reply_privately (self)));
}

static void
save_draft_now (DeskComposer *self)
{
  Job *job;

  g_clear_handle_id (&self->save_source, g_source_remove);

  /* Nothing typed: the stored draft is as it was. A failed reply being edited lives in the
   * outbox, not in the draft. */
  if (!self->typed || self->store == NULL || self->conversation == NULL ||
      self->editing_outbox_id != 0)
    return;

  job = g_new0 (Job, 1);
  job->kind = JOB_SAVE_DRAFT;
  job->conversation_id = desk_conversation_get_id (self->conversation);
  job->text = get_text (self);
  job->is_dm = is_dm (self);
  push_job (self, job);

  self->typed = FALSE;
}

static gboolean
save_draft_timeout (gpointer data)
{
  DeskComposer *self = data;

  self->save_source = 0;
  save_draft_now (self);

  return G_SOURCE_REMOVE;
}

static void
load_draft (DeskComposer *self)
{
  Job *job;

  self->draft_loaded = FALSE;

  if (self->store == NULL || self->conversation == NULL)
    return;

  job = g_new0 (Job, 1);
  job->kind = JOB_LOAD_DRAFT;
  job->conversation_id = desk_conversation_get_id (self->conversation);
  push_job (self, job);
}

static void
on_buffer_changed (DeskComposer  *self,
                   GtkTextBuffer *buffer)
{
  update_state (self);

  if (self->quiet)
    return;

  self->typed = TRUE;

  if (self->editing_outbox_id != 0)
    return;

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (DRAFT_SAVE_DELAY_MS, save_draft_timeout, self);
}

/* Job results, on the main context */

static void
leave_edit_mode (DeskComposer *self)
{
  self->editing_outbox_id = 0;
  gtk_widget_set_visible (self->edit_banner, FALSE);
  update_kind (self);
}

static gboolean
job_done (gpointer data)
{
  Job *job = data;
  g_autoptr(DeskComposer) self = g_weak_ref_get (&job->composer);
  gboolean current;

  if (self == NULL || self->text_view == NULL)
    goto out;

  self->jobs--;
  current = job->serial == self->serial;

  switch (job->kind)
    {
    case JOB_LOAD_DRAFT:
      if (!current)
        break;
      if (job->error != NULL)
        show_error (self, job->error->message);
      else if (!self->typed && self->editing_outbox_id == 0)
        {
          set_text_quietly (self, job->draft);
          /* A DM's draft is always is_dm; only a public conversation's says it was private */
          self->private_reply = job->draft != NULL && job->is_dm;
          update_kind (self);
        }
      self->draft_loaded = TRUE;
      break;

    case JOB_SAVE_DRAFT:
      if (job->error != NULL)
        {
          g_autofree char *message = NULL;

          /* The text stays in the composer; only the copy on disk is missing */
          message = g_strdup_printf (_("The draft could not be saved: %s"), job->error->message);
          if (self->conversation != NULL &&
              desk_conversation_get_id (self->conversation) == job->conversation_id)
            show_error (self, message);
          else
            g_warning ("%s", message);
        }
      break;

    case JOB_QUEUE:
    case JOB_RETRY:
      self->sending = FALSE;
      gtk_text_view_set_editable (self->text_view, TRUE);
      if (job->error != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The reply was not sent: %s"),
                                                      job->error->message);

          /* Nothing is lost: the text is still there, or, if another conversation is shown
           * by now, in that conversation's draft */
          if (current)
            {
              show_error (self, message);
              self->typed = TRUE;
            }
          else if (job->kind == JOB_QUEUE)
            {
              Job *save = g_new0 (Job, 1);

              save->kind = JOB_SAVE_DRAFT;
              save->conversation_id = job->conversation_id;
              save->text = g_steal_pointer (&job->draft);
              save->is_dm = job->is_dm;
              push_job (self, save);
            }
        }
      else
        {
          if (current)
            {
              show_error (self, NULL);
              set_text_quietly (self, NULL);
              self->typed = FALSE;
              if (job->kind == JOB_RETRY)
                {
                  /* Back to the conversation's own draft, if there is one */
                  leave_edit_mode (self);
                  load_draft (self);
                }
            }
          g_signal_emit (self, signals[QUEUED], 0, job->result_id);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  update_state (self);

out:
  job_free (job);

  return G_SOURCE_REMOVE;
}

/* Sending */

/**
 * desk_composer_send:
 *
 * Stores the signed reply in the outbox (in the store's worker): what Ctrl+Enter and the Send
 * button do. Once stored, the text and the draft are cleared and #DeskComposer::queued is
 * emitted; if the store fails, the text stays and the error is shown under it.
 *
 * Returns: %TRUE if the reply is on its way to the outbox; %FALSE with @error saying why not
 */
gboolean
desk_composer_send (DeskComposer  *self,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  Job *job;

  g_return_val_if_fail (DESK_IS_COMPOSER (self), FALSE);

  if (!check_can_send (self, &local_error))
    {
      /* Take the agent to what is missing */
      if (g_error_matches (local_error, DESK_COMPOSER_ERROR, DESK_COMPOSER_ERROR_PLACEHOLDERS) &&
          self->picker != NULL)
        desk_canned_picker_select_next_unknown (self->picker);
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  text = get_text (self);

  g_clear_handle_id (&self->save_source, g_source_remove);

  job = g_new0 (Job, 1);
  job->conversation_id = desk_conversation_get_id (self->conversation);
  job->text = sign (self, text);
  job->draft = g_strdup (text);   /* the text as typed, should it have to go back to a draft */
  job->is_dm = is_dm (self);
  job->initials = get_initials (self);
  if (self->editing_outbox_id != 0)
    {
      job->kind = JOB_RETRY;
      job->outbox_id = self->editing_outbox_id;
    }
  else
    job->kind = JOB_QUEUE;

  self->sending = TRUE;
  self->typed = FALSE;   /* the text is the job's now: no draft save may bring it back */
  /* Until it is stored: what is typed now would be cleared with it */
  gtk_text_view_set_editable (self->text_view, FALSE);
  show_error (self, NULL);
  push_job (self, job);
  update_state (self);

  return TRUE;
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  desk_composer_send (DESK_COMPOSER (widget), NULL);
}

static void
cancel_edit_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DeskComposer *self = DESK_COMPOSER (widget);

  if (self->editing_outbox_id == 0)
    return;

  leave_edit_mode (self);
  set_text_quietly (self, NULL);
  self->typed = FALSE;
  load_draft (self);
  update_state (self);
}

static gboolean
on_send_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  /* Handled even when the reply cannot go: the reason shows, and no newline is typed */
  desk_composer_send (DESK_COMPOSER (widget), NULL);

  return TRUE;
}

/* Object */

static void
on_settings_changed (DeskComposer *self,
                     const char   *key,
                     GSettings    *settings)
{
  update_picker_context (self);
  update_state (self);
}

static void
desk_composer_dispose (GObject *object)
{
  DeskComposer *self = (DeskComposer *)object;
  GtkWidget *child;

  save_draft_now (self);
  /* Dispose returns with the draft on disk (and every earlier call done) */
  if (self->jobs > 0)
    wait_for_io ();

  set_picker_store (self, NULL);

  if (self->limits_cancellable != NULL)
    g_cancellable_cancel (self->limits_cancellable);
  g_clear_object (&self->limits_cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_accounts_changed, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_COMPOSER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->conversation);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (desk_composer_parent_class)->dispose (object);
}

static void
desk_composer_finalize (GObject *object)
{
  DeskComposer *self = (DeskComposer *)object;

  g_free (self->counter_text);

  G_OBJECT_CLASS (desk_composer_parent_class)->finalize (object);
}

static void
desk_composer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DeskComposer *self = DESK_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;

    case PROP_COUNTER_TEXT:
      g_value_set_string (value, self->counter_text);
      break;

    case PROP_OVER_LIMIT:
      g_value_set_boolean (value, desk_composer_get_over_limit (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_composer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DeskComposer *self = DESK_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      desk_composer_set_store (self, g_value_get_object (value));
      break;

    case PROP_CONVERSATION:
      desk_composer_set_conversation (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_composer_class_init (DeskComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_composer_dispose;
  object_class->finalize = desk_composer_finalize;
  object_class->get_property = desk_composer_get_property;
  object_class->set_property = desk_composer_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         DESK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL,
                         DESK_TYPE_CONVERSATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNTER_TEXT] =
    g_param_spec_string ("counter-text", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OVER_LIMIT] =
    g_param_spec_boolean ("over-limit", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeskComposer::queued:
   * @outbox_id: the reply's row in the outbox
   *
   * A reply was stored in the outbox (or a failed one queued again): time to wake the sync.
   */
  signals[QUEUED] =
    g_signal_new ("queued",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/frontdesk/Frontdesk/desk-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, edit_banner);
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, kind_label);
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, private_button);
  gtk_widget_class_bind_template_callback (widget_class, on_private_toggled);
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, counter_label);
  gtk_widget_class_bind_template_child (widget_class, DeskComposer, send_button);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "composer.cancel-edit", NULL, cancel_edit_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "composer");
}

static void
desk_composer_init (DeskComposer *self)
{
  GtkEventController *shortcuts;
  GtkLayoutManager *layout;

  self->chars_per_url = -1;

  gtk_widget_init_template (GTK_WIDGET (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  /* Before the text view sees the key: Ctrl+Enter must never type a newline */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return,
                                                                                  GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (on_send_shortcut,
                                                                                   NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Enter,
                                                                                  GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (on_send_shortcut,
                                                                                   NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->settings = g_settings_new ("org.frontdesk.Frontdesk");
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);

  update_kind (self);
  update_state (self);
}

GtkWidget *
desk_composer_new (void)
{
  return g_object_new (DESK_TYPE_COMPOSER, NULL);
}

DeskStore *
desk_composer_get_store (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  return self->store;
}

void
desk_composer_set_store (DeskComposer *self,
                         DeskStore    *store)
{
  g_return_if_fail (DESK_IS_COMPOSER (self));
  g_return_if_fail (store == NULL || DESK_IS_STORE (store));

  if (self->store == store)
    return;

  /* The conversation belongs to the old store */
  desk_composer_set_conversation (self, NULL);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_accounts_changed, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "accounts-changed", G_CALLBACK (on_accounts_changed), self,
                             G_CONNECT_SWAPPED);
  set_picker_store (self, store);
  update_state (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

DeskConversation *
desk_composer_get_conversation (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  return self->conversation;
}

/**
 * desk_composer_set_conversation:
 * @conversation: (nullable): a loaded conversation of the composer's store
 *
 * Saves the draft of the conversation shown so far, then shows @conversation's draft. Setting
 * the same conversation again (an updated row) keeps the text as it is.
 */
void
desk_composer_set_conversation (DeskComposer     *self,
                                DeskConversation *conversation)
{
  gint64 old_id;
  gint64 new_id;

  g_return_if_fail (DESK_IS_COMPOSER (self));
  g_return_if_fail (conversation == NULL || DESK_IS_CONVERSATION (conversation));

  old_id = self->conversation != NULL ? desk_conversation_get_id (self->conversation) : 0;
  new_id = conversation != NULL ? desk_conversation_get_id (conversation) : 0;

  if (old_id == new_id)
    {
      if (g_set_object (&self->conversation, conversation))
        {
          update_limits_account (self);
          update_picker_context (self);
          update_kind (self);
          update_state (self);
        }
      return;
    }

  save_draft_now (self);

  self->serial++;
  self->typed = FALSE;
  self->sending = FALSE;
  gtk_text_view_set_editable (self->text_view, TRUE);
  leave_edit_mode (self);
  show_error (self, NULL);
  set_text_quietly (self, NULL);
  self->private_reply = FALSE;   /* each conversation starts as it is held */

  g_set_object (&self->conversation, conversation);
  update_limits_account (self);
  if (self->picker != NULL)
    desk_canned_picker_close (self->picker);
  update_picker_context (self);
  load_draft (self);

  update_kind (self);
  update_state (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

GtkTextView *
desk_composer_get_text_view (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  return self->text_view;
}

DeskCannedPicker *
desk_composer_get_picker (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  return self->picker;
}

char *
desk_composer_get_signed_text (DeskComposer *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  text = get_text (self);

  return sign (self, text);
}

const char *
desk_composer_get_counter_text (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  return self->counter_text;
}

gboolean
desk_composer_get_over_limit (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), FALSE);

  return self->limit > 0 && self->length > self->limit;
}

gboolean
desk_composer_can_send (DeskComposer  *self,
                        GError       **error)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), FALSE);

  return check_can_send (self, error);
}

/**
 * desk_composer_edit_failed:
 * @outbox_id: a reply in the outbox that failed for good
 * @text: its text, to edit
 *
 * The conversation's draft is saved first; it comes back once the reply is retried or the
 * editing is cancelled.
 */
void
desk_composer_edit_failed (DeskComposer *self,
                           gint64        outbox_id,
                           const char   *text)
{
  g_return_if_fail (DESK_IS_COMPOSER (self));
  g_return_if_fail (outbox_id > 0);
  g_return_if_fail (text != NULL);

  if (self->sending)
    return;

  save_draft_now (self);

  self->serial++;
  self->editing_outbox_id = outbox_id;
  gtk_widget_set_visible (self->edit_banner, TRUE);
  show_error (self, NULL);
  set_text_quietly (self, text);
  self->typed = FALSE;
  update_kind (self);   /* a retry keeps the way the reply was queued: no toggle */
  update_state (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

gboolean
desk_composer_is_busy (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), FALSE);

  return self->jobs > 0 || self->save_source != 0 || self->limits_cancellable != NULL;
}

const char *
desk_composer_get_error_text (DeskComposer *self)
{
  g_return_val_if_fail (DESK_IS_COMPOSER (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;

  return gtk_label_get_text (self->error_label);
}
