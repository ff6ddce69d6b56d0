/* desk-sync-engine.c: moves messages from the networks into the store, and replies back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over an account:
 *   1. the outbox: replies waiting are sent, and replies whose last attempt ended with an
 *      unknown outcome are looked for on the network before they are sent again;
 *   2. every stream of the provider, page after page: each page and the cursor that follows
 *      it are stored in one transaction (desk_store_ingest), so a pass killed at any instant
 *      loses nothing and stores nothing twice;
 *   3. the threads of open conversations are re-read, to see replies posted from elsewhere
 *      and messages the network's notifications missed.
 * An account that fails never stops the others: it backs off (exponentially, with jitter),
 * waits for the network's rate-limit reset, or is marked "needs-sign-in".
 *
 * Why a pass failed is recorded on the account (accounts.last_error and last_error_code) for
 * the window to say, and cleared by the next pass that succeeds. Rate limits and network
 * trouble usually pass by themselves, so they are recorded only once SHOW_TRANSIENT_AFTER
 * passes in a row have failed (counted per engine, so never by a single `--sync-once`);
 * anything else (a webhook, a refusal, an unreadable answer, the keyring) at the first failure.
 * An account that needs signing in again says so with its state instead.
 *
 * In the app every account has a worker thread of its own; `frontdesk --sync-once` and the
 * tests run one pass of every account with desk_sync_engine_run_once().
 */
#define G_LOG_DOMAIN "desk-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-credentials.h"
#include "desk-sync-engine.h"

#define MAX_PAGES_PER_PASS   200
#define THREADS_PER_PASS     50   /* a pass a minute stays far under the rate limits */
#define MAX_BACKOFF          (15 * 60 * G_USEC_PER_SEC)
#define MIN_BACKOFF          (5 * G_USEC_PER_SEC)
#define SHOW_TRANSIENT_AFTER 3    /* failed passes in a row before network trouble is shown */

typedef struct
{
  DeskSyncEngine *engine;   /* unowned: the engine joins the thread before it goes */
  gint64          account_id;
  GThread        *thread;
  GCancellable   *cancellable;  /* this worker's: its account was removed, or the engine stops */
  guint           failures;
  gint            pushed;   /* atomic: the provider said news waits */
  gint            done;     /* atomic: the thread returned, so joining it does not block */
} AccountWorker;

struct _DeskSyncEngine
{
  GObject              parent_instance;

  DeskStore           *store;
  DeskProviderFactory  factory;
  GCancellable        *cancellable;
  GPtrArray           *workers;
  GPtrArray           *retired;    /* workers of removed accounts, stopping; joined later */
  GHashTable          *failures;   /* account id → failed passes in a row; under mutex */
  GMutex               mutex;
  GCond                cond;
  guint                wake_serial;
  gboolean             verbose;
};

G_DEFINE_FINAL_TYPE (DeskSyncEngine, desk_sync_engine, G_TYPE_OBJECT)

static void
report (DeskSyncEngine *self,
        const char     *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
report (DeskSyncEngine *self,
        const char     *format,
        ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->verbose)
    g_printerr ("frontdesk: %s\n", text);
  else
    g_debug ("%s", text);
}

/**
 * desk_sync_backoff_delay:
 * @failures: failures in a row, from 1
 * @random: a random 32-bit number
 *
 * Returns: how long to wait, in µs: doubling from 5 s up to 15 min, with the upper half
 *   jittered so that many clients do not come back at once
 */
gint64
desk_sync_backoff_delay (guint   failures,
                         guint32 random)
{
  gint64 delay = MIN_BACKOFF;

  for (guint i = 1; i < failures && delay < MAX_BACKOFF; i++)
    delay *= 2;
  delay = MIN (delay, MAX_BACKOFF);

  return delay / 2 + (gint64) ((delay / 2) * (random / (double) G_MAXUINT32));
}

/* Errors for the window */

