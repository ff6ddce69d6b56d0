/* desk-telegram-provider.c: a Telegram bot through the Bot API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sign-in: the bot token from BotFather, checked with getMe. The token is the whole credential
 * and is part of every request's URL (/bot<token>/<method>), so it lives in the keyring only,
 * URLs are wiped after use and never logged, and no error text is built from a URL.
 *
 * Updates: one stream, "updates", read with getUpdates long polling (50 s in the app;
 * FRONTDESK_TELEGRAM_POLL_TIMEOUT or the "poll-timeout" property change it). A provider's first
 * getUpdates does not wait, so `frontdesk --sync-once` (a new provider per pass) returns at
 * once. In the app the engine starts the provider's push (start_push) after the first pass: a
 * thread of its own waits on getUpdates from the stored cursor (so it confirms nothing the
 * store lacks) for one update and wakes the worker, whose own requests then never wait: a
 * reply in the outbox goes out at once. Telegram answers one getUpdates at a time, so the
 * worker's cancels the push thread's and the push thread waits for it. The cursor is the
 * next offset, returned with the page and stored by the engine in the same transaction as the
 * page's messages: Telegram forgets an update only once we ask with a higher offset, so a pass
 * killed at any instant gets the same updates again, and the store drops the duplicates by
 * remote id. Edits are not requested: an edited message keeps the text first received.
 *
 * Conversations:
 *  - a private chat with the bot is a DM conversation; thread id "<chat id>", message ids
 *    "<chat id>:<message id>";
 *  - business_message updates (chats of a Telegram Business account that connected the bot)
 *    are DM conversations too; thread id "b:<business connection id>:<chat id>", message ids
 *    "b:<connection>:<chat id>:<message id>"; replies go out with business_connection_id,
 *    which raw_json keeps;
 *  - in groups, a message counts when it mentions the bot (@username, a text_mention, a
 *    /command@username) or replies to one of the bot's messages. Telegram shows bots one level
 *    of reply context and no history, so a reply chain's root cannot be found reliably; a
 *    group's public conversation is therefore one per customer in that chat: thread id
 *    "<chat id>/<user id>". Answers reply (reply_parameters) to the customer's newest message.
 *
 * Replies: sendMessage, at most one per second per chat, 4096 UTF-16 code units. The Bot API
 * has no idempotency key and a bot cannot read a chat's history (nor does it receive its own
 * messages in getUpdates), so a reply whose outcome is unknown cannot be looked for:
 * find_sent says so (UNKNOWN_OUTCOME) and the reply stays "unknown" for the user to check in
 * Telegram, instead of being sent a second time.
 *
 * No likes: setMessageReaction would do, but a reaction is not what "like" means to a
 * customer in a private chat, and it needs the bot to be allowed reactions in groups.
 */
#define G_LOG_DOMAIN "desk-telegram"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-credentials.h"
#include "desk-http.h"
#include "desk-telegram-provider.h"
#include "desk-text.h"

#define PAGE_LIMIT          100
#define MAX_POLL_TIMEOUT    55      /* the HTTP session gives up after 60 s */
#define SEND_INTERVAL       G_USEC_PER_SEC

/* The push thread: waits on getUpdates (one update, never confirming more than the store holds)
 * and wakes the worker when something came, so the worker's own requests never wait. */
typedef struct
{
  GMutex                mutex;
  GCond                 cond;
  GThread              *thread;
  GCancellable         *cancellable;     /* the poll under way, or NULL */
  gboolean              stopping;
  gboolean              fetching;        /* the worker's getUpdates is under way */
  gint64                offset;          /* the stored cursor, as the worker last fetched from */
  gint64                pushed_offset;   /* news at this offset was pushed: wait for a new one */
  char                 *api_url;
  char                 *token;           /* a copy: desk_credentials_free_secret() */
  guint                 timeout;
  DeskProviderPushFunc  func;
  gpointer              data;
} Push;

struct _DeskTelegramProvider
{
  GObject      parent_instance;

  gint64       account_id;
  char        *api_url;
  gint64       bot_id;
  char        *username;       /* without the @ */
  char        *token;          /* a secret: desk_credentials_free_secret() */
  guint        poll_timeout;
  gboolean     polled;         /* a getUpdates has answered: the next one may wait */
  gint64       not_before;     /* UNIX µs: Telegram asked us to wait until then */
  GHashTable  *last_send;      /* chat id (string) → monotonic µs of our last message there */
  SoupSession *session;
  Push        *push;           /* the long poll that wakes the worker, once started */
};

enum {
  PROP_0,
  PROP_POLL_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void provider_iface_init (DeskProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeskTelegramProvider, desk_telegram_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DESK_TYPE_PROVIDER, provider_iface_init))

static const char * const streams[] = { "updates", NULL };

/* Text */

/**
 * desk_telegram_count_utf16:
 *
 * Returns: the length of @text as Telegram counts it: UTF-16 code units
 */
guint
desk_telegram_count_utf16 (const char *text)
{
  guint units = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;

  return units;
}

/* The part of @text that Telegram's entity offsets (UTF-16 code units) point at. */
static char *
utf16_slice (const char *text,
             gint64      offset,
             gint64      length)
{
  const char *start = NULL;
  const char *p = text;
  gint64 units = 0;

  if (text == NULL || offset < 0 || length <= 0 || !g_utf8_validate (text, -1, NULL))
    return NULL;

  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (units == offset)
        start = p;
      if (start != NULL && units >= offset + length)
        break;
      units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
    }

  if (start == NULL || units < offset + length)
    return NULL;

  return g_strndup (start, p - start);
}

