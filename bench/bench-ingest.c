/* bench-ingest.c: messages per second through desk_store_ingest() vs. plain prepared INSERTs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sides start from a fresh store file opened by desk_store_open() (WAL, synchronous=FULL,
 * the full schema with its FTS triggers), get the same pre-generated messages in the same
 * batches, one transaction per batch, and are timed from the first batch to the last commit.
 * Generating the messages and opening or closing the file are not timed.
 *
 * The baseline is the floor for those rows: it inserts each new contact and conversation once
 * (it keeps their ids in memory) and every message, and does nothing else: no snippet, no
 * response-time bookkeeping, no lookups.
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <unistd.h>

#include "bench-common.h"
#include "bench.h"
#include "desk-store-private.h"
#include "desk-synth.h"

typedef struct
{
  GHashTable   *contacts;        /* "account:author id" → id */
  GHashTable   *conversations;   /* "account:kind:thread" → id */
  sqlite3_stmt *insert_contact;
  sqlite3_stmt *insert_conversation;
  sqlite3_stmt *insert_message;
} Baseline;

static DeskStore *
open_fresh (const char  *path,
            DeskSynth   *synth,
            gint64      *account_ids,
            GError     **error)
{
  g_autoptr(DeskStore) store = NULL;

  bench_remove_store (path);

  store = desk_store_open (path, error);
  if (store == NULL)
    return NULL;

  for (guint a = 0; a < desk_synth_get_n_accounts (synth); a++)
    {
      account_ids[a] = desk_store_add_account (store, desk_synth_get_account (synth, a), error);
      if (account_ids[a] == 0)
        return NULL;
    }

  return g_steal_pointer (&store);
}

static gboolean
run_api (DeskStore     *store,
         GPtrArray     *batches,
         const gint64  *account_ids,
         double        *ms,
         GError       **error)
{
  gint64 start = g_get_monotonic_time ();

  for (guint b = 0; b < batches->len; b++)
    {
      DeskSynthBatch *batch = g_ptr_array_index (batches, b);

      if (!desk_store_ingest (store, account_ids[batch->account], batch->messages, "inbox",
                              batch->cursor, NULL, error))
        return FALSE;
    }

  *ms = bench_elapsed_ms (start);

  return TRUE;
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, db, rc, what);

  return TRUE;
}

static gboolean
baseline_batch (sqlite3         *db,
                Baseline        *base,
                gint64           account_id,
                DeskSynthBatch  *batch,
                GError         **error)
{
  for (guint i = 0; i < batch->messages->len; i++)
    {
      const DeskMessage *m = g_ptr_array_index (batch->messages, i);
      gboolean in = m->direction == DESK_DIRECTION_IN;
      const char *kind = m->kind == DESK_CONVERSATION_DM ? "dm" : "public";
      g_autofree char *contact_key = NULL;
      g_autofree char *conversation_key = NULL;
      gint64 contact_id = 0;
      gint64 conversation_id;
      gpointer value;

      if (in)
        {
          contact_key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", account_id, m->author_id);
          if (g_hash_table_lookup_extended (base->contacts, contact_key, NULL, &value))
            contact_id = GPOINTER_TO_SIZE (value);
          else
            {
              sqlite3_stmt *stmt = base->insert_contact;

              sqlite3_bind_int64 (stmt, 1, account_id);
              sqlite3_bind_text (stmt, 2, m->author_id, -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, 3, m->author_handle, -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, 4, m->author_name, -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, 5, m->author_avatar_url, -1, SQLITE_STATIC);
              if (!step_done (db, stmt, "insert a contact", error))
                return FALSE;
              contact_id = sqlite3_last_insert_rowid (db);
              g_hash_table_insert (base->contacts, g_steal_pointer (&contact_key),
                                   GSIZE_TO_POINTER (contact_id));
            }
        }

      conversation_key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s:%s", account_id, kind,
                                          m->thread_id);
      if (g_hash_table_lookup_extended (base->conversations, conversation_key, NULL, &value))
        conversation_id = GPOINTER_TO_SIZE (value);
      else
        {
          sqlite3_stmt *stmt = base->insert_conversation;

          sqlite3_bind_int64 (stmt, 1, account_id);
          if (contact_id != 0)
            sqlite3_bind_int64 (stmt, 2, contact_id);
          else
            sqlite3_bind_null (stmt, 2);
          sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4, m->thread_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 5, m->created_at);
          if (!step_done (db, stmt, "insert a conversation", error))
            return FALSE;
          conversation_id = sqlite3_last_insert_rowid (db);
          g_hash_table_insert (base->conversations, g_steal_pointer (&conversation_key),
                               GSIZE_TO_POINTER (conversation_id));
        }

      {
        sqlite3_stmt *stmt = base->insert_message;

        sqlite3_bind_int64 (stmt, 1, account_id);
        sqlite3_bind_int64 (stmt, 2, conversation_id);
        sqlite3_bind_text (stmt, 3, m->remote_id, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, in ? "in" : "out", -1, SQLITE_STATIC);
        if (contact_id != 0)
          sqlite3_bind_int64 (stmt, 5, contact_id);
        else
          sqlite3_bind_null (stmt, 5);
        sqlite3_bind_text (stmt, 6, m->text, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 7, m->created_at);
        sqlite3_bind_text (stmt, 8, m->reply_to_id, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 9, m->kind == DESK_CONVERSATION_DM);
        sqlite3_bind_text (stmt, 10, m->agent_initials, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 11, m->raw_json, -1, SQLITE_STATIC);
        if (!step_done (db, stmt, "insert a message", error))
          return FALSE;
      }
    }

  return TRUE;
}

