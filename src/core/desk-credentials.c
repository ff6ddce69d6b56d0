/* desk-credentials.c: account secrets in the desktop keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Access tokens, refresh tokens, client secrets and bot tokens live only in the desktop keyring
 * (the Secret Service: GNOME Keyring, KWallet, KeePassXC…), never in the inbox database, a
 * settings file or a log. When no keyring can be reached, the call fails with a
 * #DeskCredentialsError that says what to do: there is no plaintext fallback.
 *
 * Each item carries the schema "org.frontdesk.Frontdesk.Credential" with two attributes: the
 * account's id in the store (in decimal) and the kind of secret. Storing the same account and
 * kind again replaces the item, so a rotated token overwrites the old one.
 *
 * Every call is bounded. A keyring may answer a request by showing a password prompt (to
 * unlock it, or to create the default keyring); if nobody answers, libsecret waits for ever.
 * Each call therefore runs libsecret's asynchronous API on a private main context of the
 * calling thread and waits on it until the operation finishes or the call's cancellable is
 * cancelled: by a timeout source on that same context, by the caller's cancellable, or shortly
 * after a prompt was dismissed (libsecret never reports that, see prompt_completed_cb()).
 *
 * That cancellable stops our waiting; it is deliberately not handed to libsecret. Cancelling
 * a libsecret operation that shows a prompt dismisses the prompt over D-Bus, and gnome-keyring
 * 42 then aborts ("perform_next_unlock: assertion failed: (!self->current)") at the next
 * unlock request, taking every application's secrets with it. An operation we gave up on is
 * left to the keyring instead: its prompt stays up, and once the user answers it the next call
 * succeeds. What the abandoned operation holds stays queued on the dead context (a few
 * hundred bytes; never a secret in pageable memory).
 *
 * The _sync calls may be made from any thread (the sync engine calls them from its workers);
 * the UI uses the _async variants, which run the _sync ones in a worker thread.
 *
 * Secrets handed back to callers are in non-pageable memory where libsecret can provide it,
 * and must be released with desk_credentials_free_secret(), which wipes them first.
 */
#define G_LOG_DOMAIN "desk-credentials"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-credentials.h"

/* After a prompt was dismissed, how long libsecret gets to report it before we conclude. */
#define GRACE_MS 500

G_DEFINE_QUARK (desk-credentials-error-quark, desk_credentials_error)

