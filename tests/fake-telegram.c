/* fake-telegram.c: a stateful fake of the Telegram Bot API, on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers as the Bot API documents (../shared/specs/telegram-bot-api.openapi.json), for the
 * calls Frontdesk makes: getMe, getUpdates (offset confirms and forgets earlier updates, limit,
 * long polling with timeout, allowed_updates, 409 while a webhook is set, a newer getUpdates ends
 * a waiting one with 409), sendMessage (per-chat
 * message ids, reply_parameters checked, business_connection_id checked) and deleteWebhook.
 * Every call is POST /bot<token>/<method> with a JSON body; a revoked token gets 401.
 * It runs in a thread of its own: the provider under test blocks on its requests.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "fake-telegram.h"
#include "fake-server-thread.h"

static void on_stop (gpointer data);

typedef struct
{
  char   *chat_key;     /* "<chat id>" or "b:<connection>:<chat id>" */
  gint64  message_id;
  gint64  from_id;
  char   *json;         /* the Message object */
} Message;

typedef struct
{
  gint64  update_id;
  char   *json;         /* the Update object */
} Update;

typedef struct
{
  FakeTelegram      *self;
  SoupServerMessage *msg;
  gint64             offset;
  gint64             limit;
  GSource           *timeout;
} Poll;

struct _FakeTelegram
{
  GMutex        mutex;
  FakeServerThread *server_thread;
  GMainContext *context;         /* the server thread's, borrowed */
  const char   *url;             /* borrowed */

  char         *token;
  gint64        bot_id;
  char         *bot_username;
  gboolean      revoked;
  char         *webhook;

  GPtrArray    *messages;        /* Message */
  GPtrArray    *updates;         /* Update, unconfirmed, oldest first */
  GPtrArray    *polls;           /* Poll: getUpdates waiting for news */
  GHashTable   *next_id;         /* chat key → next message id */
  gint64        next_update;
  gint64        clock;           /* UNIX seconds, like Telegram's dates: now, never backwards */
  gint64        last_timeout;
  guint         terminated;      /* getUpdates ended by a newer one (409) */

  FakeTelegramFault fault;
  guint         retry_after;
  GPid          kill_pid;
  char         *kill_method;
  guint         kill_countdown;
  gboolean      kill_after;
  GPtrArray    *log;             /* method per request */
  GPtrArray    *sends;           /* the JSON body of every sendMessage that posted */
};

static void
message_free (Message *message)
{
  g_free (message->chat_key);
  g_free (message->json);
  g_free (message);
}

static void
update_free (Update *update)
{
  g_free (update->json);
  g_free (update);
}

/* Answers */

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_error (SoupServerMessage *msg,
               guint              code,
               const char        *description,
               guint              retry_after)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "error_code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, description);
  if (retry_after > 0)
    {
      json_builder_set_member_name (b, "parameters");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "retry_after");
      json_builder_add_int_value (b, retry_after);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  respond_text (msg, code, text);
}

static void
respond_result (SoupServerMessage *msg,
                const char        *result_json)
{
  g_autofree char *text = g_strdup_printf ("{\"ok\":true,\"result\":%s}", result_json);

  respond_text (msg, 200, text);
}

/* State */

static gint64
take_message_id (FakeTelegram *self,
                 const char   *chat_key)
{
  gint64 id = GPOINTER_TO_SIZE (g_hash_table_lookup (self->next_id, chat_key));

  id = MAX (id, 1);
  g_hash_table_replace (self->next_id, g_strdup (chat_key), GSIZE_TO_POINTER (id + 1));
  return id;
}

static Message *
find_message (FakeTelegram *self,
              const char   *chat_key,
              gint64        message_id)
{
  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *message = g_ptr_array_index (self->messages, i);

      if (message->message_id == message_id && g_str_equal (message->chat_key, chat_key))
        return message;
    }

  return NULL;
}

static void
add_user (JsonBuilder *b,
          gint64       id,
          gboolean     is_bot,
          const char  *first_name,
          const char  *username)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "is_bot");
  json_builder_add_boolean_value (b, is_bot);
  json_builder_set_member_name (b, "first_name");
  json_builder_add_string_value (b, first_name);
  if (username != NULL)
    {
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, username);
    }
  json_builder_end_object (b);
}

static guint
utf16_units (const char *start,
             const char *end)
{
  guint units = 0;

  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
  return units;
}

