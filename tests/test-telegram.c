/* test-telegram.c: the Telegram provider, the sync engine and the outbox against a fake Bot API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh: the bot token lives in a real (throw-away) keyring.
 * The fake server (fake-telegram.c) is stateful: getUpdates forgets what an offset confirms,
 * so a client that advances its offset before storing a page loses messages here as it would
 * on Telegram. `--prism URL` instead runs the calls once against Stoplight Prism serving the
 * Bot API's OpenAPI description (tests/prism/telegram/check.sh), which checks our requests.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "desk-credentials.h"
#include "desk-providers.h"
#include "desk-sync-engine.h"
#include "desk-telegram-provider.h"
#include "desk-test-util.h"
#include "fake-telegram.h"

#define TOKEN     "7000001234:AAE-shopBotToken_xyzXYZ0123456789abcd"
#define BOT_ID    7000001234
#define BOT_NAME  "shop_help_bot"
#define GROUP     ((gint64) -1001234567890)
#define ANA       ((gint64) 111001)
#define BORIS     ((gint64) 111002)
#define SHIRIN    ((gint64) 111003)

typedef struct
{
  FakeTelegram   *fake;
  char           *path;
  DeskStore      *store;
  DeskSyncEngine *engine;
  gint64          account;
} Fixture;

static void
assert_no_token (const GError *error)
{
  if (error != NULL)
    {
      g_assert_null (strstr (error->message, TOKEN));
      g_assert_null (strstr (error->message, "AAE-shop"));
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint counter;
  g_autofree char *name = g_strdup_printf ("telegram-%u.db", ++counter);
  g_autoptr(GError) error = NULL;

  f->fake = fake_telegram_new (TOKEN, BOT_ID, BOT_NAME);
  f->path = desk_test_tmp_path (name);
  f->store = desk_test_store_new_at (f->path);
  f->engine = desk_sync_engine_new (f->store, desk_providers_create);

  f->account = desk_telegram_sign_in (f->store, fake_telegram_get_url (f->fake), TOKEN, NULL, &error);
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
  fake_telegram_free (f->fake);
  g_free (f->path);
}

static gboolean
sync_once (Fixture  *f,
           GError  **error)
{
  DeskSyncStats stats;
  gboolean ok = desk_sync_engine_run_once (f->engine, &stats, NULL, error);

  assert_no_token (error ? *error : NULL);
  return ok;
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

static gint64
queue_reply (Fixture    *f,
             const char *thread,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 conversation = conversation_of (f, thread);
  gint64 id;

  g_assert_cmpint (conversation, >, 0);
  id = desk_store_queue_reply (f->store, conversation, text, "MJ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static DeskAccountInfo *
first_account (Fixture *f)
{
  g_autoptr(GPtrArray) accounts = desk_store_list_accounts (f->store, NULL);

  return desk_account_info_copy (g_ptr_array_index (accounts, 0));
}

static JsonObject *
last_send (Fixture   *f,
           JsonNode **node)
{
  g_autofree char *body = fake_telegram_dup_last_send (f->fake);

  g_assert_nonnull (body);
  *node = json_from_string (body, NULL);
  g_assert_nonnull (*node);
  return json_node_get_object (*node);
}

/* Sign-in */

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_auto(DeskSecret) token = NULL;
  DeskAccountInfo *account;

  accounts = desk_store_list_accounts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  account = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (account->network, ==, "telegram");
  g_assert_cmpstr (account->remote_id, ==, "7000001234");
  g_assert_cmpstr (account->handle, ==, "@" BOT_NAME);
  g_assert_cmpstr (account->display_name, ==, "The Shop");
  g_assert_cmpstr (account->server_url, ==, fake_telegram_get_url (f->fake));
  g_assert_cmpstr (account->state, ==, "ok");

  token = desk_credentials_lookup_sync (f->account, DESK_CREDENTIALS_KIND_BOT_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);

  /* A token Telegram does not know: a clear error without the token, no account. */
  g_assert_cmpint (desk_telegram_sign_in (f->store, fake_telegram_get_url (f->fake),
                                          "7000001234:AAE-shopBotToken_WRONG", NULL, &error), ==, 0);
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_assert_null (strstr (error->message, "WRONG"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Not a token at all. */
  g_assert_cmpint (desk_telegram_sign_in (f->store, fake_telegram_get_url (f->fake),
                                          "hello/../world?x", NULL, &error), ==, 0);
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_assert_null (strstr (error->message, "hello"));
  g_clear_error (&error);

  /* Nothing reachable there; the error names the host, never the URL with the token. */
  g_assert_cmpint (desk_telegram_sign_in (f->store, "http://127.0.0.1:1", TOKEN, NULL, &error), ==, 0);
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK);
  assert_no_token (error);
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
  g_autofree char *cursor = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dm_thread = g_strdup_printf ("%" G_GINT64_FORMAT, ANA);
  g_autofree char *boris_thread = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, GROUP, BORIS);
  g_autofree char *shirin_thread = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, GROUP, SHIRIN);
  g_autofree char *business_thread = g_strdup_printf ("b:conn-42:%" G_GINT64_FORMAT, SHIRIN);
  gint64 bot_in_group;

  /* A private chat with the bot. */
  fake_telegram_private_message (f->fake, ANA, "Ana", "/start");
  fake_telegram_private_message (f->fake, ANA, "Ana", "Do you ship to Ljubljana? 🇸🇮");

  /* A group: only what mentions or answers the bot counts. Offsets are UTF-16 units: the
   * emoji before the mention is two of them. */
  fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", "🙂 @" BOT_NAME " где мой заказ?", 0, FALSE);
  fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", "@someone_else hi all", 0, FALSE);
  fake_telegram_group_message (f->fake, GROUP, SHIRIN, "شیرین", "just chatting", 0, FALSE);
  bot_in_group = fake_telegram_bot_message (f->fake, GROUP, "Spring sale starts today!");
  fake_telegram_group_message (f->fake, GROUP, SHIRIN, "شیرین", "سفارش من کی می‌رسد؟", bot_in_group, FALSE);
  fake_telegram_group_message (f->fake, GROUP, SHIRIN, "شیرین", "Shop can you help?", 0, TRUE);
  fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", "/price@" BOT_NAME " blue", 0, FALSE);
  fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", "/price@other_bot red", 0, FALSE);

  /* A chat of the business's own account, through Telegram Business. */
  fake_telegram_business_message (f->fake, "conn-42", SHIRIN, "شیرین", "Is the blue one in stock?");

  /* A pass with a new provider, as `frontdesk --sync-once` makes: no waiting. */
  assert_sync_ok (f);
  g_assert_cmpint (fake_telegram_get_last_timeout (f->fake), ==, 0);

  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 7);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'in'"), ==, 7);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations"), ==, 4);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations WHERE kind = 'dm'"), ==, 2);

  kind = query (f, "SELECT kind FROM conversations WHERE remote_thread_id = '111001'");
  g_assert_cmpstr (kind, ==, "dm");
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE remote_id = '111001:2'"), ==, 1);
  g_assert_cmpint (conversation_of (f, dm_thread), >, 0);
  g_assert_cmpint (conversation_of (f, boris_thread), >, 0);
  g_assert_cmpint (conversation_of (f, shirin_thread), >, 0);
  g_assert_cmpint (conversation_of (f, business_thread), >, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conversations WHERE kind = 'public'"
                             " AND remote_thread_id LIKE '-1001234567890/111003'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body LIKE '%someone_else%'"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body = 'just chatting'"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body LIKE '/price@" BOT_NAME "%'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body LIKE '%other_bot%'"), ==, 0);

  raw = query (f, "SELECT raw_json FROM messages WHERE remote_id LIKE 'b:conn-42:%'");
  g_assert_nonnull (strstr (raw, "\"business_connection_id\":\"conn-42\""));

  /* The cursor is the next offset; Telegram still holds the updates until it is used. */
  cursor = desk_store_get_cursor (f->store, f->account, "updates", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cursor, ==, "700011");
  g_assert_cmpuint (fake_telegram_count_pending (f->fake), ==, 10);

  /* Again: the offset confirms them; nothing new, nothing twice. */
  assert_sync_ok (f);
  g_assert_cmpuint (fake_telegram_count_pending (f->fake), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 7);

  fake_telegram_private_message (f->fake, BORIS, "Борис", "Спасибо 👍");
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 8);
}