static const SecretSchema credential_schema = {
  "org.frontdesk.Frontdesk.Credential",
  SECRET_SCHEMA_NONE,
  {
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* The same items, found by their attributes alone. gnome-keyring hashes the attributes of the
 * items in a locked keyring and then no longer matches the schema name ("xdg:schema"), so only
 * this finds them; an item of another application with equal attributes would match too. */
static const SecretSchema credential_schema_any_name = {
  "org.frontdesk.Frontdesk.Credential",
  SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static guint timeout_ms = DESK_CREDENTIALS_DEFAULT_TIMEOUT_MS;

/**
 * desk_credentials_get_schema:
 *
 * Returns: the libsecret schema of Frontdesk's items, for tools and tests
 */
const SecretSchema *
desk_credentials_get_schema (void)
{
  return &credential_schema;
}

/**
 * desk_credentials_set_timeout_ms:
 * @timeout_ms: the time limit of each keyring call, or 0 for the default (10 s)
 *
 * Changes the time limit of the calls that start after this one. Meant for tests.
 */
void
desk_credentials_set_timeout_ms (guint new_timeout_ms)
{
  if (new_timeout_ms == 0)
    new_timeout_ms = DESK_CREDENTIALS_DEFAULT_TIMEOUT_MS;

  g_atomic_int_set (&timeout_ms, new_timeout_ms);
}

guint
desk_credentials_get_timeout_ms (void)
{
  return (guint) g_atomic_int_get (&timeout_ms);
}

/**
 * desk_credentials_free_secret:
 * @secret: (nullable): a secret returned by this module
 *
 * Overwrites @secret with zeros and frees it (it may be in non-pageable memory, so g_free()
 * is wrong for it).
 */
void
desk_credentials_free_secret (char *secret)
{
  secret_password_free (secret);
}

/* Errors */

typedef enum
{
  STEP_BUS,
  STEP_KEYRING,
} Step;

/* No Secret Service on the bus, or one that D-Bus could not start */
static gboolean
is_no_service_error (const GError *error)
{
  static const GDBusError codes[] = {
    G_DBUS_ERROR_SERVICE_UNKNOWN,
    G_DBUS_ERROR_NAME_HAS_NO_OWNER,
    G_DBUS_ERROR_SPAWN_EXEC_FAILED,
    G_DBUS_ERROR_SPAWN_FORK_FAILED,
    G_DBUS_ERROR_SPAWN_CHILD_EXITED,
    G_DBUS_ERROR_SPAWN_CHILD_SIGNALED,
    G_DBUS_ERROR_SPAWN_FAILED,
    G_DBUS_ERROR_SPAWN_SETUP_FAILED,
    G_DBUS_ERROR_SPAWN_CONFIG_INVALID,
    G_DBUS_ERROR_SPAWN_SERVICE_INVALID,
    G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND,
    G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID,
    G_DBUS_ERROR_SPAWN_FILE_INVALID,
    G_DBUS_ERROR_SPAWN_NO_MEMORY,
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      if (g_error_matches (error, G_DBUS_ERROR, codes[i]))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_timeout_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT);
}

static void
set_timed_out_error (GError **error)
{
  g_set_error_literal (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_TIMED_OUT,
                       _("The desktop keyring did not answer in time. It may be waiting for "
                         "you to unlock it: look for a password prompt, unlock the keyring, "
                         "then try again."));
}

static void
set_locked_error (GError **error)
{
  g_set_error_literal (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_LOCKED,
                       _("The desktop keyring is locked. Unlock it when it asks for its password "
                         "(or in the Passwords and Keys app), then try again."));
}

/*
 * Turns what libsecret or GDBus reported into a #DeskCredentialsError. The technical detail
 * follows the sentence, for support; it never contains a secret (D-Bus errors cannot).
 */
static void
set_error (GError       **error,
           Step           step,
           const GError  *cause)
{
  g_autoptr(GError) copy = g_error_copy (cause);

  g_dbus_error_strip_remote_error (copy);

  if (step == STEP_BUS)
    {
      g_set_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_NO_SERVICE,
                   _("Frontdesk keeps passwords and tokens only in the desktop keyring, and "
                     "cannot reach one because this session has no message bus. Log in to a "
                     "desktop session (or start a D-Bus session bus and a keyring such as GNOME "
                     "Keyring), then try again. (%s)"),
                   copy->message);
    }
  else if (is_no_service_error (copy))
    {
      g_set_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_NO_SERVICE,
                   _("Frontdesk keeps passwords and tokens only in the desktop keyring, and none "
                     "is running. Install and start GNOME Keyring or another Secret Service, "
                     "then try again. (%s)"),
                   copy->message);
    }
  else if (g_error_matches (copy, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
           g_error_matches (copy, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Our own cancellations were told apart before: this one is a dismissed prompt. */
      g_set_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_LOCKED,
                   _("The desktop keyring is locked. Unlock it when it asks for its password "
                     "(or in the Passwords and Keys app), then try again. (%s)"),
                   copy->message);
    }
  else if (is_timeout_error (copy))
    {
      set_timed_out_error (error);
    }
  else
    {
      g_set_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_FAILED,
                   _("The desktop keyring failed to keep or give back a password or token. "
                     "Try again; if it keeps failing, restart the keyring or log in again. (%s)"),
                   copy->message);
    }
}

/* A bounded call on a private main context */

typedef struct
{
  gatomicrefcount  ref_count;
  gboolean         done;
  GAsyncResult    *result;
} Pending;

static Pending *
pending_new (void)
{
  Pending *pending = g_new0 (Pending, 1);

  g_atomic_ref_count_init (&pending->ref_count);

  return pending;
}

static Pending *
pending_ref (Pending *pending)
{
  g_atomic_ref_count_inc (&pending->ref_count);

  return pending;
}

static void
pending_unref (Pending *pending)
{
  if (g_atomic_ref_count_dec (&pending->ref_count))
    {
      g_clear_object (&pending->result);
      g_free (pending);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_unref)

/* Holds a reference on the Pending until the operation completes, which may be never. */
static void
pending_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;

  pending->result = g_object_ref (result);
  pending->done = TRUE;
  pending_unref (pending);
}

typedef struct
{
  GMainContext    *context;
  GCancellable    *cancellable;     /* cancelled when the call stops waiting */
  GSource         *timeout_source;
  GSource         *caller_source;
  GSource         *grace_source;
  GDBusConnection *bus;
  guint            prompt_watch;
  gboolean         timed_out;
  gboolean         caller_cancelled;
  gboolean         prompt_dismissed;
} Call;

static gboolean
timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  g_debug ("A keyring call took longer than %u ms: giving up on it",
           desk_credentials_get_timeout_ms ());

  call->timed_out = TRUE;
  g_clear_pointer (&call->timeout_source, g_source_unref);
  g_cancellable_cancel (call->cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Call *call = user_data;

  call->caller_cancelled = TRUE;
  g_clear_pointer (&call->caller_source, g_source_unref);
  g_cancellable_cancel (call->cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
grace_cb (gpointer user_data)
{
  Call *call = user_data;

  g_clear_pointer (&call->grace_source, g_source_unref);
  g_cancellable_cancel (call->cancellable);

  return G_SOURCE_REMOVE;
}

/*
 * libsecret (0.20.5, and later releases too) never finishes an operation whose prompt was
 * dismissed: on_real_prompt_completed() passes a NULL error to g_task_return_error(), which
 * logs "g_task_return_error: assertion 'error != NULL' failed", and the operation waits for
 * ever. So we watch prompts finish ourselves: when one is dismissed and the operation has not
 * finished shortly after, the keyring stayed locked. The signal does not say whose prompt it
 * was; another program's prompt dismissed at that very moment would end our call early, as
 * locked, which trying again fixes.
 */
static void
prompt_completed_cb (GDBusConnection *connection,
                     const char      *sender_name,
                     const char      *object_path,
                     const char      *interface_name,
                     const char      *signal_name,
                     GVariant        *parameters,
                     gpointer         user_data)
{
  Call *call = user_data;
  g_autoptr(GVariant) result = NULL;
  gboolean dismissed = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(bv)")))
    return;

  g_variant_get (parameters, "(bv)", &dismissed, &result);
  if (!dismissed || call->grace_source != NULL || g_cancellable_is_cancelled (call->cancellable))
    return;

  g_debug ("A keyring prompt was dismissed");
  call->prompt_dismissed = TRUE;
  call->grace_source = g_timeout_source_new (GRACE_MS);
  g_source_set_callback (call->grace_source, grace_cb, call, NULL);
  g_source_attach (call->grace_source, call->context);
}

static void
call_begin (Call         *call,
            GCancellable *caller_cancellable)
{
  memset (call, 0, sizeof *call);

  call->context = g_main_context_new ();
  call->cancellable = g_cancellable_new ();
  g_main_context_push_thread_default (call->context);

  call->timeout_source = g_timeout_source_new (desk_credentials_get_timeout_ms ());
  g_source_set_callback (call->timeout_source, timeout_cb, call, NULL);
  g_source_attach (call->timeout_source, call->context);

  /* Watched on our context, like everything else in the call. */
  if (caller_cancellable != NULL)
    {
      call->caller_source = g_cancellable_source_new (caller_cancellable);
      g_source_set_callback (call->caller_source, G_SOURCE_FUNC (caller_cancelled_cb), call, NULL);
      g_source_attach (call->caller_source, call->context);
    }
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
call_end (Call *call)
{
  /* Once unsubscribed, GDBus no longer calls back, even for signals already queued. */
  if (call->prompt_watch != 0)
    g_dbus_connection_signal_unsubscribe (call->bus, call->prompt_watch);
  g_clear_object (&call->bus);

  destroy_source (&call->timeout_source);
  destroy_source (&call->caller_source);
  destroy_source (&call->grace_source);

  /* Let finished operations release what they hold, as libsecret's own _sync calls do. An
   * operation we gave up on stays queued on this context, which nobody runs any more. */
  while (g_main_context_iteration (call->context, FALSE))
    ;

  g_main_context_pop_thread_default (call->context);
  g_clear_pointer (&call->context, g_main_context_unref);
  g_clear_object (&call->cancellable);
}

/*
 * Runs the context until @pending completes or the call stops waiting. Returns %FALSE with
 * @error set in the second case: the time limit, the caller's cancellation, or a dismissed
 * prompt that libsecret does not report.
 */
static gboolean
call_wait (Call     *call,
           Pending  *pending,
           GError  **error)
{
  while (!pending->done && !g_cancellable_is_cancelled (call->cancellable))
    g_main_context_iteration (call->context, TRUE);

  if (pending->done)
    return TRUE;

  if (call->timed_out)
    set_timed_out_error (error);
  else if (call->caller_cancelled)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  else if (call->prompt_dismissed)
    set_locked_error (error);
  else
    g_assert_not_reached ();

  return FALSE;
}

/* Reports @cause, an operation's failure. */
static void
call_set_error (Call          *call,
                GError       **error,
                Step           step,
                const GError  *cause)
{
  /* Already decided: the time limit, or a conclusion drawn from a search. */
  if (cause->domain == DESK_CREDENTIALS_ERROR ||
      (call->caller_cancelled && g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      g_propagate_error (error, g_error_copy (cause));
      return;
    }

  set_error (error, step, cause);
}

/* Makes sure there is a session bus before libsecret looks for a keyring on it, so that the two
 * failures can be told apart. */
static gboolean
call_check_bus (Call    *call,
                GError **error)
{
  g_autoptr(Pending) pending = pending_new ();
  g_autoptr(GError) local_error = NULL;

  g_bus_get (G_BUS_TYPE_SESSION, call->cancellable, pending_done_cb, pending_ref (pending));

  if (!call_wait (call, pending, error))
    return FALSE;

  call->bus = g_bus_get_finish (pending->result, &local_error);
  if (call->bus == NULL)
    {
      g_debug ("No session bus: %s", local_error->message);
      call_set_error (call, error, STEP_BUS, local_error);
      return FALSE;
    }

  /* Delivered on our context, so the callback runs in this thread while the call lives. */
  call->prompt_watch = g_dbus_connection_signal_subscribe (call->bus, NULL,
                                                           "org.freedesktop.Secret.Prompt",
                                                           "Completed", NULL, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE,
                                                           prompt_completed_cb, call, NULL);

  return TRUE;
}

static GHashTable *
make_attributes (gint64      account_id,
                 const char *kind)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "account",
                       g_strdup_printf ("%" G_GINT64_FORMAT, account_id));
  if (kind != NULL)
    g_hash_table_insert (attributes, (gpointer) "kind", g_strdup (kind));

  return attributes;
}

/* Steps: one libsecret request each, on the call's context and within its time limit */

static gboolean
call_store (Call         *call,
            GHashTable   *attributes,
            const char   *label,
            SecretValue  *value,
            GError      **error)
{
  g_autoptr(Pending) pending = pending_new ();

  secret_password_storev_binary (&credential_schema, attributes, SECRET_COLLECTION_DEFAULT,
                                 label, value, NULL,
                                 pending_done_cb, pending_ref (pending));

  return call_wait (call, pending, error) &&
         secret_password_store_finish (pending->result, error);
}

static gboolean
call_lookup (Call        *call,
             GHashTable  *attributes,
             char       **secret,
             GError     **error)
{
  g_autoptr(Pending) pending = pending_new ();
  GError *local_error = NULL;

  *secret = NULL;
  secret_password_lookupv (&credential_schema, attributes, NULL,
                           pending_done_cb, pending_ref (pending));

  if (!call_wait (call, pending, error))
    return FALSE;

  *secret = secret_password_lookup_nonpageable_finish (pending->result, &local_error);
  if (local_error != NULL)
    {
      g_clear_pointer (secret, secret_password_free);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
call_clear (Call        *call,
            GHashTable  *attributes,
            GError     **error)
{
  g_autoptr(Pending) pending = pending_new ();
  GError *local_error = NULL;

  secret_password_clearv (&credential_schema, attributes, NULL,
                          pending_done_cb, pending_ref (pending));

  if (!call_wait (call, pending, error))
    return FALSE;

  /* FALSE without an error: there was nothing to delete. */
  secret_password_clear_finish (pending->result, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

/* Counts the items that match; with %SECRET_SEARCH_UNLOCK the keyring is first asked to unlock
 * the locked ones, which may show its password prompt. */
static gboolean
call_search (Call               *call,
             const SecretSchema *schema,
             GHashTable         *attributes,
             SecretSearchFlags   flags,
             guint              *n_items,
             guint              *n_locked,
             GError            **error)
{
  g_autoptr(Pending) pending = pending_new ();
  GError *local_error = NULL;
  GList *items;

  *n_items = 0;
  *n_locked = 0;

  secret_password_searchv (schema, attributes, flags | SECRET_SEARCH_ALL, NULL,
                           pending_done_cb, pending_ref (pending));

  if (!call_wait (call, pending, error))
    return FALSE;

  items = secret_password_search_finish (pending->result, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  for (const GList *l = items; l != NULL; l = l->next)
    {
      (*n_items)++;
      if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (SECRET_ITEM (l->data)))
        (*n_locked)++;
    }

  g_list_free_full (items, g_object_unref);
  g_debug ("%u matching items, %u of them locked", *n_items, *n_locked);

  return TRUE;
}

/* Asks the keyring to unlock its default collection (it shows its password prompt). */
static gboolean
call_unlock_default (Call    *call,
                     GError **error)
{
  g_autoptr(Pending) found = pending_new ();
  g_autoptr(Pending) unlocked = pending_new ();
  g_autoptr(SecretCollection) collection = NULL;
  GError *local_error = NULL;
  GList *objects;
  int n_unlocked;

  secret_collection_for_alias (NULL, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               NULL, pending_done_cb, pending_ref (found));

  if (!call_wait (call, found, error))
    return FALSE;

  collection = secret_collection_for_alias_finish (found->result, &local_error);
  if (collection == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                                           "There is no default keyring to unlock");
      g_propagate_error (error, local_error);
      return FALSE;
    }

  objects = g_list_prepend (NULL, collection);
  secret_service_unlock (NULL, objects, NULL, pending_done_cb, pending_ref (unlocked));
  g_list_free (objects);

  if (!call_wait (call, unlocked, error))
    return FALSE;

  n_unlocked = secret_service_unlock_finish (NULL, unlocked->result, NULL, error);
  if (n_unlocked < 0)
    return FALSE;

  if (n_unlocked == 0)
    {
      g_set_error_literal (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                           "The default keyring stayed locked");
      return FALSE;
    }

  return TRUE;
}

/* Operations */

static gboolean
store_value (gint64         account_id,
             const char    *kind,
             SecretValue   *value,
             const char    *label,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GHashTable) attributes = make_attributes (account_id, kind);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, account_id);
  g_autofree char *default_label = NULL;
  gboolean ret = FALSE;
  Call call;

  if (label == NULL)
    {
      /* TRANSLATORS: the name of a keyring item, as the Passwords and Keys app shows it. The
       * first %s is the kind of secret ("access-token"), the second the account's number. */
      default_label = g_strdup_printf (_("Frontdesk %s for account %s"), kind, account);
      label = default_label;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  call_begin (&call, cancellable);

  if (call_check_bus (&call, error))
    {
      ret = call_store (&call, attributes, label, value, &local_error);

      /* libsecret does not unlock the collection it stores into: ask for that, then retry. */
      if (!ret && g_error_matches (local_error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
        {
          g_debug ("The default keyring is locked: asking to unlock it");
          g_clear_error (&local_error);
          ret = call_unlock_default (&call, &local_error) &&
                call_store (&call, attributes, label, value, &local_error);
        }

      if (!ret)
        {
          g_debug ("Storing the %s of account %s failed: %s", kind, account, local_error->message);
          call_set_error (&call, error, STEP_KEYRING, local_error);
        }
    }

  call_end (&call);

  return ret;
}

/**
 * desk_credentials_store_sync:
 * @account_id: the account's id in the store
 * @kind: the kind of secret, e.g. %DESK_CREDENTIALS_KIND_ACCESS_TOKEN
 * @secret: the secret, as text
 * @label: (nullable): the name the keyring shows for it, or %NULL for a default
 * @cancellable: (nullable): a #GCancellable
 * @error: a #DeskCredentialsError on failure
 *
 * Stores @secret in the default keyring, replacing any earlier secret of that kind for that
 * account. Blocks for at most the time limit; from the main thread use
 * desk_credentials_store_async().
 *
 * Returns: %TRUE when the keyring holds the secret
 */
gboolean
desk_credentials_store_sync (gint64         account_id,
                             const char    *kind,
                             const char    *secret,
                             const char    *label,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(SecretValue) value = NULL;

  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (kind != NULL && *kind != '\0', FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A copy in non-pageable memory, wiped when released. */
  value = secret_value_new (secret, -1, "text/plain");

  return store_value (account_id, kind, value, label, cancellable, error);
}

typedef struct
{
  gint64       account_id;
  char        *kind;
  char        *label;
  SecretValue *value;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->kind);
  g_free (data->label);
  g_clear_pointer (&data->value, secret_value_unref);
  g_free (data);
}

static void
store_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  StoreData *data = task_data;
  GError *error = NULL;

  if (store_value (data->account_id, data->kind, data->value, data->label, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * desk_credentials_store_async:
 *
 * Like desk_credentials_store_sync(), without blocking: @secret is copied (into non-pageable
 * memory) before this returns. Finish with desk_credentials_store_finish().
 */
void
desk_credentials_store_async (gint64               account_id,
                              const char          *kind,
                              const char          *secret,
                              const char          *label,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data;

  g_return_if_fail (account_id > 0);
  g_return_if_fail (kind != NULL && *kind != '\0');
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (StoreData, 1);
  data->account_id = account_id;
  data->kind = g_strdup (kind);
  data->label = g_strdup (label);
  data->value = secret_value_new (secret, -1, "text/plain");

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_credentials_store_async);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);
  g_task_run_in_thread (task, store_in_thread);
}

gboolean
desk_credentials_store_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_credentials_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup */

/**
 * desk_credentials_lookup_sync:
 * @account_id: the account's id in the store
 * @kind: the kind of secret
 * @cancellable: (nullable): a #GCancellable
 * @error: a #DeskCredentialsError on failure
 *
 * Looks the secret up in the keyrings; when it may be in a locked one, the keyring is asked to
 * unlock, which may show its password prompt. Blocks for at most the time limit; from the main thread use desk_credentials_lookup_async().
 *
 * Returns: (transfer full) (nullable): the secret, to be released with
 *   desk_credentials_free_secret(); %NULL without an error when there is none
 */
char *
desk_credentials_lookup_sync (gint64         account_id,
                              const char    *kind,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  char *ret = NULL;
  Call call;

  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (kind != NULL && *kind != '\0', NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  attributes = make_attributes (account_id, kind);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  call_begin (&call, cancellable);

  if (call_check_bus (&call, error))
    {
      guint n_items, n_locked;

      /* When libsecret finds nothing, the item may be in a locked keyring, where it cannot be
       * found by schema: look by attributes alone, unlocking (with a prompt) what matches. */
      if (call_lookup (&call, attributes, &ret, &local_error) &&
          ret == NULL &&
          call_search (&call, &credential_schema_any_name, attributes, SECRET_SEARCH_UNLOCK,
                       &n_items, &n_locked, &local_error))
        {
          if (n_locked > 0)
            {
              g_debug ("The %s of account %" G_GINT64_FORMAT " is in a locked keyring",
                       kind, account_id);
              set_locked_error (error);
            }
          else if (n_items > 0)
            {
              call_lookup (&call, attributes, &ret, &local_error);
            }
        }

      if (local_error != NULL)
        {
          g_debug ("Looking up the %s of account %" G_GINT64_FORMAT " failed: %s",
                   kind, account_id, local_error->message);
          call_set_error (&call, error, STEP_KEYRING, local_error);
        }
    }

  call_end (&call);

  return ret;
}

typedef struct
{
  gint64  account_id;
  char   *kind;
} ItemData;

static void
item_data_free (ItemData *data)
{
  g_free (data->kind);
  g_free (data);
}

static ItemData *
item_data_new (gint64      account_id,
               const char *kind)
{
  ItemData *data = g_new0 (ItemData, 1);

  data->account_id = account_id;
  data->kind = g_strdup (kind);

  return data;
}

static void
lookup_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ItemData *data = task_data;
  GError *error = NULL;
  char *secret;

  secret = desk_credentials_lookup_sync (data->account_id, data->kind, cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * desk_credentials_lookup_async:
 *
 * Like desk_credentials_lookup_sync(), without blocking. Finish with
 * desk_credentials_lookup_finish().
 */
void
desk_credentials_lookup_async (gint64               account_id,
                               const char          *kind,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id > 0);
  g_return_if_fail (kind != NULL && *kind != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_credentials_lookup_async);
  g_task_set_task_data (task, item_data_new (account_id, kind), (GDestroyNotify) item_data_free);
  g_task_run_in_thread (task, lookup_in_thread);
}

/**
 * desk_credentials_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret, to be released with
 *   desk_credentials_free_secret(); %NULL without an error when there is none
 */
char *
desk_credentials_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_credentials_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Clear */

/**
 * desk_credentials_clear_sync:
 * @account_id: the account's id in the store
 * @kind: (nullable): the kind of secret, or %NULL for every kind that account has
 * @cancellable: (nullable): a #GCancellable
 * @error: a #DeskCredentialsError on failure
 *
 * Deletes the account's secret of that kind, or all its secrets. Nothing to delete is not an
 * error. Blocks for at most the time limit; from the main thread use
 * desk_credentials_clear_async().
 *
 * Returns: %TRUE unless the keyring failed
 */
gboolean
desk_credentials_clear_sync (gint64         account_id,
                             const char    *kind,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ret = FALSE;
  Call call;

  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (kind == NULL || *kind != '\0', FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  attributes = make_attributes (account_id, kind);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  call_begin (&call, cancellable);

  if (call_check_bus (&call, error))
    {
      guint n_items, n_locked;

      /* libsecret skips locked items: unlock what may be ours first (the keyring may prompt),
       * and only call the secrets gone when a search no longer finds any. */
      if (call_search (&call, &credential_schema_any_name, attributes, SECRET_SEARCH_UNLOCK,
                       &n_items, &n_locked, &local_error) &&
          n_locked > 0)
        {
          set_locked_error (error);
        }
      else if (local_error == NULL &&
               call_clear (&call, attributes, &local_error) &&
               call_search (&call, &credential_schema, attributes, SECRET_SEARCH_NONE,
                            &n_items, &n_locked, &local_error))
        {
          if (n_items == 0)
            ret = TRUE;
          else if (n_locked > 0)
            set_locked_error (error);
          else
            g_set_error_literal (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_FAILED,
                                 _("The desktop keyring did not delete this account’s passwords "
                                   "and tokens. Try again; if it keeps failing, remove them in "
                                   "the Passwords and Keys app."));
        }

      if (local_error != NULL)
        {
          g_debug ("Clearing the %s of account %" G_GINT64_FORMAT " failed: %s",
                   kind != NULL ? kind : "secrets", account_id, local_error->message);
          call_set_error (&call, error, STEP_KEYRING, local_error);
        }
    }

  call_end (&call);

  return ret;
}

static void
clear_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ItemData *data = task_data;
  GError *error = NULL;

  if (desk_credentials_clear_sync (data->account_id, data->kind, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * desk_credentials_clear_async:
 *
 * Like desk_credentials_clear_sync(), without blocking. Finish with
 * desk_credentials_clear_finish().
 */
void
desk_credentials_clear_async (gint64               account_id,
                              const char          *kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id > 0);
  g_return_if_fail (kind == NULL || *kind != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_credentials_clear_async);
  g_task_set_task_data (task, item_data_new (account_id, kind), (GDestroyNotify) item_data_free);
  g_task_run_in_thread (task, clear_in_thread);
}

gboolean
desk_credentials_clear_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_credentials_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