/* A "bot_command" for a leading /command, "mention" entities for every @name: with UTF-16
 * offsets, as Telegram counts them. */
static void
add_entities (JsonBuilder *b,
              const char  *text,
              gint64       text_mention_id)
{
  gboolean any = FALSE;

  if (text[0] == '/')
    {
      const char *end = strchr (text, ' ');

      json_builder_set_member_name (b, "entities");
      json_builder_begin_array (b);
      any = TRUE;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "bot_command");
      json_builder_set_member_name (b, "offset");
      json_builder_add_int_value (b, 0);
      json_builder_set_member_name (b, "length");
      json_builder_add_int_value (b, utf16_units (text, end ? end : text + strlen (text)));
      json_builder_end_object (b);
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      const char *end = p + 1;

      if (*p != '@' || (p > text && !g_ascii_isspace (p[-1])))
        continue;
      while (g_ascii_isalnum (*end) || *end == '_')
        end++;
      if (end - p < 2)
        continue;

      if (!any)
        {
          json_builder_set_member_name (b, "entities");
          json_builder_begin_array (b);
          any = TRUE;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "mention");
      json_builder_set_member_name (b, "offset");
      json_builder_add_int_value (b, utf16_units (text, p));
      json_builder_set_member_name (b, "length");
      json_builder_add_int_value (b, utf16_units (p, end));
      json_builder_end_object (b);
    }

  if (text_mention_id != 0)
    {
      const char *space = strchr (text, ' ');

      if (!any)
        {
          json_builder_set_member_name (b, "entities");
          json_builder_begin_array (b);
          any = TRUE;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "text_mention");
      json_builder_set_member_name (b, "offset");
      json_builder_add_int_value (b, 0);
      json_builder_set_member_name (b, "length");
      json_builder_add_int_value (b, utf16_units (text, space ? space : text + strlen (text)));
      json_builder_set_member_name (b, "user");
      add_user (b, text_mention_id, TRUE, "Shop", NULL);
      json_builder_end_object (b);
    }

  if (any)
    json_builder_end_array (b);
}

static void
add_reply_to (FakeTelegram *self,
              JsonBuilder  *b,
              Message      *replied)
{
  g_autoptr(JsonNode) node = json_from_string (replied->json, NULL);
  JsonObject *object = json_node_get_object (node);

  /* Telegram gives one level of context: no reply_to_message inside. */
  json_object_remove_member (object, "reply_to_message");
  json_builder_set_member_name (b, "reply_to_message");
  json_builder_add_value (b, g_steal_pointer (&node));
}

static gboolean answer_polls (gpointer data);

