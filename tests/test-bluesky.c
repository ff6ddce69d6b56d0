/* test-bluesky.c: the Bluesky provider, the sync engine and the outbox against a fake PDS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh: the session lives in a real (throw-away) keyring.
 * The fake server (fake-bluesky.c) is stateful and answers as the lexicons say; the real
 * network is exercised by test-bluesky-network.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "desk-bluesky-provider.h"
#include "desk-conversation.h"
#include "desk-credentials.h"
#include "desk-providers.h"
#include "desk-store-private.h"
#include "desk-sync-engine.h"
#include "desk-test-util.h"
#include "desk-text.h"
#include "fake-bluesky.h"

#define HANDLE   "shop-biz.test"
#define PASSWORD "abcd-efgh-ijkl-mnop"

typedef struct
{
  FakeBluesky    *fake;
  char           *path;
  DeskStore      *store;
  DeskSyncEngine *engine;
  gint64          account;
  const char     *ana;
  const char     *boris;
  const char     *shirin;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("bluesky-%u.db", ++counter);
  g_autoptr(GError) error = NULL;

  f->fake = fake_bluesky_new (HANDLE, PASSWORD);
  f->ana = fake_bluesky_add_customer (f->fake, "ana.test", "Ana Novak");
  f->boris = fake_bluesky_add_customer (f->fake, "boris.test", "Борис Петров");
  f->shirin = fake_bluesky_add_customer (f->fake, "shirin.test", "شیرین");

  f->path = desk_test_tmp_path (name);
  f->store = desk_test_store_new_at (f->path);
  f->engine = desk_sync_engine_new (f->store, desk_providers_create);

  f->account = desk_bluesky_sign_in (f->store, fake_bluesky_get_url (f->fake), HANDLE, PASSWORD,
                                     NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->account, >, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->engine);
  if (f->store != NULL)
    desk_store_close (f->store);
  g_clear_object (&f->store);
  fake_bluesky_free (f->fake);
  g_free (f->path);
}

static gboolean
sync_once (Fixture  *f,
           GError  **error)
{
  DeskSyncStats stats;

  return desk_sync_engine_run_once (f->engine, &stats, NULL, error);
}

static void
assert_sync_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sync_once (f, &error));
  g_assert_no_error (error);
}

static gint64
count (Fixture    *f,
       const char *sql)
{
  return desk_test_store_query_int (f->store, sql);
}

static char *
query (Fixture    *f,
       const char *sql)
{
  return desk_test_store_query_text (f->store, sql);
}

static gint64
conversation_of (Fixture    *f,
                 const char *thread)
{
  return desk_test_conversation_id (f->store, thread);
}

static char *
status_of (Fixture    *f,
           const char *thread)
{
  return desk_test_conversation_status (f->store, thread);
}

/* Sign-in */

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  char *refresh = NULL;
  g_autofree char *expected = fake_bluesky_dup_refresh_token (f->fake);
  DeskAccountInfo *account;

  accounts = desk_store_list_accounts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  account = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (account->network, ==, "bluesky");
  g_assert_cmpstr (account->remote_id, ==, fake_bluesky_get_business_did (f->fake));
  g_assert_cmpstr (account->handle, ==, HANDLE);
  g_assert_cmpstr (account->server_url, ==, fake_bluesky_get_url (f->fake));
  g_assert_cmpstr (account->state, ==, "ok");

  refresh = desk_credentials_lookup_sync (f->account, "refresh-token", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (refresh, ==, expected);
  desk_credentials_free_secret (refresh);

  /* A wrong app password: a clear error, no account. */
  g_assert_cmpint (desk_bluesky_sign_in (f->store, fake_bluesky_get_url (f->fake), HANDLE, "wrong",
                                         NULL, &error), ==, 0);
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Nothing reachable there. */
  g_assert_cmpint (desk_bluesky_sign_in (f->store, "http://127.0.0.1:1", HANDLE, PASSWORD,
                                         NULL, &error), ==, 0);
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK);
  g_clear_error (&error);

  g_clear_pointer (&accounts, g_ptr_array_unref);
  accounts = desk_store_list_accounts (f->store, &error);
  g_assert_cmpuint (accounts->len, ==, 1);
}

