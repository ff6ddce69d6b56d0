/* test-mastodon.c: the Mastodon provider, the sync engine and the outbox against a fake server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh: the token lives in a real (throw-away) keyring. Every
 * account is added the way a user adds it: the OAuth flow, with the fake's authorization page
 * "approved" and the code caught by the provider's loopback listener. `--prism URL` instead
 * runs the provider's real calls once against Stoplight Prism serving Mastodon's OpenAPI
 * description (tests/prism/mastodon/check.sh), which checks our requests.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "desk-compose.h"
#include "desk-conversation.h"
#include "desk-credentials.h"
#include "desk-mastodon-provider.h"
#include "desk-providers.h"
#include "desk-store-private.h"
#include "desk-sync-engine.h"
#include "desk-test-util.h"
#include "fake-mastodon.h"

#define USERNAME "shop"

typedef struct
{
  FakeMastodon   *fake;
  char           *path;
  DeskStore      *store;
  DeskSyncEngine *engine;
  gint64          account;
  const char     *ana;
  const char     *boris;
  const char     *shirin;
} Fixture;

/* The user's browser: opens the authorize URL and follows the redirect to the loopback. */
static guint
browse (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (message);
}

static gint64
sign_in (DeskStore     *store,
         FakeMastodon  *fake,
         GError       **error)
{
  g_autoptr(DeskMastodonSignIn) sign_in = NULL;
  g_autofree char *code = NULL;
  const char *url;

  sign_in = desk_mastodon_begin_sign_in (fake_mastodon_get_url (fake), TRUE, NULL, error);
  if (sign_in == NULL)
    return 0;
  g_assert_true (desk_mastodon_sign_in_uses_loopback (sign_in));

  url = desk_mastodon_sign_in_get_authorize_url (sign_in);
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (url, desk_mastodon_sign_in_get_state (sign_in)));
  g_assert_cmpuint (browse (url), ==, 200);

  code = desk_mastodon_sign_in_wait_for_code (sign_in, 10, NULL, error);
  if (code == NULL)
    return 0;

  return desk_mastodon_finish_sign_in (store, sign_in, code, NULL, error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("mastodon-%u.db", ++counter);
  g_autoptr(GError) error = NULL;

  f->fake = fake_mastodon_new (USERNAME);
  f->ana = fake_mastodon_add_customer (f->fake, "ana@social.example", "Ana Novak");
  f->boris = fake_mastodon_add_customer (f->fake, "boris@mastodon.example", "Борис Петров");
  f->shirin = fake_mastodon_add_customer (f->fake, "shirin", "شیرین");

  f->path = desk_test_tmp_path (name);
  f->store = desk_test_store_new_at (f->path);
  f->engine = desk_sync_engine_new (f->store, desk_providers_create);

  f->account = sign_in (f->store, f->fake, &error);
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
  fake_mastodon_free (f->fake);
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

static const char *
mention (Fixture    *f,
         const char *author,
         const char *reply_to,
         const char *visibility,
         const char *text)
{
  g_autofree char *html = g_strdup_printf ("<p><span class=\"h-card\"><a href=\"%s/@shop\" "
                                           "class=\"u-url mention\">@<span>shop</span></a></span> %s</p>",
                                           fake_mastodon_get_url (f->fake), text);

  return fake_mastodon_post (f->fake, author, reply_to, visibility, html, FAKE_MASTODON_NOTIFY_MENTION);
}

/* Sign-in */

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree char *expected = fake_mastodon_dup_token (f->fake);
  g_autofree char *handle = NULL;
  DeskAccountInfo *account;
  char *secret;

  accounts = desk_store_list_accounts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  account = g_ptr_array_index (accounts, 0);
  handle = g_strdup_printf ("shop@%s", fake_mastodon_get_url (f->fake) + strlen ("http://"));
  g_assert_cmpstr (account->network, ==, "mastodon");
  g_assert_cmpstr (account->remote_id, ==, fake_mastodon_get_business_id (f->fake));
  g_assert_cmpstr (account->handle, ==, handle);
  g_assert_cmpstr (account->server_url, ==, fake_mastodon_get_url (f->fake));
  g_assert_cmpstr (account->state, ==, "ok");
  /* The server's limits for a reply, from its instance description */
  g_assert_cmpuint (account->max_reply_chars, ==, 500);
  g_assert_true (account->has_chars_per_url);
  g_assert_cmpuint (account->chars_per_url, ==, 23);

  secret = desk_credentials_lookup_sync (f->account, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, expected);
  desk_credentials_free_secret (secret);
  secret = desk_credentials_lookup_sync (f->account, DESK_CREDENTIALS_KIND_CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (secret, "secret-"));
  desk_credentials_free_secret (secret);

  /* The paste-the-code fallback: the server shows the code, the user pastes it. */
  {
    g_autoptr(DeskMastodonSignIn) paste = desk_mastodon_begin_sign_in (fake_mastodon_get_url (f->fake),
                                                                        FALSE, NULL, &error);
    g_autofree char *code = NULL;

    g_assert_no_error (error);
    g_assert_false (desk_mastodon_sign_in_uses_loopback (paste));
    g_assert_nonnull (strstr (desk_mastodon_sign_in_get_authorize_url (paste), "urn%3Aietf"));
    g_assert_cmpuint (browse (desk_mastodon_sign_in_get_authorize_url (paste)), ==, 200);
    code = fake_mastodon_dup_last_code (f->fake);
    g_assert_cmpint (desk_mastodon_finish_sign_in (f->store, paste, "  wrong-code ", NULL, &error), ==, 0);
    g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
    g_clear_error (&error);
    g_assert_cmpint (desk_mastodon_finish_sign_in (f->store, paste, code, NULL, &error), ==, f->account);
    g_assert_no_error (error);
  }

  /* The user refuses on the server's page: nothing added, a clear error. */
  {
    g_autoptr(DeskMastodonSignIn) refused = desk_mastodon_begin_sign_in (fake_mastodon_get_url (f->fake),
                                                                          TRUE, NULL, &error);

    g_assert_no_error (error);
    fake_mastodon_set_approve (f->fake, FALSE);
    g_assert_cmpuint (browse (desk_mastodon_sign_in_get_authorize_url (refused)), ==, 403);
    g_assert_null (desk_mastodon_sign_in_wait_for_code (refused, 1, NULL, &error));
    g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK);
    g_clear_error (&error);
  }

  /* Nothing reachable there. */
  g_assert_null (desk_mastodon_begin_sign_in ("http://127.0.0.1:1", TRUE, NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK);
  g_clear_error (&error);

  g_clear_pointer (&accounts, g_ptr_array_unref);
  accounts = desk_store_list_accounts (f->store, &error);
  g_assert_cmpuint (accounts->len, ==, 1);
}