/* Called with the mutex held. */
static Message *
add_message (FakeTelegram *self,
             gint64        chat_id,
             const char   *chat_type,
             const char   *connection,
             gint64        from_id,
             const char   *first_name,
             const char   *text,
             gint64        reply_to,
             gint64        text_mention_id,
             gboolean      from_offline,
             gboolean      as_update)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *chat_key = connection != NULL
                                ? g_strdup_printf ("b:%s:%" G_GINT64_FORMAT, connection, chat_id)
                                : g_strdup_printf ("%" G_GINT64_FORMAT, chat_id);
  Message *message = g_new0 (Message, 1);
  Message *replied = reply_to > 0 ? find_message (self, chat_key, reply_to) : NULL;
  gboolean from_bot = from_id == self->bot_id;
  g_autofree char *username = from_bot ? g_strdup (self->bot_username)
                                       : g_strdup_printf ("user%" G_GINT64_FORMAT, from_id);

  message->chat_key = g_strdup (chat_key);
  message->message_id = take_message_id (self, chat_key);
  message->from_id = from_id;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message_id");
  json_builder_add_int_value (b, message->message_id);
  if (connection != NULL)
    {
      json_builder_set_member_name (b, "business_connection_id");
      json_builder_add_string_value (b, connection);
    }
  json_builder_set_member_name (b, "from");
  add_user (b, from_id, from_bot, first_name, username);
  json_builder_set_member_name (b, "chat");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, chat_id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, chat_type);
  if (g_str_equal (chat_type, "private"))
    {
      json_builder_set_member_name (b, "first_name");
      json_builder_add_string_value (b, connection != NULL ? "Customer" : first_name);
    }
  else
    {
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, "Shop community");
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "date");
  self->clock = MAX (self->clock, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_add_int_value (b, self->clock);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  add_entities (b, text, text_mention_id);
  if (from_offline)
    {
      json_builder_set_member_name (b, "is_from_offline");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (replied != NULL)
    add_reply_to (self, b, replied);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  message->json = json_to_string (root, FALSE);
  g_ptr_array_add (self->messages, message);

  if (as_update)
    {
      Update *update = g_new0 (Update, 1);

      update->update_id = ++self->next_update;
      update->json = g_strdup_printf ("{\"update_id\":%" G_GINT64_FORMAT ",\"%s\":%s}",
                                      update->update_id,
                                      connection != NULL ? "business_message" : "message",
                                      message->json);
      g_ptr_array_add (self->updates, update);
      g_main_context_invoke (self->context, answer_polls, self);
    }

  return message;
}

/* getUpdates */

static void
confirm_before (FakeTelegram *self,
                gint64        offset)
{
  /* Telegram forgets every update below the offset asked for. */
  while (self->updates->len > 0 &&
         ((Update *) g_ptr_array_index (self->updates, 0))->update_id < offset)
    g_ptr_array_remove_index (self->updates, 0);
}

static guint
respond_updates (FakeTelegram      *self,
                 SoupServerMessage *msg,
                 gint64             offset,
                 gint64             limit)
{
  GString *result = g_string_new ("[");
  guint n = 0;

  for (guint i = 0; i < self->updates->len && n < limit; i++)
    {
      Update *update = g_ptr_array_index (self->updates, i);

      if (update->update_id < offset)
        continue;
      if (n++ > 0)
        g_string_append_c (result, ',');
      g_string_append (result, update->json);
    }
  g_string_append_c (result, ']');

  respond_result (msg, result->str);
  g_string_free (result, TRUE);
  return n;
}

static gboolean
has_updates_from (FakeTelegram *self,
                  gint64        offset)
{
  for (guint i = 0; i < self->updates->len; i++)
    if (((Update *) g_ptr_array_index (self->updates, i))->update_id >= offset)
      return TRUE;
  return FALSE;
}

static void poll_disconnected (SoupServerMessage *msg,
                               Poll              *poll);

static void
poll_release (Poll *poll)
{
  FakeTelegram *self = poll->self;

  g_signal_handlers_disconnect_by_func (poll->msg, poll_disconnected, poll);
  if (poll->timeout != NULL)
    {
      g_source_destroy (poll->timeout);
      g_source_unref (poll->timeout);
    }
  g_object_unref (poll->msg);
  g_ptr_array_remove (self->polls, poll);
  g_free (poll);
}

/* The client went away (a cancelled long poll): forget it. */
static void
poll_disconnected (SoupServerMessage *msg,
                   Poll              *poll)
{
  FakeTelegram *self = poll->self;

  g_mutex_lock (&self->mutex);
  poll_release (poll);
  g_mutex_unlock (&self->mutex);
}

/* Telegram answers one getUpdates at a time: a newer one ends the older with 409. */
static void
poll_terminate (Poll *poll)
{
  respond_error (poll->msg, 409, "Conflict: terminated by other getUpdates request; make sure "
                 "that only one bot instance is running", 0);
  soup_server_message_unpause (poll->msg);
  poll->self->terminated++;
  poll_release (poll);
}

static void
poll_finish (Poll *poll)
{
  FakeTelegram *self = poll->self;

  respond_updates (self, poll->msg, poll->offset, poll->limit);
  soup_server_message_unpause (poll->msg);
  poll_release (poll);
}

static gboolean
poll_timed_out (gpointer data)
{
  Poll *poll = data;
  FakeTelegram *self = poll->self;

  g_mutex_lock (&self->mutex);
  g_source_unref (poll->timeout);
  poll->timeout = NULL;
  poll_finish (poll);
  g_mutex_unlock (&self->mutex);

  return G_SOURCE_REMOVE;
}

static gboolean
answer_polls (gpointer data)
{
  FakeTelegram *self = data;

  g_mutex_lock (&self->mutex);
  for (guint i = self->polls->len; i > 0; i--)
    {
      Poll *poll = g_ptr_array_index (self->polls, i - 1);

      if (has_updates_from (self, poll->offset))
        poll_finish (poll);
    }
  g_mutex_unlock (&self->mutex);

  return G_SOURCE_REMOVE;
}

static gboolean
get_int (JsonObject *object,
         const char *member,
         gint64     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static void
handle_get_updates (FakeTelegram      *self,
                    SoupServerMessage *msg,
                    JsonObject        *input)
{
  gint64 offset = 0, limit = 100, timeout = 0;
  JsonArray *allowed;

  if (self->webhook != NULL)
    {
      respond_error (msg, 409, "Conflict: can't use getUpdates method while webhook is active; "
                     "use deleteWebhook to delete the webhook first", 0);
      return;
    }

  while (self->polls->len > 0)
    poll_terminate (g_ptr_array_index (self->polls, 0));

  get_int (input, "offset", &offset);
  get_int (input, "limit", &limit);
  get_int (input, "timeout", &timeout);
  self->last_timeout = timeout;
  if (limit < 1 || limit > 100)
    {
      respond_error (msg, 400, "Bad Request: invalid limit", 0);
      return;
    }

  allowed = input && json_object_has_member (input, "allowed_updates")
              ? json_object_get_array_member (input, "allowed_updates") : NULL;
  if (allowed == NULL)
    {
      respond_error (msg, 400, "Bad Request: the fake wants allowed_updates", 0);
      return;
    }

  confirm_before (self, offset);

  if (timeout > 0 && !has_updates_from (self, offset))
    {
      Poll *poll = g_new0 (Poll, 1);

      poll->self = self;
      poll->msg = g_object_ref (msg);
      poll->offset = offset;
      poll->limit = limit;
      poll->timeout = g_timeout_source_new ((guint) MIN (timeout, 600) * 1000);
      g_source_set_callback (poll->timeout, poll_timed_out, poll, NULL);
      g_source_attach (poll->timeout, self->context);
      g_ptr_array_add (self->polls, poll);
      g_signal_connect (msg, "disconnected", G_CALLBACK (poll_disconnected), poll);
      soup_server_message_pause (msg);
      return;
    }

  respond_updates (self, msg, offset, limit);
}

/* sendMessage */

static void
handle_send_message (FakeTelegram      *self,
                     SoupServerMessage *msg,
                     JsonObject        *input,
                     JsonNode          *node,
                     gboolean           drop_response)
{
  const char *connection = NULL;
  const char *text = NULL;
  JsonObject *reply_parameters = NULL;
  g_autofree char *chat_key = NULL;
  Message *chat_message = NULL;
  Message *sent;
  gint64 chat_id = 0, reply_to = 0;
  const char *chat_type = "private";

  if (json_object_has_member (input, "business_connection_id"))
    connection = json_object_get_string_member (input, "business_connection_id");
  if (json_object_has_member (input, "text") &&
      json_node_get_value_type (json_object_get_member (input, "text")) == G_TYPE_STRING)
    text = json_object_get_string_member (input, "text");
  if (json_object_has_member (input, "reply_parameters"))
    reply_parameters = json_object_get_object_member (input, "reply_parameters");

  if (!get_int (input, "chat_id", &chat_id) || text == NULL || text[0] == '\0')
    {
      respond_error (msg, 400, "Bad Request: message text is empty", 0);
      return;
    }

  chat_key = connection != NULL ? g_strdup_printf ("b:%s:%" G_GINT64_FORMAT, connection, chat_id)
                                : g_strdup_printf ("%" G_GINT64_FORMAT, chat_id);
  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *message = g_ptr_array_index (self->messages, i);

      if (g_str_equal (message->chat_key, chat_key))
        chat_message = message;
    }
  if (chat_message == NULL)
    {
      respond_error (msg, 400, connection ? "Bad Request: business connection not found"
                                          : "Bad Request: chat not found", 0);
      return;
    }
  if (strstr (chat_message->json, "\"type\":\"group\"") != NULL)
    chat_type = "group";

  {
    guint units = 0;
    for (const char *p = text; *p; p = g_utf8_next_char (p))
      units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
    if (units > 4096)
      {
        respond_error (msg, 400, "Bad Request: message is too long", 0);
        return;
      }
  }

  if (reply_parameters != NULL)
    {
      if (!get_int (reply_parameters, "message_id", &reply_to) ||
          find_message (self, chat_key, reply_to) == NULL)
        {
          respond_error (msg, 400, "Bad Request: message to be replied not found", 0);
          return;
        }
    }

  sent = add_message (self, chat_id, chat_type, connection, self->bot_id, "Shop", text,
                      reply_to, 0, FALSE, FALSE);
  g_ptr_array_add (self->sends, json_to_string (node, FALSE));

  if (drop_response)
    {
      GIOStream *stream = soup_server_message_steal_connection (msg);
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      return;
    }

  respond_result (msg, sent->json);
}

/* The server */

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeTelegram *self = user_data;
  g_autofree char *prefix = g_strdup_printf ("/bot%s/", self->token);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *input = NULL;
  const char *method;
  FakeTelegramFault fault;
  gsize size = 0;
  const char *data;

  g_mutex_lock (&self->mutex);

  if (!g_str_has_prefix (path, "/bot"))
    {
      respond_error (msg, 404, "Not Found", 0);
      goto out;
    }
  if (!g_str_has_prefix (path, prefix))
    {
      respond_error (msg, 401, "Unauthorized", 0);
      goto out;
    }
  method = path + strlen (prefix);
  g_ptr_array_add (self->log, g_strdup (method));

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      respond_error (msg, 400, "Bad Request: the fake wants POST", 0);
      goto out;
    }

  bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (bytes, &size);
  if (size > 0)
    {
      g_autofree char *text = g_strndup (data, size);

      node = json_from_string (text, NULL);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          respond_error (msg, 400, "Bad Request: can't parse JSON", 0);
          goto out;
        }
      input = json_node_get_object (node);
    }

  if (self->kill_pid > 0 && g_str_equal (method, self->kill_method) && --self->kill_countdown == 0 &&
      !self->kill_after)
    {
      kill (self->kill_pid, SIGKILL);
      self->kill_pid = 0;
      soup_server_message_set_status (msg, 503, NULL);
      goto out;
    }

  if (self->revoked)
    {
      respond_error (msg, 401, "Unauthorized", 0);
      goto out;
    }

  fault = self->fault;
  if (fault == FAKE_TELEGRAM_FAULT_SERVER_ERROR)
    {
      self->fault = FAKE_TELEGRAM_FAULT_NONE;
      respond_error (msg, 502, "Bad Gateway", 0);
      goto out;
    }
  if (fault == FAKE_TELEGRAM_FAULT_RATE_LIMIT)
    {
      g_autofree char *description = g_strdup_printf ("Too Many Requests: retry after %u",
                                                      self->retry_after);

      self->fault = FAKE_TELEGRAM_FAULT_NONE;
      respond_error (msg, 429, description, self->retry_after);
      goto out;
    }
  if (fault == FAKE_TELEGRAM_FAULT_BLOCKED && g_str_equal (method, "sendMessage"))
    {
      self->fault = FAKE_TELEGRAM_FAULT_NONE;
      respond_error (msg, 403, "Forbidden: bot was blocked by the user", 0);
      goto out;
    }
  if (fault == FAKE_TELEGRAM_FAULT_TRUNCATED && g_str_equal (method, "getUpdates"))
    {
      self->fault = FAKE_TELEGRAM_FAULT_NONE;
      respond_text (msg, 200, "{\"ok\":true,\"result\":[{\"update_id\":12,\"mess");
      goto out;
    }

  if (g_str_equal (method, "getMe"))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, self->bot_id);
      json_builder_set_member_name (b, "is_bot");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "first_name");
      json_builder_add_string_value (b, "The Shop");
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, self->bot_username);
      json_builder_set_member_name (b, "can_join_groups");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "can_connect_to_business");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, FALSE);
      respond_result (msg, text);
    }
  else if (g_str_equal (method, "getUpdates"))
    handle_get_updates (self, msg, input);
  else if (g_str_equal (method, "sendMessage") && input != NULL)
    {
      gboolean drop = fault == FAKE_TELEGRAM_FAULT_DROP_AFTER_SEND;

      if (drop)
        self->fault = FAKE_TELEGRAM_FAULT_NONE;
      handle_send_message (self, msg, input, node, drop);
    }
  else if (g_str_equal (method, "deleteWebhook"))
    {
      g_clear_pointer (&self->webhook, g_free);
      respond_result (msg, "true");
    }
  else
    respond_error (msg, 404, "Not Found: method not found", 0);

