/* desk-store.c: the local inbox database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SQLite file in WAL mode. One connection, opened in serialized mode and guarded by a
 * recursive mutex so that a transaction is never interleaved with another thread's statements;
 * callers on the main thread use the _async API (or DeskInboxModel, which runs its queries in a
 * worker thread), so the UI never waits for SQLite.
 *
 * A second running Frontdesk is kept out by an advisory lock on "<file>.lock", held as long as
 * the store is open. The store never deletes, truncates or recreates a file it cannot read: it
 * reports why and leaves the file as it found it.
 *
 * Changes are announced on the main context of the thread that opened the store, after the
 * transaction that made them has committed, with the ids of the conversations they touched.
 */
#define G_LOG_DOMAIN "desk-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "desk-conversation.h"
#include "desk-store-private.h"

#define SNIPPET_CHARS 200

struct _DeskStore
{
  GObject       parent_instance;

  char         *path;
  sqlite3      *db;
  int           lock_fd;
  GRecMutex     mutex;
  GHashTable   *statements;     /* SQL → sqlite3_stmt, used under mutex */
  GMainContext *main_context;
  GArray       *pending_changes; /* conversation ids changed in the open transaction */
  guint         in_transaction;
  guint64       rows_loaded;
};

G_DEFINE_FINAL_TYPE (DeskStore, desk_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (desk-store-error-quark, desk_store_error)

enum {
  CONVERSATIONS_CHANGED,
  TAGS_CHANGED,
  ACCOUNTS_CHANGED,
  CANNED_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Errors */

/**
 * desk_store_set_error_from_sqlite:
 *
 * Turns a SQLite result code into a #DeskStoreError with words a user can act on. @what says
 * what Frontdesk was doing, for the technical detail that follows the sentence.
 *
 * Returns: %FALSE, always, so callers can `return desk_store_set_error_from_sqlite (…)`.
 */
gboolean
desk_store_set_error_from_sqlite (GError     **error,
                                  sqlite3     *db,
                                  int          rc,
                                  const char  *what)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_CORRUPT,
                   _("The inbox database is damaged or is not a Frontdesk database. Frontdesk has "
                     "not changed it: move it aside to start a new inbox, or restore it from a "
                     "backup. (%s: %s)"),
                   what, detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_LOCKED,
                   _("The inbox is in use by another Frontdesk. Close it and try again. (%s: %s)"),
                   what, detail);
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_READ_ONLY,
                   _("The inbox database cannot be written. Check that its folder is writable and "
                     "its disk is not read-only. (%s: %s)"),
                   what, detail);
      break;

    case SQLITE_FULL:
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_FULL,
                   _("The disk is full, so the last change was not saved; nothing stored before "
                     "it was lost. Free some space and try again. (%s: %s)"),
                   what, detail);
      break;

    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                   _("Frontdesk refused to store invalid data. (%s: %s)"), what, detail);
      break;

    default:
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_FAILED,
                   _("The inbox database failed. (%s: %s)"), what, detail);
      break;
    }

  return FALSE;
}

/* Statements */

static sqlite3_stmt *
get_statement (DeskStore   *self,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_assert (self->db != NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "prepare a query");
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return stmt;
}

static gboolean
check_open (DeskStore  *self,
            GError    **error)
{
  if (self->db != NULL)
    return TRUE;

  g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_FAILED,
                       _("The inbox database is closed."));
  return FALSE;
}

static gboolean
exec (DeskStore   *self,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return desk_store_set_error_from_sqlite (error, self->db, rc, sql);

  return TRUE;
}

/* Change notification */

typedef struct
{
  DeskStore *self;
  GArray    *ids;
  guint      signal_id;
} EmitData;

static gboolean
emit_on_main_context (gpointer user_data)
{
  EmitData *data = user_data;

  if (data->ids != NULL)
    g_signal_emit (data->self, signals[data->signal_id], 0, data->ids);
  else
    g_signal_emit (data->self, signals[data->signal_id], 0);

  g_clear_pointer (&data->ids, g_array_unref);
  g_clear_object (&data->self);
  g_free (data);

  return G_SOURCE_REMOVE;
}

static void
queue_emit (DeskStore *self,
            guint      signal_id,
            GArray    *ids)
{
  EmitData *data = g_new0 (EmitData, 1);

  data->self = g_object_ref (self);
  data->ids = ids;
  data->signal_id = signal_id;

  g_main_context_invoke (self->main_context, emit_on_main_context, data);
}

static void
note_conversation_changed (DeskStore *self,
                           gint64     conversation_id)
{
  g_array_append_val (self->pending_changes, conversation_id);
}

static gboolean
begin (DeskStore  *self,
       GError    **error)
{
  g_assert (self->in_transaction == 0);

  if (!exec (self, "BEGIN IMMEDIATE;", error))
    return FALSE;

  self->in_transaction++;
  g_array_set_size (self->pending_changes, 0);

  return TRUE;
}

static gboolean
commit (DeskStore  *self,
        GError    **error)
{
  g_assert (self->in_transaction == 1);

  if (!exec (self, "COMMIT;", error))
    return FALSE;

  self->in_transaction--;

  if (self->pending_changes->len > 0)
    {
      GArray *ids = g_array_copy (self->pending_changes);

      g_array_set_size (self->pending_changes, 0);
      queue_emit (self, CONVERSATIONS_CHANGED, ids);
    }

  return TRUE;
}

static void
rollback (DeskStore *self)
{
  if (self->in_transaction == 0)
    return;

  /* ROLLBACK can fail only when SQLite already rolled back (e.g. on SQLITE_FULL). */
  sqlite3_exec (self->db, "ROLLBACK;", NULL, NULL, NULL);
  self->in_transaction = 0;
  g_array_set_size (self->pending_changes, 0);
}

/* Object */

static void
desk_store_dispose (GObject *object)
{
  DeskStore *self = (DeskStore *)object;

  desk_store_close (self);

  G_OBJECT_CLASS (desk_store_parent_class)->dispose (object);
}

static void
desk_store_finalize (GObject *object)
{
  DeskStore *self = (DeskStore *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->pending_changes, g_array_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_rec_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (desk_store_parent_class)->finalize (object);
}

static void
desk_store_class_init (DeskStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = desk_store_dispose;
  object_class->finalize = desk_store_finalize;

  /**
   * DeskStore::conversations-changed:
   * @ids: (element-type gint64): the conversations whose row changed, was added or removed
   */
  signals[CONVERSATIONS_CHANGED] =
    g_signal_new ("conversations-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ARRAY);

  signals[TAGS_CHANGED] =
    g_signal_new ("tags-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[ACCOUNTS_CHANGED] =
    g_signal_new ("accounts-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * DeskStore::canned-changed:
   *
   * The library of canned responses changed.
   */
  signals[CANNED_CHANGED] =
    g_signal_new ("canned-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
desk_store_init (DeskStore *self)
{
  self->lock_fd = -1;
  g_rec_mutex_init (&self->mutex);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->pending_changes = g_array_new (FALSE, FALSE, sizeof (gint64));
}

char *
desk_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "frontdesk", "inbox.db", NULL);
}

static gboolean
take_lock (DeskStore  *self,
           GError    **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);
  int saved_errno;

  self->lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, DESK_STORE_ERROR,
                   saved_errno == ENOSPC ? DESK_STORE_ERROR_FULL : DESK_STORE_ERROR_READ_ONLY,
                   _("Cannot open the inbox lock file “%s”: %s"),
                   lock_path, g_strerror (saved_errno));
      return FALSE;
    }

  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      saved_errno = errno;
      close (self->lock_fd);
      self->lock_fd = -1;

      if (saved_errno == EWOULDBLOCK)
        g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_LOCKED,
                             _("The inbox is open in another Frontdesk. Close it, then try again."));
      else
        g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_FAILED,
                     _("Cannot lock the inbox: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_version (DeskStore  *self,
               GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;
  int rc;

  /* Reading the schema is what tells a damaged or foreign file from a good one. */
  rc = sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM sqlite_master", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_ROW)
    return desk_store_set_error_from_sqlite (error, self->db, rc, "read the database");

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return desk_store_set_error_from_sqlite (error, self->db, rc, "read the schema version");

  if (version < 0 || (guint) version > desk_store_schema_version ())
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_TOO_NEW,
                   _("The inbox was saved by a newer version of Frontdesk (database version %d; "
                     "this version knows up to %u). Update Frontdesk to open it; the file has not "
                     "been changed."),
                   version, desk_store_schema_version ());
      return FALSE;
    }

  return TRUE;
}