/* Sync */

static void
test_sync (Fixture       *f,
           gconstpointer  data)
{
  const char *business = fake_mastodon_get_business_id (f->fake);
  const char *answered, *reopened, *reply, *dm, *filtered, *follow_up;
  g_autofree char *answered_status = NULL;
  g_autofree char *reopened_status = NULL;
  g_autofree char *body = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *persian = NULL;
  g_autofree char *thread_of_follow_up = NULL;

  /* Answered from elsewhere: the business's reply is only seen through the thread's context. */
  answered = mention (f, f->ana, NULL, "public", "do you ship to Ljubljana? &#x1F1F8;&#x1F1EE;");
  fake_mastodon_post (f->fake, business, answered, "public", "<p>Yes, in 2 days! —MJ</p>",
                      FAKE_MASTODON_NOTIFY_NONE);

  /* Answered, then the customer writes again in the same chain. */
  reopened = mention (f, f->boris, NULL, "public", "Где мой заказ #4411?");
  reply = fake_mastodon_post (f->fake, business, reopened, "public", "<p>Checking now —AK</p>",
                              FAKE_MASTODON_NOTIFY_NONE);
  follow_up = mention (f, f->boris, reply, "public", "Спасибо, жду 👍");

  /* A direct message, HTML and all; one filtered by the notification policy; a favourite. */
  dm = mention (f, f->shirin, NULL, "direct", "سفارش من کی می‌رسد؟<br>&lt;b&gt;urgent&lt;/b&gt;");
  filtered = fake_mastodon_post (f->fake, f->ana, NULL, "public",
                                 "<p>@shop hello from a stranger</p>", FAKE_MASTODON_NOTIFY_FILTERED);
  fake_mastodon_post (f->fake, f->ana, NULL, "public", "<p>nice shop</p>",
                      FAKE_MASTODON_NOTIFY_FAVOURITE);

  assert_sync_ok (f);

  /* Customers: 1 + 2 + 1 + 1; the business: 2, seen in the threads. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'in'"), ==, 5);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations"), ==, 4);
  g_assert_cmpint (conversation_of (f, filtered), >, 0);
  g_assert_null (query (f, "SELECT body FROM messages WHERE body LIKE '%nice shop%'"));

  /* The follow-up belongs to the thread of its root, found through the reply chain. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT c.remote_thread_id FROM messages m JOIN conversations c"
                                            " ON c.id = m.conversation_id WHERE m.remote_id = '%s'",
                                            follow_up);
    thread_of_follow_up = query (f, sql);
  }
  g_assert_cmpstr (thread_of_follow_up, ==, reopened);

  answered_status = status_of (f, answered);
  reopened_status = status_of (f, reopened);
  g_assert_cmpstr (answered_status, ==, "answered");
  g_assert_cmpstr (reopened_status, ==, "open");
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations WHERE last_answered_by = 'MJ'"), ==, 1);

  /* HTML became plain text; text that looks like markup stayed text. */
  body = query (f, "SELECT body FROM messages WHERE body LIKE '%Ljubljana%'");
  g_assert_cmpstr (body, ==, "@shop do you ship to Ljubljana? 🇸🇮");
  persian = query (f, "SELECT body FROM messages WHERE body LIKE '%سفارش%'");
  g_assert_cmpstr (persian, ==, "@shop سفارش من کی می‌رسد؟\n<b>urgent</b>");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT kind FROM conversations WHERE remote_thread_id = '%s'", dm);
    kind = query (f, sql);
  }
  g_assert_cmpstr (kind, ==, "dm");

  /* Again: nothing new, nothing twice. */
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 7);
}

/* Pages forward from the stored position, leaving no gap, with ids that change length. */
static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  guint before;

  mention (f, f->ana, NULL, "public", "first");
  assert_sync_ok (f);

  for (guint i = 0; i < 130; i++)
    {
      g_autofree char *text = g_strdup_printf ("question number %u", i);
      mention (f, i % 2 ? f->ana : f->boris, NULL, "public", text);
    }

  before = fake_mastodon_count_requests (f->fake, "GET /api/v1/notifications");
  assert_sync_ok (f);
  /* 40 + 40 + 40 + 10: four pages in one pass. */
  g_assert_cmpuint (fake_mastodon_count_requests (f->fake, "GET /api/v1/notifications") - before, ==, 4);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 131);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 131);

  cursor = desk_store_get_cursor (f->store, f->account, "mentions", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cursor);
  g_assert_cmpuint (strlen (cursor), ==, 3);  /* the newest: a three-digit id */

  mention (f, f->boris, NULL, "public", "one more thing");
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 132);
}