static gboolean
token_is_valid (const char *token)
{
  const char *p = token;

  if (token == NULL || !g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p++ != ':' || *p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;

  return p - token < 200;
}

static gboolean
api_url_is_valid (const char *api_url)
{
  g_autoptr(GUri) uri = g_uri_parse (api_url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && g_uri_get_query (uri) == NULL &&
         (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ||
          g_strcmp0 (g_uri_get_scheme (uri), "http") == 0);
}

/* JSON */

static gboolean
json_int (JsonObject *object,
          const char *member,
          gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
json_bool (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;

  return json_parser_steal_root (parser);
}

/* Requests */

/**
 * call:
 * @bot: (nullable): "@username" for error texts; %NULL while signing in
 * @is_send: the call posts something: a broken connection leaves its outcome unknown
 * @retry_after: (out) (optional): UNIX µs Telegram wants no request before (429)
 * @error_code: (out) (optional): Telegram's error_code when it refused the call
 *
 * One Bot API call. Everything is a POST with a JSON body, as the Bot API accepts.
 *
 * Returns: (transfer full): the "result" of an "ok" answer, or %NULL with @error set
 */
static JsonNode *
call (SoupSession   *session,
      const char    *api_url,
      const char    *token,
      const char    *method,
      JsonNode      *body,
      const char    *bot,
      gboolean       is_send,
      gint64        *retry_after,
      gint64        *error_code,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(DeskHttpResponse) response = NULL;
  g_auto(DeskSecret) path = g_strdup_printf ("/bot%s/%s", token, method);
  g_auto(DeskSecret) url = desk_http_url (api_url, path, NULL);
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *ok;
  const char *description;
  gint64 code = 0;

  response = desk_http_request (session, "POST", url, NULL, body, cancellable, &local_error);
  if (response == NULL)
    {
      /* Transport errors name the host only; should one ever quote the URL, drop its words. */
      if (strstr (local_error->message, token) != NULL)
        {
          g_free (local_error->message);
          local_error->message = g_strdup (_("Frontdesk cannot reach the Telegram server."));
        }
      /* Reading is harmless to repeat: only a send can have an unknown outcome. */
      if (!is_send && g_error_matches (local_error, DESK_PROVIDER_ERROR,
                                       DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME))
        local_error->code = DESK_PROVIDER_ERROR_NETWORK;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  object = response->json != NULL && JSON_NODE_HOLDS_OBJECT (response->json)
             ? json_node_get_object (response->json) : NULL;
  ok = object != NULL ? json_object_get_member (object, "ok") : NULL;

  if (ok == NULL && response->status == 429)
    {
      /* A proxy in front of the Bot API may say it without Telegram's JSON. */
      gint64 seconds = MAX (1, (response->retry_after - g_get_real_time ()) / G_USEC_PER_SEC);

      if (retry_after != NULL)
        *retry_after = response->retry_after;
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Telegram asks Frontdesk to wait %d second.",
                                "Telegram asks Frontdesk to wait %d seconds.",
                                (gulong) seconds),
                   (int) seconds);
      return NULL;
    }

  if (ok == NULL || !JSON_NODE_HOLDS_VALUE (ok) || json_node_get_value_type (ok) != G_TYPE_BOOLEAN)
    {
      if (response->status >= 500)
        g_set_error (error, DESK_PROVIDER_ERROR,
                     is_send ? DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME : DESK_PROVIDER_ERROR_NETWORK,
                     _("The Telegram server failed (%u %s)."),
                     response->status, soup_status_get_phrase (response->status));
      else
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                     _("Telegram sent an answer Frontdesk cannot read (%u %s)."),
                     response->status, soup_status_get_phrase (response->status));
      return NULL;
    }

  if (json_node_get_boolean (ok))
    {
      JsonNode *result = json_object_get_member (object, "result");

      if (result == NULL || response->status != 200)
        {
          g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                       _("Telegram sent an answer Frontdesk cannot read (%u %s)."),
                       response->status, soup_status_get_phrase (response->status));
          return NULL;
        }
      return json_node_ref (result);
    }

  if (!json_int (object, "error_code", &code))
    code = response->status;
  if (error_code != NULL)
    *error_code = code;
  description = desk_json_string (object, "description");
  if (description == NULL)
    description = soup_status_get_phrase (response->status);

  switch (code)
    {
    case 401:
    case 404:
      /* 401: the token was revoked in BotFather; 404: no bot has this token. */
      if (bot != NULL)
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                     _("Telegram no longer accepts the token of the bot %s: it was revoked or "
                       "replaced in BotFather. Sign in again with the bot’s new token (%.300s)."),
                     bot, description);
      else
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                     _("Telegram did not accept this bot token. Copy it again from BotFather "
                       "(%.300s)."), description);
      return NULL;

    case 409:
      if (strstr (description, "webhook") != NULL)
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_WEBHOOK_SET,
                     _("The bot %s has a webhook set, so Telegram sends its messages to another "
                       "service instead of Frontdesk. To read them here, remove the webhook "
                       "(Telegram’s deleteWebhook; Frontdesk can call it for you); the other "
                       "service then stops getting them."), bot ? bot : "");
      else
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                     _("Another program is reading the messages of the bot %s with the same "
                       "token. Stop it, or give Frontdesk a bot of its own (%.300s)."),
                     bot ? bot : "", description);
      return NULL;

    case 429:
      {
        JsonObject *parameters = desk_json_object (object, "parameters");
        gint64 seconds = 0;
        gint64 until;

        if (json_int (parameters, "retry_after", &seconds) && seconds > 0 && seconds < 24 * 3600)
          until = g_get_real_time () + seconds * G_USEC_PER_SEC;
        else
          until = response->retry_after > 0 ? response->retry_after
                                            : g_get_real_time () + 60 * G_USEC_PER_SEC;
        seconds = MAX (1, (until - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

        if (retry_after != NULL)
          *retry_after = until;
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "Telegram asks Frontdesk to wait %d second.",
                                  "Telegram asks Frontdesk to wait %d seconds.",
                                  (gulong) seconds),
                     (int) seconds);
        return NULL;
      }

    case 403:
      /* "bot was blocked by the user", "bot was kicked from the group chat", … */
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("Telegram does not let the bot %s write there: the customer may have "
                     "blocked it, or it is no longer in the group (%.300s)."),
                   bot ? bot : "", description);
      return NULL;

    default:
      if (code >= 500 || response->status >= 500)
        g_set_error (error, DESK_PROVIDER_ERROR,
                     is_send ? DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME : DESK_PROVIDER_ERROR_NETWORK,
                     _("The Telegram server failed: %d %.300s"), (int) code, description);
      else
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                     _("Telegram refused the request: %d %.300s"), (int) code, description);
      return NULL;
    }
}