/* Enough updates for several pages; a page that cannot be read stores nothing and moves no cursor. */
static void
test_pages_and_offset (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  for (guint i = 0; i < 230; i++)
    {
      g_autofree char *text = g_strdup_printf ("question %u", i);
      fake_telegram_private_message (f->fake, ANA + i % 7, "Ana", text);
    }

  fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_TRUNCATED, 0);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 0);
  cursor = desk_store_get_cursor (f->store, f->account, "updates", &error);
  g_assert_null (cursor);

  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 230);

  /* The same page handed over twice (a crash after the store, before the offset was used)
   * is stored once. */
  {
    g_autoptr(DeskAccountInfo) account = first_account (f);
    g_autoptr(DeskProvider) provider = desk_providers_create (f->store, account, &error);
    g_autoptr(DeskFetchResult) page = NULL;
    guint added = 99;

    fake_telegram_private_message (f->fake, BORIS, "Борис", "new one");
    g_object_set (provider, "poll-timeout", 0, NULL);
    page = desk_provider_fetch (provider, "updates", "700200", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->messages->len, ==, 31);
    g_assert_true (desk_store_ingest (f->store, f->account, page->messages, NULL, NULL, &added, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (added, ==, 1);
  }
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 231);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 231);
}

/* getUpdates waits on the server for news, and answers as soon as some comes. */
typedef struct
{
  FakeTelegram *fake;
} LateData;