/* The first sync walks back over the newest 200 mentions, then goes forward from the top. */
static void
test_backfill (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *oldest_kept = NULL;
  g_autofree char *too_old = NULL;

  for (guint i = 0; i < 230; i++)
    {
      g_autofree char *text = g_strdup_printf ("old question %u.", i);
      mention (f, i % 2 ? f->ana : f->boris, NULL, "public", text);
    }

  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 200);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 200);
  oldest_kept = query (f, "SELECT count(*) FROM messages WHERE body LIKE '%old question 30.'");
  too_old = query (f, "SELECT count(*) FROM messages WHERE body LIKE '%old question 29.'");
  g_assert_cmpstr (oldest_kept, ==, "1");
  g_assert_cmpstr (too_old, ==, "0");

  /* Done walking back: the cursor is the newest id again. */
  cursor = desk_store_get_cursor (f->store, f->account, "mentions", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cursor);
  g_assert_cmpint (cursor[0], !=, '{');

  mention (f, f->shirin, NULL, "public", "brand new");
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 201);
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

static JsonObject *
last_request (Fixture   *f,
              JsonNode **node)
{
  g_autofree char *text = fake_mastodon_dup_last_request (f->fake);

  *node = json_from_string (text, NULL);
  g_assert_nonnull (*node);
  return json_node_get_object (*node);
}

static void
test_reply (Fixture       *f,
            gconstpointer  data)
{
  const char *business = fake_mastodon_get_business_id (f->fake);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autofree char *visibility = NULL;
  JsonObject *request;
  const char *dm, *root, *follow_up;
  gint64 outbox;

  dm = mention (f, f->boris, NULL, "direct", "is my order late?");
  root = mention (f, f->ana, NULL, "unlisted", "where is #4411?");
  follow_up = mention (f, f->ana, root, "unlisted", "hello??");
  assert_sync_ok (f);

  /* A DM stays direct and names the customer, or nobody would receive it. */
  outbox = queue_reply (f, dm, "Да, конечно. —MJ");
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, business, dm), ==, 1);
  request = last_request (f, &node);
  g_assert_cmpstr (json_object_get_string_member (request, "status"), ==,
                   "@boris@mastodon.example Да, конечно. —MJ");
  g_assert_cmpstr (json_object_get_string_member (request, "in_reply_to_id"), ==, dm);
  g_assert_cmpstr (json_object_get_string_member (request, "visibility"), ==, "direct");

  /* A public thread: the answer goes to the newest customer message, in its visibility; a
   * mention already there is not doubled. */
  outbox = queue_reply (f, root, "@ana@social.example Track it at https://shop.example/t/4411 —MJ");
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  request = last_request (f, &node2);
  g_assert_cmpstr (json_object_get_string_member (request, "status"), ==,
                   "@ana@social.example Track it at https://shop.example/t/4411 —MJ");
  g_assert_cmpstr (json_object_get_string_member (request, "in_reply_to_id"), ==, follow_up);
  visibility = fake_mastodon_dup_last_visibility (f->fake);
  g_assert_cmpstr (visibility, ==, "unlisted");

  /* The thread reads our replies back once. */
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 2);
}

/* A public conversation answered privately: a direct reply in the same thread, found again
 * after an unknown outcome; the next public answer keeps the original's visibility. */
static void
test_reply_private (Fixture       *f,
                    gconstpointer  data)
{
  const char *business = fake_mastodon_get_business_id (f->fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autofree char *visibility = NULL;
  g_autofree char *visibility2 = NULL;
  JsonObject *request;
  const char *root;
  gint64 outbox;

  root = mention (f, f->ana, NULL, "public", "my parcel never came");
  assert_sync_ok (f);

  outbox = desk_store_queue_reply_full (f->store, conversation_of (f, root),
                                        "Could you send us your address? —MJ", "MJ", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outbox, >, 0);

  /* Posted, but the answer is lost: the check finds the direct reply instead of a second one. */
  fake_mastodon_set_fault (f->fake, FAKE_MASTODON_FAULT_FAIL_AFTER_CREATE);
  g_assert_false (sync_once (f, &error));
  g_clear_error (&error);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_UNKNOWN);
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, business, root), ==, 1);

  request = last_request (f, &node);
  g_assert_cmpstr (json_object_get_string_member (request, "visibility"), ==, "direct");
  g_assert_cmpstr (json_object_get_string_member (request, "in_reply_to_id"), ==, root);
  g_assert_cmpstr (json_object_get_string_member (request, "status"), ==,
                   "@ana@social.example Could you send us your address? —MJ");
  visibility = fake_mastodon_dup_last_visibility (f->fake);
  g_assert_cmpstr (visibility, ==, "direct");

  /* The conversation stays public: a plain reply is public again. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations WHERE kind = 'dm'"), ==, 0);
  outbox = queue_reply (f, root, "Thanks, sorted! —MJ");
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  request = last_request (f, &node2);
  g_assert_cmpstr (json_object_get_string_member (request, "visibility"), ==, "public");
  g_assert_cmpstr (json_object_get_string_member (request, "in_reply_to_id"), ==, root);
  visibility2 = fake_mastodon_dup_last_visibility (f->fake);
  g_assert_cmpstr (visibility2, ==, "public");
}

static void
test_reply_unknown_outcome (Fixture       *f,
                            gconstpointer  data)
{
  const char *business = fake_mastodon_get_business_id (f->fake);
  g_autoptr(GError) error = NULL;
  g_autofree char *last_error = NULL;
  const char *root;
  gint64 outbox;

  root = mention (f, f->ana, NULL, "public", "hi");
  assert_sync_ok (f);
  outbox = queue_reply (f, root, "Hello! —MJ");

  /* Posted, but the answer is a 502: unknown. The retry sends the same Idempotency-Key. */
  fake_mastodon_set_fault (f->fake, FAKE_MASTODON_FAULT_FAIL_AFTER_CREATE);
  g_assert_false (sync_once (f, &error));
  g_clear_error (&error);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_UNKNOWN);

  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, business, root), ==, 1);
}