static DeskStore *
open_internal (const char    *path,
               GMainContext  *main_context,
               GError       **error)
{
  g_autoptr(DeskStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  self = g_object_new (DESK_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->main_context = main_context != NULL ? g_main_context_ref (main_context)
                                            : g_main_context_ref_thread_default ();

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, DESK_STORE_ERROR,
                   saved_errno == ENOSPC ? DESK_STORE_ERROR_FULL : DESK_STORE_ERROR_READ_ONLY,
                   _("Cannot create the folder “%s” for the inbox: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!take_lock (self, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX |
                        SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "open the database");
      return NULL;
    }

  /* SQLite silently opens a file it may not write in read-only mode: say so now, not at the
   * first reply the user tries to save. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_READ_ONLY,
                   _("The inbox database “%s” cannot be written. Check that its folder is writable "
                     "and its disk is not read-only."),
                   path);
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);

  if (!check_version (self, error))
    return NULL;

  /* synchronous=FULL: a committed reply in the outbox must survive a power cut. */
  if (!exec (self, "PRAGMA journal_mode = WAL;", error) ||
      !exec (self, "PRAGMA synchronous = FULL;", error) ||
      !exec (self, "PRAGMA foreign_keys = ON;", error) ||
      !exec (self, "PRAGMA temp_store = MEMORY;", error))
    return NULL;

  if (!desk_store_schema_migrate (self->db, desk_store_schema_version (), error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * desk_store_open:
 * @path: the database file; created when missing
 * @error: a #DeskStoreError on failure
 *
 * Opens (and if needed creates or upgrades) the inbox database. This does blocking I/O: from
 * the main thread use desk_store_open_async().
 *
 * Returns: (transfer full): the store, or %NULL with @error set; the file is then left as it was.
 */
DeskStore *
desk_store_open (const char  *path,
                 GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return open_internal (path, NULL, error);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  GMainContext *context = g_object_get_data (G_OBJECT (task), "main-context");
  GError *error = NULL;
  DeskStore *store;

  store = open_internal (path, context, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
desk_store_open_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_object_set_data_full (G_OBJECT (task), "main-context",
                          g_main_context_ref_thread_default (),
                          (GDestroyNotify) g_main_context_unref);
  g_task_run_in_thread (task, open_in_thread);
}

DeskStore *
desk_store_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
desk_store_get_path (DeskStore *self)
{
  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  return self->path;
}

/**
 * desk_store_close:
 * @self: a #DeskStore
 *
 * Closes the database and releases the lock. Later calls fail with an error.
 */
void
desk_store_close (DeskStore *self)
{
  g_return_if_fail (DESK_IS_STORE (self));

  g_rec_mutex_lock (&self->mutex);

  g_hash_table_remove_all (self->statements);

  if (self->db != NULL)
    {
      int rc = sqlite3_close (self->db);

      if (rc != SQLITE_OK)
        g_warning ("Closing the inbox database: %s", sqlite3_errstr (rc));
      self->db = NULL;
    }

  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }

  g_rec_mutex_unlock (&self->mutex);
}

sqlite3 *
desk_store_get_db (DeskStore *self)
{
  return self->db;
}

guint64
desk_store_get_rows_loaded (DeskStore *self)
{
  guint64 ret;

  g_rec_mutex_lock (&self->mutex);
  ret = self->rows_loaded;
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/* Accounts */

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text,
           gsize         max_bytes)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_text (stmt, column, desk_text_sanitize (text, -1, max_bytes), -1, g_free);
}

gint64
desk_store_add_account (DeskStore              *self,
                        const DeskAccountInfo  *info,
                        GError                **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (info != NULL, 0);

  if (info->network == NULL || info->remote_id == NULL || info->handle == NULL)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                           "an account needs a network, an id and a handle");
      return 0;
    }

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "INSERT INTO accounts (network, remote_id, handle, display_name,"
                        "                      server_url, created_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                        " ON CONFLICT (network, server_url, remote_id) DO UPDATE"
                        "   SET handle = excluded.handle, display_name = excluded.display_name"
                        " RETURNING id",
                        error);
  if (stmt == NULL)
    goto out;

  bind_text (stmt, 1, info->network, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 2, info->remote_id, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 3, info->handle, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 4, info->display_name ? info->display_name : "", DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 5, info->server_url ? info->server_url : "", DESK_MAX_FIELD_BYTES);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    desk_store_set_error_from_sqlite (error, self->db, rc, "add an account");
  sqlite3_reset (stmt);

  if (id != 0)
    queue_emit (self, ACCOUNTS_CHANGED, NULL);

out:
  g_rec_mutex_unlock (&self->mutex);

  return id;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/**
 * desk_store_list_accounts:
 *
 * Returns: (transfer container) (element-type DeskAccountInfo): the accounts, oldest first
 */
GPtrArray *
desk_store_list_accounts (DeskStore  *self,
                          GError    **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT id, network, remote_id, handle, display_name, server_url, state,"
                        "       last_error, last_error_code, max_reply_chars, chars_per_url"
                        " FROM accounts ORDER BY id",
                        error);
  if (stmt == NULL)
    goto out;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_account_info_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskAccountInfo *info = desk_account_info_new ();

      info->id = sqlite3_column_int64 (stmt, 0);
      info->network = column_dup (stmt, 1);
      info->remote_id = column_dup (stmt, 2);
      info->handle = column_dup (stmt, 3);
      info->display_name = column_dup (stmt, 4);
      info->server_url = column_dup (stmt, 5);
      info->state = column_dup (stmt, 6);
      info->last_error = column_dup (stmt, 7);
      info->last_error_code = column_dup (stmt, 8);
      /* Bounded again: the file may have been written by something else */
      if (sqlite3_column_type (stmt, 9) == SQLITE_INTEGER &&
          sqlite3_column_int64 (stmt, 9) >= 1 &&
          sqlite3_column_int64 (stmt, 9) <= DESK_MAX_REPLY_CHARS_BOUND)
        info->max_reply_chars = sqlite3_column_int (stmt, 9);
      if (sqlite3_column_type (stmt, 10) == SQLITE_INTEGER &&
          sqlite3_column_int64 (stmt, 10) >= 0 &&
          sqlite3_column_int64 (stmt, 10) <= DESK_CHARS_PER_URL_BOUND)
        {
          info->chars_per_url = sqlite3_column_int (stmt, 10);
          info->has_chars_per_url = TRUE;
        }
      g_ptr_array_add (accounts, info);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "list accounts");
  else
    ret = g_steal_pointer (&accounts);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

static void
list_accounts_in_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *accounts = desk_store_list_accounts (source_object, &error);

  if (accounts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, accounts, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * desk_store_list_accounts_async:
 *
 * desk_store_list_accounts() in a worker thread, for the main thread: a sync worker may be
 * holding the database for a commit.
 */
void
desk_store_list_accounts_async (DeskStore           *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_list_accounts_async);
  g_task_run_in_thread (task, list_accounts_in_thread);
}

/**
 * desk_store_list_accounts_finish:
 *
 * Returns: (transfer container) (element-type DeskAccountInfo): the accounts, oldest first
 */