static gpointer
send_late (gpointer data)
{
  LateData *late = data;

  g_usleep (300 * 1000);
  fake_telegram_private_message (late->fake, ANA, "Ana", "are you there?");
  return NULL;
}

static void
test_long_poll (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DeskAccountInfo) account = first_account (f);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, account, NULL);
  g_autoptr(GError) error = NULL;
  DeskProviderCapabilities capabilities;
  LateData late = { f->fake };
  GThread *thread;
  gint64 start;

  desk_provider_get_capabilities (provider, &capabilities);
  g_assert_cmpuint (capabilities.max_length, ==, 4096);
  g_assert_true (capabilities.has_direct_messages);
  g_assert_true (capabilities.has_public_replies);
  g_assert_false (capabilities.can_like);

  /* The first request answers at once; the next, with nothing new, waits the whole timeout
   * and keeps the cursor. */
  g_object_set (provider, "poll-timeout", 1, NULL);
  start = g_get_monotonic_time ();
  {
    g_autoptr(DeskFetchResult) page = desk_provider_fetch (provider, "updates", NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->messages->len, ==, 0);
  }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 500 * 1000);
  g_assert_cmpint (fake_telegram_get_last_timeout (f->fake), ==, 0);
  start = g_get_monotonic_time ();
  {
    g_autoptr(DeskFetchResult) page = desk_provider_fetch (provider, "updates", NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->messages->len, ==, 0);
    g_assert_null (page->cursor);
    g_assert_false (page->more);
  }
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  g_assert_cmpint (fake_telegram_get_last_timeout (f->fake), ==, 1);

  /* A message while it waits: answered then, long before the timeout. */
  g_object_set (provider, "poll-timeout", 20, NULL);
  thread = g_thread_new ("late", send_late, &late);
  start = g_get_monotonic_time ();
  {
    g_autoptr(DeskFetchResult) page = desk_provider_fetch (provider, "updates", NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->messages->len, ==, 1);
    g_assert_cmpstr (page->cursor, ==, "700002");
  }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (fake_telegram_get_last_timeout (f->fake), ==, 20);
  g_thread_join (thread);
}

/* In the app: a worker thread per account; after its first pass the provider's push thread
 * waits on Telegram, so news comes in at once and the worker itself never waits: a reply
 * goes out at once too. The long poll here is 20 s, as it would be in the app. */
typedef struct
{
  Fixture *f;
  gint64   messages;
  gint64   outbox;
} WaitData;

static gboolean
has_messages (gpointer data)
{
  WaitData *wait = data;

  return count (wait->f, "SELECT count(*) FROM messages") >= wait->messages;
}

static gboolean
is_sent (gpointer data)
{
  WaitData *wait = data;

  return desk_store_outbox_get_state (wait->f->store, wait->outbox, NULL, NULL) == DESK_OUTBOX_SENT;
}

static DeskProvider *
long_poll_factory (DeskStore              *store,
                   const DeskAccountInfo  *account,
                   GError                **error)
{
  DeskProvider *provider = desk_providers_create (store, account, error);

  if (provider != NULL)
    g_object_set (provider, "poll-timeout", 20, NULL);
  return provider;
}

static void
test_background (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(DeskSyncEngine) engine = desk_sync_engine_new (f->store, long_poll_factory);
  WaitData wait = { f, 1, 0 };
  gint64 start;

  fake_telegram_private_message (f->fake, ANA, "Ana", "first");
  desk_sync_engine_start (engine);
  desk_test_wait_until (has_messages, &wait);

  /* The push thread is waiting on getUpdates: news comes in at once. */
  while (fake_telegram_get_last_timeout (f->fake) != 20)
    g_usleep (10 * 1000);
  g_usleep (200 * 1000);
  start = g_get_monotonic_time ();
  fake_telegram_private_message (f->fake, ANA, "Ana", "second");
  wait.messages = 2;
  desk_test_wait_until (has_messages, &wait);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* A reply, while the push thread waits again: sent at once, not after the long poll. */
  while (fake_telegram_get_last_timeout (f->fake) != 20)
    g_usleep (10 * 1000);
  g_usleep (200 * 1000);
  start = g_get_monotonic_time ();
  wait.outbox = queue_reply (f, "111001", "Hello! —MJ");
  desk_sync_engine_wake (engine);
  desk_test_wait_until (is_sent, &wait);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* And news after that still comes in at once. */
  g_usleep (500 * 1000);
  start = g_get_monotonic_time ();
  fake_telegram_private_message (f->fake, ANA, "Ana", "third");
  wait.messages = 4;
  desk_test_wait_until (has_messages, &wait);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  g_test_message ("long polls ended by a newer getUpdates: %u",
                  fake_telegram_count_terminated (f->fake));
  desk_sync_engine_stop (engine);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT remote_id) FROM messages"), ==, 4);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 4);
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);
}

