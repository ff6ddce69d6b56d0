/* test-bluesky-network.c: Frontdesk against Bluesky's own network software on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by tests/peers/bluesky/with-peer.sh (PLC + PDS + AppView from @atproto/dev-env, and a
 * chat service fake that validates every request and response against the lexicons) inside
 * build-aux/headless-run.sh (the keyring). The cases run in order on one network and one
 * inbox, as a user's day would.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>

#include "desk-bluesky-provider.h"
#include "desk-http.h"
#include "desk-providers.h"
#include "desk-store-private.h"
#include "desk-sync-engine.h"
#include "desk-test-util.h"

static JsonObject *seed;
static JsonNode *seed_root;
static const char *pds;
static char *path;
static DeskStore *store;
static gint64 account;

static const char *
seed_string (const char *group,
             const char *name,
             const char *member)
{
  JsonObject *object = json_object_get_object_member (seed, group);

  if (name != NULL)
    object = json_object_get_object_member (object, name);

  return json_object_get_string_member (object, member);
}

static gint64
count (const char *format,
       ...) G_GNUC_PRINTF (1, 2);

static gint64
count (const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);

  text = desk_test_store_query_text (store, sql);
  return text ? g_ascii_strtoll (text, NULL, 10) : -1;
}

static char *
text_of (const char *uri)
{
  g_autofree char *sql = g_strdup_printf ("SELECT body FROM messages WHERE remote_id = '%s'", uri);

  return desk_test_store_query_text (store, sql);
}

static void
sync_until (gboolean (*done) (void),
            guint     max_passes)
{
  g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (store, desk_providers_create);

  desk_sync_engine_set_verbose (engine, g_test_verbose ());

  for (guint pass = 0; pass < max_passes; pass++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, &error));
      g_assert_no_error (error);
      if (done ())
        return;
      g_usleep (G_USEC_PER_SEC);  /* the AppView indexes asynchronously */
    }

  g_error ("not synced after %u passes", max_passes);
}