static SoupSession *
get_session (DeskTelegramProvider *self)
{
  /* Made in the thread that uses it: the sync engine's worker for this account. */
  if (self->session == NULL)
    self->session = desk_http_session_new ();

  return self->session;
}

static char *
bot_name (DeskTelegramProvider *self)
{
  return g_strconcat ("@", self->username ? self->username : "", NULL);
}

static gboolean
load_token (DeskTelegramProvider  *self,
            GCancellable          *cancellable,
            GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *bot = NULL;

  if (self->token != NULL)
    return TRUE;

  self->token = desk_credentials_lookup_sync (self->account_id, DESK_CREDENTIALS_KIND_BOT_TOKEN,
                                              cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  bot = bot_name (self);
  if (self->token == NULL || !token_is_valid (self->token))
    {
      g_clear_pointer (&self->token, desk_credentials_free_secret);
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                   _("Sign in to the Telegram bot %s again: its token is not in the keyring."), bot);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
bot_call (DeskTelegramProvider  *self,
          const char            *method,
          JsonNode              *body,
          gboolean               is_send,
          gint64                *retry_after,
          gint64                *error_code,
          GCancellable          *cancellable,
          GError               **error)
{
  g_autofree char *bot = bot_name (self);

  if (!load_token (self, cancellable, error))
    return NULL;

  return call (get_session (self), self->api_url, self->token, method, body, bot, is_send,
               retry_after, error_code, cancellable, error);
}

/* Updates → messages */

static gboolean
is_bot_mention (DeskTelegramProvider *self,
                const char           *mention)
{
  return mention != NULL && mention[0] == '@' && self->username != NULL &&
         g_ascii_strcasecmp (mention + 1, self->username) == 0;
}

/* Is a message in a group meant for the bot? */
static gboolean
addressed_to_bot (DeskTelegramProvider *self,
                  JsonObject           *message)
{
  JsonObject *replied = desk_json_object (message, "reply_to_message");
  const char *text = desk_json_string (message, "text");
  JsonArray *entities = desk_json_array (message, "entities");
  gint64 id;

  if (json_int (desk_json_object (replied, "from"), "id", &id) && id == self->bot_id)
    return TRUE;

  if (text == NULL)
    {
      text = desk_json_string (message, "caption");
      entities = desk_json_array (message, "caption_entities");
    }

  for (guint i = 0; entities != NULL && i < json_array_get_length (entities); i++)
    {
      JsonNode *node = json_array_get_element (entities, i);
      JsonObject *entity = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = desk_json_string (entity, "type");
      gint64 offset, length;

      if (g_strcmp0 (type, "text_mention") == 0)
        {
          if (json_int (desk_json_object (entity, "user"), "id", &id) && id == self->bot_id)
            return TRUE;
        }
      else if ((g_strcmp0 (type, "mention") == 0 || g_strcmp0 (type, "bot_command") == 0) &&
               json_int (entity, "offset", &offset) && json_int (entity, "length", &length))
        {
          g_autofree char *span = utf16_slice (text, offset, length);
          const char *at = span != NULL ? strchr (span, '@') : NULL;

          if (g_strcmp0 (type, "mention") == 0 ? is_bot_mention (self, span)
                                               : is_bot_mention (self, at))
            return TRUE;
        }
    }

  return FALSE;
}

static char *
describe_content (JsonObject *message)
{
  const char *text = desk_json_string (message, "text");

  if (text == NULL)
    text = desk_json_string (message, "caption");
  if (text != NULL)
    return g_strdup (text);

  /* Frontdesk shows text only; say what else there was. */
  if (desk_json_array (message, "photo") != NULL)
    return g_strdup (_("(a photo)"));
  if (desk_json_object (message, "sticker") != NULL)
    {
      const char *emoji = desk_json_string (desk_json_object (message, "sticker"), "emoji");

      return g_strdup_printf (_("(a sticker %s)"), emoji != NULL ? emoji : "");
    }
  if (desk_json_object (message, "voice") != NULL)
    return g_strdup (_("(a voice message)"));
  if (desk_json_object (message, "video") != NULL || desk_json_object (message, "video_note") != NULL)
    return g_strdup (_("(a video)"));
  if (desk_json_object (message, "document") != NULL)
    return g_strdup (_("(a file)"));
  if (desk_json_object (message, "location") != NULL)
    return g_strdup (_("(a location)"));
  if (desk_json_object (message, "contact") != NULL)
    return g_strdup (_("(a contact)"));

  return NULL;
}

static DeskMessage *
message_from_update (DeskTelegramProvider *self,
                     JsonObject           *object,
                     JsonNode             *raw,
                     gboolean              business)
{
  JsonObject *chat = desk_json_object (object, "chat");
  JsonObject *from = desk_json_object (object, "from");
  JsonObject *replied = desk_json_object (object, "reply_to_message");
  const char *chat_type = desk_json_string (chat, "type");
  const char *connection = desk_json_string (object, "business_connection_id");
  const char *first = desk_json_string (from, "first_name");
  const char *last = desk_json_string (from, "last_name");
  const char *username = desk_json_string (from, "username");
  g_autofree char *prefix = NULL;
  g_autofree char *text = NULL;
  DeskMessage *message;
  gint64 message_id, chat_id, from_id = 0, date = 0, replied_id;
  gint64 now = g_get_real_time ();

  if (!json_int (object, "message_id", &message_id) || !json_int (chat, "id", &chat_id) ||
      chat_type == NULL)
    return NULL;
  json_int (from, "id", &from_id);
  json_int (object, "date", &date);

  if (business)
    {
      if (connection == NULL || connection[0] == '\0' || strchr (connection, ':') != NULL)
        return NULL;
      prefix = g_strdup_printf ("b:%s:%" G_GINT64_FORMAT, connection, chat_id);
    }
  else
    {
      if (g_strcmp0 (chat_type, "private") != 0 &&
          !((g_strcmp0 (chat_type, "group") == 0 || g_strcmp0 (chat_type, "supergroup") == 0) &&
            from_id != 0 && addressed_to_bot (self, object)))
        return NULL;
      prefix = g_strdup_printf ("%" G_GINT64_FORMAT, chat_id);
    }

  text = describe_content (object);
  if (text == NULL)
    return NULL;

  message = desk_message_new ();
  message->remote_id = g_strdup_printf ("%s:%" G_GINT64_FORMAT, prefix, message_id);
  if (business || g_strcmp0 (chat_type, "private") == 0)
    {
      message->kind = DESK_CONVERSATION_DM;
      message->thread_id = g_strdup (prefix);
    }
  else
    {
      message->kind = DESK_CONVERSATION_PUBLIC;
      message->thread_id = g_strdup_printf ("%s/%" G_GINT64_FORMAT, prefix, from_id);
    }

  /* In a business chat, whatever the customer (the chat) did not write, the business did. */
  if (business)
    message->direction = from_id == chat_id ? DESK_DIRECTION_IN : DESK_DIRECTION_OUT;
  else
    message->direction = from_id == self->bot_id ? DESK_DIRECTION_OUT : DESK_DIRECTION_IN;

  if (from_id != 0)
    message->author_id = g_strdup_printf ("%" G_GINT64_FORMAT, from_id);
  if (username != NULL)
    message->author_handle = g_strconcat ("@", username, NULL);
  if (first != NULL)
    message->author_name = last != NULL ? g_strconcat (first, " ", last, NULL) : g_strdup (first);

  message->text = g_steal_pointer (&text);
  message->created_at = date > 0 ? date * G_USEC_PER_SEC : now;
  if (message->created_at > now + 5 * 60 * G_USEC_PER_SEC)
    message->created_at = now;
  if (json_int (replied, "message_id", &replied_id))
    message->reply_to_id = g_strdup_printf ("%s:%" G_GINT64_FORMAT, prefix, replied_id);
  message->raw_json = desk_json_to_string (raw);
  if (message->direction == DESK_DIRECTION_OUT)
    message->agent_initials = desk_text_find_initials (message->text);

  /* "True, if the message was sent by an implicit action, for example, as an away or a
   * greeting business message, or as a scheduled message": shown, but nobody's answer. */
  message->automatic = message->direction == DESK_DIRECTION_OUT &&
                       json_bool (object, "is_from_offline");

  return message;
}

static JsonNode *
updates_body (gint64 offset,
              guint  limit,
              guint  timeout)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (offset > 0)
    {
      json_builder_set_member_name (builder, "offset");
      json_builder_add_int_value (builder, offset);
    }
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, limit);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, timeout);
  json_builder_set_member_name (builder, "allowed_updates");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "message");
  json_builder_add_string_value (builder, "business_message");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Push */