GPtrArray *
desk_store_list_accounts_finish (DeskStore     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_list_accounts_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ingest */

typedef struct
{
  gint64   id;
  gboolean customer_wrote;  /* a customer message arrived in this batch */
} TouchedConversation;

static char *
make_snippet (const char *text)
{
  g_autofree char *flat = g_strdup (text);
  g_autofree char *stripped = NULL;
  const char *end;

  /* One line: newlines and tabs become spaces. */
  for (char *p = flat; *p != '\0'; p++)
    if (*p == '\n' || *p == '\t')
      *p = ' ';

  stripped = g_strstrip (g_steal_pointer (&flat));

  if (g_utf8_strlen (stripped, -1) <= SNIPPET_CHARS)
    return g_steal_pointer (&stripped);

  end = g_utf8_offset_to_pointer (stripped, SNIPPET_CHARS - 1);
  stripped[end - stripped] = '\0';
  return g_strconcat (stripped, "…", NULL);
}

static gint64
ingest_contact (DeskStore          *self,
                gint64              account_id,
                const DeskMessage  *message,
                GHashTable         *contacts,
                GError            **error)
{
  sqlite3_stmt *stmt;
  gpointer cached;
  gint64 id = 0;
  int rc;

  if (message->author_id == NULL || message->author_id[0] == '\0')
    return 0;

  if (g_hash_table_lookup_extended (contacts, message->author_id, NULL, &cached))
    return *(gint64 *) cached;

  stmt = get_statement (self,
                        "INSERT INTO contacts (account_id, remote_id, handle, display_name,"
                        "                      avatar_url)"
                        " VALUES (?1, ?2, coalesce (?3, ''), coalesce (?4, ''), coalesce (?5, ''))"
                        " ON CONFLICT (account_id, remote_id) DO UPDATE"
                        "   SET handle = excluded.handle, display_name = excluded.display_name,"
                        "       avatar_url = excluded.avatar_url"
                        "   WHERE handle IS NOT excluded.handle"
                        "      OR display_name IS NOT excluded.display_name"
                        "      OR avatar_url IS NOT excluded.avatar_url",
                        error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, message->author_id, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 3, message->author_handle, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 4, message->author_name, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 5, message->author_avatar_url, DESK_MAX_FIELD_BYTES);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "store a contact");
      return -1;
    }

  stmt = get_statement (self, "SELECT id FROM contacts WHERE account_id = ?1 AND remote_id = ?2",
                        error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, message->author_id, DESK_MAX_FIELD_BYTES);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "find a contact");
      return -1;
    }

  g_hash_table_insert (contacts, g_strdup (message->author_id), g_memdup2 (&id, sizeof id));

  return id;
}

static TouchedConversation *
ingest_conversation (DeskStore          *self,
                     gint64              account_id,
                     const DeskMessage  *message,
                     gint64              contact_id,
                     GHashTable         *conversations,
                     GError            **error)
{
  g_autofree char *key = g_strdup_printf ("%d:%s", message->kind, message->thread_id);
  TouchedConversation *touched;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  touched = g_hash_table_lookup (conversations, key);
  if (touched != NULL)
    return touched;

  /* One statement for new and known conversations: the no-op update makes RETURNING answer
   * for an existing row too. */
  stmt = get_statement (self,
                        "INSERT INTO conversations (account_id, contact_id, kind, remote_thread_id,"
                        "                           last_message_at)"
                        " VALUES (?1, nullif (?2, 0), ?3, ?4, ?5)"
                        " ON CONFLICT (account_id, kind, remote_thread_id)"
                        "   DO UPDATE SET account_id = excluded.account_id"
                        " RETURNING id",
                        error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int64 (stmt, 2, message->direction == DESK_DIRECTION_IN ? contact_id : 0);
  sqlite3_bind_text (stmt, 3, message->kind == DESK_CONVERSATION_DM ? "dm" : "public", -1,
                     SQLITE_STATIC);
  bind_text (stmt, 4, message->thread_id, DESK_MAX_FIELD_BYTES);
  sqlite3_bind_int64 (stmt, 5, message->created_at);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "store a conversation");
      return NULL;
    }

  touched = g_new0 (TouchedConversation, 1);
  touched->id = id;
  g_hash_table_insert (conversations, g_steal_pointer (&key), touched);

  return touched;
}

/* Returns 1 when stored, 0 when already there, -1 on error. */
static int
ingest_message (DeskStore            *self,
                gint64                account_id,
                const DeskMessage    *message,
                TouchedConversation  *conversation,
                gint64                contact_id,
                GError              **error)
{
  g_autofree char *text = desk_text_sanitize (message->text, -1, DESK_MAX_TEXT_BYTES);
  g_autofree char *snippet = NULL;
  gboolean in = message->direction == DESK_DIRECTION_IN;
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_statement (self,
                        "INSERT INTO messages (account_id, conversation_id, remote_id, direction,"
                        "                      author_contact_id, body, created_at,"
                        "                      reply_to_remote_id, is_dm, agent_initials, raw_json,"
                        "                      automatic)"
                        " VALUES (?1, ?2, ?3, ?4, nullif (?5, 0), ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                        " ON CONFLICT (account_id, remote_id) DO NOTHING",
                        error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int64 (stmt, 2, conversation->id);
  bind_text (stmt, 3, message->remote_id, DESK_MAX_FIELD_BYTES);
  sqlite3_bind_text (stmt, 4, in ? "in" : "out", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, in ? contact_id : 0);
  sqlite3_bind_text (stmt, 6, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, message->created_at);
  bind_text (stmt, 8, message->reply_to_id, DESK_MAX_FIELD_BYTES);
  sqlite3_bind_int (stmt, 9, message->kind == DESK_CONVERSATION_DM);
  bind_text (stmt, 10, message->agent_initials, 64);
  if (message->raw_json != NULL && strlen (message->raw_json) <= DESK_MAX_RAW_BYTES)
    bind_text (stmt, 11, message->raw_json, DESK_MAX_RAW_BYTES);
  sqlite3_bind_int (stmt, 12, message->automatic != FALSE);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "store a message");
      return -1;
    }

  if (sqlite3_changes (self->db) == 0)
    return 0;

  snippet = make_snippet (text);

  /* An automatic message (?7: an away or greeting message the network sent by itself) shows
   * in the row like any other, but is nobody's answer: the response-time clock runs on. */
  stmt = get_statement (self,
                        "UPDATE conversations SET"
                        "  contact_id = coalesce (contact_id, nullif (?2, 0)),"
                        "  snippet = CASE WHEN ?3 >= last_message_at THEN ?4 ELSE snippet END,"
                        "  last_message_at = max (last_message_at, ?3),"
                        "  unread = CASE WHEN ?5 THEN 1 ELSE unread END,"
                        "  last_answered_at = CASE WHEN ?5 OR ?7 THEN last_answered_at"
                        "    ELSE max (coalesce (last_answered_at, 0), ?3) END,"
                        "  last_answered_by = CASE"
                        "    WHEN NOT ?5 AND NOT ?7 AND ?3 >= coalesce (last_answered_at, 0)"
                        "    THEN coalesce (?6, '') ELSE last_answered_by END"
                        " WHERE id = ?1",
                        error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, conversation->id);
  sqlite3_bind_int64 (stmt, 2, in ? contact_id : 0);
  sqlite3_bind_int64 (stmt, 3, message->created_at);
  sqlite3_bind_text (stmt, 4, snippet, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, in);
  bind_text (stmt, 6, message->agent_initials, 64);
  sqlite3_bind_int (stmt, 7, !in && message->automatic);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "update a conversation");
      return -1;
    }

  if (in)
    conversation->customer_wrote = TRUE;

  return 1;
}

/* Recomputes who is waiting since when, and the status that follows, once per touched
 * conversation and batch: the oldest customer message after the last answer is what the
 * response-time clock counts from. */
static gboolean
settle_conversation (DeskStore            *self,
                     TouchedConversation  *conversation,
                     GError              **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_statement (self,
                        "UPDATE conversations SET"
                        "  waiting_since = w.since,"
                        "  status = CASE"
                        "    WHEN w.since IS NOT NULL AND ?2 THEN 'open'"
                        "    WHEN w.since IS NULL AND status = 'open' AND last_answered_at IS NOT NULL"
                        "      THEN 'answered'"
                        "    ELSE status END"
                        " FROM (SELECT min (m.created_at) AS since FROM messages m, conversations c"
                        "       WHERE c.id = ?1 AND m.conversation_id = ?1 AND m.direction = 'in'"
                        "         AND m.created_at > coalesce (c.last_answered_at, -1)) AS w"
                        " WHERE id = ?1",
                        error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, conversation->id);
  sqlite3_bind_int (stmt, 2, conversation->customer_wrote);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, self->db, rc, "update a conversation");

  note_conversation_changed (self, conversation->id);

  return TRUE;
}