/* HTTP as a customer's or the business's own client would, to look at the network. */
static JsonNode *
http_json (const char *method,
           const char *url,
           const char *bearer,
           const char *body_json)
{
  g_autoptr(SoupSession) session = desk_http_session_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = body_json ? json_from_string (body_json, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = bearer ? g_strconcat ("Bearer ", bearer, NULL) : NULL;
  const char *headers[] = { auth ? "Authorization" : NULL, auth, NULL };

  response = desk_http_request (session, method, url, headers, body, NULL, &error);
  g_assert_no_error (error);
  if (response->status != 200)
    g_error ("%s %s: %u", method, url, response->status);
  g_assert_nonnull (response->json);

  return json_node_ref (response->json);
}

static char *
business_token (void)
{
  g_autofree char *url = desk_http_url (pds, "/xrpc/com.atproto.server.createSession", NULL);
  g_autofree char *body = g_strdup_printf ("{\"identifier\": \"%s\", \"password\": \"%s\"}",
                                           seed_string ("business", NULL, "handle"),
                                           seed_string ("business", NULL, "password"));
  g_autoptr(JsonNode) session = http_json ("POST", url, NULL, body);

  return g_strdup (json_object_get_string_member (json_node_get_object (session), "accessJwt"));
}

/* The business's replies to @parent_uri as the AppView shows them to anyone. */
static guint
replies_on_network (const char  *parent_uri,
                    const char  *text,
                    JsonObject **record_out)
{
  g_autofree char *token = business_token ();
  g_autofree char *url = desk_http_url (pds, "/xrpc/app.bsky.feed.getPostThread",
                                        "uri", parent_uri, "depth", "5", NULL);
  g_autoptr(JsonNode) thread = http_json ("GET", url, token, NULL);
  JsonObject *view = json_object_get_object_member (json_node_get_object (thread), "thread");
  JsonArray *replies = json_object_has_member (view, "replies")
                         ? json_object_get_array_member (view, "replies") : NULL;
  guint n = 0;

  for (guint i = 0; replies != NULL && i < json_array_get_length (replies); i++)
    {
      JsonObject *post = json_object_get_object_member (json_array_get_object_element (replies, i), "post");
      JsonObject *record = json_object_get_object_member (post, "record");
      JsonObject *author = json_object_get_object_member (post, "author");

      if (g_strcmp0 (json_object_get_string_member (author, "did"), seed_string ("business", NULL, "did")) == 0 &&
          g_strcmp0 (json_object_get_string_member (record, "text"), text) == 0)
        {
          n++;
          if (record_out != NULL)
            *record_out = json_object_ref (record);
        }
    }

  return n;
}

static guint
wait_for_replies (const char  *parent_uri,
                  const char  *text,
                  JsonObject **record)
{
  for (guint i = 0; i < 60; i++)
    {
      guint n = replies_on_network (parent_uri, text, record);

      if (n > 0)
        {
          /* Give a second copy, if there were one, the time to be indexed too. */
          g_usleep (2 * G_USEC_PER_SEC);
          if (record != NULL && *record != NULL)
            g_clear_pointer (record, json_object_unref);
          return replies_on_network (parent_uri, text, record);
        }
      g_usleep (G_USEC_PER_SEC / 2);
    }

  return 0;
}

/* Cases */

static void
test_sign_in (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (desk_bluesky_sign_in (store, pds, seed_string ("business", NULL, "handle"),
                                         "wrong-wrong-wrong-wrong", NULL, &error), ==, 0);
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_clear_error (&error);

  account = desk_bluesky_sign_in (store, pds, seed_string ("business", NULL, "handle"),
                                  seed_string ("business", NULL, "appPassword"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (account, >, 0);
}

static gboolean
all_seeded_stored (void)
{
  JsonArray *expected = json_object_get_array_member (seed, "expectedNotifications");

  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      JsonObject *e = json_array_get_object_element (expected, i);

      if (g_strcmp0 (json_object_get_string_member (e, "reason"), "like") == 0)
        continue;
      if (count ("SELECT count(*) FROM messages WHERE remote_id = '%s'",
                 json_object_get_string_member (e, "uri")) != 1)
        return FALSE;
    }

  /* The business's reply in the thread, seen by re-reading it. */
  return count ("SELECT count(*) FROM messages WHERE remote_id = '%s'",
                seed_string ("posts", "thread_business_reply", "uri")) == 1;
}

static void
test_sync (void)
{
  JsonArray *expected = json_object_get_array_member (seed, "expectedNotifications");
  g_autofree char *persian = NULL;
  g_autofree char *long_text = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GError) error = NULL;

  sync_until (all_seeded_stored, 10);

  /* Every mention, reply and quote exactly once; the like and the unrelated post not at all. */
  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      JsonObject *e = json_array_get_object_element (expected, i);
      gint64 n = count ("SELECT count(*) FROM messages WHERE remote_id = '%s'",
                        json_object_get_string_member (e, "uri"));

      if (g_strcmp0 (json_object_get_string_member (e, "reason"), "like") == 0)
        g_assert_cmpint (n, ==, 0);
      else
        g_assert_cmpint (n, ==, 1);
    }
  g_assert_cmpint (count ("SELECT count(*) FROM messages WHERE remote_id = '%s'",
                          seed_string ("posts", "unrelated", "uri")), ==, 0);

  /* The thread: one conversation; answered, then reopened by the follow-up. */
  g_assert_cmpint (count ("SELECT count(DISTINCT conversation_id) FROM messages WHERE remote_id IN ('%s', '%s', '%s')",
                          seed_string ("posts", "thread_root", "uri"),
                          seed_string ("posts", "thread_business_reply", "uri"),
                          seed_string ("posts", "thread_followup", "uri")), ==, 1);
  g_assert_cmpint (count ("SELECT count(*) FROM conversations c JOIN messages m ON m.conversation_id = c.id"
                          " WHERE m.remote_id = '%s' AND c.status = 'open' AND c.waiting_since = m.created_at",
                          seed_string ("posts", "thread_followup", "uri")), ==, 1);

  persian = text_of (seed_string ("posts", "mention_fa", "uri"));
  g_assert_cmpstr (persian, ==, seed_string ("posts", "mention_fa", "text"));
  long_text = text_of (seed_string ("posts", "mention_300_graphemes", "uri"));
  g_assert_cmpstr (long_text, ==, seed_string ("texts", NULL, "graphemes300"));

  cursor = desk_store_get_cursor (store, account, "notifications", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cursor);

  /* Another pass: nothing twice. */
  {
    gint64 before = count ("SELECT count(*) FROM messages");
    sync_until (all_seeded_stored, 1);
    g_assert_cmpint (count ("SELECT count(*) FROM messages"), ==, before);
  }
}