static void
test_reply_too_long (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *last_error = NULL;
  const char *root;
  gint64 ok, too_long;

  fake_mastodon_set_max_characters (f->fake, 100);
  root = mention (f, f->ana, NULL, "public", "hi");
  assert_sync_ok (f);

  /* "@ana " (5, the domain is free) + 60 + a link (23 whatever its length) = 88. */
  g_string_append (text, "@ana@social.example ");
  for (guint i = 0; i < 60; i++)
    g_string_append (text, "é");
  g_string_append (text, " https://shop.example/");
  for (guint i = 0; i < 200; i++)
    g_string_append_c (text, 'x');
  ok = queue_reply (f, root, text->str);
  g_string_append (text, " and a little bit more text");
  too_long = queue_reply (f, root, text->str);
  assert_sync_ok (f);

  g_assert_cmpint (desk_store_outbox_get_state (f->store, ok, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, too_long, &last_error, NULL), ==, DESK_OUTBOX_FAILED);
  g_test_message ("%s", last_error);
  g_assert_nonnull (strstr (last_error, "100"));
}

/* Limits: each server's own, stored with the account */

static DeskAccountInfo *
stored_account (DeskStore  *store,
                gint64      id,
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

static void
assert_limits (DeskStore *store,
               gint64     id,
               guint      max_chars,
               int        chars_per_url)
{
  g_autoptr(GPtrArray) accounts = NULL;
  DeskAccountInfo *account = stored_account (store, id, &accounts);

  g_assert_cmpuint (account->max_reply_chars, ==, max_chars);
  if (chars_per_url < 0)
    g_assert_false (account->has_chars_per_url);
  else
    {
      g_assert_true (account->has_chars_per_url);
      g_assert_cmpuint (account->chars_per_url, ==, chars_per_url);
    }
}

/* Signing in reads the server's limits: v2, or v1 on a server from before Mastodon 4 */
static void
test_limits_sign_in (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fake_mastodon_set_limits (f->fake, 1000, 30);
  g_assert_cmpint (sign_in (f->store, f->fake, &error), ==, f->account);
  g_assert_no_error (error);
  assert_limits (f->store, f->account, 1000, 30);
  g_assert_cmpuint (fake_mastodon_count_requests (f->fake, "GET /api/v1/instance"), ==, 0);

  fake_mastodon_set_instance_api (f->fake, FAKE_MASTODON_INSTANCE_V1);
  fake_mastodon_set_limits (f->fake, 700, 25);
  g_assert_cmpint (sign_in (f->store, f->fake, &error), ==, f->account);
  g_assert_no_error (error);
  assert_limits (f->store, f->account, 700, 25);

  /* Pleroma's max_toot_chars says nothing about links: Mastodon's 23 applies */
  fake_mastodon_set_instance_api (f->fake, FAKE_MASTODON_INSTANCE_LEGACY);
  fake_mastodon_set_limits (f->fake, 5000, 99);
  g_assert_cmpint (sign_in (f->store, f->fake, &error), ==, f->account);
  g_assert_no_error (error);
  assert_limits (f->store, f->account, 5000, -1);
}

/* Syncing reads them again, at most once a day for a provider that lives on */
static void
test_limits_sync (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  DeskProviderCapabilities capabilities;
  guint before = fake_mastodon_count_requests (f->fake, "GET /api/v2/instance");

  fake_mastodon_set_limits (f->fake, 1000, 30);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DeskFetchResult) page = desk_provider_fetch (provider, "mentions", NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (page);
    }
  g_assert_cmpuint (fake_mastodon_count_requests (f->fake, "GET /api/v2/instance") - before, ==, 1);
  assert_limits (f->store, f->account, 1000, 30);
  desk_provider_get_capabilities (provider, &capabilities);
  g_assert_cmpuint (capabilities.max_length, ==, 1000);

  /* A pass of the engine (a provider of its own) reads them too */
  fake_mastodon_set_limits (f->fake, 2000, 0);
  assert_sync_ok (f);
  assert_limits (f->store, f->account, 2000, 0);

  /* A server failing for now is asked again at the next pass, what was known stays meanwhile;
   * one without either API is not asked again */
  {
    g_autoptr(DeskProvider) again = NULL;
    struct { FakeMastodonInstance api; guint requests[3]; } cases[] = {
      { FAKE_MASTODON_INSTANCE_DOWN, { 1, 1, 1 } },
      { FAKE_MASTODON_INSTANCE_NONE, { 2, 0, 0 } },
    };

    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        g_clear_object (&again);
        again = desk_providers_create (f->store, accounts->pdata[0], NULL);
        fake_mastodon_set_instance_api (f->fake, cases[c].api);
        for (guint i = 0; i < G_N_ELEMENTS (cases[c].requests); i++)
          {
            g_autoptr(DeskFetchResult) page = NULL;

            before = fake_mastodon_count_requests (f->fake, "GET /api/v2/instance") +
                     fake_mastodon_count_requests (f->fake, "GET /api/v1/instance");
            page = desk_provider_fetch (again, "mentions", NULL, NULL, &error);
            g_assert_no_error (error);
            g_assert_cmpuint (fake_mastodon_count_requests (f->fake, "GET /api/v2/instance") +
                              fake_mastodon_count_requests (f->fake, "GET /api/v1/instance") - before,
                              ==, cases[c].requests[i]);
          }
        assert_limits (f->store, f->account, 2000, 0);
      }
  }
}