/* Sync */

static const char *
seed_conversations (Fixture *f,
                    char   **answered_thread,
                    char   **reopened_thread)
{
  const char *business = fake_bluesky_get_business_did (f->fake);
  const char *root, *reply, *quote_target;

  /* Answered from elsewhere: the business's reply is only seen on the network. */
  root = fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " do you ship to Ljubljana? 🇸🇮", "mention");
  fake_bluesky_post (f->fake, business, root, "Yes, in 2 days! —MJ", NULL);
  *answered_thread = g_strdup (root);

  /* Answered, then the customer writes again: open, waiting since the follow-up. */
  root = fake_bluesky_post (f->fake, f->boris, NULL, "@" HANDLE " Где мой заказ #4411?", "mention");
  reply = fake_bluesky_post (f->fake, business, root, "Checking now —AK", NULL);
  fake_bluesky_post (f->fake, f->boris, reply, "Спасибо, жду 👍", "reply");
  *reopened_thread = g_strdup (root);

  /* Persian, and a quote of a business post. */
  fake_bluesky_post (f->fake, f->shirin, NULL, "@" HANDLE " سفارش من کی می‌رسد؟", "mention");
  quote_target = fake_bluesky_post (f->fake, business, NULL, "New spring collection!", NULL);
  (void) quote_target;
  return fake_bluesky_post (f->fake, f->ana, NULL, "Love this! 😍 @" HANDLE, "quote");
}

static void
test_sync (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *answered = NULL;
  g_autofree char *reopened = NULL;
  g_autofree char *answered_status = NULL;
  g_autofree char *reopened_status = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *persian = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) long_text = g_string_new ("@" HANDLE " ");

  seed_conversations (f, &answered, &reopened);

  /* 300 grapheme clusters, many of them several code points. */
  while (desk_text_count_graphemes (long_text->str) < 300)
    g_string_append (long_text, desk_text_count_graphemes (long_text->str) % 3 ? "👨‍👩‍👧" : "é");
  g_assert_cmpuint (desk_text_count_graphemes (long_text->str), ==, 300);
  fake_bluesky_post (f->fake, f->shirin, NULL, long_text->str, "mention");

  /* Enough mentions for several pages of 50. */
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *text = g_strdup_printf ("@" HANDLE " question number %u", i);
      fake_bluesky_post (f->fake, f->ana, NULL, text, "mention");
    }

  /* Threads are re-read 50 a pass, least recently read first: three passes see them all. */
  assert_sync_ok (f);
  assert_sync_ok (f);
  assert_sync_ok (f);

  /* Every customer message once: 1 + 2 + 1 + 1 + 1 + 120, and the business's 2 replies. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'in'"), ==, 126);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations"), ==, 125);
  g_assert_cmpint (count (f, "SELECT count(*) FROM contacts"), ==, 3);

  answered_status = status_of (f, answered);
  reopened_status = status_of (f, reopened);
  g_assert_cmpstr (answered_status, ==, "answered");
  g_assert_cmpstr (reopened_status, ==, "open");
  waiting = query (f, "SELECT m.body FROM conversations c JOIN messages m"
                      " ON m.conversation_id = c.id AND m.created_at = c.waiting_since"
                      " WHERE c.status = 'open' AND m.body LIKE 'Спасибо%'");
  g_assert_cmpstr (waiting, ==, "Спасибо, жду 👍");
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations WHERE last_answered_by = 'MJ'"), ==, 1);

  persian = query (f, "SELECT body FROM messages WHERE body LIKE '%سفارش%'");
  g_assert_cmpstr (persian, ==, "@" HANDLE " سفارش من کی می‌رسد؟");
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body LIKE '%👨‍👩‍👧%'"), ==, 1);

  /* The pass finished: the cursor holds the top only. */
  cursor = desk_store_get_cursor (f->store, f->account, "notifications", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (cursor, "\"top\""));
  g_assert_null (strstr (cursor, "\"next\""));

  /* Again: nothing new, nothing twice; the unchanged first page is all it reads. */
  {
    guint before = fake_bluesky_count_requests (f->fake, "listNotifications");

    assert_sync_ok (f);
    g_assert_cmpuint (fake_bluesky_count_requests (f->fake, "listNotifications") - before, ==, 1);
    g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 128);
  }

  /* A new mention arrives: one more. */
  fake_bluesky_post (f->fake, f->boris, NULL, "@" HANDLE " one more thing", "mention");
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 129);
}