/* Replies */

static void
test_reply (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *status = NULL;
  g_autofree char *group_thread = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, GROUP, BORIS);
  g_autofree char *remote = NULL;
  JsonObject *body, *parameters;
  gint64 question, follow_up, mention, outbox;
  const char *text = "Привет! Track it at https://shop.example/t/4411 —MJ";

  question = fake_telegram_private_message (f->fake, ANA, "Ana", "where is #4411?");
  follow_up = fake_telegram_private_message (f->fake, ANA, "Ana", "hello??");
  mention = fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", "@" BOT_NAME " refund?", 0, FALSE);
  (void) question;
  assert_sync_ok (f);

  /* A DM: to the newest customer message. */
  outbox = queue_reply (f, "111001", text);
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);

  body = last_send (f, &node);
  g_assert_cmpint (json_object_get_int_member (body, "chat_id"), ==, ANA);
  g_assert_cmpstr (json_object_get_string_member (body, "text"), ==, text);
  g_assert_false (json_object_has_member (body, "business_connection_id"));
  parameters = json_object_get_object_member (body, "reply_parameters");
  g_assert_cmpint (json_object_get_int_member (parameters, "message_id"), ==, follow_up);

  status = query (f, "SELECT status FROM conversations WHERE remote_thread_id = '111001'");
  g_assert_cmpstr (status, ==, "answered");
  remote = query (f, "SELECT remote_id FROM messages WHERE direction = 'out'");
  g_assert_cmpstr (remote, ==, "111001:3");

  /* A group: a public reply to the mention, in the group. */
  g_clear_pointer (&node, json_node_unref);
  outbox = queue_reply (f, group_thread, "Refund on its way —MJ");
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  body = last_send (f, &node);
  g_assert_cmpint (json_object_get_int_member (body, "chat_id"), ==, GROUP);
  parameters = json_object_get_object_member (body, "reply_parameters");
  g_assert_cmpint (json_object_get_int_member (parameters, "message_id"), ==, mention);

  /* The customer answers the bot's reply: the same conversation, open again. (Telegram's
   * dates are whole seconds: let one pass.) */
  g_usleep (1100 * 1000);
  fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", "thanks!", mention + 1, FALSE);
  assert_sync_ok (f);
  g_clear_pointer (&status, g_free);
  status = query (f, "SELECT status FROM conversations WHERE remote_thread_id = '-1001234567890/111002'");
  g_assert_cmpstr (status, ==, "open");
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body = 'thanks!'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 2);
}

static void
test_reply_business (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *thread = g_strdup_printf ("b:conn-42:%" G_GINT64_FORMAT, SHIRIN);
  JsonObject *body;
  gint64 question, outbox;

  question = fake_telegram_business_message (f->fake, "conn-42", SHIRIN, "شیرین", "Is the blue one in stock?");
  assert_sync_ok (f);

  outbox = queue_reply (f, thread, "Yes, in every size. —MJ");
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);

  body = last_send (f, &node);
  g_assert_cmpstr (json_object_get_string_member (body, "business_connection_id"), ==, "conn-42");
  g_assert_cmpint (json_object_get_int_member (body, "chat_id"), ==, SHIRIN);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (body, "reply_parameters"),
                                               "message_id"), ==, question);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"
                             " AND remote_id = 'b:conn-42:111003:2'"), ==, 1);
}

static void
test_reply_too_long (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *last_error = NULL;
  gint64 outbox, fits;

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");
  assert_sync_ok (f);

  /* 2049 emoji are 2049 characters but 4098 UTF-16 units: over Telegram's 4096. */
  for (guint i = 0; i < 2049; i++)
    g_string_append (text, "😀");
  g_assert_cmpuint (desk_telegram_count_utf16 (text->str), ==, 4098);
  outbox = queue_reply (f, "111001", text->str);

  /* 2048 of them fit exactly. */
  g_string_truncate (text, strlen ("😀") * 2048);
  fits = queue_reply (f, "111001", text->str);

  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_FAILED);
  g_assert_nonnull (strstr (last_error, "4098"));
  g_assert_cmpint (desk_store_outbox_get_state (f->store, fits, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_telegram_count_requests (f->fake, "sendMessage"), ==, 1);
}