static gboolean
prepare (sqlite3        *db,
         const char     *sql,
         sqlite3_stmt  **stmt,
         GError        **error)
{
  int rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);

  if (rc != SQLITE_OK)
    return desk_store_set_error_from_sqlite (error, db, rc, "prepare the baseline");

  return TRUE;
}

static gboolean
run_baseline (DeskStore     *store,
              GPtrArray     *batches,
              const gint64  *account_ids,
              double        *ms,
              GError       **error)
{
  sqlite3 *db = desk_store_get_db (store);
  Baseline base = { 0 };
  gboolean ret = FALSE;
  gint64 start;
  int rc;

  base.contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  base.conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!prepare (db, "INSERT INTO contacts (account_id, remote_id, handle, display_name, avatar_url)"
                    " VALUES (?1, ?2, coalesce (?3, ''), coalesce (?4, ''), coalesce (?5, ''))",
                &base.insert_contact, error) ||
      !prepare (db, "INSERT INTO conversations (account_id, contact_id, kind, remote_thread_id,"
                    "                           last_message_at)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)",
                &base.insert_conversation, error) ||
      !prepare (db, "INSERT INTO messages (account_id, conversation_id, remote_id, direction,"
                    "                      author_contact_id, body, created_at,"
                    "                      reply_to_remote_id, is_dm, agent_initials, raw_json)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                &base.insert_message, error))
    goto out;

  start = g_get_monotonic_time ();

  for (guint b = 0; b < batches->len; b++)
    {
      DeskSynthBatch *batch = g_ptr_array_index (batches, b);

      rc = sqlite3_exec (db, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          desk_store_set_error_from_sqlite (error, db, rc, "begin");
          goto out;
        }

      if (!baseline_batch (db, &base, account_ids[batch->account], batch, error))
        {
          sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
          goto out;
        }

      rc = sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          desk_store_set_error_from_sqlite (error, db, rc, "commit");
          goto out;
        }
    }

  *ms = bench_elapsed_ms (start);
  ret = TRUE;

out:
  sqlite3_finalize (base.insert_contact);
  sqlite3_finalize (base.insert_conversation);
  sqlite3_finalize (base.insert_message);
  g_hash_table_unref (base.contacts);
  g_hash_table_unref (base.conversations);

  return ret;
}