/* A pass cut short in the middle of the pages resumes where it stopped, leaving no hole. */
static void
test_resume_after_failure (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  for (guint i = 0; i < 130; i++)
    {
      g_autofree char *text = g_strdup_printf ("@" HANDLE " message %u", i);
      fake_bluesky_post (f->fake, f->ana, NULL, text, "mention");
    }

  /* The first page arrives; the second is garbage. */
  {
    g_autoptr(DeskProvider) provider = NULL;
    g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
    g_autoptr(DeskFetchResult) page = NULL;

    provider = desk_providers_create (f->store, g_ptr_array_index (accounts, 0), &error);
    page = desk_provider_fetch (provider, "notifications", NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (page->more);
    g_assert_true (desk_store_ingest (f->store, f->account, page->messages, "notifications",
                                      page->cursor, NULL, &error));
  }
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 50);

  fake_bluesky_set_fault (f->fake, FAKE_BLUESKY_FAULT_MALFORMED);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 50);

  cursor = desk_store_get_cursor (f->store, f->account, "notifications", &error);
  g_assert_nonnull (strstr (cursor, "\"next\""));

  /* Newer mentions arrive meanwhile; the next pass finishes the old walk, then takes them. */
  fake_bluesky_post (f->fake, f->boris, NULL, "@" HANDLE " newer", "mention");
  assert_sync_ok (f);
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 131);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 131);
}

/* Replies */

static gint64
queue_reply (Fixture    *f,
             const char *thread,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 id = desk_store_queue_reply (f->store, conversation_of (f, thread), text, "MJ", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_reply (Fixture       *f,
            gconstpointer  data)
{
  const char *business = fake_bluesky_get_business_did (f->fake);
  g_autofree char *record_text = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autofree char *status = NULL;
  JsonObject *object, *reply;
  JsonArray *facets;
  const char *root, *follow_up;
  const char *text = "Привет @ana.test! Track it at https://shop.example/t/4411 —MJ";
  gint64 outbox;

  root = fake_bluesky_post (f->fake, f->boris, NULL, "@" HANDLE " where is #4411?", "mention");
  follow_up = fake_bluesky_post (f->fake, f->boris, root, "hello??", "reply");
  assert_sync_ok (f);

  outbox = queue_reply (f, root, text);
  assert_sync_ok (f);

  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_bluesky_count_posts_by (f->fake, business, follow_up), ==, 1);

  record_text = fake_bluesky_dup_last_record (f->fake, business);
  record = json_from_string (record_text, NULL);
  object = json_node_get_object (record);
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, text);

  /* Parent: the newest customer message; root: the thread's first post. */
  reply = json_object_get_object_member (object, "reply");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "parent"), "uri"), ==, follow_up);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "root"), "uri"), ==, root);

  /* Facets with UTF-8 byte offsets: "Привет " is 13 bytes. */
  facets = json_object_get_array_member (object, "facets");
  g_assert_cmpuint (json_array_get_length (facets), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *facet = json_array_get_object_element (facets, i);
      JsonObject *index = json_object_get_object_member (facet, "index");
      JsonObject *feature = json_array_get_object_element (json_object_get_array_member (facet, "features"), 0);
      gint64 start = json_object_get_int_member (index, "byteStart");
      gint64 end = json_object_get_int_member (index, "byteEnd");
      g_autofree char *span = g_strndup (text + start, end - start);

      if (g_str_equal (json_object_get_string_member (feature, "$type"), "app.bsky.richtext.facet#mention"))
        {
          g_assert_cmpint (start, ==, 13);
          g_assert_cmpstr (span, ==, "@ana.test");
          g_assert_cmpstr (json_object_get_string_member (feature, "did"), ==, f->ana);
        }
      else
        {
          g_assert_cmpstr (span, ==, "https://shop.example/t/4411");
          g_assert_cmpstr (json_object_get_string_member (feature, "uri"), ==, "https://shop.example/t/4411");
        }
    }

  /* The reply is in the conversation, which is answered by MJ. */
  status = status_of (f, root);
  g_assert_cmpstr (status, ==, "answered");
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out' AND agent_initials = 'MJ'"), ==, 1);

  /* Seeing our own reply again in the thread does not store it twice. */
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 1);
}