out:
  if (self->kill_pid > 0 && self->kill_after && self->kill_countdown == 0)
    {
      /* The request had its effect; the client dies before it reads the answer. */
      kill (self->kill_pid, SIGKILL);
      self->kill_pid = 0;
    }
  g_mutex_unlock (&self->mutex);
}

FakeTelegram *
fake_telegram_new (const char *token,
                   gint64      bot_id,
                   const char *bot_username)
{
  FakeTelegram *self = g_new0 (FakeTelegram, 1);

  g_mutex_init (&self->mutex);
  self->token = g_strdup (token);
  self->bot_id = bot_id;
  self->bot_username = g_strdup (bot_username);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  self->updates = g_ptr_array_new_with_free_func ((GDestroyNotify) update_free);
  self->polls = g_ptr_array_new ();
  self->next_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->sends = g_ptr_array_new_with_free_func (g_free);
  self->next_update = 700000;
  self->clock = 1763800000;

  self->server_thread = fake_server_thread_new ("fake-telegram", server_callback, on_stop, self);
  self->context = fake_server_thread_get_context (self->server_thread);
  self->url = fake_server_thread_get_url (self->server_thread);

  return self;
}

/* In the server's thread, before it stops. */
static void
on_stop (gpointer data)
{
  FakeTelegram *self = data;

  g_mutex_lock (&self->mutex);
  while (self->polls->len > 0)
    poll_finish (g_ptr_array_index (self->polls, 0));
  g_mutex_unlock (&self->mutex);
}