/* What a server says that is not a limit in bounds is left out, and nothing fails for it */
static void
test_limits_malformed (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const bodies[] = {
    "{\"configuration\": {\"statuses\": {\"max_characters\": \"1000\","
    " \"characters_reserved_per_url\": 30.5}}}",
    "{\"configuration\": {\"statuses\": {\"max_characters\": -1000,"
    " \"characters_reserved_per_url\": -23}}}",
    "{\"configuration\": {\"statuses\": {\"max_characters\": 0,"
    " \"characters_reserved_per_url\": 1001}}}",
    "{\"configuration\": {\"statuses\": {\"max_characters\": 100001,"
    " \"characters_reserved_per_url\": 99999999999999999999}}}",
    "{\"configuration\": {\"statuses\": {\"max_characters\": true,"
    " \"characters_reserved_per_url\": null}}}",
    "{\"configuration\": {\"statuses\": [500, 23]}, \"max_toot_chars\": 1000}",
    "{\"configuration\": \"statuses\"}",
    "[{\"max_characters\": 1000}]",
    "<html><body>Down for maintenance</body></html>",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *name = g_strdup_printf ("mastodon-malformed-%u.db", i);
      g_autofree char *path = desk_test_tmp_path (name);
      g_autoptr(DeskStore) store = desk_test_store_new_at (path);
      g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (store, desk_providers_create);
      g_autoptr(GError) error = NULL;
      DeskSyncStats stats;
      gint64 id;

      g_test_message ("instance: %s", bodies[i]);
      fake_mastodon_set_instance_body (f->fake, bodies[i]);

      id = sign_in (store, f->fake, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
      assert_limits (store, id, 0, -1);

      g_assert_true (desk_sync_engine_run_once (engine, &stats, NULL, &error));
      g_assert_no_error (error);
      assert_limits (store, id, 0, -1);

      g_clear_object (&engine);
      desk_store_close (store);
    }

  /* Limits known from before stay when the server later says nonsense */
  fake_mastodon_set_instance_body (f->fake, "{\"configuration\": {\"statuses\": {\"max_characters\": -1}}}");
  assert_sync_ok (f);
  assert_limits (f->store, f->account, 500, 23);
}

/* The provider refuses what the server would, by the server's limits: 800 characters fit on a
 * server that allows 1000, 1001 do not, with each link counting the server's 30. */
static void
test_limits_reply (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) fits = g_string_new ("@ana@social.example ");
  g_autoptr(GString) over = g_string_new ("@ana@social.example ");
  g_autofree char *last_error = NULL;
  const char *root;
  gint64 ok, too_long;

  fake_mastodon_set_limits (f->fake, 1000, 30);
  root = mention (f, f->ana, NULL, "public", "hi");
  assert_sync_ok (f);
  assert_limits (f->store, f->account, 1000, 30);

  /* "@ana " (5) + text + " " + a link (30, whatever its length) */
  for (guint i = 0; i < 764; i++)
    g_string_append (fits, "é");
  g_string_append (fits, " https://shop.example/track?parcel=44112233445566778899");
  for (guint i = 0; i < 965; i++)
    g_string_append (over, "é");
  g_string_append (over, " http://a.io");
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", fits->str, 30), ==, 800);
  /* Over only because a link counts 30 here: at 23 it would be 994 */
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", over->str, 30), ==, 1001);

  ok = queue_reply (f, root, fits->str);
  too_long = queue_reply (f, root, over->str);
  assert_sync_ok (f);

  g_assert_cmpint (desk_store_outbox_get_state (f->store, ok, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, too_long, &last_error, NULL), ==, DESK_OUTBOX_FAILED);
  g_test_message ("%s", last_error);
  g_assert_nonnull (strstr (last_error, "1001"));
  g_assert_nonnull (strstr (last_error, "1000"));
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, fake_mastodon_get_business_id (f->fake), root), ==, 1);
}