static gboolean
store_cursor (DeskStore   *self,
              gint64       account_id,
              const char  *stream,
              const char  *cursor,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_statement (self,
                        "INSERT INTO sync_cursors (account_id, stream, cursor, updated_at)"
                        " VALUES (?1, ?2, ?3, ?4)"
                        " ON CONFLICT (account_id, stream) DO UPDATE"
                        "   SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                        error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, stream, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, cursor, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, self->db, rc, "save the sync position");

  return TRUE;
}

/**
 * desk_store_ingest:
 * @self: a #DeskStore
 * @account_id: the account the messages were fetched for
 * @messages: (element-type DeskMessage): normalized messages, in any order
 * @stream: (nullable): the sync stream the cursor belongs to
 * @cursor: (nullable): the position to resume from once these messages are stored
 * @n_added: (out) (optional): how many messages were new
 * @error: a #DeskStoreError
 *
 * Stores @messages, threads them into conversations and saves @cursor, all in one transaction:
 * after a crash at any instant either all of it is stored or none, and fetching the same
 * messages again stores none twice.
 *
 * Returns: %TRUE on success
 */
/* Stores @messages inside the open transaction. */
static gboolean
ingest_locked (DeskStore   *self,
               gint64       account_id,
               GPtrArray   *messages,
               guint       *n_added,
               GError     **error)
{
  g_autoptr(GHashTable) contacts = NULL;
  g_autoptr(GHashTable) conversations = NULL;
  GHashTableIter iter;
  gpointer value;
  guint added = 0;

  g_assert (self->in_transaction == 1);

  contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < messages->len; i++)
    {
      const DeskMessage *message = g_ptr_array_index (messages, i);
      TouchedConversation *conversation;
      gint64 contact_id = 0;
      int stored;

      if (message->direction == DESK_DIRECTION_IN)
        {
          contact_id = ingest_contact (self, account_id, message, contacts, error);
          if (contact_id < 0)
            return FALSE;
        }

      conversation = ingest_conversation (self, account_id, message, contact_id, conversations,
                                          error);
      if (conversation == NULL)
        return FALSE;

      stored = ingest_message (self, account_id, message, conversation, contact_id, error);
      if (stored < 0)
        return FALSE;
      added += stored;
    }

  g_hash_table_iter_init (&iter, conversations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (!settle_conversation (self, value, error))
        return FALSE;
    }

  if (n_added != NULL)
    *n_added = added;

  return TRUE;
}

static gboolean
check_messages (GPtrArray  *messages,
                GError    **error)
{
  for (guint i = 0; i < messages->len; i++)
    {
      const DeskMessage *message = g_ptr_array_index (messages, i);

      if (message->remote_id == NULL || message->remote_id[0] == '\0' ||
          message->thread_id == NULL || message->thread_id[0] == '\0')
        {
          g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                               "a message needs a remote id and a thread id");
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * desk_store_ingest:
 * @self: a #DeskStore
 * @account_id: the account the messages were fetched for
 * @messages: (element-type DeskMessage): normalized messages, in any order
 * @stream: (nullable): the sync stream the cursor belongs to
 * @cursor: (nullable): the position to resume from once these messages are stored
 * @n_added: (out) (optional): how many messages were new
 * @error: a #DeskStoreError
 *
 * Stores @messages, threads them into conversations and saves @cursor, all in one transaction:
 * after a crash at any instant either all of it is stored or none, and fetching the same
 * messages again stores none twice.
 *
 * Returns: %TRUE on success
 */
gboolean
desk_store_ingest (DeskStore   *self,
                   gint64       account_id,
                   GPtrArray   *messages,
                   const char  *stream,
                   const char  *cursor,
                   guint       *n_added,
                   GError     **error)
{
  gboolean ret = FALSE;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);
  g_return_val_if_fail ((stream == NULL) == (cursor == NULL), FALSE);

  if (!check_messages (messages, error))
    return FALSE;

  g_rec_mutex_lock (&self->mutex);

  ret = check_open (self, error) &&
        begin (self, error) &&
        ingest_locked (self, account_id, messages, n_added, error) &&
        (stream == NULL || store_cursor (self, account_id, stream, cursor, error)) &&
        commit (self, error);

  if (!ret)
    rollback (self);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

char *
desk_store_get_cursor (DeskStore   *self,
                       gint64       account_id,
                       const char  *stream,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  char *cursor = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (stream != NULL, NULL);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT cursor FROM sync_cursors WHERE account_id = ?1 AND stream = ?2",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, stream, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    cursor = column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "read the sync position");
  sqlite3_reset (stmt);

out:
  g_rec_mutex_unlock (&self->mutex);

  return cursor;
}

/* Conversations */

/**
 * desk_store_set_status:
 *
 * Marks a conversation answered, closed or open by hand. Answering or closing stops the
 * response-time clock: only customer messages that arrive later start it again.
 */
gboolean
desk_store_set_status (DeskStore               *self,
                       gint64                   conversation_id,
                       DeskConversationStatus   status,
                       GError                 **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (status <= DESK_CONVERSATION_CLOSED, FALSE);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error) || !begin (self, error))
    goto out;

  stmt = get_statement (self,
                        "UPDATE conversations SET"
                        "  status = ?2,"
                        "  waiting_since = CASE WHEN ?2 = 'open' THEN waiting_since ELSE NULL END,"
                        "  last_answered_at = CASE WHEN ?2 = 'open' THEN last_answered_at"
                        "    ELSE max (coalesce (last_answered_at, 0), ?3) END,"
                        "  unread = CASE WHEN ?2 = 'open' THEN unread ELSE 0 END"
                        " WHERE id = ?1",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_text (stmt, 2, desk_conversation_status_to_string (status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "change a conversation's status");
      goto out;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                   _("The conversation no longer exists."));
      goto out;
    }

  note_conversation_changed (self, conversation_id);
  ret = commit (self, error);

out:
  if (!ret)
    rollback (self);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

static void
conversation_data_free (DeskConversationData *data)
{
  desk_conversation_data_clear (data);
  g_free (data);
}

/**
 * desk_store_load_conversations:
 * @ids: (array length=n_ids): conversation ids
 *
 * Loads the rows the inbox shows for @ids. Ids that no longer exist are left out.
 *
 * Returns: (transfer container) (element-type DeskConversationData): rows in no particular order
 */
GPtrArray *
desk_store_load_conversations (DeskStore     *self,
                               const gint64  *ids,
                               guint          n_ids,
                               GError       **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) json = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  json = g_string_new ("[");
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (json, ']');

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT c.id, c.account_id, a.network, a.handle,"
                        "       coalesce (ct.display_name, ''), coalesce (ct.handle, ''),"
                        "       c.snippet, c.kind, c.status, coalesce (c.waiting_since, 0),"
                        "       c.last_message_at, c.unread, c.last_answered_by,"
                        "       (SELECT group_concat (t.name, char (31)) FROM"
                        "          (SELECT t.name FROM conversation_tags x JOIN tags t ON t.id = x.tag_id"
                        "           WHERE x.conversation_id = c.id ORDER BY t.name) AS t)"
                        " FROM conversations c"
                        " JOIN accounts a ON a.id = c.account_id"
                        " LEFT JOIN contacts ct ON ct.id = c.contact_id"
                        " WHERE c.id IN (SELECT value FROM json_each (?1))",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_text (stmt, 1, json->str, json->len, SQLITE_STATIC);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) conversation_data_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskConversationData *data = g_new0 (DeskConversationData, 1);
      const char *tags = (const char *) sqlite3_column_text (stmt, 13);
      DeskConversationStatus status = DESK_CONVERSATION_OPEN;

      data->id = sqlite3_column_int64 (stmt, 0);
      data->account_id = sqlite3_column_int64 (stmt, 1);
      data->network = column_dup (stmt, 2);
      data->account_handle = column_dup (stmt, 3);
      data->contact_name = column_dup (stmt, 4);
      data->contact_handle = column_dup (stmt, 5);
      data->snippet = column_dup (stmt, 6);
      data->kind = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), "dm") == 0
                     ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;
      desk_conversation_status_from_string ((const char *) sqlite3_column_text (stmt, 8), &status);
      data->status = status;
      data->waiting_since = sqlite3_column_int64 (stmt, 9);
      data->last_message_at = sqlite3_column_int64 (stmt, 10);
      data->unread = sqlite3_column_int (stmt, 11) != 0;
      data->answered_by = column_dup (stmt, 12);
      data->tags = tags != NULL ? g_strsplit (tags, "\x1f", -1) : g_new0 (char *, 1);

      g_ptr_array_add (rows, data);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "load conversations");
      goto out;
    }

  self->rows_loaded += rows->len;
  ret = g_steal_pointer (&rows);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