void
fake_telegram_free (FakeTelegram *self)
{
  g_clear_pointer (&self->server_thread, fake_server_thread_free);
  g_ptr_array_unref (self->messages);
  g_ptr_array_unref (self->updates);
  g_ptr_array_unref (self->polls);
  g_hash_table_unref (self->next_id);
  g_ptr_array_unref (self->log);
  g_ptr_array_unref (self->sends);
  g_free (self->token);
  g_free (self->bot_username);
  g_free (self->webhook);
  g_free (self->kill_method);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

const char *
fake_telegram_get_url (FakeTelegram *self)
{
  return self->url;
}

gint64
fake_telegram_private_message (FakeTelegram *self,
                               gint64        user_id,
                               const char   *first_name,
                               const char   *text)
{
  gint64 id;

  g_mutex_lock (&self->mutex);
  id = add_message (self, user_id, "private", NULL, user_id, first_name, text, 0, 0, FALSE, TRUE)->message_id;
  g_mutex_unlock (&self->mutex);

  return id;
}

/**
 * fake_telegram_group_message:
 * @reply_to: a message id in that chat, or 0
 * @text_mention_bot: the first word is a text_mention of the bot
 */
gint64
fake_telegram_group_message (FakeTelegram *self,
                             gint64        chat_id,
                             gint64        user_id,
                             const char   *first_name,
                             const char   *text,
                             gint64        reply_to,
                             gboolean      text_mention_bot)
{
  gint64 id;

  g_mutex_lock (&self->mutex);
  id = add_message (self, chat_id, "supergroup", NULL, user_id, first_name, text, reply_to,
                    text_mention_bot ? self->bot_id : 0, FALSE, TRUE)->message_id;
  g_mutex_unlock (&self->mutex);

  return id;
}

gint64
fake_telegram_business_message (FakeTelegram *self,
                                const char   *connection_id,
                                gint64        user_id,
                                const char   *first_name,
                                const char   *text)
{
  gint64 id;

  g_mutex_lock (&self->mutex);
  id = add_message (self, user_id, "private", connection_id, user_id, first_name, text, 0, 0,
                    FALSE, TRUE)->message_id;
  g_mutex_unlock (&self->mutex);

  return id;
}

/**
 * fake_telegram_business_away_message:
 * @owner_id: the business account's user id
 *
 * An away or greeting message Telegram sent by itself for the business, in the chat with
 * @user_id: a business_message from the owner with is_from_offline set.
 */
gint64
fake_telegram_business_away_message (FakeTelegram *self,
                                     const char   *connection_id,
                                     gint64        user_id,
                                     gint64        owner_id,
                                     const char   *text)
{
  gint64 id;

  g_mutex_lock (&self->mutex);
  id = add_message (self, user_id, "private", connection_id, owner_id, "The Shop", text, 0, 0,
                    TRUE, TRUE)->message_id;
  g_mutex_unlock (&self->mutex);

  return id;
}

/* A message the bot sent from elsewhere (another client of the same bot): no update. */
gint64
fake_telegram_bot_message (FakeTelegram *self,
                           gint64        chat_id,
                           const char   *text)
{
  gint64 id;

  g_mutex_lock (&self->mutex);
  id = add_message (self, chat_id, chat_id < 0 ? "supergroup" : "private", NULL, self->bot_id,
                    "The Shop", text, 0, 0, FALSE, FALSE)->message_id;
  g_mutex_unlock (&self->mutex);

  return id;
}

void
fake_telegram_set_fault (FakeTelegram      *self,
                         FakeTelegramFault  fault,
                         guint              retry_after)
{
  g_mutex_lock (&self->mutex);
  self->fault = fault;
  self->retry_after = retry_after;
  g_mutex_unlock (&self->mutex);
}

void
fake_telegram_set_webhook (FakeTelegram *self,
                           const char   *url)
{
  g_mutex_lock (&self->mutex);
  g_free (self->webhook);
  self->webhook = g_strdup (url);
  g_mutex_unlock (&self->mutex);
}

gboolean
fake_telegram_has_webhook (FakeTelegram *self)
{
  gboolean has;

  g_mutex_lock (&self->mutex);
  has = self->webhook != NULL;
  g_mutex_unlock (&self->mutex);

  return has;
}

/* The token is revoked in BotFather, for good. */
void
fake_telegram_revoke (FakeTelegram *self)
{
  g_mutex_lock (&self->mutex);
  self->revoked = TRUE;
  g_mutex_unlock (&self->mutex);
}

/* BotFather gives the bot a new token; the old one stops working. */
void
fake_telegram_replace_token (FakeTelegram *self,
                             const char   *token)
{
  g_mutex_lock (&self->mutex);
  g_free (self->token);
  self->token = g_strdup (token);
  self->revoked = FALSE;
  g_mutex_unlock (&self->mutex);
}

guint
fake_telegram_count_sent (FakeTelegram *self,
                          gint64        chat_id)
{
  g_autofree char *suffix = g_strdup_printf (":%" G_GINT64_FORMAT, chat_id);
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT, chat_id);
  guint n = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->messages->len; i++)
    {
      Message *message = g_ptr_array_index (self->messages, i);

      if (message->from_id == self->bot_id &&
          (g_str_equal (message->chat_key, plain) ||
           (g_str_has_prefix (message->chat_key, "b:") && g_str_has_suffix (message->chat_key, suffix))))
        n++;
    }
  g_mutex_unlock (&self->mutex);

  return n;
}