/* The connection breaks after the PDS created the post: the reply is not posted twice. */
static void
test_reply_unknown_outcome (Fixture       *f,
                            gconstpointer  data)
{
  const char *business = fake_bluesky_get_business_did (f->fake);
  g_autoptr(GError) error = NULL;
  g_autofree char *last_error = NULL;
  const char *root;
  gint64 outbox;

  root = fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " hi", "mention");
  assert_sync_ok (f);
  outbox = queue_reply (f, root, "Hello! —MJ");

  fake_bluesky_set_fault (f->fake, FAKE_BLUESKY_FAULT_DROP_AFTER_CREATE);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME);
  g_clear_error (&error);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_UNKNOWN);
  g_assert_nonnull (last_error);

  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_bluesky_count_posts_by (f->fake, business, root), ==, 1);
  g_assert_cmpuint (fake_bluesky_count_requests (f->fake, "createRecord"), ==, 1);
}

static void
test_reply_too_long (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *last_error = NULL;
  const char *root;
  gint64 outbox;

  root = fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " hi", "mention");
  assert_sync_ok (f);

  for (guint i = 0; i < 301; i++)
    g_string_append (text, "🇸🇮");
  outbox = queue_reply (f, root, text->str);

  /* Refused for good, kept with its error for the user to edit; the others go on. */
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_FAILED);
  g_assert_nonnull (strstr (last_error, "301"));
  g_assert_cmpuint (fake_bluesky_count_requests (f->fake, "createRecord"), ==, 0);

  /* Only a failed reply can be retried; the user shortens it and it goes out once. */
  {
    g_autoptr(GError) error = NULL;
    const char *business = fake_bluesky_get_business_did (f->fake);

    g_assert_true (desk_store_outbox_retry (f->store, outbox, "Shorter now 🇸🇮 —MJ", &error));
    g_assert_no_error (error);
    g_assert_false (desk_store_outbox_retry (f->store, outbox, NULL, &error));
    g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
    g_clear_error (&error);

    assert_sync_ok (f);
    g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
    g_assert_cmpuint (fake_bluesky_count_posts_by (f->fake, business, root), ==, 1);
    g_assert_false (desk_store_outbox_retry (f->store, outbox, "again", &error));
    g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  }
}