DeskConversation *
desk_store_get_conversation (DeskStore  *self,
                             gint64      conversation_id,
                             GError    **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  rows = desk_store_load_conversations (self, &conversation_id, 1, error);
  if (rows == NULL)
    return NULL;

  if (rows->len == 0)
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                   _("The conversation no longer exists."));
      return NULL;
    }

  return desk_conversation_new (g_ptr_array_index (rows, 0));
}

/**
 * desk_store_list_messages:
 *
 * Returns: (transfer container) (element-type DeskMessage): the conversation, oldest first
 */
GPtrArray *
desk_store_list_messages (DeskStore  *self,
                          gint64      conversation_id,
                          GError    **error)
{
  g_autoptr(GPtrArray) messages = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT m.remote_id, c.remote_thread_id, c.kind, m.direction,"
                        "       ct.remote_id, ct.handle, ct.display_name, m.body, m.created_at,"
                        "       m.reply_to_remote_id, m.agent_initials, m.automatic"
                        " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
                        " LEFT JOIN contacts ct ON ct.id = m.author_contact_id"
                        " WHERE m.conversation_id = ?1 ORDER BY m.created_at, m.id",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskMessage *message = desk_message_new ();

      message->remote_id = column_dup (stmt, 0);
      message->thread_id = column_dup (stmt, 1);
      message->kind = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "dm") == 0
                        ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;
      message->direction = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "out") == 0
                             ? DESK_DIRECTION_OUT : DESK_DIRECTION_IN;
      message->author_id = column_dup (stmt, 4);
      message->author_handle = column_dup (stmt, 5);
      message->author_name = column_dup (stmt, 6);
      message->text = column_dup (stmt, 7);
      message->created_at = sqlite3_column_int64 (stmt, 8);
      message->reply_to_id = column_dup (stmt, 9);
      message->agent_initials = column_dup (stmt, 10);
      message->automatic = sqlite3_column_int (stmt, 11) != 0;
      g_ptr_array_add (messages, message);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "load messages");
  else
    ret = g_steal_pointer (&messages);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/* Tags */

gint64
desk_store_add_tag (DeskStore   *self,
                    const char  *name,
                    const char  *color,
                    GError     **error)
{
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  clean = desk_store_clean_tag_name (name);
  if (color == NULL)
    color = "";

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error) || !desk_store_check_tag (self, clean, color, 0, error))
    goto out;

  stmt = get_statement (self,
                        "INSERT INTO tags (name, color, created_at) VALUES (?1, coalesce (?2, ''), ?3)"
                        " RETURNING id",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  bind_text (stmt, 2, color, 32);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                 _("A tag named “%s” already exists."), clean);
  else if (rc != SQLITE_ROW)
    desk_store_set_error_from_sqlite (error, self->db, rc, "add a tag");
  else
    queue_emit (self, TAGS_CHANGED, NULL);

out:
  g_rec_mutex_unlock (&self->mutex);

  return id;
}

gboolean
desk_store_tag_conversation (DeskStore  *self,
                             gint64      conversation_id,
                             gint64      tag_id,
                             gboolean    tagged,
                             GError    **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error) || !begin (self, error))
    goto out;

  stmt = get_statement (self,
                        tagged
                          ? "INSERT INTO conversation_tags (conversation_id, tag_id) VALUES (?1, ?2)"
                            " ON CONFLICT DO NOTHING"
                          : "DELETE FROM conversation_tags WHERE conversation_id = ?1 AND tag_id = ?2",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, tag_id);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "tag a conversation");
      goto out;
    }

  note_conversation_changed (self, conversation_id);
  ret = commit (self, error);
  if (ret)
    queue_emit (self, TAGS_CHANGED, NULL);

out:
  if (!ret)
    rollback (self);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/* Search and inbox queries */

/**
 * desk_store_fts_query_from_text:
 * @text: what the user typed
 *
 * Turns free text into a safe FTS5 query: each word becomes a quoted prefix term, all of which
 * must match. FTS5 syntax typed by the user (quotes, operators, column filters) is taken as text.
 *
 * Returns: (transfer full) (nullable): the query, or %NULL when @text has no word
 */
char *
desk_store_fts_query_from_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *query;
  GString *word;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  query = g_string_new (NULL);
  word = g_string_new (NULL);

  for (const char *p = valid; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && (g_unichar_isalnum (c) || g_unichar_ismark (c) || c == 0x200c))
        {
          g_string_append_unichar (word, c);
          continue;
        }

      if (word->len > 0)
        {
          g_string_append_printf (query, "%s\"%s\"*", query->len ? " " : "", word->str);
          g_string_truncate (word, 0);
        }

      if (c == 0)
        break;
    }

  g_string_free (word, TRUE);

  if (query->len == 0)
    {
      g_string_free (query, TRUE);
      return NULL;
    }

  return g_string_free (query, FALSE);
}

/**
 * desk_store_append_query_filter:
 * @sql: a query over `conversations c` that ends in a WHERE clause
 * @fts: (nullable): @query's search as an FTS5 query (desk_store_fts_query_from_text())
 *
 * Appends the conditions of @query's filters (its sort aside), for
 * desk_store_query_conversation_ids() and desk_store_count_conversations() alike; bind them with
 * desk_store_bind_query_filter().
 */
void
desk_store_append_query_filter (GString              *sql,
                                const DeskInboxQuery *query,
                                const char           *fts)
{
  if (query->status >= 0)
    g_string_append (sql, " AND c.status = :status");
  if (query->tag_id > 0)
    g_string_append (sql, " AND c.id IN (SELECT conversation_id FROM conversation_tags"
                          "              WHERE tag_id = :tag)");
  if (query->account_id > 0)
    g_string_append (sql, " AND +c.account_id = :account");
  if (query->network != NULL)
    g_string_append (sql, " AND +c.account_id IN"
                          " (SELECT id FROM accounts WHERE network = :network)");
  /* One set of matching conversations, built from the full-text indexes and a narrow index,
   * then tested while walking the sort index ("+" keeps SQLite from driving the query from the
   * set, which would read and sort every matching row). */
  if (fts != NULL)
    g_string_append (sql, " AND +c.id IN (SELECT m.conversation_id"
                          "               FROM messages m INDEXED BY messages_conversation_by_id"
                          "               WHERE m.id IN (SELECT rowid FROM messages_fts"
                          "                              WHERE messages_fts MATCH :fts)"
                          "               UNION"
                          "               SELECT x.id FROM conversations x"
                          "               WHERE x.contact_id IN (SELECT rowid FROM contacts_fts"
                          "                                      WHERE contacts_fts MATCH :fts))");
}

void
desk_store_bind_query_filter (sqlite3_stmt         *stmt,
                              const DeskInboxQuery *query,
                              const char           *fts)
{
  if (query->status >= 0)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":status"),
                       desk_conversation_status_to_string (query->status), -1, SQLITE_STATIC);
  if (query->tag_id > 0)
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":tag"), query->tag_id);
  if (query->account_id > 0)
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":account"), query->account_id);
  if (query->network != NULL)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":network"), query->network, -1,
                       SQLITE_TRANSIENT);
  if (fts != NULL)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":fts"), fts, -1,
                       SQLITE_STATIC);
}

/**
 * desk_store_query_conversation_ids:
 * @query: the filter and order
 *
 * Returns: (transfer full) (element-type gint64): the ids of the matching conversations, in
 *   order; only ids are read, from indexes, never the rows themselves
 */
GArray *
desk_store_query_conversation_ids (DeskStore             *self,
                                   const DeskInboxQuery  *query,
                                   GError               **error)
{
  g_autoptr(GString) sql = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *fts = NULL;
  sqlite3_stmt *stmt;
  GArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  fts = desk_store_fts_query_from_text (query->search);

  sql = g_string_new ("SELECT c.id FROM conversations c WHERE 1");
  desk_store_append_query_filter (sql, query, fts);
  if (query->sort == DESK_INBOX_SORT_NEWEST)
    g_string_append (sql, " ORDER BY c.last_message_at DESC, c.id DESC");
  else
    g_string_append (sql, " ORDER BY coalesce (c.waiting_since, 9223372036854775807), c.id");

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self, sql->str, error);
  if (stmt == NULL)
    goto out;

  desk_store_bind_query_filter (stmt, query, fts);

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "search the inbox");
  else
    ret = g_steal_pointer (&ids);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_search_messages:
 * @text: what the user typed
 * @limit: the most results
 *
 * Full-text search over message text, newest first.
 *
 * Returns: (transfer full) (element-type gint64): message ids
 */