static gpointer
push_thread (gpointer data)
{
  Push *push = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  guint failures = 0;

  g_main_context_push_thread_default (context);
  session = desk_http_session_new ();

  g_mutex_lock (&push->mutex);
  while (!push->stopping)
    {
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(JsonNode) updates = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GCancellable) cancellable = NULL;
      gboolean news;
      gint64 offset;

      /* Telegram answers one getUpdates at a time: never next to the worker's. And news
       * once pushed is not pushed again before the worker fetched it. */
      if (push->fetching || push->pushed_offset == push->offset)
        {
          g_cond_wait (&push->cond, &push->mutex);
          continue;
        }

      offset = push->offset;
      cancellable = g_cancellable_new ();
      push->cancellable = g_object_ref (cancellable);
      g_mutex_unlock (&push->mutex);

      /* Asking from the stored cursor confirms only what the store already holds. */
      body = updates_body (offset, 1, push->timeout);
      updates = call (session, push->api_url, push->token, "getUpdates", body, NULL, FALSE, NULL,
                      NULL, cancellable, &error);
      news = updates != NULL && JSON_NODE_HOLDS_ARRAY (updates) &&
             json_array_get_length (json_node_get_array (updates)) > 0;

      g_mutex_lock (&push->mutex);
      g_clear_object (&push->cancellable);
      g_cond_broadcast (&push->cond);

      if (news && !push->stopping)
        {
          failures = 0;
          push->pushed_offset = offset;
          g_mutex_unlock (&push->mutex);
          push->func (push->data);
          g_mutex_lock (&push->mutex);
        }
      else if (updates != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          failures = 0;
        }
      else
        {
          /* Signed out, a webhook, the network: the worker's polling says why; wait. */
          gint64 delay = MIN ((gint64) 5 << MIN (failures, 6u), 300) * G_USEC_PER_SEC;

          g_debug ("push: %s", error->message);
          failures++;
          g_cond_wait_until (&push->cond, &push->mutex, g_get_monotonic_time () + delay);
        }
    }
  g_mutex_unlock (&push->mutex);

  g_main_context_pop_thread_default (context);

  return NULL;
}