static void
test_like (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  g_autofree char *raw = NULL;
  const char *post;

  post = fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " love it", "mention");
  assert_sync_ok (f);

  {
    g_autofree char *sql = g_strdup_printf ("SELECT raw_json FROM messages WHERE remote_id = '%s'", post);
    raw = query (f, sql);
  }
  g_assert_true (desk_provider_like (provider, post, raw, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_bluesky_count_requests (f->fake, "createRecord"), ==, 1);

  /* A repost is the same kind of record in another collection. */
  g_assert_true (desk_provider_boost (provider, post, raw, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_bluesky_count_requests (f->fake, "createRecord"), ==, 2);

  /* Without the post's details there is nothing to like, and it says so. */
  g_assert_false (desk_provider_like (provider, post, NULL, NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED);
}

/* Sessions */

static void
test_token_rotation (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *before = fake_bluesky_dup_refresh_token (f->fake);
  g_autofree char *after = NULL;
  char *stored = NULL;
  g_autoptr(GError) error = NULL;

  fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " hi", "mention");
  fake_bluesky_set_fault (f->fake, FAKE_BLUESKY_FAULT_EXPIRE_ACCESS);
  assert_sync_ok (f);

  after = fake_bluesky_dup_refresh_token (f->fake);
  g_assert_cmpstr (before, !=, after);
  stored = desk_credentials_lookup_sync (f->account, "refresh-token", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, after);
  desk_credentials_free_secret (stored);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 1);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  FakeBluesky *other = fake_bluesky_new ("other-shop.test", PASSWORD);
  const char *customer = fake_bluesky_add_customer (other, "zoe.test", "Zoe");
  gint64 other_account;

  other_account = desk_bluesky_sign_in (f->store, fake_bluesky_get_url (other), "other-shop.test",
                                        PASSWORD, NULL, &error);
  g_assert_no_error (error);
  fake_bluesky_post (other, customer, NULL, "@other-shop.test hello", "mention");

  fake_bluesky_set_fault (f->fake, FAKE_BLUESKY_FAULT_REVOKE);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_test_message ("%s", error->message);

  accounts = desk_store_list_accounts (f->store, NULL);
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[0])->state, ==, "needs-sign-in");
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[1])->state, ==, "ok");

  /* The other account synced all the same. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE account_id = %"
                                            G_GINT64_FORMAT, other_account);
    g_assert_cmpint (count (f, sql), ==, 1);
  }

  fake_bluesky_free (other);
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  gint64 next_run = 0;

  fake_bluesky_set_fault (f->fake, FAKE_BLUESKY_FAULT_RATE_LIMIT);
  g_assert_false (desk_sync_engine_sync_account (f->engine, f->account, provider, NULL, &next_run,
                                                 NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_true (desk_sync_engine_sync_account (f->engine, f->account, provider, NULL, &next_run,
                                                NULL, &error));
  g_assert_no_error (error);
}

static void
test_backoff (void)
{
  gint64 previous = 0;

  for (guint failures = 1; failures < 20; failures++)
    {
      gint64 low = desk_sync_backoff_delay (failures, 0);
      gint64 high = desk_sync_backoff_delay (failures, G_MAXUINT32);

      g_assert_cmpint (low, >=, previous / 2);
      g_assert_cmpint (high, <=, 15 * 60 * G_USEC_PER_SEC);
      g_assert_cmpint (low, <, high);
      previous = low;
    }
  g_assert_cmpint (desk_sync_backoff_delay (1, 0), ==, 2500000);
}

/* No secret in the database, its WAL or its folder. */
static void
test_no_secret_on_disk (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *refresh = fake_bluesky_dup_refresh_token (f->fake);
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " hi", "mention");
  assert_sync_ok (f);

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (file, &contents, &length, NULL))
        continue;
      g_assert_null (g_strstr_len (contents, length, refresh));
      g_assert_null (g_strstr_len (contents, length, PASSWORD));
      g_assert_null (g_strstr_len (contents, length, "access-"));
    }
}

/* No secret in what Frontdesk prints, even with every debug message on. */
static void
test_no_secret_in_logs (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *root = NULL;
  const char *ana_post;

  if (g_getenv ("FRONTDESK_BIN") == NULL)
    {
      g_test_skip ("FRONTDESK_BIN is not set (meson test sets it)");
      return;
    }

  ana_post = fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " hi", "mention");
  root = g_strdup (ana_post);
  assert_sync_ok (f);
  queue_reply (f, root, "Hello! —MJ");
  desk_store_close (f->store);

  /* The access token expires: the run refreshes it, so both old and new tokens pass by. */
  fake_bluesky_set_fault (f->fake, FAKE_BLUESKY_FAULT_EXPIRE_ACCESS);
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                         G_SUBPROCESS_FLAGS_STDERR_PIPE);

    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
    child = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FRONTDESK_BIN"),
                                         "--database", f->path, "--sync-once", NULL);
    g_assert_no_error (error);
  }
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  g_assert_nonnull (strstr (err, "reply"));   /* it did talk */

  refresh = fake_bluesky_dup_refresh_token (f->fake);
  g_assert_null (strstr (err, refresh));
  g_assert_null (strstr (out, refresh));
  g_assert_null (strstr (err, "access-"));
  g_assert_null (strstr (err, "refresh-"));
  g_assert_null (strstr (err, PASSWORD));

  g_clear_object (&f->store);
  f->store = desk_test_store_new_at (f->path);
}