/* The customer blocked the bot: refused for good, in words the user understands. */
static void
test_reply_blocked (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *last_error = NULL;
  gint64 outbox;

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");
  assert_sync_ok (f);
  outbox = queue_reply (f, "111001", "Hello —MJ");

  fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_BLOCKED, 0);
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_FAILED);
  g_test_message ("%s", last_error);
  g_assert_nonnull (strstr (last_error, "blocked"));
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 0);
}

/* The connection breaks after Telegram posted the reply: it is never sent a second time. */
static void
test_reply_unknown_outcome (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *last_error = NULL;
  gint64 outbox;

  fake_telegram_private_message (f->fake, ANA, "Ana", "refund please");
  assert_sync_ok (f);
  outbox = queue_reply (f, "111001", "Refund on its way —MJ");

  fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_DROP_AFTER_SEND, 0);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME);
  g_clear_error (&error);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_UNKNOWN);

  /* The next passes cannot tell: the reply stays unknown, with words for the user, and the
   * account syncs on. */
  fake_telegram_private_message (f->fake, ANA, "Ana", "thanks");
  assert_sync_ok (f);
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_UNKNOWN);
  g_test_message ("%s", last_error);
  g_assert_nonnull (strstr (last_error, "Telegram"));
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);
  g_assert_cmpuint (fake_telegram_count_requests (f->fake, "sendMessage"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body = 'thanks'"), ==, 1);
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskAccountInfo) account = first_account (f);
  g_autoptr(DeskProvider) provider = desk_providers_create (f->store, account, NULL);
  g_autofree char *last_error = NULL;
  gint64 next_run = 0, outbox;

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");

  /* Reading: an empty page that says when to come back. */
  fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_RATE_LIMIT, 7);
  g_assert_true (desk_sync_engine_sync_account (f->engine, f->account, provider, NULL, &next_run,
                                                NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (next_run, >=, g_get_real_time () + 5 * G_USEC_PER_SEC);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 0);
  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 1);

  /* Sending: certainly not posted, so queued again, and sent after the wait. */
  outbox = queue_reply (f, "111001", "Hello —MJ");
  fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_RATE_LIMIT, 1);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, &last_error, NULL), ==, DESK_OUTBOX_QUEUED);
  /* A first rate limit passes by itself: nothing for the window to say. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts WHERE last_error IS NOT NULL"), ==, 0);

  g_usleep (1100 * 1000);
  assert_sync_ok (f);
  g_assert_cmpint (desk_store_outbox_get_state (f->store, outbox, NULL, NULL), ==, DESK_OUTBOX_SENT);
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);
}

static void
test_webhook (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskAccountInfo) account = first_account (f);

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");
  fake_telegram_set_webhook (f->fake, "https://old-crm.example/telegram");

  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_WEBHOOK_SET);
  g_assert_nonnull (strstr (error->message, "webhook"));
  g_assert_nonnull (strstr (error->message, "@" BOT_NAME));
  g_test_message ("%s", error->message);

  /* The account says why for the window, at the first failure: it will not pass by itself. */
  {
    g_autoptr(DeskAccountInfo) failed = first_account (f);

    g_assert_cmpstr (failed->last_error_code, ==, "webhook-set");
    g_assert_cmpstr (failed->last_error, ==, error->message);
    g_assert_cmpstr (failed->state, ==, "ok");
  }
  g_clear_error (&error);

  g_assert_true (desk_telegram_delete_webhook (account, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (fake_telegram_has_webhook (f->fake));

  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 1);

  {
    g_autoptr(DeskAccountInfo) synced = first_account (f);

    g_assert_null (synced->last_error_code);
    g_assert_null (synced->last_error);
  }
}

/* Network trouble is not shown at once: only when three passes in a row failed. The next pass
 * that works clears it. */