/* After the hour Mastodon keeps an Idempotency-Key, find_sent looks among our statuses. */
static void
test_find_sent_late (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  const char *business = fake_mastodon_get_business_id (f->fake);
  g_autofree char *raw = NULL;
  g_autofree char *other_raw = NULL;
  g_autofree char *found = NULL;
  g_autofree char *none = NULL;
  DeskOutgoing reply = { 0 };
  const char *root, *other, *answer;
  guint before;

  root = mention (f, f->ana, NULL, "public", "late question");
  other = mention (f, f->boris, NULL, "public", "another question");
  answer = fake_mastodon_post (f->fake, business, root, "public", "<p>late answer</p>",
                               FAKE_MASTODON_NOTIFY_NONE);
  raw = g_strdup_printf ("{\"id\":\"%s\",\"visibility\":\"public\",\"account\":{\"id\":\"%s\","
                         "\"acct\":\"ana@social.example\"}}", root, f->ana);
  other_raw = g_strdup_printf ("{\"id\":\"%s\",\"visibility\":\"public\",\"account\":{\"id\":\"%s\","
                               "\"acct\":\"boris@mastodon.example\"}}", other, f->boris);

  /* Pressed Send two hours ago (the fake's clock started a little before its first status). */
  reply.idempotency_key = (char *) "late-key";
  reply.created_at = (gint64) 1763800000 * G_USEC_PER_SEC;
  reply.kind = DESK_CONVERSATION_PUBLIC;
  reply.thread_id = (char *) root;
  reply.reply_to_id = (char *) root;
  reply.reply_to_raw = raw;
  reply.text = (char *) "late answer";
  reply.state = DESK_OUTBOX_UNKNOWN;

  before = fake_mastodon_count_statuses_by (f->fake, business, NULL);
  found = desk_provider_find_sent (provider, &reply, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, answer);

  reply.reply_to_raw = other_raw;
  none = desk_provider_find_sent (provider, &reply, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* Looking never posts. */
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, business, NULL), ==, before);
}

static void
test_like (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  const char *root = mention (f, f->ana, NULL, "public", "thanks!");

  g_assert_true (desk_provider_like (provider, root, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_mastodon_count_favourites (f->fake), ==, 1);

  g_assert_false (desk_provider_like (provider, "does-not-exist", NULL, NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED);
}

static void
test_boost (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  DeskProviderCapabilities capabilities;
  const char *post = mention (f, f->ana, NULL, "public", "your new cups are lovely");
  const char *dm = mention (f, f->boris, NULL, "direct", "private question");

  desk_provider_get_capabilities (provider, &capabilities);
  g_assert_true (capabilities.can_boost);

  g_assert_true (desk_provider_boost (provider, post, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_mastodon_count_reblogs (f->fake), ==, 1);

  /* A direct message is never shared: Mastodon refuses, and it says so. */
  g_assert_false (desk_provider_boost (provider, dm, NULL, NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED);
  g_assert_cmpuint (fake_mastodon_count_reblogs (f->fake), ==, 1);
}

/* Failures */

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  FakeMastodon *other = fake_mastodon_new ("other-shop");
  const char *customer = fake_mastodon_add_customer (other, "zoe@elsewhere.example", "Zoe");
  gint64 other_account;

  other_account = sign_in (f->store, other, &error);
  g_assert_no_error (error);
  fake_mastodon_post (other, customer, NULL, "public", "<p>@other-shop hello</p>",
                      FAKE_MASTODON_NOTIFY_MENTION);

  fake_mastodon_set_fault (f->fake, FAKE_MASTODON_FAULT_REVOKE);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_test_message ("%s", error->message);

  accounts = desk_store_list_accounts (f->store, NULL);
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[0])->state, ==, "needs-sign-in");
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[1])->state, ==, "ok");

  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE account_id = %"
                                            G_GINT64_FORMAT, other_account);
    g_assert_cmpint (count (f, sql), ==, 1);
  }

  fake_mastodon_free (other);
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, accounts->pdata[0], NULL);
  g_autoptr(DeskFetchResult) result = NULL;
  gint64 next_run = 0;

  fake_mastodon_set_fault (f->fake, FAKE_MASTODON_FAULT_RATE_LIMIT);
  g_assert_false (desk_sync_engine_sync_account (f->engine, f->account, provider, NULL, &next_run,
                                                 NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* X-RateLimit-Reset is an ISO 8601 time, 30 s ahead. */
  fake_mastodon_set_fault (f->fake, FAKE_MASTODON_FAULT_RATE_LIMIT);
  g_assert_null (desk_provider_fetch (provider, "mentions", NULL, NULL, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED);
  g_clear_error (&error);

  g_assert_true (desk_sync_engine_sync_account (f->engine, f->account, provider, NULL, &next_run,
                                                NULL, &error));
  g_assert_no_error (error);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  mention (f, f->ana, NULL, "public", "hi");
  fake_mastodon_set_fault (f->fake, FAKE_MASTODON_FAULT_TRUNCATED);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 0);

  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 1);
}

/* No token in the database, its WAL or its folder. */
static void
test_no_secret_on_disk (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *token = fake_mastodon_dup_token (f->fake);
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  mention (f, f->ana, NULL, "public", "hi");
  assert_sync_ok (f);

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (file, &contents, &length, NULL))
        continue;
      g_assert_null (g_strstr_len (contents, length, token));
      g_assert_null (g_strstr_len (contents, length, "mastodon-token-"));
      g_assert_null (g_strstr_len (contents, length, "secret-"));
    }
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

  mention (f, f->ana, NULL, "public", "first");
  assert_sync_ok (f);
  desk_store_close (f->store);

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *text = g_strdup_printf ("item %u", i);
      mention (f, i % 2 ? f->ana : f->boris, NULL, "public", text);
    }

  /* Killed at the 2nd, 4th (after the answer was made), 1st page request, then left to finish. */
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GSubprocess) child = spawn_sync (f);
      static const guint kill_at[] = { 2, 4, 1 };

      if (round < 3)
        fake_mastodon_kill_on (f->fake, desk_test_subprocess_pid (child), "/api/v1/notifications",
                               kill_at[round], round == 1);
      g_subprocess_wait (child, NULL, NULL);
      if (round < 3)
        g_assert_true (g_subprocess_get_if_signaled (child));
      else
        g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
    }

  g_clear_object (&f->store);
  f->store = desk_test_store_new_at (f->path);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 201);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 201);
}