/* Crash safety with the real binary: `frontdesk --sync-once` killed with SIGKILL. */

static GSubprocess *
spawn_sync (Fixture *f)
{
  return desk_test_spawn_sync_once (f->path);
}



static void
test_crash_during_sync (Fixture       *f,
                        gconstpointer  data)
{
  if (!desk_test_have_frontdesk_bin ())
    return;

  /* The parent lets go of the file: the child is "the next Frontdesk". */
  desk_store_close (f->store);

  for (guint i = 0; i < 260; i++)
    {
      g_autofree char *text = g_strdup_printf ("@" HANDLE " item %u", i);
      fake_bluesky_post (f->fake, i % 2 ? f->ana : f->boris, NULL, text, "mention");
    }

  /* Killed at the 2nd, 4th, 1st page request, then left to finish. */
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GSubprocess) child = spawn_sync (f);
      static const guint kill_at[] = { 2, 4, 1 };

      if (round < 3)
        fake_bluesky_kill_on (f->fake, desk_test_subprocess_pid (child), "listNotifications", kill_at[round],
                              round == 1);
      g_subprocess_wait (child, NULL, NULL);
      if (round < 3)
        g_assert_true (g_subprocess_get_if_signaled (child));
      else
        g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
    }

  g_clear_object (&f->store);
  f->store = desk_test_store_new_at (f->path);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 260);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 260);
}

static void
test_crash_during_send (Fixture       *f,
                        gconstpointer  data)
{
  const char *business = fake_bluesky_get_business_did (f->fake);
  const char *root;
  gint64 outbox;

  if (!desk_test_have_frontdesk_bin ())
    return;

  root = fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " refund please", "mention");
  assert_sync_ok (f);
  outbox = queue_reply (f, root, "Refund on its way —MJ");
  desk_store_close (f->store);

  /* Killed after the PDS created the post, before Frontdesk learned it; then restarted. */
  {
    g_autoptr(GSubprocess) child = spawn_sync (f);

    fake_bluesky_kill_on (f->fake, desk_test_subprocess_pid (child), "createRecord", 1, TRUE);
    g_subprocess_wait (child, NULL, NULL);
    g_assert_true (g_subprocess_get_if_signaled (child));
  }
  {
    g_autoptr(GSubprocess) child = spawn_sync (f);

    g_subprocess_wait (child, NULL, NULL);
    g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  }

  g_clear_object (&f->store);
  f->store = desk_test_store_new_at (f->path);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_bluesky_count_posts_by (f->fake, business, root), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 1);
}

/* Direct messages */

static void
test_dm (Fixture       *f,
         gconstpointer  data)
{
  const char *business = fake_bluesky_get_business_did (f->fake);
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;
  const char *convo;
  gint64 outbox;

  convo = fake_bluesky_send_dm (f->fake, f->boris, "Здравствуйте! Можно вернуть товар?");
  fake_bluesky_send_dm (f->fake, f->boris, "Заказ #5120");
  assert_sync_ok (f);

  {
    g_autofree char *sql = g_strdup_printf ("SELECT kind FROM conversations WHERE remote_thread_id = '%s'", convo);
    kind = query (f, sql);
  }
  g_assert_cmpstr (kind, ==, "dm");
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE is_dm = 1"), ==, 2);
  name = query (f, "SELECT display_name FROM contacts");
  g_assert_cmpstr (name, ==, "Борис Петров");

  outbox = queue_reply (f, convo, "Да, конечно. —MJ");
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_bluesky_count_dms_by (f->fake, business), ==, 1);
  status = status_of (f, convo);
  g_assert_cmpstr (status, ==, "answered");

  /* Our message comes back in the log: stored once. */
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE is_dm = 1"), ==, 3);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 1);
}