static void
test_sync_error_transient (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");

  for (guint pass = 1; pass <= 3; pass++)
    {
      g_autoptr(DeskAccountInfo) account = NULL;

      fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_SERVER_ERROR, 0);
      g_assert_false (sync_once (f, &error));
      g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK);

      account = first_account (f);
      if (pass < 3)
        {
          g_assert_null (account->last_error_code);
          g_assert_null (account->last_error);
        }
      else
        {
          g_assert_cmpstr (account->last_error_code, ==, "network");
          g_assert_cmpstr (account->last_error, ==, error->message);
        }
      g_clear_error (&error);
    }

  assert_sync_ok (f);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts WHERE last_error IS NOT NULL"
                             " OR last_error_code IS NOT NULL"), ==, 0);

  /* The count starts again after a pass that worked. */
  fake_telegram_set_fault (f->fake, FAKE_TELEGRAM_FAULT_SERVER_ERROR, 0);
  g_assert_false (sync_once (f, &error));
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts WHERE last_error IS NOT NULL"), ==, 0);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  FakeTelegram *other = fake_telegram_new ("8000009999:BBFotherBotToken", 8000009999, "other_shop_bot");
  gint64 other_account;

  other_account = desk_telegram_sign_in (f->store, fake_telegram_get_url (other),
                                         "8000009999:BBFotherBotToken", NULL, &error);
  g_assert_no_error (error);
  fake_telegram_private_message (other, ANA, "Ana", "hello other shop");
  fake_telegram_private_message (f->fake, ANA, "Ana", "hello");

  fake_telegram_revoke (f->fake);
  g_assert_false (sync_once (f, &error));
  g_assert_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN);
  g_assert_nonnull (strstr (error->message, "@" BOT_NAME));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  accounts = desk_store_list_accounts (f->store, NULL);
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[0])->state, ==, "needs-sign-in");
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[1])->state, ==, "ok");

  /* The other account synced all the same. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE account_id = %"
                                            G_GINT64_FORMAT, other_account);
    g_assert_cmpint (count (f, sql), ==, 1);
  }

  /* The user asks BotFather for a new token and signs in with it: the same account, syncing. */
  fake_telegram_replace_token (f->fake, "7000001234:AAE-shopBotToken_new0000000000000000");
  g_assert_cmpint (desk_telegram_sign_in (f->store, fake_telegram_get_url (f->fake),
                                          "7000001234:AAE-shopBotToken_new0000000000000000",
                                          NULL, &error), ==, f->account);
  g_assert_no_error (error);
  assert_sync_ok (f);
  g_clear_pointer (&accounts, g_ptr_array_unref);
  accounts = desk_store_list_accounts (f->store, NULL);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_assert_cmpstr (((DeskAccountInfo *) accounts->pdata[0])->state, ==, "ok");
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE body = 'hello'"), ==, 1);

  fake_telegram_free (other);
}

/* No token in the database, its WAL or its folder. */
static void
test_no_secret_on_disk (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");
  assert_sync_ok (f);
  queue_reply (f, "111001", "Hello —MJ");
  assert_sync_ok (f);

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (file, &contents, &length, NULL))
        continue;
      g_assert_null (g_strstr_len (contents, length, "AAE-shopBotToken"));
    }
}

/* Crash safety with the real binary: `frontdesk --sync-once` killed with SIGKILL. */

static GSubprocess *
spawn_sync (Fixture *f)
{
  return desk_test_spawn_sync_once (f->path);
}



/* The token is in every URL: with every debug message on, none of them shows it, whether
 * the pass succeeds, posts a reply or fails. */
static void
test_no_secret_in_log (Fixture       *f,
                       gconstpointer  data)
{
  if (!desk_test_have_frontdesk_bin ())
    return;

  fake_telegram_private_message (f->fake, ANA, "Ana", "hi");
  assert_sync_ok (f);
  queue_reply (f, "111001", "Hello —MJ");
  desk_store_close (f->store);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                           G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_autoptr(GSubprocess) child = NULL;
      g_autofree char *output = NULL;
      g_autoptr(GError) error = NULL;

      if (round == 1)
        fake_telegram_set_webhook (f->fake, "https://old-crm.example/telegram");
      if (round == 2)
        fake_telegram_revoke (f->fake);

      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
      child = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FRONTDESK_BIN"),
                                           "--database", f->path, "--sync-once", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (output);
      g_assert_null (strstr (output, "AAE-shopBotToken"));
      g_assert_nonnull (strstr (output, round == 0 ? "posted" : round == 1 ? "webhook" : "no longer accepts"));
    }
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);
}

