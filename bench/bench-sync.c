/* bench-sync.c: sync ingest through the real provider vs. parsing and inserting directly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figures (issue "sync engine"): N notifications synced from a local fake PDS into a store by
 * the sync engine and the Bluesky provider, against a baseline that parses the same payloads
 * (already fetched) with json-glib and inserts the rows with plain prepared statements; the
 * ratio of the two rates (goal ≥ 0.5); and HTTP requests per 1,000 messages fetched.
 *
 * Needs the keyring for the session: run under build-aux/headless-run.sh (ninja bench does).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "desk-bluesky-provider.h"
#include "desk-http.h"
#include "desk-providers.h"
#include "desk-store-private.h"
#include "desk-sync-engine.h"
#include "fake-bluesky.h"

#define HANDLE   "shop-biz.test"
#define PASSWORD "abcd-efgh-ijkl-mnop"

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static double
now_s (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static gint64
count_messages (DeskStore *store)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  sqlite3_prepare_v2 (desk_store_get_db (store), "SELECT count(*) FROM messages", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/* Baseline: the same pages, fetched first, then parsed and inserted with no threading, no
 * contacts, no conversations: what "just store the payload" costs. */
static double
baseline (FakeBluesky *fake,
          const char  *dir,
          guint        n,
          guint       *n_inserted)
{
  g_autoptr(SoupSession) session = desk_http_session_new ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *db_path = g_build_filename (dir, "baseline.db", NULL);
  g_autofree char *token = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(DeskStore) store = NULL;
  sqlite3 *db;
  sqlite3_stmt *insert = NULL;
  double start, elapsed;
  guint inserted = 0;

  /* A session of our own to read the pages. */
  {
    g_autofree char *url = desk_http_url (fake_bluesky_get_url (fake), "/xrpc/com.atproto.server.createSession", NULL);
    g_autoptr(JsonNode) body = json_from_string ("{\"identifier\": \"" HANDLE "\", \"password\": \"" PASSWORD "\"}", NULL);
    g_autoptr(DeskHttpResponse) response = desk_http_request (session, "POST", url, NULL, body, NULL, NULL);

    token = g_strconcat ("Bearer ", json_object_get_string_member (json_node_get_object (response->json), "accessJwt"), NULL);
  }

  for (;;)
    {
      g_autofree char *url = desk_http_url (fake_bluesky_get_url (fake), "/xrpc/app.bsky.notification.listNotifications",
                                            "limit", "50", "cursor", cursor, NULL);
      const char *headers[] = { "Authorization", token, NULL };
      g_autoptr(DeskHttpResponse) response = desk_http_request (session, "GET", url, headers, NULL, NULL, NULL);
      JsonObject *object = json_node_get_object (response->json);

      g_ptr_array_add (pages, g_bytes_ref (response->body));
      g_free (cursor);
      cursor = g_strdup (json_object_has_member (object, "cursor")
                           ? json_object_get_string_member (object, "cursor") : NULL);
      if (cursor == NULL)
        break;
    }

  store = desk_store_open (db_path, NULL);
  db = desk_store_get_db (store);
  sqlite3_exec (db, "INSERT INTO accounts (id, network, remote_id, handle, created_at) VALUES (1, 'bluesky', 'did', 'h', 0);"
                    "INSERT INTO conversations (id, account_id, kind, remote_thread_id, last_message_at) VALUES (1, 1, 'public', 't', 0);",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO messages (account_id, conversation_id, remote_id, direction, body, created_at, raw_json)"
                          " VALUES (1, 1, ?1, 'in', ?2, ?3, ?4) ON CONFLICT DO NOTHING", -1, &insert, NULL);

  start = now_s ();
  for (guint p = 0; p < pages->len; p++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (g_ptr_array_index (pages, p), &size);
      JsonArray *notifications;

      json_parser_load_from_data (parser, data, size, NULL);
      notifications = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "notifications");

      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
      for (guint i = 0; i < json_array_get_length (notifications); i++)
        {
          JsonNode *node = json_array_get_element (notifications, i);
          JsonObject *notification = json_node_get_object (node);
          JsonObject *record = json_object_get_object_member (notification, "record");
          g_autofree char *raw = json_to_string (node, FALSE);

          sqlite3_bind_text (insert, 1, json_object_get_string_member (notification, "uri"), -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (insert, 2, json_object_get_string_member (record, "text"), -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (insert, 3, g_get_real_time ());
          sqlite3_bind_text (insert, 4, raw, -1, SQLITE_STATIC);
          sqlite3_step (insert);
          sqlite3_reset (insert);
          inserted++;
        }
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  elapsed = now_s () - start;

  sqlite3_finalize (insert);
  *n_inserted = inserted;
  (void) n;

  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("frontdesk-bench-sync-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "inbox.db", NULL);
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(DeskSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  FakeBluesky *fake;
  const char *customers[20];
  double start, sync_s, base_s, build_s;
  guint requests_before, requests, passes = 0, inserted = 0;
  gint64 stored;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  start = now_s ();
  fake = fake_bluesky_new (HANDLE, PASSWORD);
  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    {
      g_autofree char *handle = g_strdup_printf ("customer%u.test", i);
      customers[i] = fake_bluesky_add_customer (fake, handle, handle);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("@" HANDLE " question %u: where is my order #%u? 📦", i, 1000 + i);
      fake_bluesky_post (fake, customers[i % G_N_ELEMENTS (customers)], NULL, text, "mention");
    }
  build_s = now_s () - start;

  store = desk_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (desk_bluesky_sign_in (store, fake_bluesky_get_url (fake), HANDLE, PASSWORD, NULL, &error), >, 0);
  g_assert_no_error (error);

  engine = desk_sync_engine_new (store, desk_providers_create);
  requests_before = fake_bluesky_get_requests (fake);

  start = now_s ();
  do
    {
      g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, &error));
      g_assert_no_error (error);
      passes++;
      stored = count_messages (store);
    }
  while (stored < n && passes < 1000);
  sync_s = now_s () - start;
  requests = fake_bluesky_get_requests (fake) - requests_before;

  base_s = baseline (fake, dir, n, &inserted);

  g_print ("\n== Sync ingest (fake PDS on 127.0.0.1, %u notifications, pages of 50) ==\n", n);
  g_print ("  fake server filled in             %8.1f s\n", build_s);
  g_print ("  Frontdesk sync (engine+provider)  %8.0f msgs/s  (%.1f s, %u passes, %" G_GINT64_FORMAT " stored)\n",
           stored / sync_s, sync_s, passes, stored);
  g_print ("  baseline parse+insert             %8.0f msgs/s  (%.1f s, %u rows)\n",
           inserted / base_s, base_s, inserted);
  g_print ("  ratio                             %8.2f       (goal >= 0.5)\n",
           (stored / sync_s) / (inserted / base_s));
  g_print ("  requests per 1,000 messages       %8.1f       (%u requests: notification pages, thread re-reads, session)\n",
           requests * 1000.0 / MAX (stored, 1), requests);

  g_clear_object (&engine);
  desk_store_close (store);
  fake_bluesky_free (fake);
  remove_tree (dir);

  return 0;
}
