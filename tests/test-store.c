/* test-store.c: the inbox database, its migrations and its bad states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "desk-conversation.h"
#include "desk-store-private.h"
#include "desk-sync-engine.h"
#include "desk-test-util.h"

/* Migrations */

static void
test_migrate_from_empty (void)
{
  g_autofree char *path = desk_test_tmp_path ("empty.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskStore) store = NULL;
  static const char *tables[] = {
    "accounts", "contacts", "conversations", "messages", "tags", "conversation_tags",
    "canned_responses", "canned_response_variants", "drafts", "outbox", "sync_cursors",
    "messages_fts", "contacts_fts",
  };

  store = desk_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  desk_store_close (store);

  g_assert_cmpint (desk_test_user_version (path), ==, desk_store_schema_version ());
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_true (desk_test_has_table (path, tables[i]));
  g_assert_cmpstr (desk_test_query_text (path, "PRAGMA journal_mode"), ==, "wal");
}

/* A database left at every earlier version, with data in it, opens, is upgraded, keeps its
 * data, and the data is found by search once the FTS tables exist. */
static void
test_migrate_from_each_version (void)
{
  guint n_migrations;

  desk_store_schema_migrations (&n_migrations);
  g_assert_cmpuint (n_migrations, ==, desk_store_schema_version ());

  for (guint version = 1; version < n_migrations; version++)
    {
      g_autofree char *name = g_strdup_printf ("v%u.db", version);
      g_autofree char *path = desk_test_tmp_path (name);
      g_autoptr(GError) error = NULL;
      g_autoptr(DeskStore) store = NULL;
      g_autoptr(GArray) hits = NULL;
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_true (desk_store_schema_migrate (db, version, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_exec (db,
                                     "INSERT INTO accounts (id, network, remote_id, handle, created_at)"
                                     "  VALUES (1, 'mastodon', '1', 'shop', 0);"
                                     "INSERT INTO contacts (id, account_id, remote_id, handle, display_name)"
                                     "  VALUES (1, 1, '7', 'ana@example.social', 'Ana Novak');"
                                     "INSERT INTO conversations (id, account_id, contact_id, kind,"
                                     "  remote_thread_id, last_message_at, waiting_since)"
                                     "  VALUES (1, 1, 1, 'public', 't1', 10, 10);"
                                     "INSERT INTO messages (account_id, conversation_id, remote_id,"
                                     "  direction, author_contact_id, body, created_at)"
                                     "  VALUES (1, 1, 'm1', 'in', 1, 'Do you ship to Ljubljana?', 10);",
                                     NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);

      store = desk_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (store);

      hits = desk_store_search_messages (store, "ljubljana", 10, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (hits->len, ==, 1);

      desk_store_close (store);
      g_assert_cmpint (desk_test_user_version (path), ==, desk_store_schema_version ());
      g_assert_cmpstr (desk_test_query_text (path, "SELECT body FROM messages"), ==,
                       "Do you ship to Ljubljana?");
      /* 6: messages from before were written by people, not sent automatically. */
      g_assert_cmpstr (desk_test_query_text (path, "SELECT automatic FROM messages"), ==, "0");
      /* 7: the server's reply limits are not known until it is asked. */
      g_assert_cmpstr (desk_test_query_text (path, "SELECT count(*) FROM accounts"
                                                   " WHERE max_reply_chars IS NULL"
                                                   "   AND chars_per_url IS NULL"), ==, "1");
    }
}

/* Bad states: each gives its own error, and the file stays exactly as it was. */

static void
assert_open_fails_unchanged (const char *path,
                             int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;

  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  store = desk_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, DESK_STORE_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("error: %s", error->message);

  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_not_a_database (void)
{
  g_autofree char *path = desk_test_tmp_path ("garbage.db");

  g_assert_true (g_file_set_contents (path, "These are my notes, not a database.\n", -1, NULL));
  assert_open_fails_unchanged (path, DESK_STORE_ERROR_CORRUPT);
}

static void
test_damaged_database (void)
{
  g_autofree char *path = desk_test_tmp_path ("damaged.db");
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  store = desk_test_store_new_at (path);
  desk_test_fill (store, 20, 3);
  desk_store_close (store);

  /* Checkpointed into the main file, then the schema page is overwritten. */
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 4096);
  memset (contents + 100, 0xa5, 400);
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  g_assert_no_error (error);

  assert_open_fails_unchanged (path, DESK_STORE_ERROR_CORRUPT);
}

static void
test_too_new (void)
{
  g_autofree char *path = desk_test_tmp_path ("newer.db");
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  store = desk_test_store_new_at (path);
  desk_test_fill (store, 3, 1);
  desk_store_close (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  assert_open_fails_unchanged (path, DESK_STORE_ERROR_TOO_NEW);
  g_assert_cmpint (desk_test_user_version (path), ==, 99);
}

static void
test_locked_by_another (void)
{
  g_autofree char *path = desk_test_tmp_path ("locked.db");
  g_autoptr(DeskStore) first = NULL;
  g_autoptr(DeskStore) second = NULL;
  g_autoptr(DeskStore) third = NULL;
  g_autoptr(GError) error = NULL;

  first = desk_test_store_new_at (path);

  second = desk_store_open (path, &error);
  g_assert_null (second);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  /* Once the first Frontdesk is gone, the inbox opens again. */
  desk_store_close (first);
  third = desk_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (third);
}

/* A file the user may not write. Root writes anything, so the check runs as "nobody". */
static void
drop_root (void)
{
  if (getuid () == 0)
    {
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }
}

static void
test_read_only_file (void)
{
  g_autofree char *path = desk_test_tmp_path ("ro/inbox.db");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DeskStore) store = NULL;

      drop_root ();
      store = desk_store_open (path, &error);
      g_assert_null (store);
      g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_READ_ONLY);
      return;
    }

  {
    g_autoptr(DeskStore) store = desk_test_store_new_at (path);
    desk_test_fill (store, 3, 1);
    desk_store_close (store);
  }

  /* The folder and the lock may be written; the database itself may not. */
  g_assert_cmpint (g_chmod (desk_test_tmp_dir (), 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  g_assert_cmpint (g_chmod (lock, 0666), ==, 0);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_read_only_folder (void)
{
  g_autofree char *path = desk_test_tmp_path ("ro-folder/sub/inbox.db");
  g_autofree char *sub = g_path_get_dirname (path);
  g_autofree char *parent = g_path_get_dirname (sub);

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DeskStore) store = NULL;

      drop_root ();
      store = desk_store_open (path, &error);
      g_assert_null (store);
      g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_READ_ONLY);
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_cmpint (g_chmod (desk_test_tmp_dir (), 0755), ==, 0);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
}

/* A full disk: the batch that does not fit is refused as a whole, with its cursor; what was
 * stored before is intact, and once there is room again the same batch goes in. */
static void
test_disk_full (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  gint64 account = desk_test_add_account (store, "bluesky");
  char *page_count;
  g_autofree char *limit = NULL;
  guint added = 0;

  g_ptr_array_add (batch, desk_test_message ("first", "t1", DESK_DIRECTION_IN, 1000, "Hello"));
  g_assert_true (desk_store_ingest (store, account, batch, "notifications", "c1", &added, &error));
  g_assert_no_error (error);
  g_ptr_array_set_size (batch, 0);

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *id = g_strdup_printf ("big%u", i);
      g_autofree char *thread = g_strdup_printf ("thread%u", i);
      g_autofree char *text = g_strnfill (2000, 'x');

      g_ptr_array_add (batch, desk_test_message (id, thread, DESK_DIRECTION_IN, 2000 + i, text));
    }

  page_count = desk_test_store_query_text (store, "PRAGMA page_count");
  limit = g_strdup_printf ("PRAGMA max_page_count = %s", page_count);
  g_free (page_count);
  g_free (desk_test_store_query_text (store, limit));

  g_assert_false (desk_store_ingest (store, account, batch, "notifications", "c2", &added, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_FULL);
  g_test_message ("error: %s", error->message);
  g_clear_error (&error);

  cursor = desk_store_get_cursor (store, account, "notifications", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cursor, ==, "c1");
  g_assert_cmpint (desk_test_store_count (store, "messages"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "conversations"), ==, 1);

  g_free (desk_test_store_query_text (store, "PRAGMA max_page_count = 1073741823"));
  g_assert_true (desk_store_ingest (store, account, batch, "notifications", "c2", &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 2000);
  g_assert_cmpint (desk_test_store_count (store, "messages"), ==, 2001);
}

/* Ingest and threading */

static void
test_ingest_dedupes (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  gint64 account = desk_test_add_account (store, "mastodon");
  guint added = 0;

  g_ptr_array_add (batch, desk_test_message ("m1", "t1", DESK_DIRECTION_IN, 1000, "Where is my order?"));
  g_ptr_array_add (batch, desk_test_message ("m2", "t1", DESK_DIRECTION_IN, 2000, "It was #4411"));
  g_ptr_array_add (batch, desk_test_message ("m3", "t2", DESK_DIRECTION_IN, 3000, "Do you ship to Ljubljana?"));
  /* The same message twice in one page, as a network may send it. */
  g_ptr_array_add (batch, desk_test_message ("m3", "t2", DESK_DIRECTION_IN, 3000, "Do you ship to Ljubljana?"));

  g_assert_true (desk_store_ingest (store, account, batch, "notifications", "after-m3", &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 3);

  /* Fetched again after a restart: nothing is stored twice. */
  g_assert_true (desk_store_ingest (store, account, batch, "notifications", "after-m3", &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 0);

  g_assert_cmpint (desk_test_store_count (store, "messages"), ==, 3);
  g_assert_cmpint (desk_test_store_count (store, "conversations"), ==, 2);
  g_assert_cmpint (desk_test_store_count (store, "contacts"), ==, 2);  /* one customer per thread */

  cursor = desk_store_get_cursor (store, account, "notifications", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cursor, ==, "after-m3");
}

static void
test_ingest_refuses_incomplete (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, "mastodon");
  DeskMessage *broken;

  g_ptr_array_add (batch, desk_test_message ("ok", "t1", DESK_DIRECTION_IN, 1000, "fine"));
  broken = desk_test_message ("x", "t1", DESK_DIRECTION_IN, 1000, "no id");
  g_clear_pointer (&broken->remote_id, g_free);
  g_ptr_array_add (batch, broken);

  g_assert_false (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_assert_cmpint (desk_test_store_count (store, "messages"), ==, 0);
}

static DeskConversation *
conversation_for_thread (DeskStore  *store,
                         const char *thread)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM conversations WHERE remote_thread_id = '%s'",
                                          thread);
  g_autofree char *id = desk_test_store_query_text (store, sql);
  g_autoptr(GError) error = NULL;
  DeskConversation *conversation;

  g_assert_nonnull (id);
  conversation = desk_store_get_conversation (store, g_ascii_strtoll (id, NULL, 10), &error);
  g_assert_no_error (error);

  return conversation;
}

static void
ingest_one (DeskStore     *store,
            gint64         account,
            DeskMessage   *message)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (batch, message);
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Who is waiting since when, and the status that follows. */
static void
test_threading_and_status (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  gint64 account = desk_test_add_account (store, "bluesky");
  g_autoptr(DeskConversation) c = NULL;
  DeskMessage *reply;

  ingest_one (store, account, desk_test_message ("q1", "t", DESK_DIRECTION_IN, 1000, "Hi?"));
  ingest_one (store, account, desk_test_message ("q2", "t", DESK_DIRECTION_IN, 2000, "Hello??"));
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_OPEN);
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 1000);
  g_assert_cmpstr (desk_conversation_get_snippet (c), ==, "Hello??");
  g_assert_true (desk_conversation_get_unread (c));
  g_clear_object (&c);

  /* The business answers, also when the answer came from elsewhere (no initials). */
  reply = desk_test_message ("a1", "t", DESK_DIRECTION_OUT, 3000, "Hi! How can we help? —MJ");
  reply->agent_initials = g_strdup ("MJ");
  ingest_one (store, account, reply);
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_ANSWERED);
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 0);
  g_assert_cmpstr (desk_conversation_get_answered_by (c), ==, "MJ");
  g_clear_object (&c);

  /* A customer message older than the answer, delivered late, does not reopen it. */
  ingest_one (store, account, desk_test_message ("q0", "t", DESK_DIRECTION_IN, 2500, "late"));
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_ANSWERED);
  g_assert_cmpstr (desk_conversation_get_snippet (c), ==, "Hi! How can we help? —MJ");
  g_clear_object (&c);

  /* A new customer message reopens it, and the clock starts from that message. */
  ingest_one (store, account, desk_test_message ("q3", "t", DESK_DIRECTION_IN, 4000, "Still broken"));
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_OPEN);
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 4000);
  g_clear_object (&c);

  /* Closed by hand, then the customer writes again: open again. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DeskConversation) tmp = conversation_for_thread (store, "t");

    g_assert_true (desk_store_set_status (store, desk_conversation_get_id (tmp),
                                          DESK_CONVERSATION_CLOSED, &error));
    g_assert_no_error (error);
  }
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_CLOSED);
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 0);
  g_clear_object (&c);

  ingest_one (store, account, desk_test_message ("q4", "t", DESK_DIRECTION_IN,
                                                 g_get_real_time () + 1000, "One more thing"));
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_OPEN);
}

static void
test_dm_and_public_are_apart (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  gint64 account = desk_test_add_account (store, "mastodon");
  DeskMessage *dm = desk_test_message ("d1", "same", DESK_DIRECTION_IN, 10, "private question");

  dm->kind = DESK_CONVERSATION_DM;
  ingest_one (store, account, desk_test_message ("p1", "same", DESK_DIRECTION_IN, 10, "public"));
  ingest_one (store, account, dm);

  g_assert_cmpint (desk_test_store_count (store, "conversations"), ==, 2);
}

/* Untrusted text */