static void
test_crash_during_sync (Fixture       *f,
                        gconstpointer  data)
{
  if (!desk_test_have_frontdesk_bin ())
    return;

  desk_store_close (f->store);

  for (guint i = 0; i < 260; i++)
    {
      g_autofree char *text = g_strdup_printf ("item %u", i);

      if (i % 3 == 0)
        {
          g_autofree char *mention = g_strdup_printf ("@" BOT_NAME " item %u", i);
          fake_telegram_group_message (f->fake, GROUP, BORIS, "Борис", mention, 0, FALSE);
        }
      else
        fake_telegram_private_message (f->fake, i % 2 ? ANA : SHIRIN, "Ana", text);
    }

  /* Killed at the 2nd getUpdates before it is answered, at the 2nd after Telegram forgot what
   * its offset confirmed, at the 1st; then left to finish. */
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GSubprocess) child = spawn_sync (f);
      static const guint kill_at[] = { 2, 2, 1 };

      if (round < 3)
        fake_telegram_kill_on (f->fake, desk_test_subprocess_pid (child), "getUpdates", kill_at[round],
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
  g_autofree char *last_error = NULL;
  gint64 posted, cut;

  if (!desk_test_have_frontdesk_bin ())
    return;

  fake_telegram_private_message (f->fake, ANA, "Ana", "refund please");
  fake_telegram_private_message (f->fake, BORIS, "Борис", "и мне");
  assert_sync_ok (f);
  posted = queue_reply (f, "111001", "Refund on its way —MJ");
  desk_store_close (f->store);

  /* Killed after Telegram posted it, before Frontdesk learned so; then restarted. */
  {
    g_autoptr(GSubprocess) child = spawn_sync (f);

    fake_telegram_kill_on (f->fake, desk_test_subprocess_pid (child), "sendMessage", 1, TRUE);
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
  g_assert_cmpint (desk_store_outbox_get_state (f->store, posted, &last_error, NULL), ==, DESK_OUTBOX_UNKNOWN);
  g_assert_nonnull (last_error);
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);

  /* Killed before Telegram got it: not posted, and not posted blindly later either. */
  cut = queue_reply (f, "111002", "Вам тоже —MJ");
  desk_store_close (f->store);
  {
    g_autoptr(GSubprocess) child = spawn_sync (f);

    fake_telegram_kill_on (f->fake, desk_test_subprocess_pid (child), "sendMessage", 1, FALSE);
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
  g_assert_cmpint (desk_store_outbox_get_state (f->store, cut, NULL, NULL), ==, DESK_OUTBOX_UNKNOWN);
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, BORIS), ==, 0);
  g_assert_cmpuint (fake_telegram_count_sent (f->fake, ANA), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 0);
}

static void
test_utf16 (void)
{
  g_assert_cmpuint (desk_telegram_count_utf16 (""), ==, 0);
  g_assert_cmpuint (desk_telegram_count_utf16 ("abc"), ==, 3);
  g_assert_cmpuint (desk_telegram_count_utf16 ("Привет"), ==, 6);
  g_assert_cmpuint (desk_telegram_count_utf16 ("😀"), ==, 2);
  g_assert_cmpuint (desk_telegram_count_utf16 ("🇸🇮"), ==, 4);
  g_assert_cmpuint (desk_telegram_count_utf16 ("é"), ==, 1);
}

/* --prism URL: the provider's real calls against Prism serving the Bot API description, which
 * checks every request (tests/prism/telegram/check.sh reads its log). Prism makes its answers up
 * from the schemas (ids may be negative, "ok" false, a user no bot), so an answer we refuse
 * to read is fine here; failing to talk to it at all, or a crash, is not. */
static gboolean
prism_outcome (const char  *call,
               GError     **error)
{
  if (*error == NULL)
    {
      g_print ("%s: ok\n", call);
      return TRUE;
    }

  g_print ("%s: %s\n", call, (*error)->message);
  assert_no_token (*error);
  if ((*error)->domain != DESK_PROVIDER_ERROR ||
      (*error)->code == DESK_PROVIDER_ERROR_NETWORK)
    return FALSE;

  g_clear_error (error);
  return TRUE;
}