static void
test_no_dm_access (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *last_error = NULL;
  gint64 outbox;
  const char *convo;

  convo = fake_bluesky_send_dm (f->fake, f->ana, "hello in private");
  fake_bluesky_post (f->fake, f->ana, NULL, "@" HANDLE " hello in public", "mention");
  fake_bluesky_set_dm_access (f->fake, FALSE);

  /* Public mentions still sync; DMs are reported, not fatal. */
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 1);

  /* A DM reply cannot go out: it fails with words the user can act on. */
  fake_bluesky_set_dm_access (f->fake, TRUE);
  assert_sync_ok (f);
  fake_bluesky_set_dm_access (f->fake, FALSE);
  {
    g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
    g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (f->store, desk_providers_create);

    outbox = queue_reply (f, convo, "Sure —MJ");
    g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, NULL));
  }
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_FAILED);
  g_assert_nonnull (strstr (last_error, "direct messages"));
}

static void
test_tid (void)
{
  g_autofree char *a = desk_bluesky_tid (1763800000123456, "key-1");
  g_autofree char *b = desk_bluesky_tid (1763800000123456, "key-1");
  g_autofree char *c = desk_bluesky_tid (1763800000123457, "key-1");

  g_assert_cmpuint (strlen (a), ==, 13);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, <, c);
  g_assert_true (strchr ("234567abcdefghij", a[0]) != NULL);
}

static void
test_graphemes (void)
{
  g_assert_cmpuint (desk_text_count_graphemes (""), ==, 0);
  g_assert_cmpuint (desk_text_count_graphemes ("abc"), ==, 3);
  g_assert_cmpuint (desk_text_count_graphemes ("é"), ==, 1);            /* e + combining acute */
  g_assert_cmpuint (desk_text_count_graphemes ("👨‍👩‍👧"), ==, 1);      /* ZWJ family */
  g_assert_cmpuint (desk_text_count_graphemes ("🇸🇮🇷🇺"), ==, 2);     /* two flags */
  g_assert_cmpuint (desk_text_count_graphemes ("👍🏽"), ==, 1);         /* skin tone */
  g_assert_cmpuint (desk_text_count_graphemes ("می‌رسد"), ==, 5);      /* ZWNJ extends the ی before it */
}

static void
test_initials (void)
{
  g_autofree char *a = desk_text_find_initials ("Thanks! —MJ");
  g_autofree char *b = desk_text_find_initials ("Thanks! -- AK\n");
  g_autofree char *c = desk_text_find_initials ("no signature");
  g_autofree char *d = desk_text_find_initials ("Хорошо —ЕП");

  g_assert_cmpstr (a, ==, "MJ");
  g_assert_cmpstr (b, ==, "AK");
  g_assert_null (c);
  g_assert_cmpstr (d, ==, "ЕП");
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/bluesky/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/bluesky/tid", test_tid);
  g_test_add_func ("/bluesky/graphemes", test_graphemes);
  g_test_add_func ("/bluesky/initials", test_initials);
  g_test_add_func ("/bluesky/backoff", test_backoff);
  ADD ("sign-in", test_sign_in);
  ADD ("sync", test_sync);
  ADD ("resume-after-failure", test_resume_after_failure);
  ADD ("reply", test_reply);
  ADD ("reply-unknown-outcome", test_reply_unknown_outcome);
  ADD ("reply-too-long", test_reply_too_long);
  ADD ("like", test_like);
  ADD ("token-rotation", test_token_rotation);
  ADD ("revoked", test_revoked);
  ADD ("rate-limited", test_rate_limited);
  ADD ("no-secret-on-disk", test_no_secret_on_disk);
  ADD ("no-secret-in-logs", test_no_secret_in_logs);
  ADD ("dm", test_dm);
  ADD ("no-dm-access", test_no_dm_access);
  ADD ("crash-during-sync", test_crash_during_sync);
  ADD ("crash-during-send", test_crash_during_send);

  return g_test_run ();
}