static gint64
conversation_of (const char *uri)
{
  return count ("SELECT conversation_id FROM messages WHERE remote_id = '%s'", uri);
}

static void
test_reply (void)
{
  const char *parent = seed_string ("posts", "mention_link", "uri");
  const char *text = "Hi @alice.test! Your order ships today: https://shop.example/t/1042 —MJ";
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  JsonArray *facets;
  gint64 outbox;

  outbox = desk_store_queue_reply (store, conversation_of (parent), text, "MJ", &error);
  g_assert_no_error (error);
  {
    g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (store, desk_providers_create);
    g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (desk_store_outbox_get_state (store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);

  /* The customer sees it in the thread, once, signed, with root/parent and facets right. */
  g_assert_cmpuint (wait_for_replies (parent, text, &record), ==, 1);
  reply = json_object_get_object_member (record, "reply");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "parent"), "uri"), ==, parent);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "root"), "uri"), ==, parent);

  facets = json_object_get_array_member (record, "facets");
  g_assert_cmpuint (json_array_get_length (facets), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *index = json_object_get_object_member (json_array_get_object_element (facets, i), "index");
      gint64 start = json_object_get_int_member (index, "byteStart");
      gint64 end = json_object_get_int_member (index, "byteEnd");
      g_autofree char *span = g_strndup (text + start, end - start);

      g_assert_true (g_str_equal (span, "@alice.test") || g_str_equal (span, "https://shop.example/t/1042"));
    }

  g_assert_cmpint (count ("SELECT count(*) FROM conversations WHERE id = %" G_GINT64_FORMAT
                          " AND status = 'answered'", conversation_of (parent)), ==, 1);
}

static GSubprocess *
spawn_sync (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            g_getenv ("FRONTDESK_BIN"), "--database", path, "--sync-once", NULL);
  g_assert_no_error (error);
  return child;
}

/* Killed at random moments while it sends, restarted: the reply is on the network once. */
static void
test_crash_during_send (void)
{
  const char *parent = seed_string ("posts", "mention_fa", "uri");
  const char *text = "سلام! سفارش شما فردا می‌رسد. —MJ";
  g_autoptr(GError) error = NULL;
  gint64 outbox;

  outbox = desk_store_queue_reply (store, conversation_of (parent), text, "MJ", &error);
  g_assert_no_error (error);
  desk_store_close (store);

  for (guint round = 0; round < 6; round++)
    {
      g_autoptr(GSubprocess) child = spawn_sync ();

      g_usleep (g_random_int_range (20, 600) * 1000);
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, NULL);
    }
  {
    g_autoptr(GSubprocess) child = spawn_sync ();

    g_subprocess_wait (child, NULL, NULL);
  }

  g_clear_object (&store);
  store = desk_test_store_new_at (path);
  g_assert_cmpint (desk_store_outbox_get_state (store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (wait_for_replies (parent, text, NULL), ==, 1);
}

static gboolean
crash_items_stored (void)
{
  return count ("SELECT count(*) FROM messages WHERE body LIKE '%%crash item %%'") == 150;
}

/* Killed at random moments during a large sync, restarted: every message once. */
static void
test_crash_during_sync (void)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = {
    g_getenv ("FRONTDESK_PEER_NODE"), g_getenv ("FRONTDESK_PEER_SEED"), "add-mention",
    "--seed", g_getenv ("FRONTDESK_SEED_JSON"), "--count", "150",
    "--text", "@shop-biz.test crash item {i}", NULL
  };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  desk_store_close (store);
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GSubprocess) child = spawn_sync ();

      g_usleep (g_random_int_range (100, 1500) * 1000);
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, NULL);
    }

  g_clear_object (&store);
  store = desk_test_store_new_at (path);
  sync_until (crash_items_stored, 5);
  g_assert_cmpint (count ("SELECT count(*) FROM messages WHERE body LIKE '%%crash item %%'"), ==, 150);
  g_assert_cmpint (count ("SELECT count(DISTINCT remote_id) FROM messages"), ==,
                   count ("SELECT count(*) FROM messages"));
}