static int
run_prism (const char *url)
{
  const char *token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
  g_autofree char *path = desk_test_tmp_path ("prism.db");
  g_autoptr(DeskStore) store = desk_test_store_new_at (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskAccountInfo) account = desk_account_info_new ();
  g_autoptr(DeskProvider) provider = NULL;
  DeskOutgoing reply = { 0 };
  gboolean ok = TRUE;

  desk_telegram_sign_in (store, url, token, NULL, &error);
  ok &= prism_outcome ("getMe", &error);

  /* The account as a sign-in with a sensible answer would have left it. */
  account->network = g_strdup ("telegram");
  account->remote_id = g_strdup ("123456");
  account->handle = g_strdup ("@example_bot");
  account->display_name = g_strdup ("Example");
  account->server_url = g_strdup (url);
  account->id = desk_store_add_account (store, account, &error);
  g_assert_no_error (error);
  desk_credentials_store_sync (account->id, DESK_CREDENTIALS_KIND_BOT_TOKEN, token, "test", NULL, &error);
  g_assert_no_error (error);

  provider = desk_telegram_provider_new (account);
  g_object_set (provider, "poll-timeout", 0, NULL);

  /* A few rounds: Prism's answers differ every time, and must never crash the parser. */
  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(DeskFetchResult) page = NULL;
      g_autofree char *sent = NULL;

      page = desk_provider_fetch (provider, "updates", round > 0 ? "700001" : NULL, NULL, &error);
      ok &= prism_outcome ("getUpdates", &error);

      reply.kind = DESK_CONVERSATION_DM;
      reply.thread_id = (char *) "111001";
      reply.reply_to_id = (char *) "111001:7";
      reply.reply_to_raw = (char *) "{\"message_id\":7,\"date\":1,\"chat\":{\"id\":111001,\"type\":\"private\"}}";
      reply.text = (char *) "Привет! Your order ships today 🚚 —MJ";
      sent = desk_provider_send_reply (provider, &reply, NULL, &error);
      ok &= prism_outcome ("sendMessage", &error);
      g_clear_pointer (&sent, g_free);

      reply.thread_id = (char *) "-1001234567890/111002";
      reply.reply_to_id = (char *) "-1001234567890:42";
      reply.reply_to_raw = NULL;
      sent = desk_provider_send_reply (provider, &reply, NULL, &error);
      ok &= prism_outcome ("sendMessage (group)", &error);
      g_clear_pointer (&sent, g_free);

      reply.thread_id = (char *) "b:conn-1:111001";
      reply.reply_to_id = (char *) "b:conn-1:111001:7";
      reply.reply_to_raw = (char *) "{\"message_id\":7,\"date\":1,\"business_connection_id\":\"conn-1\","
                                    "\"chat\":{\"id\":111001,\"type\":\"private\"}}";
      sent = desk_provider_send_reply (provider, &reply, NULL, &error);
      ok &= prism_outcome ("sendMessage (business)", &error);
    }

  desk_telegram_delete_webhook (account, NULL, &error);
  ok &= prism_outcome ("deleteWebhook", &error);

  desk_store_close (store);
  return ok ? 0 : 1;
}

/* A Telegram Business away message (is_from_offline) is stored, but the customer still waits. */
static void
test_away_message (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *thread = g_strdup_printf ("b:conn-42:%" G_GINT64_FORMAT, SHIRIN);
  g_autofree char *sql = NULL;
  gint64 conversation;

  fake_telegram_business_message (f->fake, "conn-42", SHIRIN, "شیرین", "Is the blue one in stock?");
  fake_telegram_business_away_message (f->fake, "conn-42", SHIRIN, 555000, "We are closed until 9:00.");
  assert_sync_ok (f);

  conversation = conversation_of (f, thread);
  g_assert_cmpint (conversation, >, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE direction = 'out' AND automatic = 1"
                             " AND body = 'We are closed until 9:00.'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM messages WHERE automatic = 0"), ==, 1);
  sql = g_strdup_printf ("SELECT count(*) FROM conversations WHERE id = %" G_GINT64_FORMAT
                         " AND status = 'open' AND waiting_since IS NOT NULL"
                         " AND last_answered_at IS NULL", conversation);
  g_assert_cmpint (count (f, sql), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  /* getUpdates waits 1 s at most, not 50, here and in the `frontdesk --sync-once` it starts. */
  g_setenv ("FRONTDESK_TELEGRAM_POLL_TIMEOUT", "1", TRUE);

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
  g_test_add ("/telegram/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/telegram/utf16", test_utf16);
  ADD ("sign-in", test_sign_in);
  ADD ("sync", test_sync);
  ADD ("pages-and-offset", test_pages_and_offset);
  ADD ("long-poll", test_long_poll);
  ADD ("background", test_background);
  ADD ("reply", test_reply);
  ADD ("reply-business", test_reply_business);
  ADD ("away-message", test_away_message);
  ADD ("reply-too-long", test_reply_too_long);
  ADD ("reply-blocked", test_reply_blocked);
  ADD ("reply-unknown-outcome", test_reply_unknown_outcome);
  ADD ("rate-limited", test_rate_limited);
  ADD ("webhook", test_webhook);
  ADD ("sync-error-transient", test_sync_error_transient);
  ADD ("revoked", test_revoked);
  ADD ("no-secret-on-disk", test_no_secret_on_disk);
  ADD ("no-secret-in-log", test_no_secret_in_log);
  ADD ("crash-during-sync", test_crash_during_sync);
  ADD ("crash-during-send", test_crash_during_send);

  return g_test_run ();
}