GArray *
desk_store_search_messages (DeskStore   *self,
                            const char  *text,
                            guint        limit,
                            GError     **error)
{
  g_autofree char *fts = desk_store_fts_query_from_text (text);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  GArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  if (fts == NULL)
    return g_steal_pointer (&ids);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1"
                        " ORDER BY rowid DESC LIMIT ?2",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_text (stmt, 1, fts, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "search messages");
  else
    ret = g_steal_pointer (&ids);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/* Accounts' state */

/**
 * desk_store_set_account_state:
 * @state: "ok", "needs-sign-in" or "disabled"
 */
gboolean
desk_store_set_account_state (DeskStore   *self,
                              gint64       account_id,
                              const char  *state,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self, "UPDATE accounts SET state = ?2 WHERE id = ?1 AND state != ?2", error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "change an account's state");
      goto out;
    }

  if (sqlite3_changes (self->db) > 0)
    queue_emit (self, ACCOUNTS_CHANGED, NULL);
  ret = TRUE;

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_set_account_error:
 * @code: (nullable): a short code for the failure ("webhook-set", "network", …); %NULL clears
 * @message: (nullable): the failure in words, for the window; ignored when @code is %NULL
 *
 * Records why the account's last sync failed, or clears it. Writes, and emits
 * DeskStore::accounts-changed, only when the recorded error changes. Callable from any thread.
 */
gboolean
desk_store_set_account_error (DeskStore   *self,
                              gint64       account_id,
                              const char  *code,
                              const char  *message,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  if (code == NULL)
    message = NULL;
  else if (message == NULL)
    message = "";

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "UPDATE accounts SET last_error_code = ?2, last_error = ?3"
                        " WHERE id = ?1 AND (last_error_code IS NOT ?2 OR last_error IS NOT ?3)",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, code, DESK_MAX_FIELD_BYTES);
  bind_text (stmt, 3, message, 4 * DESK_MAX_FIELD_BYTES);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "record an account's sync error");
      goto out;
    }

  if (sqlite3_changes (self->db) > 0)
    queue_emit (self, ACCOUNTS_CHANGED, NULL);
  ret = TRUE;

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_list_open_threads:
 * @limit: how many to take
 *
 * Takes the open or answered conversations of the account whose thread was re-read longest
 * ago (never-read first, then the most recently active), and notes them as read now, so that
 * successive passes go round all of them.
 *
 * Returns: (transfer container) (element-type DeskMessage): for each, a message holding only its
 *   kind and thread id
 */
GPtrArray *
desk_store_list_open_threads (DeskStore  *self,
                              gint64      account_id,
                              guint       limit,
                              GError    **error)
{
  g_autoptr(GPtrArray) threads = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "UPDATE conversations SET checked_at = ?3"
                        " WHERE id IN (SELECT id FROM conversations"
                        "              WHERE account_id = ?1 AND status != 'closed'"
                        "              ORDER BY checked_at IS NOT NULL, checked_at,"
                        "                       last_message_at DESC"
                        "              LIMIT ?2)"
                        " RETURNING kind, remote_thread_id",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());

  threads = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskMessage *thread = desk_message_new ();

      thread->kind = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "dm") == 0
                       ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;
      thread->thread_id = column_dup (stmt, 1);
      g_ptr_array_add (threads, thread);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "list open conversations");
  else
    ret = g_steal_pointer (&threads);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/* The outbox */

static const char * const outbox_state_names[] = { "queued", "sending", "unknown", "sent", "failed" };

static DeskOutboxState
outbox_state_from_string (const char *str)
{
  for (guint i = 0; i < G_N_ELEMENTS (outbox_state_names); i++)
    if (g_strcmp0 (str, outbox_state_names[i]) == 0)
      return (DeskOutboxState) i;

  return DESK_OUTBOX_FAILED;
}

/**
 * desk_store_queue_reply:
 * @conversation_id: the conversation answered
 * @text: the final text, signature included
 * @agent_initials: (nullable): who wrote it
 *
 * Queues a reply the way the conversation is held: by direct message in a DM, publicly in a
 * public one. See desk_store_queue_reply_full().
 *
 * Returns: the outbox id, or 0 with @error set
 */
gint64
desk_store_queue_reply (DeskStore   *self,
                        gint64       conversation_id,
                        const char  *text,
                        const char  *agent_initials,
                        GError     **error)
{
  return desk_store_queue_reply_full (self, conversation_id, text, agent_initials, FALSE, error);
}

/**
 * desk_store_queue_reply_full:
 * @conversation_id: the conversation answered
 * @text: the final text, signature included
 * @agent_initials: (nullable): who wrote it
 * @private_reply: answer a public conversation privately (only the customer sees it), where
 *   the network allows; a DM conversation is always answered privately
 *
 * Puts a reply in the outbox with a fresh idempotency key, durably, before anything is sent.
 * It answers the newest customer message of the conversation, and drops the conversation's
 * draft in the same transaction.
 *
 * Returns: the outbox id, or 0 with @error set
 */
gint64
desk_store_queue_reply_full (DeskStore   *self,
                             gint64       conversation_id,
                             const char  *text,
                             const char  *agent_initials,
                             gboolean     private_reply,
                             GError     **error)
{
  g_autofree char *key = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *stripped = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (text != NULL, 0);

  clean = desk_text_sanitize (text, -1, DESK_MAX_TEXT_BYTES);
  stripped = g_strstrip (g_strdup (clean));
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                           _("The reply is empty."));
      return 0;
    }

  key = g_uuid_string_random ();

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error) || !begin (self, error))
    goto out;

  stmt = get_statement (self,
                        "INSERT INTO outbox (conversation_id, account_id, idempotency_key,"
                        "                    reply_to_remote_id, body, is_dm, agent_initials,"
                        "                    created_at, updated_at)"
                        " SELECT c.id, c.account_id, ?2,"
                        "        (SELECT m.remote_id FROM messages m"
                        "          WHERE m.conversation_id = c.id AND m.direction = 'in'"
                        "          ORDER BY m.created_at DESC, m.id DESC LIMIT 1),"
                        "        ?3, c.kind = 'dm' OR ?6, ?4, ?5, ?5"
                        " FROM conversations c WHERE c.id = ?1"
                        " RETURNING id",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, clean, -1, SQLITE_STATIC);
  bind_text (stmt, 4, agent_initials, 64);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  sqlite3_bind_int (stmt, 6, private_reply ? 1 : 0);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                         _("The conversation no longer exists."));
  else if (rc != SQLITE_ROW)
    desk_store_set_error_from_sqlite (error, self->db, rc, "queue a reply");

  /* The draft it was written in goes in the same transaction: after a crash, a reply is either
   * still a draft or in the outbox, never both (a draft read back would be sent twice). */
  if (id != 0)
    {
      stmt = get_statement (self, "DELETE FROM drafts WHERE conversation_id = ?1", error);
      if (stmt == NULL)
        id = 0;
      else
        {
          sqlite3_bind_int64 (stmt, 1, conversation_id);
          rc = sqlite3_step (stmt);
          sqlite3_reset (stmt);
          if (rc != SQLITE_DONE)
            {
              desk_store_set_error_from_sqlite (error, self->db, rc, "queue a reply");
              id = 0;
            }
        }
    }

  if (id != 0 && !commit (self, error))
    id = 0;

out:
  if (id == 0)
    rollback (self);
  g_rec_mutex_unlock (&self->mutex);

  return id;
}

/**
 * desk_store_outbox_pending:
 *
 * Returns: (transfer container) (element-type DeskOutgoing): the account's replies still to be
 *   sent or checked, oldest first. Replies found in "sending" were cut short by a crash: they
 *   are returned marked unknown, never as plainly queued.
 */