static guint
count_messages (DeskStore *store)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  if (sqlite3_prepare_v2 (desk_store_get_db (store), "SELECT count(*) FROM messages", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

gboolean
bench_ingest (const BenchOptions  *options,
              GError             **error)
{
  g_autoptr(DeskSynth) synth = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GArray) api_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *api_path = g_build_filename (options->data_dir, "ingest-api.db", NULL);
  g_autofree char *base_path = g_build_filename (options->data_dir, "ingest-baseline.db", NULL);
  g_autofree char *n_text = bench_count (options->ingest_messages);
  g_autofree char *subtitle = NULL;
  g_autofree char *api_rate_text = NULL;
  g_autofree char *base_rate_text = NULL;
  g_autofree char *value = NULL;
  g_autofree char *baseline = NULL;
  gint64 account_ids[16];
  double api_rate, base_rate, ratio;
  gint64 start;

  subtitle = g_strdup_printf ("%s messages, batches of %u, runs: %u of each (median); a fresh "
                              "store per run: WAL, synchronous=FULL, FTS triggers",
                              n_text, options->ingest_batch, options->ingest_rounds);
  bench_section ("Ingest", subtitle);

  start = g_get_monotonic_time ();
  synth = desk_synth_new (options->seed, g_get_real_time (), 4);
  g_assert (desk_synth_get_n_accounts (synth) <= G_N_ELEMENTS (account_ids));
  batches = desk_synth_generate_batches (synth, options->ingest_messages, options->ingest_batch);
  g_print ("  generated %u batches in %.1f s (not timed)\n", batches->len,
           bench_elapsed_ms (start) / 1000);

  for (guint round = 0; round < options->ingest_rounds; round++)
    {
      /* Alternate which side goes first, so neither always gets the warmer cache. */
      for (guint side = 0; side < 2; side++)
        {
          gboolean api = (side + round) % 2 == 0;
          const char *path = api ? api_path : base_path;
          g_autoptr(DeskStore) store = open_fresh (path, synth, account_ids, error);
          double ms = 0;
          guint stored;

          if (store == NULL)
            return FALSE;

          /* Let the previous run's writes reach the disk, so they do not slow this one down. */
          sync ();
          g_usleep (G_USEC_PER_SEC / 2);

          if (api ? !run_api (store, batches, account_ids, &ms, error)
                  : !run_baseline (store, batches, account_ids, &ms, error))
            return FALSE;

          stored = count_messages (store);
          if (stored != options->ingest_messages)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "%s stored %u messages of %u", api ? "ingest" : "baseline", stored,
                           options->ingest_messages);
              return FALSE;
            }

          desk_store_close (store);
          g_array_append_val (api ? api_ms : base_ms, ms);
          g_print ("  round %u  %-28s %8.0f msgs/s  (%.2f s)\n", round + 1,
                   api ? "desk_store_ingest()" : "baseline: prepared INSERTs",
                   options->ingest_messages / (ms / 1000), ms / 1000);
        }
    }

  bench_remove_store (api_path);
  bench_remove_store (base_path);

  api_rate = options->ingest_messages / (bench_median (api_ms) / 1000);
  base_rate = options->ingest_messages / (bench_median (base_ms) / 1000);
  ratio = api_rate / base_rate;

  api_rate_text = bench_count ((guint64) api_rate);
  base_rate_text = bench_count ((guint64) base_rate);
  g_print ("  median   desk_store_ingest()          %s msgs/s\n", api_rate_text);
  g_print ("  median   baseline: prepared INSERTs   %s msgs/s\n", base_rate_text);
  g_print ("  ratio    %.2f  (goal ≥ 0.5)\n", ratio);

  value = g_strdup_printf ("%s msgs/s", api_rate_text);
  baseline = g_strdup_printf ("%s msgs/s", base_rate_text);
  bench_summary_add ("ingest, desk_store_ingest()", value, baseline, NULL, BENCH_GOAL_NONE);
  g_free (value);
  value = g_strdup_printf ("%.2f", ratio);
  bench_summary_add ("ingest ratio, API / baseline", value, "1.00", "≥ 0.5",
                     ratio >= 0.5 ? BENCH_GOAL_MET : BENCH_GOAL_MISSED);

  return TRUE;
}