/* Returns: the short code recorded for @error, or %NULL for errors the window shows otherwise
 *   (cancelled; needs signing in, which is the account's state); @transient says whether the
 *   failure usually passes by itself */
static const char *
error_code (const GError *error,
            gboolean     *transient)
{
  *transient = FALSE;

  if (error->domain == DESK_PROVIDER_ERROR)
    {
      switch ((DeskProviderError) error->code)
        {
        case DESK_PROVIDER_ERROR_NEEDS_SIGN_IN:
          return NULL;

        case DESK_PROVIDER_ERROR_WEBHOOK_SET:
          return "webhook-set";

        case DESK_PROVIDER_ERROR_RATE_LIMITED:
          *transient = TRUE;
          return "rate-limited";

        case DESK_PROVIDER_ERROR_NETWORK:
        case DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME:
          *transient = TRUE;
          return "network";

        case DESK_PROVIDER_ERROR_PROTOCOL:
          return "protocol";

        case DESK_PROVIDER_ERROR_REFUSED:
        case DESK_PROVIDER_ERROR_NO_DM_ACCESS:
        case DESK_PROVIDER_ERROR_TOO_LONG:
        default:
          return "refused";
        }
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  if (error->domain == DESK_CREDENTIALS_ERROR)
    return "keyring";
  if (error->domain == DESK_STORE_ERROR)
    return "store";
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    {
      *transient = TRUE;
      return "network";
    }

  return "failed";
}

/* Records how the account's pass ended (@error %NULL: it succeeded) for the window. */
static gboolean
note_outcome (DeskSyncEngine  *self,
              gint64           account_id,
              const GError    *outcome,
              GError         **error)
{
  const char *code = NULL;
  gboolean transient = FALSE;
  guint failures = 0;

  if (outcome != NULL && (code = error_code (outcome, &transient)) == NULL)
    return TRUE;

  g_mutex_lock (&self->mutex);
  if (outcome == NULL)
    {
      g_hash_table_remove (self->failures, &account_id);
    }
  else
    {
      failures = GPOINTER_TO_UINT (g_hash_table_lookup (self->failures, &account_id)) + 1;
      g_hash_table_replace (self->failures, g_memdup2 (&account_id, sizeof account_id),
                            GUINT_TO_POINTER (failures));
    }
  g_mutex_unlock (&self->mutex);

  if (transient && failures < SHOW_TRANSIENT_AFTER)
    return TRUE;

  return desk_store_set_account_error (self->store, account_id, code,
                                       outcome != NULL ? outcome->message : NULL, error);
}

static void
note_failure (DeskSyncEngine *self,
              gint64          account_id,
              const GError   *failure)
{
  g_autoptr(GError) error = NULL;

  if (!note_outcome (self, account_id, failure, &error))
    g_warning ("Cannot record why account %" G_GINT64_FORMAT " failed: %s", account_id,
               error->message);
}

/* The outbox */

static gboolean
send_one (DeskSyncEngine  *self,
          gint64           account_id,
          DeskProvider    *provider,
          DeskOutgoing    *reply,
          DeskSyncStats   *stats,
          GCancellable    *cancellable,
          GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *remote_id = NULL;
  DeskOutboxState next;

  if (reply->state == DESK_OUTBOX_UNKNOWN)
    {
      /* An earlier attempt may have posted it: look before sending again. */
      stats->requests++;
      remote_id = desk_provider_find_sent (provider, reply, cancellable, &local_error);
      if (remote_id == NULL &&
          g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME))
        {
          /* The network cannot say (Telegram has no way to look): the reply stays "unknown"
           * with the provider's words for the user, and the account syncs on. */
          report (self, "account %" G_GINT64_FORMAT ": reply %" G_GINT64_FORMAT
                  " left for the user: %s", account_id, reply->outbox_id, local_error->message);
          return desk_store_outbox_failed (self->store, reply->outbox_id, DESK_OUTBOX_UNKNOWN,
                                           local_error->message, error);
        }
      if (remote_id == NULL && local_error != NULL)
        {
          report (self, "account %" G_GINT64_FORMAT ": cannot check reply %" G_GINT64_FORMAT
                  " yet: %s", account_id, reply->outbox_id, local_error->message);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (remote_id != NULL)
        {
          report (self, "account %" G_GINT64_FORMAT ": reply %" G_GINT64_FORMAT
                  " was posted by an earlier attempt", account_id, reply->outbox_id);
          stats->replies_sent++;
          return desk_store_outbox_sent (self->store, reply->outbox_id, remote_id, error);
        }
    }

  if (!desk_store_outbox_begin_attempt (self->store, reply->outbox_id, error))
    return FALSE;

  stats->requests++;
  remote_id = desk_provider_send_reply (provider, reply, cancellable, &local_error);
  if (remote_id != NULL)
    {
      report (self, "account %" G_GINT64_FORMAT ": reply %" G_GINT64_FORMAT " posted",
              account_id, reply->outbox_id);
      stats->replies_sent++;
      return desk_store_outbox_sent (self->store, reply->outbox_id, remote_id, error);
    }

  if (local_error->domain == DESK_PROVIDER_ERROR)
    {
      switch ((DeskProviderError) local_error->code)
        {
        case DESK_PROVIDER_ERROR_NETWORK:
        case DESK_PROVIDER_ERROR_RATE_LIMITED:
        case DESK_PROVIDER_ERROR_NEEDS_SIGN_IN:
          next = DESK_OUTBOX_QUEUED;      /* certainly not posted: send again later */
          break;

        case DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME:
        case DESK_PROVIDER_ERROR_PROTOCOL:
          next = DESK_OUTBOX_UNKNOWN;     /* may be posted: check before sending again */
          break;

        case DESK_PROVIDER_ERROR_REFUSED:
        case DESK_PROVIDER_ERROR_NO_DM_ACCESS:
        case DESK_PROVIDER_ERROR_TOO_LONG:
        case DESK_PROVIDER_ERROR_WEBHOOK_SET:
        default:
          next = DESK_OUTBOX_FAILED;
          break;
        }
    }
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    next = DESK_OUTBOX_UNKNOWN;
  else
    next = DESK_OUTBOX_UNKNOWN;

  if (next == DESK_OUTBOX_FAILED)
    stats->replies_failed++;

  report (self, "account %" G_GINT64_FORMAT ": reply %" G_GINT64_FORMAT " not posted (%s): %s",
          account_id, reply->outbox_id,
          next == DESK_OUTBOX_FAILED ? "failed" : next == DESK_OUTBOX_UNKNOWN ? "unknown" : "queued",
          local_error->message);

  if (!desk_store_outbox_failed (self->store, reply->outbox_id, next, local_error->message, error))
    return FALSE;

  /* A refused reply does not stop the others; anything else stops this pass's sending. */
  if (next == DESK_OUTBOX_FAILED)
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
send_outbox (DeskSyncEngine  *self,
             gint64           account_id,
             DeskProvider    *provider,
             DeskSyncStats   *stats,
             GCancellable    *cancellable,
             GError         **error)
{
  g_autoptr(GPtrArray) pending = NULL;

  pending = desk_store_outbox_pending (self->store, account_id, error);
  if (pending == NULL)
    return FALSE;

  for (guint i = 0; i < pending->len; i++)
    {
      if (!send_one (self, account_id, provider, g_ptr_array_index (pending, i), stats,
                     cancellable, error))
        return FALSE;
    }

  return TRUE;
}

/* Fetching */

static gboolean
fetch_stream (DeskSyncEngine  *self,
              gint64           account_id,
              DeskProvider    *provider,
              const char      *stream,
              DeskSyncStats   *stats,
              gint64          *retry_after,
              GCancellable    *cancellable,
              GError         **error)
{
  for (guint page = 0; page < MAX_PAGES_PER_PASS; page++)
    {
      g_autoptr(DeskFetchResult) result = NULL;
      g_autofree char *cursor = NULL;
      guint added = 0;

      cursor = desk_store_get_cursor (self->store, account_id, stream, error);
      if (cursor == NULL && error != NULL && *error != NULL)
        return FALSE;

      stats->requests++;
      result = desk_provider_fetch (provider, stream, cursor, cancellable, error);
      if (result == NULL)
        return FALSE;

      if (!desk_store_ingest (self->store, account_id, result->messages,
                              result->cursor != NULL ? stream : NULL, result->cursor,
                              &added, error))
        return FALSE;

      stats->pages++;
      stats->messages_added += added;
      if (result->retry_after > *retry_after)
        *retry_after = result->retry_after;

      report (self, "account %" G_GINT64_FORMAT ": %s: %u new of %u", account_id, stream,
              added, result->messages->len);

      if (!result->more)
        break;
      if (result->retry_after > g_get_real_time ())
        break;  /* out of requests for now: continue after the reset */
    }

  return TRUE;
}

static gboolean
refresh_threads (DeskSyncEngine  *self,
                 gint64           account_id,
                 DeskProvider    *provider,
                 DeskSyncStats   *stats,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GPtrArray) threads = NULL;

  threads = desk_store_list_open_threads (self->store, account_id, THREADS_PER_PASS, error);
  if (threads == NULL)
    return FALSE;

  for (guint i = 0; i < threads->len; i++)
    {
      DeskMessage *thread = g_ptr_array_index (threads, i);
      g_autoptr(GPtrArray) messages = NULL;
      guint added = 0;

      stats->requests++;
      messages = desk_provider_fetch_thread (provider, thread->kind, thread->thread_id,
                                             cancellable, error);
      if (messages == NULL)
        return FALSE;

      if (!desk_store_ingest (self->store, account_id, messages, NULL, NULL, &added, error))
        return FALSE;

      stats->messages_added += added;
      if (added > 0)
        report (self, "account %" G_GINT64_FORMAT ": %u new in a thread", account_id, added);
    }

  return TRUE;
}

/**
 * desk_sync_engine_sync_account:
 * @next_run: (out) (optional): when this account should be synced next (UNIX µs)
 *
 * One pass over one account: outbox, streams, open threads. Blocks; run it in a worker thread.
 */
gboolean
desk_sync_engine_sync_account (DeskSyncEngine  *self,
                               gint64           account_id,
                               DeskProvider    *provider,
                               DeskSyncStats   *stats,
                               gint64          *next_run,
                               GCancellable    *cancellable,
                               GError         **error)
{
  DeskProviderCapabilities capabilities;
  g_autoptr(GError) local_error = NULL;
  const char * const *streams;
  gint64 retry_after = 0;
  DeskSyncStats dummy = { 0 };

  g_return_val_if_fail (DESK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (DESK_IS_PROVIDER (provider), FALSE);

  if (stats == NULL)
    stats = &dummy;

  desk_provider_get_capabilities (provider, &capabilities);
  streams = desk_provider_list_streams (provider);

  if (!send_outbox (self, account_id, provider, stats, cancellable, &local_error))
    goto failed;

  for (guint i = 0; streams[i] != NULL; i++)
    {
      if (!fetch_stream (self, account_id, provider, streams[i], stats, &retry_after,
                         cancellable, &local_error))
        {
          /* Credentials without access to one stream (DMs) do not stop the others. */
          if (g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NO_DM_ACCESS))
            {
              report (self, "account %" G_GINT64_FORMAT ": %s", account_id, local_error->message);
              g_clear_error (&local_error);
              continue;
            }
          goto failed;
        }
    }

  if (!refresh_threads (self, account_id, provider, stats, cancellable, &local_error))
    goto failed;

  if (!desk_store_set_account_state (self->store, account_id, "ok", &local_error))
    goto failed;

  if (!note_outcome (self, account_id, NULL, &local_error))
    goto failed;

  if (next_run != NULL)
    *next_run = MAX (retry_after,
                     g_get_real_time () + (gint64) MAX (capabilities.poll_interval_seconds, 1) * G_USEC_PER_SEC);

  return TRUE;

failed:
  if (g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN))
    {
      g_autoptr(GError) state_error = NULL;

      if (!desk_store_set_account_state (self->store, account_id, "needs-sign-in", &state_error))
        g_warning ("Cannot mark account %" G_GINT64_FORMAT ": %s", account_id, state_error->message);
    }
  else
    {
      note_failure (self, account_id, local_error);
    }

  if (next_run != NULL)
    *next_run = retry_after;

  report (self, "account %" G_GINT64_FORMAT ": %s", account_id, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

/**
 * desk_sync_engine_run_once:
 * @stats: (out caller-allocates) (optional): what the pass did
 *
 * One pass over every account, one after the other. An account that fails is reported and the
 * others are synced all the same. Blocks: for the command line and tests.
 *
 * Returns: %TRUE when every account synced; otherwise %FALSE with @error set to the first failure
 */
gboolean
desk_sync_engine_run_once (DeskSyncEngine  *self,
                           DeskSyncStats   *stats,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) first_error = NULL;
  DeskSyncStats dummy = { 0 };

  g_return_val_if_fail (DESK_IS_SYNC_ENGINE (self), FALSE);

  if (stats == NULL)
    stats = &dummy;
  memset (stats, 0, sizeof *stats);

  accounts = desk_store_list_accounts (self->store, error);
  if (accounts == NULL)
    return FALSE;

  for (guint i = 0; i < accounts->len; i++)
    {
      const DeskAccountInfo *account = g_ptr_array_index (accounts, i);
      g_autoptr(DeskProvider) provider = NULL;
      g_autoptr(GError) local_error = NULL;

      if (g_strcmp0 (account->state, "disabled") == 0)
        continue;

      stats->accounts++;
      report (self, "account %" G_GINT64_FORMAT ": syncing %s %s", account->id, account->network,
              account->handle);

      provider = self->factory (self->store, account, &local_error);
      if (provider == NULL ||
          !desk_sync_engine_sync_account (self, account->id, provider, stats, NULL, cancellable,
                                          &local_error))
        {
          stats->accounts_failed++;
          if (provider == NULL)
            {
              report (self, "account %" G_GINT64_FORMAT ": %s", account->id, local_error->message);
              note_failure (self, account->id, local_error);
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
        }
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/* Background sync: a worker thread per account */

static gboolean
wait_until (DeskSyncEngine *self,
            AccountWorker  *worker,
            gint64          until_real)
{
  guint serial;
  gboolean woken = FALSE;

  g_mutex_lock (&self->mutex);
  serial = self->wake_serial;
  while (!g_cancellable_is_cancelled (worker->cancellable) && self->wake_serial == serial &&
         !g_atomic_int_compare_and_exchange (&worker->pushed, 1, 0))
    {
      gint64 now = g_get_real_time ();

      if (now >= until_real)
        break;
      g_cond_wait_until (&self->cond, &self->mutex,
                         g_get_monotonic_time () + MIN (until_real - now, 60 * G_USEC_PER_SEC));
    }
  woken = self->wake_serial != serial;
  g_mutex_unlock (&self->mutex);

  return woken;
}

/* The provider's push (any thread): this account only syncs now. */
static void
account_pushed (gpointer user_data)
{
  AccountWorker *worker = user_data;
  DeskSyncEngine *self = worker->engine;

  g_mutex_lock (&self->mutex);
  g_atomic_int_set (&worker->pushed, 1);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static gpointer
account_thread (gpointer data)
{
  AccountWorker *worker = data;
  DeskSyncEngine *self = worker->engine;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(DeskProvider) provider = NULL;
  gboolean pushing = FALSE;

  g_main_context_push_thread_default (context);

  while (!g_cancellable_is_cancelled (worker->cancellable))
    {
      g_autoptr(GError) error = NULL;
      gint64 next_run = 0;

      if (provider == NULL)
        {
          g_autoptr(GPtrArray) accounts = desk_store_list_accounts (self->store, &error);

          for (guint i = 0; accounts != NULL && i < accounts->len; i++)
            {
              DeskAccountInfo *account = g_ptr_array_index (accounts, i);

              if (account->id == worker->account_id)
                provider = self->factory (self->store, account, &error);
            }

          if (provider == NULL && error != NULL)
            note_failure (self, worker->account_id, error);
        }

      if (provider != NULL &&
          desk_sync_engine_sync_account (self, worker->account_id, provider, NULL, &next_run,
                                         worker->cancellable, &error))
        {
          worker->failures = 0;

          /* Once the account syncs, news may also come pushed; the pushes end with the
           * provider. */
          if (!pushing)
            pushing = desk_provider_start_push (provider, account_pushed, worker);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          break;
        }
      else if (g_error_matches (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN) ||
               (error != NULL && error->domain == DESK_CREDENTIALS_ERROR))
        {
          /* Nothing to do until the user signs in again or unlocks the keyring, which wakes
           * us: retrying on a timer would only open one unlock prompt after another. */
          g_clear_object (&provider);
          pushing = FALSE;
          next_run = G_MAXINT64;
        }
      else
        {
          worker->failures++;
          next_run = MAX (next_run, g_get_real_time () +
                          desk_sync_backoff_delay (worker->failures, g_random_int ()));
        }

      wait_until (self, worker, next_run);
    }

  /* The provider's pushes end with it: release it before saying the thread is done. */
  g_clear_object (&provider);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&worker->done, 1);

  return NULL;
}

static void
worker_join (AccountWorker *worker)
{
  g_thread_join (worker->thread);
  g_clear_object (&worker->cancellable);
  g_free (worker);
}

/* Stops the workers of accounts no longer in @accounts (removed from the store) without
 * waiting for them: a request under way is cancelled, and the thread is joined once it ended
 * (here next time, or when the engine stops). */
static void
retire_removed (DeskSyncEngine *self,
                GPtrArray      *accounts)
{
  for (guint i = self->retired->len; i > 0; i--)
    {
      AccountWorker *worker = g_ptr_array_index (self->retired, i - 1);

      if (g_atomic_int_get (&worker->done))
        {
          worker_join (worker);
          g_ptr_array_remove_index_fast (self->retired, i - 1);
        }
    }

  for (guint i = self->workers->len; i > 0; i--)
    {
      AccountWorker *worker = g_ptr_array_index (self->workers, i - 1);
      gboolean listed = FALSE;

      for (guint j = 0; j < accounts->len && !listed; j++)
        listed = ((DeskAccountInfo *) g_ptr_array_index (accounts, j))->id == worker->account_id;

      if (listed)
        continue;

      g_cancellable_cancel (worker->cancellable);
      g_ptr_array_remove_index (self->workers, i - 1);
      g_ptr_array_add (self->retired, worker);
    }

  /* Wake the retired workers from their wait, under the mutex so none misses it. */
  desk_sync_engine_wake (self);
}

static gboolean
has_worker (DeskSyncEngine *self,
            gint64          account_id)
{
  for (guint i = 0; i < self->workers->len; i++)
    if (((AccountWorker *) g_ptr_array_index (self->workers, i))->account_id == account_id)
      return TRUE;

  return FALSE;
}

/**
 * desk_sync_engine_start_accounts:
 * @accounts: (element-type DeskAccountInfo): the store's accounts, as the caller read them
 *
 * Starts a worker thread for every account of @accounts that has none yet, and stops the
 * workers of accounts that are no longer in it: call it again after an account was added or
 * removed. Messages land in the store, whose signals tell the UI.
 */
void
desk_sync_engine_start_accounts (DeskSyncEngine *self,
                                 GPtrArray      *accounts)
{
  g_return_if_fail (DESK_IS_SYNC_ENGINE (self));
  g_return_if_fail (accounts != NULL);

  if (self->workers->len == 0)
    g_cancellable_reset (self->cancellable);

  retire_removed (self, accounts);

  for (guint i = 0; i < accounts->len; i++)
    {
      const DeskAccountInfo *account = g_ptr_array_index (accounts, i);
      AccountWorker *worker;
      g_autofree char *name = NULL;

      if (g_strcmp0 (account->state, "disabled") == 0 || has_worker (self, account->id))
        continue;

      worker = g_new0 (AccountWorker, 1);
      worker->engine = self;
      worker->account_id = account->id;
      worker->cancellable = g_cancellable_new ();
      name = g_strdup_printf ("sync-%" G_GINT64_FORMAT, account->id);
      worker->thread = g_thread_new (name, account_thread, worker);
      g_ptr_array_add (self->workers, worker);
    }
}

/**
 * desk_sync_engine_start:
 *
 * Reads the accounts and starts their workers: desk_sync_engine_start_accounts() for callers
 * that may block (command line, tests). From the main thread, read the accounts with
 * desk_store_list_accounts_async() and call desk_sync_engine_start_accounts().
 */
void
desk_sync_engine_start (DeskSyncEngine *self)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DESK_IS_SYNC_ENGINE (self));

  accounts = desk_store_list_accounts (self->store, &error);
  if (accounts == NULL)
    {
      g_warning ("Cannot start syncing: %s", error->message);
      return;
    }

  desk_sync_engine_start_accounts (self, accounts);
}

void
desk_sync_engine_wake (DeskSyncEngine *self)
{
  g_return_if_fail (DESK_IS_SYNC_ENGINE (self));

  g_mutex_lock (&self->mutex);
  self->wake_serial++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * desk_sync_engine_stop:
 *
 * Cancels the requests under way and waits for the worker threads. A reply cut short is left
 * "unknown" in the outbox and checked on the network at the next start.
 */
void
desk_sync_engine_stop (DeskSyncEngine *self)
{
  g_return_if_fail (DESK_IS_SYNC_ENGINE (self));

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->workers->len; i++)
    g_cancellable_cancel (((AccountWorker *) g_ptr_array_index (self->workers, i))->cancellable);
  desk_sync_engine_wake (self);

  for (guint i = 0; i < self->workers->len; i++)
    worker_join (g_ptr_array_index (self->workers, i));
  g_ptr_array_set_size (self->workers, 0);

  for (guint i = 0; i < self->retired->len; i++)
    worker_join (g_ptr_array_index (self->retired, i));
  g_ptr_array_set_size (self->retired, 0);
}

void
desk_sync_engine_set_verbose (DeskSyncEngine *self,
                              gboolean        verbose)
{
  g_return_if_fail (DESK_IS_SYNC_ENGINE (self));
  self->verbose = !!verbose;
}

static void
desk_sync_engine_dispose (GObject *object)
{
  DeskSyncEngine *self = (DeskSyncEngine *)object;

  desk_sync_engine_stop (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_sync_engine_parent_class)->dispose (object);
}

static void
desk_sync_engine_finalize (GObject *object)
{
  DeskSyncEngine *self = (DeskSyncEngine *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->workers, g_ptr_array_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (desk_sync_engine_parent_class)->finalize (object);
}

static void
desk_sync_engine_class_init (DeskSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_sync_engine_dispose;
  object_class->finalize = desk_sync_engine_finalize;
}

static void
desk_sync_engine_init (DeskSyncEngine *self)
{
  self->cancellable = g_cancellable_new ();
  self->workers = g_ptr_array_new ();
  self->retired = g_ptr_array_new ();
  self->failures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

DeskSyncEngine *
desk_sync_engine_new (DeskStore           *store,
                      DeskProviderFactory  factory)
{
  DeskSyncEngine *self;

  g_return_val_if_fail (DESK_IS_STORE (store), NULL);
  g_return_val_if_fail (factory != NULL, NULL);

  self = g_object_new (DESK_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->factory = factory;

  return self;
}