static void
push_stop (Push *push)
{
  g_mutex_lock (&push->mutex);
  push->stopping = TRUE;
  if (push->cancellable != NULL)
    g_cancellable_cancel (push->cancellable);
  g_cond_broadcast (&push->cond);
  g_mutex_unlock (&push->mutex);

  g_thread_join (push->thread);
  g_mutex_clear (&push->mutex);
  g_cond_clear (&push->cond);
  g_free (push->api_url);
  desk_credentials_free_secret (push->token);
  g_free (push);
}

/* The worker is about to call getUpdates from @offset, the stored cursor. */
static void
push_begin_fetch (Push   *push,
                  gint64  offset)
{
  if (push == NULL)
    return;

  g_mutex_lock (&push->mutex);
  push->fetching = TRUE;
  push->offset = offset;
  if (push->cancellable != NULL)
    g_cancellable_cancel (push->cancellable);
  while (push->cancellable != NULL)
    g_cond_wait (&push->cond, &push->mutex);
  g_mutex_unlock (&push->mutex);
}

static void
push_end_fetch (Push *push)
{
  if (push == NULL)
    return;

  g_mutex_lock (&push->mutex);
  push->fetching = FALSE;
  g_cond_broadcast (&push->cond);
  g_mutex_unlock (&push->mutex);
}

static void
desk_telegram_provider_start_push (DeskProvider         *provider,
                                   DeskProviderPushFunc  func,
                                   gpointer              user_data)
{
  DeskTelegramProvider *self = DESK_TELEGRAM_PROVIDER (provider);
  Push *push;

  /* Started by the worker after a pass that worked: the token is loaded. */
  if (self->push != NULL || self->token == NULL || self->poll_timeout == 0)
    return;

  push = g_new0 (Push, 1);
  g_mutex_init (&push->mutex);
  g_cond_init (&push->cond);
  push->offset = -1;            /* unknown until the worker's next fetch */
  push->pushed_offset = -1;
  push->fetching = TRUE;        /* nothing before the worker's next fetch says where to start */
  push->api_url = g_strdup (self->api_url);
  push->token = g_strdup (self->token);
  push->timeout = self->poll_timeout;
  push->func = func;
  push->data = user_data;
  push->thread = g_thread_new ("telegram-push", push_thread, push);

  self->push = push;
}

static DeskFetchResult *
desk_telegram_provider_fetch (DeskProvider  *provider,
                              const char    *stream,
                              const char    *cursor,
                              GCancellable  *cancellable,
                              GError       **error)
{
  DeskTelegramProvider *self = DESK_TELEGRAM_PROVIDER (provider);
  g_autoptr(DeskFetchResult) result = desk_fetch_result_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) updates = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *array;
  gint64 offset = 0, next = 0, retry_after = 0;
  char *end = NULL;
  guint length, timeout;

  if (g_strcmp0 (stream, "updates") != 0)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   "no stream “%s”", stream);
      return NULL;
    }

  /* A cursor we cannot read starts from what Telegram still holds: dedupe keeps it exact. */
  if (cursor != NULL)
    {
      offset = g_ascii_strtoll (cursor, &end, 10);
      if (end == cursor || *end != '\0' || offset < 0)
        offset = 0;
    }

  /* The first request returns at once: `frontdesk --sync-once` and the app's first pass
   * (which sends the outbox first) are not held up; later passes wait on Telegram, unless
   * the push thread does the waiting. */
  if (self->push != NULL)
    timeout = 0;
  else
    timeout = self->polled ? self->poll_timeout : 0;
  body = updates_body (offset, PAGE_LIMIT, timeout);

  push_begin_fetch (self->push, offset);
  for (guint attempt = 0; ; attempt++)
    {
      gint64 code = 0;

      g_clear_error (&local_error);
      updates = bot_call (self, "getUpdates", body, FALSE, &retry_after, &code, cancellable,
                          &local_error);
      /* The push thread's cancelled poll may still reach Telegram after ours and end ours
       * with 409 ("terminated by other getUpdates request"): ask again, once. */
      if (updates != NULL || code != 409 || self->push == NULL || attempt > 0)
        break;
    }
  push_end_fetch (self->push);

  if (updates == NULL)
    {
      /* Waiting is no failure: an empty page that says until when. */
      if (g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED))
        {
          g_debug ("%s", local_error->message);
          result->retry_after = retry_after;
          return g_steal_pointer (&result);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_ARRAY (updates))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("Telegram sent updates Frontdesk cannot read."));
      return NULL;
    }

  array = json_node_get_array (updates);
  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *update = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *payload = NULL;
      gboolean business = FALSE;
      gint64 update_id;
      DeskMessage *message;

      if (!json_int (update, "update_id", &update_id) || update_id < 0)
        {
          g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                               _("Telegram sent updates Frontdesk cannot read."));
          return NULL;
        }
      next = MAX (next, update_id + 1);

      if (json_object_has_member (update, "message"))
        payload = json_object_get_member (update, "message");
      else if (json_object_has_member (update, "business_message"))
        {
          payload = json_object_get_member (update, "business_message");
          business = TRUE;
        }

      /* Anything else (or a message that is not for us) is passed over, and confirmed. */
      if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
        continue;

      message = message_from_update (self, json_node_get_object (payload), payload, business);
      if (message != NULL)
        g_ptr_array_add (result->messages, message);
    }

  self->polled = TRUE;
  if (next > offset)
    result->cursor = g_strdup_printf ("%" G_GINT64_FORMAT, next);
  /* While pushing, one more (immediate) request after news: it tells the push thread the
   * new offset once the engine has stored it, never before. */
  result->more = length >= PAGE_LIMIT || (self->push != NULL && length > 0);

  return g_steal_pointer (&result);
}