static void
test_untrusted_text (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  gint64 account = desk_test_add_account (store, "telegram");
  g_autofree char *huge = g_strnfill (DESK_MAX_TEXT_BYTES + 5000, 'a');
  g_autofree char *body = NULL;
  g_autofree char *length = NULL;
  DeskMessage *message;

  message = desk_test_message ("bad", "t", DESK_DIRECTION_IN, 10, "caf\xc3\xa9 \xff\xfe ok\x01\x1b[31m");
  ingest_one (store, account, message);
  body = desk_test_store_query_text (store, "SELECT body FROM messages WHERE remote_id = 'bad'");
  g_assert_true (g_utf8_validate (body, -1, NULL));
  g_assert_cmpstr (body, ==, "café \xef\xbf\xbd\xef\xbf\xbd ok[31m");

  ingest_one (store, account, desk_test_message ("huge", "t2", DESK_DIRECTION_IN, 10, huge));
  length = desk_test_store_query_text (store, "SELECT length (body) FROM messages WHERE remote_id = 'huge'");
  g_assert_cmpint (g_ascii_strtoll (length, NULL, 10), ==, DESK_MAX_TEXT_BYTES);
}

/* Search */

static void
assert_search (DeskStore  *store,
               const char *text,
               guint       expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = desk_store_search_messages (store, text, 100, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  if (hits->len != expected)
    g_error ("search “%s”: %u hits, expected %u", text, hits->len, expected);
}

static void
test_search (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  gint64 account = desk_test_add_account (store, "mastodon");

  ingest_one (store, account, desk_test_message ("1", "a", DESK_DIRECTION_IN, 1, "I want a refund for order 4411"));
  ingest_one (store, account, desk_test_message ("2", "b", DESK_DIRECTION_IN, 2, "Когда будет доставка в Москву?"));
  ingest_one (store, account, desk_test_message ("3", "c", DESK_DIRECTION_IN, 3, "سفارش من کی می‌رسد؟"));
  ingest_one (store, account, desk_test_message ("4", "d", DESK_DIRECTION_IN, 4, "Ali pošiljate čevlje v Ljubljano?"));
  ingest_one (store, account, desk_test_message ("5", "e", DESK_DIRECTION_IN, 5, "Refunds are slow 😡"));

  assert_search (store, "refund", 2);        /* prefix: refund, Refunds */
  assert_search (store, "REFU", 2);
  assert_search (store, "refund 4411", 1);   /* every word must match */
  assert_search (store, "доставк", 1);
  assert_search (store, "سفارش", 1);
  assert_search (store, "cevlje", 1);        /* diacritics folded */
  assert_search (store, "ljubljano", 1);
  assert_search (store, "", 0);
  assert_search (store, "   ", 0);
  /* FTS5 syntax typed by a user is text, never an error. */
  assert_search (store, "\"", 0);
  assert_search (store, "NEAR(refund", 0);     /* "NEAR" is a word like any other */
  assert_search (store, "body:refund", 0);
  assert_search (store, "refund OR 4411", 1);  /* "OR" is a prefix of "order" */
  assert_search (store, "* ^ - +", 0);
}

static void
test_fts_query_from_text (void)
{
  g_autofree char *a = desk_store_fts_query_from_text ("Hello, \"world\"*");
  g_autofree char *b = desk_store_fts_query_from_text ("!!!");
  g_autofree char *c = desk_store_fts_query_from_text ("\xff\xfeok");

  g_assert_cmpstr (a, ==, "\"Hello\"* \"world\"*");
  g_assert_null (b);
  g_assert_cmpstr (c, ==, "\"ok\"*");
}

/* Tags and accounts */

static void
test_tags (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskConversation) c = NULL;
  gint64 account = desk_test_add_account (store, "x");
  gint64 complaint, feature;

  ingest_one (store, account, desk_test_message ("1", "t", DESK_DIRECTION_IN, 1, "it broke"));

  complaint = desk_store_add_tag (store, "complaint", "#e01b24", &error);
  g_assert_no_error (error);
  feature = desk_store_add_tag (store, "feature request", NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (desk_store_add_tag (store, "Complaint", NULL, &error), ==, 0);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (desk_store_add_tag (store, "   ", NULL, &error), ==, 0);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  c = conversation_for_thread (store, "t");
  g_assert_true (desk_store_tag_conversation (store, desk_conversation_get_id (c), feature, TRUE, &error));
  g_assert_true (desk_store_tag_conversation (store, desk_conversation_get_id (c), complaint, TRUE, &error));
  g_assert_true (desk_store_tag_conversation (store, desk_conversation_get_id (c), complaint, TRUE, &error));
  g_assert_no_error (error);
  g_clear_object (&c);

  c = conversation_for_thread (store, "t");
  g_assert_cmpstrv (desk_conversation_get_tags (c),
                    ((const char *[]) { "complaint", "feature request", NULL }));

  g_assert_cmpint (desk_store_find_tag (store, "COMPLAINT", &error), ==, complaint);
  g_assert_no_error (error);
  g_assert_cmpint (desk_store_find_tag (store, "praise", &error), ==, 0);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (desk_store_find_conversation (store, account, DESK_CONVERSATION_PUBLIC, "t", &error),
                   ==, desk_conversation_get_id (c));
  g_assert_no_error (error);
  g_assert_cmpint (desk_store_find_conversation (store, account, DESK_CONVERSATION_DM, "t", &error), ==, 0);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
}

static void
test_accounts_hold_no_secret (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *columns = NULL;

  desk_test_add_account (store, "bluesky");
  desk_test_add_account (store, "mastodon");

  accounts = desk_store_list_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[0])->network, ==, "bluesky");
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[0])->state, ==, "ok");

  columns = desk_test_store_query_text (store,
                                        "SELECT group_concat (name) FROM pragma_table_info ('accounts')");
  g_assert_null (strstr (columns, "token"));
  g_assert_null (strstr (columns, "password"));
  g_assert_null (strstr (columns, "secret"));
}