/* DMs through the real PDS to the chat service, which validates every request and response. */
static void
inject_dm (const char *from,
           const char *text)
{
  g_autofree char *url = g_strconcat (g_getenv ("FRONTDESK_CHAT_URL"), "/_inject", NULL);
  g_autofree char *body = g_strdup_printf ("{\"from\": \"%s\", \"to\": \"%s\", \"text\": \"%s\"}",
                                           from, seed_string ("business", NULL, "handle"), text);
  g_autoptr(JsonNode) answer = http_json ("POST", url, NULL, body);
}

static gboolean
dm_stored (void)
{
  return count ("SELECT count(*) FROM messages WHERE is_dm = 1 AND body = 'Hi, can I return the green mug?'") == 1;
}

static void
test_dm (void)
{
  g_autoptr(GError) error = NULL;
  const char *text = "Of course, here is the return label. —MJ";
  gint64 conversation, outbox;

  inject_dm ("alice.test", "Hi, can I return the green mug?");
  sync_until (dm_stored, 5);

  conversation = count ("SELECT conversation_id FROM messages WHERE is_dm = 1 LIMIT 1");
  g_assert_cmpint (count ("SELECT count(*) FROM conversations WHERE id = %" G_GINT64_FORMAT
                          " AND kind = 'dm'", conversation), ==, 1);
  g_assert_cmpint (count ("SELECT count(*) FROM contacts WHERE handle = 'alice.test'"), ==, 1);

  outbox = desk_store_queue_reply (store, conversation, text, "MJ", &error);
  g_assert_no_error (error);
  {
    g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (store, desk_providers_create);
    g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, &error));
    g_assert_no_error (error);
    /* Our message comes back in the log: stored once. */
    g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, &error));
  }
  g_assert_cmpint (desk_store_outbox_get_state (store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpint (count ("SELECT count(*) FROM messages WHERE body = '%s'", text), ==, 1);
  g_assert_cmpint (count ("SELECT count(*) FROM conversations WHERE id = %" G_GINT64_FORMAT
                          " AND status = 'answered'", conversation), ==, 1);
}

/* An app password without DM access: mentions sync, the DM reply fails in words. */
static void
test_no_dm_access (void)
{
  g_autofree char *other_path = desk_test_tmp_path ("no-dm.db");
  g_autoptr(DeskStore) other = desk_test_store_new_at (other_path);
  g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (other, desk_providers_create);
  g_autoptr(GError) error = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *mentions = NULL;
  gint64 id;

  id = desk_bluesky_sign_in (other, pds, seed_string ("business", NULL, "handle"),
                             seed_string ("business", NULL, "appPasswordNoDm"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  g_assert_true (desk_sync_engine_run_once (engine, NULL, NULL, &error));
  g_assert_no_error (error);
  mentions = desk_test_store_query_text (other, "SELECT count(*) FROM messages");
  g_assert_cmpint (g_ascii_strtoll (mentions, NULL, 10), >, 5);
  (void) last_error;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *seed_path;

  desk_test_init (&argc, &argv);

  seed_path = g_getenv ("FRONTDESK_SEED_JSON");
  pds = g_getenv ("FRONTDESK_PDS_URL");
  if (seed_path == NULL || pds == NULL || g_getenv ("FRONTDESK_BIN") == NULL)
    {
      g_print ("1..0 # SKIP no local Bluesky network (run through tests/peers/bluesky/with-peer.sh)\n");
      return 0;
    }

  if (!json_parser_load_from_file (parser, seed_path, &error))
    g_error ("%s: %s", seed_path, error->message);
  seed_root = json_parser_steal_root (parser);
  seed = json_node_get_object (seed_root);

  path = desk_test_tmp_path ("network.db");
  store = desk_test_store_new_at (path);

  g_test_add_func ("/bluesky-network/1-sign-in", test_sign_in);
  g_test_add_func ("/bluesky-network/2-sync", test_sync);
  g_test_add_func ("/bluesky-network/3-reply", test_reply);
  g_test_add_func ("/bluesky-network/4-crash-during-send", test_crash_during_send);
  g_test_add_func ("/bluesky-network/5-crash-during-sync", test_crash_during_sync);
  g_test_add_func ("/bluesky-network/6-dm", test_dm);
  g_test_add_func ("/bluesky-network/7-no-dm-access", test_no_dm_access);

  return g_test_run ();
}