/* Replies */

typedef struct
{
  gint64  chat_id;
  gint64  message_id;        /* 0: none */
  char   *connection;        /* business_connection_id, or NULL */
} Target;

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->connection, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

/* Where a reply goes: from the answered message's JSON, else from the thread id. */
static gboolean
reply_target (const DeskOutgoing  *reply,
              Target              *target,
              GError             **error)
{
  g_autoptr(JsonNode) raw = parse_json (reply->reply_to_raw);
  JsonObject *object = raw != NULL && JSON_NODE_HOLDS_OBJECT (raw) ? json_node_get_object (raw) : NULL;
  const char *thread = reply->thread_id;
  char *end = NULL;

  if (object != NULL && json_int (desk_json_object (object, "chat"), "id", &target->chat_id) &&
      json_int (object, "message_id", &target->message_id))
    {
      target->connection = g_strdup (desk_json_string (object, "business_connection_id"));
      return TRUE;
    }

  /* "<chat>", "<chat>/<user>" or "b:<connection>:<chat>" */
  if (thread != NULL && g_str_has_prefix (thread, "b:"))
    {
      const char *colon = strrchr (thread, ':');

      if (colon > thread + 2)
        {
          target->connection = g_strndup (thread + 2, colon - (thread + 2));
          thread = colon + 1;
        }
    }
  if (thread != NULL)
    target->chat_id = g_ascii_strtoll (thread, &end, 10);

  if (thread == NULL || end == thread || target->chat_id == 0 || (*end != '\0' && *end != '/'))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("Frontdesk does not know which Telegram chat to answer."));
      return FALSE;
    }

  if (reply->reply_to_id != NULL && strrchr (reply->reply_to_id, ':') != NULL)
    target->message_id = g_ascii_strtoll (strrchr (reply->reply_to_id, ':') + 1, NULL, 10);

  return TRUE;
}

static gboolean
text_is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

/* About one message a second in a chat, as Telegram asks of bots. */
static void
wait_for_chat (DeskTelegramProvider *self,
               const char           *key,
               GCancellable         *cancellable)
{
  gpointer value;

  if (g_hash_table_lookup_extended (self->last_send, key, NULL, &value))
    {
      gint64 wait = *(gint64 *) value + SEND_INTERVAL - g_get_monotonic_time ();

      if (wait > 0 && !g_cancellable_is_cancelled (cancellable))
        g_usleep (MIN (wait, SEND_INTERVAL));
    }
}

static void
sent_to_chat (DeskTelegramProvider *self,
              const char           *key)
{
  gint64 *now = g_new (gint64, 1);

  *now = g_get_monotonic_time ();
  g_hash_table_replace (self->last_send, g_strdup (key), now);
}

static char *
desk_telegram_provider_send_reply (DeskProvider        *provider,
                                   const DeskOutgoing  *reply,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  DeskTelegramProvider *self = DESK_TELEGRAM_PROVIDER (provider);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(Target) target = { 0 };
  g_autofree char *chat_key = NULL;
  JsonObject *object;
  gint64 message_id, retry_after = 0;
  guint units = desk_telegram_count_utf16 (reply->text);

  if (units > DESK_TELEGRAM_MAX_LENGTH)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_TOO_LONG,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The reply has %u character; Telegram allows %u.",
                                "The reply has %u characters; Telegram allows %u.",
                                units),
                   units, DESK_TELEGRAM_MAX_LENGTH);
      return NULL;
    }
  if (text_is_blank (reply->text))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("Telegram does not send empty messages."));
      return NULL;
    }

  if (self->not_before > g_get_real_time ())
    {
      gint64 seconds = (self->not_before - g_get_real_time ()) / G_USEC_PER_SEC + 1;

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Telegram asks Frontdesk to wait %d second.",
                                "Telegram asks Frontdesk to wait %d seconds.",
                                (gulong) seconds),
                   (int) seconds);
      return NULL;
    }

  if (!reply_target (reply, &target, error))
    return NULL;

  json_builder_begin_object (builder);
  if (target.connection != NULL)
    {
      json_builder_set_member_name (builder, "business_connection_id");
      json_builder_add_string_value (builder, target.connection);
    }
  json_builder_set_member_name (builder, "chat_id");
  json_builder_add_int_value (builder, target.chat_id);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, reply->text);
  if (target.message_id > 0)
    {
      json_builder_set_member_name (builder, "reply_parameters");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "message_id");
      json_builder_add_int_value (builder, target.message_id);
      /* The customer may have deleted the message: answer all the same. */
      json_builder_set_member_name (builder, "allow_sending_without_reply");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  chat_key = target.connection != NULL
               ? g_strdup_printf ("b:%s:%" G_GINT64_FORMAT, target.connection, target.chat_id)
               : g_strdup_printf ("%" G_GINT64_FORMAT, target.chat_id);
  wait_for_chat (self, chat_key, cancellable);

  sent = bot_call (self, "sendMessage", body, TRUE, &retry_after, NULL, cancellable, &local_error);
  sent_to_chat (self, chat_key);
  if (sent == NULL)
    {
      if (g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED))
        self->not_before = retry_after;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Posted, but an answer without the message's id leaves us unsure what was posted. */
  object = JSON_NODE_HOLDS_OBJECT (sent) ? json_node_get_object (sent) : NULL;
  if (!json_int (object, "message_id", &message_id))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("Telegram accepted the reply but did not say which message it became."));
      return NULL;
    }

  return g_strdup_printf ("%s:%" G_GINT64_FORMAT, chat_key, message_id);
}