/* The first sync's walk back, killed and restarted, goes on where it stopped. */
static void
test_crash_during_backfill (Fixture       *f,
                            gconstpointer  data)
{
  if (!desk_test_have_frontdesk_bin ())
    return;

  desk_store_close (f->store);

  for (guint i = 0; i < 230; i++)
    {
      g_autofree char *text = g_strdup_printf ("old item %u", i);
      mention (f, i % 2 ? f->ana : f->boris, NULL, "public", text);
    }

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GSubprocess) child = spawn_sync (f);
      static const guint kill_at[] = { 2, 3, 1 };

      if (round < 3)
        fake_mastodon_kill_on (f->fake, desk_test_subprocess_pid (child), "/api/v1/notifications",
                               kill_at[round], round == 1);
      g_subprocess_wait (child, NULL, NULL);
      if (round < 3)
        g_assert_true (g_subprocess_get_if_signaled (child));
      else
        g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
    }

  g_clear_object (&f->store);
  f->store = desk_test_store_new_at (f->path);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 200);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 200);
}

static void
test_crash_during_send (Fixture       *f,
                        gconstpointer  data)
{
  const char *business = fake_mastodon_get_business_id (f->fake);
  const char *root;
  gint64 outbox;

  if (!desk_test_have_frontdesk_bin ())
    return;

  root = mention (f, f->ana, NULL, "direct", "refund please");
  assert_sync_ok (f);
  outbox = queue_reply (f, root, "Refund on its way —MJ");
  desk_store_close (f->store);

  /* Killed after the server created the status, before Frontdesk learned it; then restarted. */
  {
    g_autoptr(GSubprocess) child = spawn_sync (f);

    fake_mastodon_kill_on (f->fake, desk_test_subprocess_pid (child), "/api/v1/statuses", 1, TRUE);
    g_subprocess_wait (child, NULL, NULL);
    g_assert_true (g_subprocess_get_if_signaled (child));
  }
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, business, root), ==, 1);
  {
    g_autoptr(GSubprocess) child = spawn_sync (f);

    g_subprocess_wait (child, NULL, NULL);
    g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  }

  g_clear_object (&f->store);
  f->store = desk_test_store_new_at (f->path);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_mastodon_count_statuses_by (f->fake, business, root), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 1);
}

/* Streaming: the engine starts the provider's push once the account syncs, and a streamed
 * mention is synced long before the next poll. */

static gboolean
wait_for_count (Fixture    *f,
                const char *sql,
                gint64      expected,
                gint64      timeout_us)
{
  gint64 until = g_get_monotonic_time () + timeout_us;

  while (g_get_monotonic_time () < until)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (count (f, sql) == expected)
        return TRUE;
      g_usleep (G_USEC_PER_SEC / 50);
    }

  return FALSE;
}

static void
test_streaming (Fixture       *f,
                gconstpointer  data)
{
  const char *sql = "SELECT count(*) FROM messages";
  gint64 start, elapsed;

  mention (f, f->ana, NULL, "public", "first");
  desk_sync_engine_start (f->engine);
  g_assert_true (wait_for_count (f, sql, 1, 30 * G_USEC_PER_SEC));

  {
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (fake_mastodon_count_requests (f->fake, "GET /api/v1/streaming") == 0 &&
           g_get_monotonic_time () < until)
      g_usleep (G_USEC_PER_SEC / 50);
  }
  g_assert_cmpuint (fake_mastodon_count_requests (f->fake, "GET /api/v1/streaming"), ==, 1);

  /* The engine polls every 60 s: only the stream can bring these in time. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("fast number %u", i);

      start = g_get_monotonic_time ();
      mention (f, f->boris, NULL, "public", text);
      g_assert_true (wait_for_count (f, sql, 2 + i, 10 * G_USEC_PER_SEC));
      elapsed = g_get_monotonic_time () - start;
      g_test_message ("a streamed mention reached the inbox in %" G_GINT64_FORMAT " ms",
                      elapsed / 1000);
      g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
    }

  desk_sync_engine_stop (f->engine);
}

/* The stream on its own, for a caller without the engine. */

static void
count_push (gint64   account_id,
            gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

static void
test_stream_alone (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);
  g_autoptr(DeskMastodonStream) stream = NULL;
  gint pushes = 0;
  gint64 until;

  stream = desk_mastodon_stream_new (accounts->pdata[0], count_push, &pushes);
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (fake_mastodon_count_requests (f->fake, "GET /api/v1/streaming") == 0 &&
         g_get_monotonic_time () < until)
    g_usleep (G_USEC_PER_SEC / 50);

  /* Mentions are pushed; favourites and filtered mentions are not. */
  mention (f, f->ana, NULL, "public", "one");
  fake_mastodon_post (f->fake, f->ana, NULL, "public", "<p>nice</p>", FAKE_MASTODON_NOTIFY_FAVOURITE);
  mention (f, f->ana, NULL, "direct", "two");
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_atomic_int_get (&pushes) < 2 && g_get_monotonic_time () < until)
    g_usleep (G_USEC_PER_SEC / 50);
  g_usleep (G_USEC_PER_SEC / 5);
  g_assert_cmpint (g_atomic_int_get (&pushes), ==, 2);
}

