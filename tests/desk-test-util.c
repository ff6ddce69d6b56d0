/* desk-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "desk-store-private.h"
#include "desk-test-util.h"

static char *tmp_dir;
static gboolean owns_tmp_dir;
static guint counter;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void
cleanup_tmp_dir (void)
{
  if (owns_tmp_dir && tmp_dir != NULL && g_getenv ("FRONTDESK_TEST_KEEP") == NULL)
    remove_tree (tmp_dir);
}

/**
 * desk_test_init:
 *
 * g_test_init() plus a temporary folder for the test's files. A subprocess started by
 * g_test_trap_subprocess() shares its parent's folder.
 */
void
desk_test_init (int    *argc,
                char ***argv)
{
  const char *inherited;

  g_test_init (argc, argv, NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  inherited = g_getenv ("FRONTDESK_TEST_TMP");
  if (inherited != NULL && g_test_subprocess ())
    {
      tmp_dir = g_strdup (inherited);
      return;
    }

  tmp_dir = g_dir_make_tmp ("frontdesk-test-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  owns_tmp_dir = TRUE;
  g_setenv ("FRONTDESK_TEST_TMP", tmp_dir, TRUE);
  atexit (cleanup_tmp_dir);
}

const char *
desk_test_tmp_dir (void)
{
  return tmp_dir;
}

char *
desk_test_tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

DeskStore *
desk_test_store_new_at (const char *path)
{
  g_autoptr(GError) error = NULL;
  DeskStore *store;

  store = desk_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

DeskStore *
desk_test_store_new (void)
{
  g_autofree char *name = g_strdup_printf ("store-%u.db", ++counter);
  g_autofree char *path = desk_test_tmp_path (name);

  return desk_test_store_new_at (path);
}

gint64
desk_test_add_account (DeskStore  *store,
                       const char *network)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remote_id = g_strdup_printf ("account-%u", ++counter);
  DeskAccountInfo info = {
    .network = (char *) network,
    .remote_id = remote_id,
    .handle = (char *) "shop",
    .display_name = (char *) "The Shop",
    .server_url = (char *) "http://127.0.0.1",
  };
  gint64 id;

  id = desk_store_add_account (store, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

DeskMessage *
desk_test_message (const char    *remote_id,
                   const char    *thread_id,
                   DeskDirection  direction,
                   gint64         created_at,
                   const char    *text)
{
  DeskMessage *message = desk_message_new ();

  message->remote_id = g_strdup (remote_id);
  message->thread_id = g_strdup (thread_id);
  message->kind = DESK_CONVERSATION_PUBLIC;
  message->direction = direction;
  message->created_at = created_at;
  message->text = g_strdup (text);

  if (direction == DESK_DIRECTION_IN)
    {
      message->author_id = g_strdup_printf ("customer-of-%s", thread_id);
      message->author_handle = g_strdup_printf ("@%s", thread_id);
      message->author_name = g_strdup_printf ("Customer %s", thread_id);
    }

  return message;
}

/**
 * desk_test_fill:
 *
 * Adds an account and @n_conversations open conversations, customer messages only; the
 * conversation for thread "tN" waits since N * 1000 µs, so "waiting longest" is t0, t1, …
 */
void
desk_test_fill (DeskStore *store,
                guint      n_conversations,
                guint      messages_each)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, "mastodon");

  for (guint i = 0; i < n_conversations; i++)
    {
      for (guint j = 0; j < messages_each; j++)
        {
          g_autofree char *id = g_strdup_printf ("m%u-%u", i, j);
          g_autofree char *thread = g_strdup_printf ("t%u", i);
          g_autofree char *text = g_strdup_printf ("Question %u, part %u", i, j);

          g_ptr_array_add (batch, desk_test_message (id, thread, DESK_DIRECTION_IN,
                                                     (gint64) i * 1000 + j, text));
        }

      if (batch->len >= 500 || i + 1 == n_conversations)
        {
          g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
          g_assert_no_error (error);
          g_ptr_array_set_size (batch, 0);
        }
    }
}

char *
desk_test_store_query_text (DeskStore  *store,
                            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *ret = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (desk_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return ret;
}

gint64
desk_test_store_count (DeskStore  *store,
                       const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autofree char *count = desk_test_store_query_text (store, sql);

  return g_ascii_strtoll (count, NULL, 10);
}

const char *
desk_test_query_text (const char *path,
                      const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *ret = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = g_intern_string ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return ret;
}

int
desk_test_user_version (const char *path)
{
  return (int) g_ascii_strtoll (desk_test_query_text (path, "PRAGMA user_version"), NULL, 10);
}

gboolean
desk_test_has_table (const char *path,
                     const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE name = '%s'",
                                          table);

  return g_strcmp0 (desk_test_query_text (path, sql), "1") == 0;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for a condition");
  return G_SOURCE_REMOVE;
}

/**
 * desk_test_wait_until:
 *
 * Runs the main loop until @predicate holds. Fails the test after 30 s: a hang, not a timing.
 */
void
desk_test_wait_until (gboolean (*predicate) (gpointer),
                      gpointer   data)
{
  guint timeout = g_timeout_add_seconds (30, timeout_cb, NULL);

  while (!predicate (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout);
}

gint64
desk_test_store_query_int (DeskStore  *store,
                           const char *sql)
{
  g_autofree char *text = desk_test_store_query_text (store, sql);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : -1;
}

gint64
desk_test_conversation_id (DeskStore  *store,
                           const char *thread_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM conversations WHERE remote_thread_id = '%s'",
                                          thread_id);

  return desk_test_store_query_int (store, sql);
}

char *
desk_test_conversation_status (DeskStore  *store,
                               const char *thread_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT status FROM conversations WHERE remote_thread_id = '%s'",
                                          thread_id);

  return desk_test_store_query_text (store, sql);
}

/**
 * desk_test_have_frontdesk_bin:
 *
 * Returns: %TRUE when the real binary can be run; otherwise marks the test skipped
 */
gboolean
desk_test_have_frontdesk_bin (void)
{
  if (g_getenv ("FRONTDESK_BIN") != NULL)
    return TRUE;

  g_test_skip ("FRONTDESK_BIN is not set (meson test sets it)");
  return FALSE;
}

/**
 * desk_test_spawn_sync_once:
 *
 * Returns: (transfer full): `frontdesk --database DATABASE --sync-once`, running
 */
GSubprocess *
desk_test_spawn_sync_once (const char *database)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            g_getenv ("FRONTDESK_BIN"), "--database", database, "--sync-once", NULL);
  g_assert_no_error (error);
  return child;
}

GPid
desk_test_subprocess_pid (GSubprocess *child)
{
  return (GPid) g_ascii_strtoll (g_subprocess_get_identifier (child), NULL, 10);
}