GPtrArray *
desk_store_outbox_pending (DeskStore  *self,
                           gint64      account_id,
                           GError    **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "UPDATE outbox SET state = 'unknown' WHERE account_id = ?1 AND state = 'sending'",
                        error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "read the outbox");
      goto out;
    }

  stmt = get_statement (self,
                        "SELECT o.id, o.idempotency_key, o.created_at, c.kind, c.remote_thread_id,"
                        "       o.reply_to_remote_id, m.raw_json, o.body, o.state, o.is_dm"
                        " FROM outbox o JOIN conversations c ON c.id = o.conversation_id"
                        " LEFT JOIN messages m ON m.account_id = o.account_id"
                        "                     AND m.remote_id = o.reply_to_remote_id"
                        " WHERE o.account_id = ?1 AND o.state IN ('queued', 'unknown')"
                        " ORDER BY o.created_at, o.id",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);

  pending = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_outgoing_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskOutgoing *reply = g_new0 (DeskOutgoing, 1);

      reply->outbox_id = sqlite3_column_int64 (stmt, 0);
      reply->idempotency_key = column_dup (stmt, 1);
      reply->created_at = sqlite3_column_int64 (stmt, 2);
      reply->kind = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "dm") == 0
                      ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;
      reply->thread_id = column_dup (stmt, 4);
      reply->reply_to_id = column_dup (stmt, 5);
      reply->reply_to_raw = column_dup (stmt, 6);
      reply->text = column_dup (stmt, 7);
      reply->state = outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 8));
      reply->private_reply = reply->kind == DESK_CONVERSATION_PUBLIC
                               && sqlite3_column_int (stmt, 9) != 0;
      g_ptr_array_add (pending, reply);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, self->db, rc, "read the outbox");
  else
    ret = g_steal_pointer (&pending);

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

static gboolean
outbox_update (DeskStore        *self,
               gint64            outbox_id,
               const char       *sql,
               const char       *text,
               GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_statement (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, outbox_id);
  bind_text (stmt, 2, text, DESK_MAX_FIELD_BYTES);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, self->db, rc, "update the outbox");

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                           _("The reply is no longer in the outbox."));
      return FALSE;
    }

  return TRUE;
}

/**
 * desk_store_outbox_begin_attempt:
 *
 * Durably marks the reply as being sent, before the network call: a crash from here on leaves
 * it "sending", which the next start treats as "unknown".
 */
gboolean
desk_store_outbox_begin_attempt (DeskStore  *self,
                                 gint64      outbox_id,
                                 GError    **error)
{
  gboolean ret;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->mutex);
  ret = check_open (self, error) &&
        outbox_update (self, outbox_id,
                       "UPDATE outbox SET state = 'sending', attempts = attempts + 1,"
                       "  updated_at = ?3"
                       " WHERE id = ?1 AND state IN ('queued', 'unknown') AND ?2 IS NULL",
                       NULL, error);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_outbox_sent:
 * @remote_id: the posted reply's id on the network
 *
 * Marks the reply sent and stores it in its conversation as the business's answer, in one
 * transaction.
 */
gboolean
desk_store_outbox_sent (DeskStore   *self,
                        gint64       outbox_id,
                        const char  *remote_id,
                        GError     **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  DeskMessage *message;
  sqlite3_stmt *stmt;
  gint64 account_id = 0;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote_id != NULL && remote_id[0] != '\0', FALSE);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error) || !begin (self, error))
    goto out;

  if (!outbox_update (self, outbox_id,
                      "UPDATE outbox SET state = 'sent', remote_id = ?2, last_error = NULL,"
                      "  updated_at = ?3 WHERE id = ?1",
                      remote_id, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT o.account_id, c.kind, c.remote_thread_id, o.reply_to_remote_id,"
                        "       o.body, o.agent_initials"
                        " FROM outbox o JOIN conversations c ON c.id = o.conversation_id"
                        " WHERE o.id = ?1",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, outbox_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      message = desk_message_new ();
      account_id = sqlite3_column_int64 (stmt, 0);
      message->kind = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "dm") == 0
                        ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;
      message->thread_id = column_dup (stmt, 2);
      message->reply_to_id = column_dup (stmt, 3);
      message->text = column_dup (stmt, 4);
      message->agent_initials = column_dup (stmt, 5);
      message->remote_id = g_strdup (remote_id);
      message->direction = DESK_DIRECTION_OUT;
      message->created_at = g_get_real_time ();
      g_ptr_array_add (batch, message);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "read a sent reply");
      goto out;
    }

  ret = ingest_locked (self, account_id, batch, NULL, error) && commit (self, error);

out:
  if (!ret)
    rollback (self);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_outbox_failed:
 * @state: %DESK_OUTBOX_QUEUED (nothing was posted: retry), %DESK_OUTBOX_UNKNOWN (check the
 *   network first) or %DESK_OUTBOX_FAILED (refused for good)
 * @message: what went wrong, for the user
 */
gboolean
desk_store_outbox_failed (DeskStore        *self,
                          gint64            outbox_id,
                          DeskOutboxState   state,
                          const char       *message,
                          GError          **error)
{
  g_autofree char *sql = NULL;
  gboolean ret;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (state == DESK_OUTBOX_QUEUED || state == DESK_OUTBOX_UNKNOWN ||
                        state == DESK_OUTBOX_FAILED, FALSE);

  sql = g_strdup_printf ("UPDATE outbox SET state = '%s', last_error = ?2, updated_at = ?3"
                         " WHERE id = ?1 AND state != 'sent'",
                         outbox_state_names[state]);

  g_rec_mutex_lock (&self->mutex);
  ret = check_open (self, error) && outbox_update (self, outbox_id, sql, message, error);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

DeskOutboxState
desk_store_outbox_get_state (DeskStore  *self,
                             gint64      outbox_id,
                             char      **last_error,
                             GError    **error)
{
  DeskOutboxState state = DESK_OUTBOX_FAILED;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), DESK_OUTBOX_FAILED);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self, "SELECT state, last_error FROM outbox WHERE id = ?1", error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, outbox_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state = outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 0));
      if (last_error != NULL)
        *last_error = column_dup (stmt, 1);
    }
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                         _("The reply is no longer in the outbox."));
  else
    desk_store_set_error_from_sqlite (error, self->db, rc, "read the outbox");
  sqlite3_reset (stmt);

out:
  g_rec_mutex_unlock (&self->mutex);

  return state;
}

/**
 * desk_store_find_conversation:
 *
 * Returns: the id of the account's conversation for @thread_id, or 0 with
 *   %DESK_STORE_ERROR_NOT_FOUND
 */
gint64
desk_store_find_conversation (DeskStore             *self,
                              gint64                 account_id,
                              DeskConversationKind   kind,
                              const char            *thread_id,
                              GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (thread_id != NULL, 0);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "SELECT id FROM conversations"
                        " WHERE account_id = ?1 AND kind = ?2 AND remote_thread_id = ?3",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, kind == DESK_CONVERSATION_DM ? "dm" : "public", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, thread_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                         _("The conversation no longer exists."));
  else
    desk_store_set_error_from_sqlite (error, self->db, rc, "find a conversation");
  sqlite3_reset (stmt);

out:
  g_rec_mutex_unlock (&self->mutex);

  return id;
}

/**
 * desk_store_find_tag:
 * @name: a tag's name, in any case
 *
 * Returns: the tag's id, or 0 with %DESK_STORE_ERROR_NOT_FOUND
 */
gint64
desk_store_find_tag (DeskStore   *self,
                     const char  *name,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self, "SELECT id FROM tags WHERE name = ?1", error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                 _("There is no tag named “%s”."), name);
  else
    desk_store_set_error_from_sqlite (error, self->db, rc, "find a tag");
  sqlite3_reset (stmt);

out:
  g_rec_mutex_unlock (&self->mutex);

  return id;
}

/**
 * desk_store_outbox_retry:
 * @outbox_id: a reply that failed for good
 * @new_text: (nullable): the text as the user edited it, or %NULL to send it as it was
 *
 * Puts a failed reply back in the queue. An edited reply is a new reply as far as the network
 * knows, so it gets a fresh idempotency key and time; one retried as it was keeps its key.
 * Replies that are sent, queued, or whose outcome is unknown cannot be retried this way (an
 * unknown one may already be on the network).
 */