static char *
desk_telegram_provider_find_sent (DeskProvider        *provider,
                                  const DeskOutgoing  *reply,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  /* A bot can neither read a chat's history nor see its own messages in getUpdates: there
   * is nowhere to look, and sending again could post the reply twice. */
  g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME,
                       _("Frontdesk cannot tell whether this reply reached the Telegram chat: "
                         "bots cannot read a chat’s history. Look in the chat in Telegram, then "
                         "send the reply again or discard it."));
  return NULL;
}

/* Identity and capabilities */

static const char *
desk_telegram_provider_get_network (DeskProvider *provider)
{
  return "telegram";
}

static void
desk_telegram_provider_get_capabilities (DeskProvider             *provider,
                                         DeskProviderCapabilities *capabilities)
{
  capabilities->max_length = DESK_TELEGRAM_MAX_LENGTH;
  /* Telegram counts UTF-16 code units; the closest unit the interface knows. */
  capabilities->length_unit = DESK_LENGTH_CHARACTERS;
  capabilities->has_direct_messages = TRUE;
  capabilities->has_public_replies = TRUE;
  capabilities->can_like = FALSE;
  /* getUpdates waits on the server for news (long polling): come back right away; while the
   * push thread does the waiting and wakes the worker, a pass a minute is plenty. */
  capabilities->poll_interval_seconds = DESK_TELEGRAM_PROVIDER (provider)->push != NULL ? 60 : 1;
}

static const char * const *
desk_telegram_provider_list_streams (DeskProvider *provider)
{
  return streams;
}

static void
provider_iface_init (DeskProviderInterface *iface)
{
  iface->get_network = desk_telegram_provider_get_network;
  iface->get_capabilities = desk_telegram_provider_get_capabilities;
  iface->list_streams = desk_telegram_provider_list_streams;
  iface->fetch = desk_telegram_provider_fetch;
  iface->fetch_thread = NULL;   /* bots cannot read history */
  iface->send_reply = desk_telegram_provider_send_reply;
  iface->find_sent = desk_telegram_provider_find_sent;
  iface->like = NULL;
  iface->start_push = desk_telegram_provider_start_push;
}