/* --prism URL: the provider's real calls against Prism serving Mastodon's OpenAPI description.
 * Prism answers with the description's examples; its log tells whether our requests were valid. */
static int
run_prism (const char *url)
{
  g_autofree char *path = desk_test_tmp_path ("prism.db");
  g_autoptr(DeskStore) store = desk_test_store_new_at (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskMastodonSignIn) sign_in = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(DeskProvider) provider = NULL;
  g_autoptr(DeskFetchResult) page = NULL;
  g_autoptr(DeskFetchResult) next = NULL;
  g_autoptr(GPtrArray) thread = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *found = NULL;
  DeskOutgoing reply = { 0 };
  gint64 id;

  sign_in = desk_mastodon_begin_sign_in (url, FALSE, NULL, &error);
  if (sign_in == NULL)
    {
      g_printerr ("apps: %s\n", error->message);
      return 1;
    }
  id = desk_mastodon_finish_sign_in (store, sign_in, "example-code", NULL, &error);
  if (id == 0)
    {
      g_printerr ("token, verify_credentials: %s\n", error->message);
      return 1;
    }
  g_print ("signed in: account %" G_GINT64_FORMAT "\n", id);

  accounts = desk_store_list_accounts (store, &error);
  /* Prism makes values up: whatever they are, only bounded ones were kept */
  g_print ("instance: max %u, %s per link\n",
           ((DeskAccountInfo *) accounts->pdata[0])->max_reply_chars,
           ((DeskAccountInfo *) accounts->pdata[0])->has_chars_per_url ? "known" : "unknown");
  provider = desk_providers_create (store, accounts->pdata[0], &error);
  g_assert_nonnull (provider);

  page = desk_provider_fetch (provider, "mentions", NULL, NULL, &error);
  if (page == NULL)
    {
      g_printerr ("notifications: %s\n", error->message);
      return 1;
    }
  g_print ("notifications: %u mentions, cursor %s\n", page->messages->len, page->cursor);

  next = desk_provider_fetch (provider, "mentions", page->cursor ? page->cursor : "1", NULL, &error);
  if (next == NULL)
    {
      g_printerr ("notifications (min_id): %s\n", error->message);
      return 1;
    }

  thread = desk_provider_fetch_thread (provider, DESK_CONVERSATION_PUBLIC, "1", NULL, &error);
  if (thread == NULL)
    {
      g_printerr ("status, context: %s\n", error->message);
      return 1;
    }
  g_print ("thread: %u statuses\n", thread->len);

  reply.idempotency_key = (char *) "frontdesk-prism-1";
  reply.created_at = g_get_real_time ();
  reply.kind = DESK_CONVERSATION_DM;
  reply.thread_id = (char *) "1";
  reply.reply_to_id = (char *) "1";
  reply.reply_to_raw = (char *) "{\"id\":\"1\",\"visibility\":\"direct\","
                                "\"account\":{\"id\":\"2\",\"acct\":\"ana@social.example\"}}";
  reply.text = (char *) "Hello from Frontdesk —MJ";
  sent = desk_provider_send_reply (provider, &reply, NULL, &error);
  if (sent == NULL)
    {
      g_printerr ("statuses: %s\n", error->message);
      return 1;
    }
  found = desk_provider_find_sent (provider, &reply, NULL, &error);
  if (found == NULL)
    {
      g_printerr ("statuses (again, same key): %s\n", error ? error->message : "not found");
      return 1;
    }
  g_print ("statuses: %s, %s\n", sent, found);

  if (!desk_provider_like (provider, "1", NULL, NULL, &error))
    {
      g_printerr ("favourite: %s\n", error->message);
      return 1;
    }
  g_print ("favourite: ok\n");

  desk_store_close (store);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--prism"))
    {
      char *args[] = { argv[0], NULL };
      char **pargs = args;
      int n = 1;

      desk_test_init (&n, &pargs);
      return run_prism (argv[2]);
    }

  desk_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/mastodon/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("sign-in", test_sign_in);
  ADD ("sync", test_sync);
  ADD ("paging", test_paging);
  ADD ("backfill", test_backfill);
  ADD ("reply", test_reply);
  ADD ("reply-private", test_reply_private);
  ADD ("reply-unknown-outcome", test_reply_unknown_outcome);
  ADD ("reply-too-long", test_reply_too_long);
  ADD ("limits/sign-in", test_limits_sign_in);
  ADD ("limits/sync", test_limits_sync);
  ADD ("limits/malformed", test_limits_malformed);
  ADD ("limits/reply", test_limits_reply);
  ADD ("find-sent-late", test_find_sent_late);
  ADD ("like", test_like);
  ADD ("boost", test_boost);
  ADD ("revoked", test_revoked);
  ADD ("rate-limited", test_rate_limited);
  ADD ("truncated", test_truncated);
  ADD ("no-secret-on-disk", test_no_secret_on_disk);
  ADD ("crash-during-sync", test_crash_during_sync);
  ADD ("crash-during-backfill", test_crash_during_backfill);
  ADD ("crash-during-send", test_crash_during_send);
  ADD ("streaming", test_streaming);
  ADD ("stream-alone", test_stream_alone);

  return g_test_run ();
}