/* A reply whose outcome the network cannot tell waits for the user's decision. */
static void
test_outbox_settle (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskConversation) c = NULL;
  gint64 account = desk_test_add_account (store, "telegram");
  gint64 posted, again, discarded;

  ingest_one (store, account, desk_test_message ("m1", "chat", DESK_DIRECTION_IN, 1000, "Hi?"));
  c = conversation_for_thread (store, "chat");

  posted = desk_store_queue_reply (store, desk_conversation_get_id (c), "Hello! —MJ", "MJ", &error);
  again = desk_store_queue_reply (store, desk_conversation_get_id (c), "Also —MJ", "MJ", &error);
  discarded = desk_store_queue_reply (store, desk_conversation_get_id (c), "Oops —MJ", "MJ", &error);
  g_assert_no_error (error);

  /* Queued replies are not the user's to settle: they are still on their way. */
  g_assert_false (desk_store_outbox_settle (store, posted, DESK_OUTBOX_SETTLE_POSTED, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  for (gint64 id = posted; id <= discarded; id++)
    g_assert_true (desk_store_outbox_failed (store, id, DESK_OUTBOX_UNKNOWN, "the connection broke", &error));

  g_assert_true (desk_store_outbox_settle (store, posted, DESK_OUTBOX_SETTLE_POSTED, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_store_outbox_get_state (store, posted, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_clear_object (&c);
  c = conversation_for_thread (store, "chat");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_ANSWERED);

  g_assert_true (desk_store_outbox_settle (store, again, DESK_OUTBOX_SETTLE_SEND_AGAIN, &error));
  g_assert_cmpint (desk_store_outbox_get_state (store, again, NULL, NULL), ==, DESK_OUTBOX_QUEUED);

  g_assert_true (desk_store_outbox_settle (store, discarded, DESK_OUTBOX_SETTLE_DISCARD, &error));
  g_assert_no_error (error);
  desk_store_outbox_get_state (store, discarded, NULL, &error);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
}

/* A public conversation answered privately: the outbox row is is_dm and says so to the
 * provider and to the conversation view, while the conversation stays public. */
static void
test_outbox_private_reply (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskConversation) c = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) unsent = NULL;
  gint64 account = desk_test_add_account (store, "mastodon");
  gint64 private_id, public_id;
  g_autofree char *sql = NULL;

  ingest_one (store, account, desk_test_message ("m1", "toot", DESK_DIRECTION_IN, 1000, "Hi?"));
  c = conversation_for_thread (store, "toot");
  g_assert_cmpint (desk_conversation_get_kind (c), ==, DESK_CONVERSATION_PUBLIC);
  g_assert_true (desk_store_save_draft (store, desk_conversation_get_id (c), "Your address?", TRUE,
                                        &error));
  g_assert_no_error (error);

  private_id = desk_store_queue_reply_full (store, desk_conversation_get_id (c), "Your address? —MJ",
                                            "MJ", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (private_id, >, 0);
  public_id = desk_store_queue_reply (store, desk_conversation_get_id (c), "Thanks —MJ", "MJ", &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT is_dm FROM outbox WHERE id = %" G_GINT64_FORMAT, private_id);
  g_assert_cmpint (desk_test_store_query_int (store, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT is_dm FROM outbox WHERE id = %" G_GINT64_FORMAT, public_id);
  g_assert_cmpint (desk_test_store_query_int (store, sql), ==, 0);
  /* The draft went with the queued reply */
  g_assert_cmpint (desk_test_store_count (store, "drafts"), ==, 0);

  pending = desk_store_outbox_pending (store, account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  g_assert_true (((DeskOutgoing *) pending->pdata[0])->private_reply);
  g_assert_cmpint (((DeskOutgoing *) pending->pdata[0])->kind, ==, DESK_CONVERSATION_PUBLIC);
  g_assert_false (((DeskOutgoing *) pending->pdata[1])->private_reply);

  unsent = desk_store_list_unsent (store, desk_conversation_get_id (c), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unsent->len, ==, 2);
  g_assert_true (((DeskOutboxEntry *) unsent->pdata[0])->private_reply);
  g_assert_false (((DeskOutboxEntry *) unsent->pdata[1])->private_reply);
}

static void
count_changed_conversations (DeskStore *store,
                             GArray    *ids,
                             GArray    *seen)
{
  g_array_append_vals (seen, ids->data, ids->len);
}

static void
count_signal (DeskStore *store,
              guint     *count)
{
  (*count)++;
}

static DeskAccountInfo *
find_account (DeskStore *store,
              gint64     id,
              GPtrArray **accounts)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (accounts, g_ptr_array_unref);
  *accounts = desk_store_list_accounts (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < (*accounts)->len; i++)
    if (((DeskAccountInfo *) (*accounts)->pdata[i])->id == id)
      return (*accounts)->pdata[i];

  g_assert_not_reached ();
}

/* The server's reply limits: unknown at first, stored, bounded, announced only when they change */
static void
test_account_limits (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskAccountInfo) copy = NULL;
  gint64 id = desk_test_add_account (store, "mastodon");
  gint64 other = desk_test_add_account (store, "mastodon");
  DeskAccountInfo *info;
  guint accounts_changed = 0;

  info = find_account (store, id, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 0);
  g_assert_false (info->has_chars_per_url);

  while (g_main_context_iteration (NULL, FALSE));
  g_signal_connect (store, "accounts-changed", G_CALLBACK (count_signal), &accounts_changed);

  g_assert_true (desk_store_set_account_limits (store, id, 1000, 30, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (accounts_changed, ==, 1);

  info = find_account (store, id, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 1000);
  g_assert_true (info->has_chars_per_url);
  g_assert_cmpuint (info->chars_per_url, ==, 30);
  copy = desk_account_info_copy (info);
  g_assert_cmpuint (copy->max_reply_chars, ==, 1000);
  g_assert_cmpuint (copy->chars_per_url, ==, 30);
  g_assert_true (copy->has_chars_per_url);
  info = find_account (store, other, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 0);

  /* The same again: nothing to announce */
  g_assert_true (desk_store_set_account_limits (store, id, 1000, 30, &error));
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (accounts_changed, ==, 1);

  /* Links may be free; each limit may be unknown on its own */
  g_assert_true (desk_store_set_account_limits (store, id, 0, 0, &error));
  g_assert_no_error (error);
  info = find_account (store, id, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 0);
  g_assert_true (info->has_chars_per_url);
  g_assert_cmpuint (info->chars_per_url, ==, 0);
  g_assert_true (desk_store_set_account_limits (store, id, 800, -1, &error));
  info = find_account (store, id, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 800);
  g_assert_false (info->has_chars_per_url);

  /* Out of bounds: refused, and the stored limits stay */
  g_assert_false (desk_store_set_account_limits (store, id, 100001, 23, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (desk_store_set_account_limits (store, id, 500, 1001, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  info = find_account (store, id, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 800);

  /* A value written by something else, out of bounds, reads as unknown */
  g_assert_cmpint (sqlite3_exec (desk_store_get_db (store),
                                 "UPDATE accounts SET max_reply_chars = -5, chars_per_url = 'x'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  info = find_account (store, id, &accounts);
  g_assert_cmpuint (info->max_reply_chars, ==, 0);
  g_assert_false (info->has_chars_per_url);

  g_signal_handlers_disconnect_by_func (store, count_signal, &accounts_changed);
}

/* Removing an account takes everything synced from it, and only that, in one go. */
static void
test_remove_account (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(DeskConversation) gone = NULL;
  g_autoptr(DeskConversation) kept = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GArray) hits = NULL;
  gint64 removed = desk_test_add_account (store, "bluesky");
  gint64 other = desk_test_add_account (store, "mastodon");
  g_autofree char *draft_sql = NULL;
  guint accounts_changed = 0;
  gint64 tag;
  gboolean found_gone = FALSE;

  ingest_one (store, removed, desk_test_message ("a1", "gone", DESK_DIRECTION_IN, 1000, "Where is my parcel?"));
  ingest_one (store, removed, desk_test_message ("a2", "gone-too", DESK_DIRECTION_IN, 2000, "Refund please"));
  ingest_one (store, other, desk_test_message ("b1", "kept", DESK_DIRECTION_IN, 3000, "Where is my order?"));
  gone = conversation_for_thread (store, "gone");
  kept = conversation_for_thread (store, "kept");

  /* A reply waiting in the outbox, a draft and a tag on the removed account's conversation */
  g_assert_cmpint (desk_store_queue_reply (store, desk_conversation_get_id (gone), "On its way —MJ", "MJ", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (desk_store_queue_reply (store, desk_conversation_get_id (kept), "Soon —MJ", "MJ", &error), >, 0);
  draft_sql = g_strdup_printf ("INSERT INTO drafts (conversation_id, body, updated_at)"
                               " VALUES (%" G_GINT64_FORMAT ", 'Hello', 1)",
                               desk_conversation_get_id (gone));
  g_assert_cmpint (sqlite3_exec (desk_store_get_db (store), draft_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  tag = desk_store_add_tag (store, "Shipping", "", &error);
  g_assert_no_error (error);
  g_assert_true (desk_store_tag_conversation (store, desk_conversation_get_id (gone), tag, TRUE, &error));
  g_assert_true (desk_store_tag_conversation (store, desk_conversation_get_id (kept), tag, TRUE, &error));
  while (g_main_context_iteration (NULL, FALSE));

  g_signal_connect (store, "conversations-changed", G_CALLBACK (count_changed_conversations), changed);
  g_signal_connect (store, "accounts-changed", G_CALLBACK (count_signal), &accounts_changed);

  g_assert_true (desk_store_remove_account (store, removed, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE));

  /* Both of its conversations were announced, the other account's was not. */
  g_assert_cmpuint (changed->len, ==, 2);
  for (guint i = 0; i < changed->len; i++)
    {
      g_assert_cmpint (g_array_index (changed, gint64, i), !=, desk_conversation_get_id (kept));
      found_gone |= g_array_index (changed, gint64, i) == desk_conversation_get_id (gone);
    }
  g_assert_true (found_gone);
  g_assert_cmpuint (accounts_changed, ==, 1);

  accounts = desk_store_list_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpint (((DeskAccountInfo *) accounts->pdata[0])->id, ==, other);

  g_assert_cmpint (desk_test_store_count (store, "conversations"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "messages"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "contacts"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "outbox"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "drafts"), ==, 0);
  g_assert_cmpint (desk_test_store_count (store, "conversation_tags"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "tags"), ==, 1);

  /* Search no longer finds its messages; the other account's still are. */
  hits = desk_store_search_messages (store, "where", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT conversation_id FROM messages WHERE id = %" G_GINT64_FORMAT,
                                            g_array_index (hits, gint64, 0));

    g_assert_cmpint (desk_test_store_query_int (store, sql), ==, desk_conversation_get_id (kept));
  }

  /* Twice is an error the caller can tell apart, and changes nothing. */
  g_assert_false (desk_store_remove_account (store, removed, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (desk_test_store_count (store, "conversations"), ==, 1);
}

/* The sync engine's workers for a removed account stop; the others keep going. */
static GMutex factory_mutex;
static guint factory_calls[8];   /* per account id */

static DeskProvider *
counting_factory (DeskStore              *store,
                  const DeskAccountInfo  *account,
                  GError                **error)
{
  g_mutex_lock (&factory_mutex);
  if (account->id < (gint64) G_N_ELEMENTS (factory_calls))
    factory_calls[account->id]++;
  g_mutex_unlock (&factory_mutex);

  /* Needs signing in: the worker waits until it is woken, then asks again. */
  g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                       "sign in again");
  return NULL;
}

static guint
factory_calls_for (gint64 account_id)
{
  guint calls;

  g_mutex_lock (&factory_mutex);
  calls = factory_calls[account_id];
  g_mutex_unlock (&factory_mutex);

  return calls;
}

typedef struct
{
  gint64 account_id;
  guint  calls;
} CallsData;

static gboolean
factory_called (gpointer user_data)
{
  CallsData *data = user_data;

  return factory_calls_for (data->account_id) >= data->calls;
}

static gboolean
keep_polling (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_remove_account_stops_worker (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (store, counting_factory);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 removed = desk_test_add_account (store, "bluesky");
  gint64 kept = desk_test_add_account (store, "mastodon");
  CallsData kept_twice = { kept, 2 };
  guint poll = g_timeout_add (10, keep_polling, NULL);   /* the workers send no events */

  g_assert_cmpint (kept, <, (gint64) G_N_ELEMENTS (factory_calls));

  accounts = desk_store_list_accounts (store, &error);
  g_assert_no_error (error);
  desk_sync_engine_start_accounts (engine, accounts);
  desk_test_wait_until (factory_called, &(CallsData) { removed, 1 });
  desk_test_wait_until (factory_called, &(CallsData) { kept, 1 });

  /* The window lists the accounts again once one was removed: the list lacks it. (It stays
   * in this store, so that a worker left running would show by asking for it again.) */
  g_assert_cmpint (((DeskAccountInfo *) accounts->pdata[0])->id, ==, removed);
  g_ptr_array_remove_index (accounts, 0);
  desk_sync_engine_start_accounts (engine, accounts);

  /* Woken, the kept account's worker asks for its provider again; the removed one's is gone. */
  desk_sync_engine_wake (engine);
  desk_test_wait_until (factory_called, &kept_twice);
  g_usleep (100 * 1000);
  desk_sync_engine_stop (engine);

  g_assert_cmpuint (factory_calls_for (removed), ==, 1);

  /* Started again with every account, the engine syncs the kept one only once more. */
  desk_sync_engine_start_accounts (engine, accounts);
  kept_twice.calls = 3;
  desk_test_wait_until (factory_called, &kept_twice);
  desk_sync_engine_stop (engine);
  g_assert_cmpuint (factory_calls_for (removed), ==, 1);

  g_source_remove (poll);
}

/* An away or greeting message the network sent by itself is stored and shown, but answers
 * nobody: the customer still waits, until a person replies. */
static void
test_automatic_reply (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskConversation) c = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, "telegram");
  DeskMessage *away;
  DeskMessage *reply;

  ingest_one (store, account, desk_test_message ("q1", "t", DESK_DIRECTION_IN, 1000, "Are you open?"));

  away = desk_test_message ("auto1", "t", DESK_DIRECTION_OUT, 1500,
                            "We are away until Monday. We will answer then!");
  away->automatic = TRUE;
  ingest_one (store, account, away);

  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_OPEN);
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 1000);
  g_assert_cmpstr (desk_conversation_get_snippet (c), ==, "We are away until Monday. We will answer then!");
  g_clear_object (&c);

  /* Shown in the thread, marked as such. */
  messages = desk_store_list_messages (store, desk_test_conversation_id (store, "t"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_false (((DeskMessage *) messages->pdata[0])->automatic);
  g_assert_true (((DeskMessage *) messages->pdata[1])->automatic);

  /* The customer writes again: still waiting since the first message. */
  ingest_one (store, account, desk_test_message ("q2", "t", DESK_DIRECTION_IN, 2000, "Hello?"));
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 1000);
  g_clear_object (&c);

  /* A person answers: that is the answer. */
  reply = desk_test_message ("a1", "t", DESK_DIRECTION_OUT, 3000, "Yes, we are! —MJ");
  reply->agent_initials = g_strdup ("MJ");
  ingest_one (store, account, reply);
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_ANSWERED);
  g_assert_cmpint (desk_conversation_get_waiting_since (c), ==, 0);
  g_assert_cmpstr (desk_conversation_get_answered_by (c), ==, "MJ");
  g_clear_object (&c);

  /* A later greeting does not take the answer's place. */
  away = desk_test_message ("auto2", "t", DESK_DIRECTION_OUT, 4000, "Thanks for writing!");
  away->automatic = TRUE;
  ingest_one (store, account, away);
  c = conversation_for_thread (store, "t");
  g_assert_cmpint (desk_conversation_get_status (c), ==, DESK_CONVERSATION_ANSWERED);
  g_assert_cmpstr (desk_conversation_get_answered_by (c), ==, "MJ");
  g_assert_cmpint (desk_test_store_query_int (store, "SELECT last_answered_at FROM conversations"),
                   ==, 3000);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/store/migrate/empty", test_migrate_from_empty);
  g_test_add_func ("/store/migrate/each-version", test_migrate_from_each_version);
  g_test_add_func ("/store/bad/not-a-database", test_not_a_database);
  g_test_add_func ("/store/bad/damaged", test_damaged_database);
  g_test_add_func ("/store/bad/too-new", test_too_new);
  g_test_add_func ("/store/bad/locked", test_locked_by_another);
  g_test_add_func ("/store/bad/read-only-file", test_read_only_file);
  g_test_add_func ("/store/bad/read-only-folder", test_read_only_folder);
  g_test_add_func ("/store/bad/disk-full", test_disk_full);
  g_test_add_func ("/store/ingest/dedupes", test_ingest_dedupes);
  g_test_add_func ("/store/ingest/refuses-incomplete", test_ingest_refuses_incomplete);
  g_test_add_func ("/store/ingest/threading-and-status", test_threading_and_status);
  g_test_add_func ("/store/ingest/dm-and-public", test_dm_and_public_are_apart);
  g_test_add_func ("/store/ingest/untrusted-text", test_untrusted_text);
  g_test_add_func ("/store/search/fts", test_search);
  g_test_add_func ("/store/search/query-from-text", test_fts_query_from_text);
  g_test_add_func ("/store/tags", test_tags);
  g_test_add_func ("/store/outbox/settle", test_outbox_settle);
  g_test_add_func ("/store/outbox/private-reply", test_outbox_private_reply);
  g_test_add_func ("/store/accounts/no-secret", test_accounts_hold_no_secret);
  g_test_add_func ("/store/ingest/automatic-reply", test_automatic_reply);
  g_test_add_func ("/store/accounts/remove", test_remove_account);
  g_test_add_func ("/store/accounts/limits", test_account_limits);
  g_test_add_func ("/store/accounts/remove-stops-sync", test_remove_account_stops_worker);

  return g_test_run ();
}