static void
desk_telegram_provider_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DeskTelegramProvider *self = DESK_TELEGRAM_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_POLL_TIMEOUT:
      g_value_set_uint (value, self->poll_timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_telegram_provider_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  DeskTelegramProvider *self = DESK_TELEGRAM_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_POLL_TIMEOUT:
      if (self->poll_timeout != g_value_get_uint (value))
        {
          self->poll_timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_telegram_provider_dispose (GObject *object)
{
  DeskTelegramProvider *self = (DeskTelegramProvider *)object;

  /* First: its thread calls the engine back until it is joined. */
  g_clear_pointer (&self->push, push_stop);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (desk_telegram_provider_parent_class)->dispose (object);
}

static void
desk_telegram_provider_finalize (GObject *object)
{
  DeskTelegramProvider *self = (DeskTelegramProvider *)object;

  g_clear_pointer (&self->last_send, g_hash_table_unref);
  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->token, desk_credentials_free_secret);

  G_OBJECT_CLASS (desk_telegram_provider_parent_class)->finalize (object);
}

static void
desk_telegram_provider_class_init (DeskTelegramProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = desk_telegram_provider_get_property;
  object_class->set_property = desk_telegram_provider_set_property;
  object_class->dispose = desk_telegram_provider_dispose;
  object_class->finalize = desk_telegram_provider_finalize;

  /**
   * DeskTelegramProvider:poll-timeout:
   *
   * How long, in seconds, getUpdates waits on the server for something new (0: not at all).
   */
  properties[PROP_POLL_TIMEOUT] =
    g_param_spec_uint ("poll-timeout", NULL, NULL,
                       0, MAX_POLL_TIMEOUT, DESK_TELEGRAM_DEFAULT_POLL_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
desk_telegram_provider_init (DeskTelegramProvider *self)
{
  const char *timeout = g_getenv ("FRONTDESK_TELEGRAM_POLL_TIMEOUT");

  self->last_send = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->poll_timeout = DESK_TELEGRAM_DEFAULT_POLL_TIMEOUT;
  /* FRONTDESK_TELEGRAM_POLL_TIMEOUT: shorter waits for tests and `frontdesk --sync-once`. */
  if (timeout != NULL && g_ascii_isdigit (timeout[0]))
    self->poll_timeout = (guint) MIN (g_ascii_strtoull (timeout, NULL, 10), MAX_POLL_TIMEOUT);
}

/**
 * desk_telegram_provider_new:
 * @account: a stored Telegram account: remote_id is the bot's id, handle "@username",
 *   server_url the Bot API server
 *
 * The token is read from the keyring at the first request, in the sync thread.
 */
DeskProvider *
desk_telegram_provider_new (const DeskAccountInfo *account)
{
  DeskTelegramProvider *self;

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (account->id > 0, NULL);

  self = g_object_new (DESK_TYPE_TELEGRAM_PROVIDER, NULL);
  self->account_id = account->id;
  self->api_url = g_strdup (account->server_url != NULL && account->server_url[0] != '\0'
                              ? account->server_url : DESK_TELEGRAM_DEFAULT_API_URL);
  self->bot_id = account->remote_id != NULL ? g_ascii_strtoll (account->remote_id, NULL, 10) : 0;
  self->username = g_strdup (account->handle != NULL && account->handle[0] == '@'
                               ? account->handle + 1 : account->handle);

  return DESK_PROVIDER (self);
}

/**
 * desk_telegram_delete_webhook:
 * @account: a stored Telegram account
 *
 * Removes the bot's webhook, so that getUpdates works: for the UI to offer when a sync fails
 * because a webhook is set. Updates waiting on Telegram are kept. Blocks: run it in a thread.
 */
gboolean
desk_telegram_delete_webhook (const DeskAccountInfo  *account,
                              GCancellable           *cancellable,
                              GError                **error)
{
  g_autoptr(DeskProvider) provider = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;

  g_return_val_if_fail (account != NULL, FALSE);

  provider = desk_telegram_provider_new (account);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "drop_pending_updates");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  result = bot_call (DESK_TELEGRAM_PROVIDER (provider), "deleteWebhook", body, FALSE, NULL, NULL,
                     cancellable, error);

  return result != NULL;
}

/**
 * desk_telegram_sign_in:
 * @store: the inbox
 * @api_url: (nullable): the Bot API server; %NULL for https://api.telegram.org
 * @token: the bot token from BotFather
 *
 * Checks the token with getMe, adds the bot's account to the store and keeps the token in the
 * keyring, and nowhere else. Blocks: run it in a thread.
 *
 * Returns: the new account's id, or 0 with @error set
 */
gint64
desk_telegram_sign_in (DeskStore     *store,
                       const char    *api_url,
                       const char    *token,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *bot_id = NULL;
  g_autofree char *handle = NULL;
  g_autofree char *label = NULL;
  g_auto(DeskSecret) clean_token = NULL;
  DeskAccountInfo info = { 0 };
  JsonObject *object;
  JsonNode *is_bot;
  const char *username, *first_name;
  gint64 id;

  g_return_val_if_fail (DESK_IS_STORE (store), 0);
  g_return_val_if_fail (token != NULL, 0);

  if (api_url == NULL || api_url[0] == '\0')
    api_url = DESK_TELEGRAM_DEFAULT_API_URL;

  if (!api_url_is_valid (api_url))
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("“%s” is not a web address Frontdesk can use."), api_url);
      return 0;
    }

  clean_token = g_strstrip (g_strdup (token));
  if (!token_is_valid (clean_token))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                           _("This is not a bot token. BotFather gives it as digits, a colon and "
                             "letters, like 123456789:AAE…"));
      return 0;
    }

  session = desk_http_session_new ();
  me = call (session, api_url, clean_token, "getMe", NULL, NULL, FALSE, NULL, NULL, cancellable,
             error);
  if (me == NULL)
    return 0;

  object = JSON_NODE_HOLDS_OBJECT (me) ? json_node_get_object (me) : NULL;
  is_bot = object != NULL ? json_object_get_member (object, "is_bot") : NULL;
  username = desk_json_string (object, "username");
  first_name = desk_json_string (object, "first_name");

  if (!json_int (object, "id", &id) || id <= 0 || username == NULL || username[0] == '\0' ||
      is_bot == NULL || !JSON_NODE_HOLDS_VALUE (is_bot) ||
      json_node_get_value_type (is_bot) != G_TYPE_BOOLEAN)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("Telegram sent an answer Frontdesk cannot read."));
      return 0;
    }
  if (!json_node_get_boolean (is_bot))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("This token belongs to a user, not a bot. Create a bot with BotFather "
                             "and use its token."));
      return 0;
    }

  bot_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  handle = g_strconcat ("@", username, NULL);

  info.network = (char *) "telegram";
  info.remote_id = bot_id;
  info.handle = handle;
  info.display_name = (char *) (first_name != NULL ? first_name : username);
  info.server_url = (char *) api_url;

  id = desk_store_add_account (store, &info, error);
  if (id == 0)
    return 0;

  label = g_strdup_printf (_("Frontdesk: Telegram bot %s"), handle);
  if (!desk_credentials_store_sync (id, DESK_CREDENTIALS_KIND_BOT_TOKEN, clean_token, label,
                                    cancellable, &local_error))
    {
      desk_store_set_account_state (store, id, "needs-sign-in", NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  desk_store_set_account_state (store, id, "ok", NULL);

  return id;
}