gboolean
desk_store_outbox_retry (DeskStore   *self,
                         gint64       outbox_id,
                         const char  *new_text,
                         GError     **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *key = NULL;
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  if (new_text != NULL)
    {
      g_autofree char *stripped = NULL;

      clean = desk_text_sanitize (new_text, -1, DESK_MAX_TEXT_BYTES);
      stripped = g_strstrip (g_strdup (clean));
      if (stripped[0] == '\0')
        {
          g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                               _("The reply is empty."));
          return FALSE;
        }
      key = g_uuid_string_random ();
    }

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "UPDATE outbox SET state = 'queued', last_error = NULL,"
                        "  body = coalesce (?2, body),"
                        "  idempotency_key = coalesce (?3, idempotency_key),"
                        "  created_at = CASE WHEN ?3 IS NULL THEN created_at ELSE ?4 END,"
                        "  updated_at = ?4"
                        " WHERE id = ?1 AND state = 'failed'",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, outbox_id);
  if (clean != NULL)
    sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_STATIC);
  if (key != NULL)
    sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "retry a reply");
      goto out;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                           _("Only a reply that failed can be sent again."));
      goto out;
    }

  ret = TRUE;

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_outbox_settle:
 * @outbox_id: a reply whose outcome is unknown, or that failed
 * @decision: what the user found on the network
 *
 * Some networks cannot say whether a reply went out (Telegram has no way to look a message up):
 * such a reply stays "unknown" until the user checks the chat and decides. Posted: it counts as
 * the business's answer, stored under a local id since the network's is not known. Send again:
 * back in the queue, sent without a check this once. Discard: removed.
 */
gboolean
desk_store_outbox_settle (DeskStore         *self,
                          gint64             outbox_id,
                          DeskOutboxSettle   decision,
                          GError           **error)
{
  g_autofree char *local_id = NULL;
  g_autofree char *key = NULL;
  DeskOutboxState state;
  gboolean ret = FALSE;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (decision <= DESK_OUTBOX_SETTLE_DISCARD, FALSE);

  g_rec_mutex_lock (&self->mutex);

  state = desk_store_outbox_get_state (self, outbox_id, NULL, error);
  if (error != NULL && *error != NULL)
    goto out;

  if (state != DESK_OUTBOX_UNKNOWN && state != DESK_OUTBOX_FAILED)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                           _("Only a reply whose fate is unknown, or that failed, can be settled."));
      goto out;
    }

  switch (decision)
    {
    case DESK_OUTBOX_SETTLE_POSTED:
      {
        sqlite3_stmt *stmt = get_statement (self, "SELECT idempotency_key FROM outbox WHERE id = ?1", error);

        if (stmt == NULL)
          goto out;
        sqlite3_bind_int64 (stmt, 1, outbox_id);
        if (sqlite3_step (stmt) == SQLITE_ROW)
          key = column_dup (stmt, 0);
        sqlite3_reset (stmt);

        local_id = g_strconcat ("outbox:", key, NULL);
        ret = desk_store_outbox_sent (self, outbox_id, local_id, error);
      }
      break;

    case DESK_OUTBOX_SETTLE_SEND_AGAIN:
      ret = check_open (self, error) &&
            outbox_update (self, outbox_id,
                           "UPDATE outbox SET state = 'queued', last_error = ?2, updated_at = ?3"
                           " WHERE id = ?1",
                           NULL, error);
      break;

    case DESK_OUTBOX_SETTLE_DISCARD:
      ret = check_open (self, error) &&
            outbox_update (self, outbox_id,
                           "DELETE FROM outbox WHERE id = ?1 AND ?2 IS NULL AND ?3 IS NOT NULL",
                           NULL, error);
      break;

    default:
      g_assert_not_reached ();
    }

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/* Internals for the store's other files (desk-store-private.h) */

void
desk_store_lock (DeskStore *self)
{
  g_rec_mutex_lock (&self->mutex);
}

void
desk_store_unlock (DeskStore *self)
{
  g_rec_mutex_unlock (&self->mutex);
}

sqlite3_stmt *
desk_store_statement (DeskStore   *self,
                      const char  *sql,
                      GError     **error)
{
  return get_statement (self, sql, error);
}

gboolean
desk_store_check_open (DeskStore  *self,
                       GError    **error)
{
  return check_open (self, error);
}

gboolean
desk_store_begin (DeskStore  *self,
                  GError    **error)
{
  return begin (self, error);
}

gboolean
desk_store_commit (DeskStore  *self,
                   GError    **error)
{
  return commit (self, error);
}

void
desk_store_rollback (DeskStore *self)
{
  rollback (self);
}

void
desk_store_note_conversation_changed (DeskStore *self,
                                      gint64     conversation_id)
{
  note_conversation_changed (self, conversation_id);
}

void
desk_store_emit_later (DeskStore  *self,
                       const char *signal_name)
{
  guint signal_id;

  if (g_str_equal (signal_name, "tags-changed"))
    signal_id = TAGS_CHANGED;
  else if (g_str_equal (signal_name, "accounts-changed"))
    signal_id = ACCOUNTS_CHANGED;
  else if (g_str_equal (signal_name, "canned-changed"))
    signal_id = CANNED_CHANGED;
  else
    g_return_if_reached ();

  queue_emit (self, signal_id, NULL);
}

void
desk_store_bind_text (sqlite3_stmt *stmt,
                      int           column,
                      const char   *text,
                      gsize         max_bytes)
{
  bind_text (stmt, column, text, max_bytes);
}

char *
desk_store_column_dup (sqlite3_stmt *stmt,
                       int           column)
{
  return column_dup (stmt, column);
}

/* Removing an account */

/**
 * desk_store_remove_account:
 * @account_id: the account to remove
 *
 * Removes the account and everything synced from it, in one transaction: its contacts,
 * conversations, messages, drafts, cursors and its replies still in the outbox (the user
 * confirmed; nothing is deleted on the network). Emits DeskStore::conversations-changed for
 * the conversations that went, and DeskStore::accounts-changed. The account's keyring items
 * are the caller's to delete (desk_credentials_clear_async()). Callable from any thread.
 *
 * Returns: %TRUE if the account was removed; %FALSE with %DESK_STORE_ERROR_NOT_FOUND if there
 *   is no such account
 */
gboolean
desk_store_remove_account (DeskStore  *self,
                           gint64      account_id,
                           GError    **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error) || !begin (self, error))
    goto out;

  /* The conversations first, to announce them once they are gone. */
  stmt = get_statement (self, "SELECT id FROM conversations WHERE account_id = ?1", error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    note_conversation_changed (self, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "list an account's conversations");
      goto out;
    }

  /* Everything else goes with the account: the schema cascades (foreign_keys is on). */
  stmt = get_statement (self, "DELETE FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "remove an account");
      goto out;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                           _("The account is no longer there."));
      goto out;
    }

  if (!commit (self, error))
    goto out;

  queue_emit (self, ACCOUNTS_CHANGED, NULL);
  ret = TRUE;

out:
  if (!ret)
    rollback (self);
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * desk_store_set_account_limits:
 * @max_chars: the longest reply the server accepts, in its units (1 … 100000); 0 or less: not
 *   known
 * @chars_per_url: what the server counts each link as (0 … 1000); less than 0: not known
 *
 * Records the limits the account's server announced for a reply (Mastodon's
 * `configuration.statuses`), which the composer and the provider both count with. A value
 * out of bounds is refused with %DESK_STORE_ERROR_INVALID. Writes, and emits
 * DeskStore::accounts-changed, only when the limits change. Callable from any thread.
 */
gboolean
desk_store_set_account_limits (DeskStore  *self,
                               gint64      account_id,
                               int         max_chars,
                               int         chars_per_url,
                               GError    **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  if (max_chars > DESK_MAX_REPLY_CHARS_BOUND || chars_per_url > DESK_CHARS_PER_URL_BOUND)
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                   "reply limits out of bounds (%d characters, %d per link)",
                   max_chars, chars_per_url);
      return FALSE;
    }

  g_rec_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  stmt = get_statement (self,
                        "UPDATE accounts SET max_reply_chars = ?2, chars_per_url = ?3"
                        " WHERE id = ?1"
                        "   AND (max_reply_chars IS NOT ?2 OR chars_per_url IS NOT ?3)",
                        error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, account_id);
  if (max_chars > 0)
    sqlite3_bind_int (stmt, 2, max_chars);
  else
    sqlite3_bind_null (stmt, 2);
  if (chars_per_url >= 0)
    sqlite3_bind_int (stmt, 3, chars_per_url);
  else
    sqlite3_bind_null (stmt, 3);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, self->db, rc, "record an account's reply limits");
      goto out;
    }

  if (sqlite3_changes (self->db) > 0)
    queue_emit (self, ACCOUNTS_CHANGED, NULL);
  ret = TRUE;

out:
  g_rec_mutex_unlock (&self->mutex);

  return ret;
}