/* The JSON body of the last sendMessage that posted, or NULL. */
char *
fake_telegram_dup_last_send (FakeTelegram *self)
{
  char *body;

  g_mutex_lock (&self->mutex);
  body = self->sends->len > 0 ? g_strdup (g_ptr_array_index (self->sends, self->sends->len - 1)) : NULL;
  g_mutex_unlock (&self->mutex);

  return body;
}

guint
fake_telegram_count_requests (FakeTelegram *self,
                              const char   *method)
{
  guint n = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->log->len; i++)
    if (g_str_equal (g_ptr_array_index (self->log, i), method))
      n++;
  g_mutex_unlock (&self->mutex);

  return n;
}

/* Updates not yet confirmed by a getUpdates with a higher offset. */
guint
fake_telegram_count_pending (FakeTelegram *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->updates->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

/* Long polls ended by a newer getUpdates: a client that overlaps its own requests. */
guint
fake_telegram_count_terminated (FakeTelegram *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->terminated;
  g_mutex_unlock (&self->mutex);

  return n;
}

gint64
fake_telegram_get_last_timeout (FakeTelegram *self)
{
  gint64 timeout;

  g_mutex_lock (&self->mutex);
  timeout = self->last_timeout;
  g_mutex_unlock (&self->mutex);

  return timeout;
}

/**
 * fake_telegram_kill_on:
 * @pid: the process to kill with SIGKILL
 * @method: which calls to count, e.g. "getUpdates"
 * @nth: kill at the nth such call
 * @after: %TRUE: after the call took effect (a message is posted, updates confirmed), before
 *   the answer; %FALSE: before it takes effect
 */
void
fake_telegram_kill_on (FakeTelegram *self,
                       GPid          pid,
                       const char   *method,
                       guint         nth,
                       gboolean      after)
{
  g_mutex_lock (&self->mutex);
  self->kill_pid = pid;
  g_free (self->kill_method);
  self->kill_method = g_strdup (method);
  self->kill_countdown = nth;
  self->kill_after = after;
  g_mutex_unlock (&self->mutex);
}
