/* fake-bluesky.c: a stateful fake of a Bluesky PDS + AppView, on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers as the lexicons in ../shared/specs/atproto-lexicons describe, for the calls
 * Frontdesk makes: createSession, refreshSession (rotating refresh tokens), listNotifications
 * (newest first, opaque cursor, reasons filter), getPostThread, createRecord (refuses a second
 * record under the same key), getRecord, resolveHandle. It runs in a thread of its own: the
 * provider under test blocks on its requests. Faults can be injected for the next request.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "fake-bluesky.h"
#include "fake-server-thread.h"

typedef struct
{
  char   *uri;
  char   *cid;
  char   *author_did;
  char   *root_uri;      /* NULL for a thread's root */
  char   *root_cid;
  char   *parent_uri;
  char   *parent_cid;
  char   *text;
  char   *record_json;   /* the record as posted */
  gint64  indexed_at;
  guint   serial;
} Post;

typedef struct
{
  char *did;
  char *handle;
  char *display_name;
} Actor;

typedef struct
{
  char  *uri;
  char  *reason;
  Post  *post;
  guint  serial;
} Notification;

typedef struct
{
  char   *id;
  char   *convo_id;
  char   *sender;
  char   *text;
  gint64  sent_at;
  guint   rev;
} ChatMessage;

static void
chat_message_free (ChatMessage *message)
{
  g_free (message->id);
  g_free (message->convo_id);
  g_free (message->sender);
  g_free (message->text);
  g_free (message);
}

struct _FakeBluesky
{
  GMutex        mutex;
  FakeServerThread *server_thread;
  GMainContext *context;         /* the server thread's, borrowed */
  const char   *url;             /* borrowed */

  char         *business_did;
  char         *business_handle;
  char         *password;
  char         *access_token;
  char         *refresh_token;
  guint         token_serial;

  GPtrArray    *actors;          /* Actor */
  GPtrArray    *posts;           /* Post, oldest first */
  GHashTable   *posts_by_uri;    /* uri → Post */
  GHashTable   *children;        /* parent uri → GPtrArray of Post, oldest first */
  GPtrArray    *notifications;   /* Notification, oldest first */
  GPtrArray    *chat;            /* ChatMessage, oldest first; a convo id is "convo-<customer did>" */
  gboolean      no_dm_access;
  guint         serial;
  gint64        clock;           /* µs; advances one second per post */

  FakeBlueskyFault fault;
  GPid          kill_pid;        /* killed when a request of kill_path arrives… */
  char         *kill_path;
  guint         kill_countdown;  /* …for the kill_countdown-th time */
  gboolean      kill_after;      /* after the request has had its effect, before the answer */
  guint         requests;
  guint         create_record_calls;
  GPtrArray    *log;             /* "METHOD path" per request */
};

static void
post_free (Post *post)
{
  g_free (post->uri);
  g_free (post->cid);
  g_free (post->author_did);
  g_free (post->root_uri);
  g_free (post->root_cid);
  g_free (post->parent_uri);
  g_free (post->parent_cid);
  g_free (post->text);
  g_free (post->record_json);
  g_free (post);
}

static void
actor_free (Actor *actor)
{
  g_free (actor->did);
  g_free (actor->handle);
  g_free (actor->display_name);
  g_free (actor);
}

static void
notification_free (Notification *notification)
{
  g_free (notification->uri);
  g_free (notification->reason);
  g_free (notification);
}

static char *
iso_time (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");
}

static Actor *
find_actor (FakeBluesky *self,
            const char  *did)
{
  for (guint i = 0; i < self->actors->len; i++)
    {
      Actor *actor = g_ptr_array_index (self->actors, i);
      if (g_strcmp0 (actor->did, did) == 0 || g_strcmp0 (actor->handle, did) == 0)
        return actor;
    }
  return NULL;
}

static Post *
find_post (FakeBluesky *self,
           const char  *uri)
{
  return uri != NULL ? g_hash_table_lookup (self->posts_by_uri, uri) : NULL;
}

/* Indexed like a real server's, so that benchmarks measure the client, not this fake. */
static void
index_post (FakeBluesky *self,
            Post        *post)
{
  g_hash_table_insert (self->posts_by_uri, post->uri, post);

  if (post->parent_uri != NULL)
    {
      GPtrArray *siblings = g_hash_table_lookup (self->children, post->parent_uri);

      if (siblings == NULL)
        {
          siblings = g_ptr_array_new ();
          g_hash_table_insert (self->children, g_strdup (post->parent_uri), siblings);
        }
      g_ptr_array_add (siblings, post);
    }
}

/* JSON views */

static void
add_profile (JsonBuilder *b,
             Actor       *actor)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "did");
  json_builder_add_string_value (b, actor->did);
  json_builder_set_member_name (b, "handle");
  json_builder_add_string_value (b, actor->handle);
  json_builder_set_member_name (b, "displayName");
  json_builder_add_string_value (b, actor->display_name);
  json_builder_end_object (b);
}

static void
add_record (JsonBuilder *b,
            Post        *post)
{
  g_autoptr(JsonNode) node = json_from_string (post->record_json, NULL);

  json_builder_add_value (b, g_steal_pointer (&node));
}

static void
add_post_view (FakeBluesky *self,
               JsonBuilder *b,
               Post        *post)
{
  g_autofree char *indexed = iso_time (post->indexed_at);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uri");
  json_builder_add_string_value (b, post->uri);
  json_builder_set_member_name (b, "cid");
  json_builder_add_string_value (b, post->cid);
  json_builder_set_member_name (b, "author");
  add_profile (b, find_actor (self, post->author_did));
  json_builder_set_member_name (b, "record");
  add_record (b, post);
  json_builder_set_member_name (b, "indexedAt");
  json_builder_add_string_value (b, indexed);
  json_builder_end_object (b);
}

static void
add_thread (FakeBluesky *self,
            JsonBuilder *b,
            Post        *post)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "$type");
  json_builder_add_string_value (b, "app.bsky.feed.defs#threadViewPost");
  json_builder_set_member_name (b, "post");
  add_post_view (self, b, post);
  json_builder_set_member_name (b, "replies");
  json_builder_begin_array (b);
  {
    GPtrArray *children = g_hash_table_lookup (self->children, post->uri);

    for (guint i = 0; children != NULL && i < children->len; i++)
      add_thread (self, b, g_ptr_array_index (children, i));
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Responses */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *error,
               const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  respond_json (msg, status, b);
}

static void
issue_tokens (FakeBluesky *self,
              JsonBuilder *b)
{
  g_free (self->access_token);
  g_free (self->refresh_token);
  self->token_serial++;
  self->access_token = g_strdup_printf ("access-%u-%08x", self->token_serial, g_random_int ());
  self->refresh_token = g_strdup_printf ("refresh-%u-%08x", self->token_serial, g_random_int ());

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "did");
  json_builder_add_string_value (b, self->business_did);
  json_builder_set_member_name (b, "handle");
  json_builder_add_string_value (b, self->business_handle);
  json_builder_set_member_name (b, "accessJwt");
  json_builder_add_string_value (b, self->access_token);
  json_builder_set_member_name (b, "refreshJwt");
  json_builder_add_string_value (b, self->refresh_token);
  json_builder_end_object (b);
}

static gboolean
has_bearer (SoupServerMessage *msg,
            const char        *token)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", token ? token : "(none)", NULL);

  return g_strcmp0 (auth, expected) == 0;
}

static JsonObject *
request_object (SoupServerMessage *msg,
                JsonNode         **node)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = data != NULL ? g_strndup (data, size) : NULL;

  *node = text != NULL ? json_from_string (text, NULL) : NULL;
  if (*node == NULL || !JSON_NODE_HOLDS_OBJECT (*node))
    return NULL;

  return json_node_get_object (*node);
}

static const char *
str (JsonObject *object,
     const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
handle_create_record (FakeBluesky       *self,
                      SoupServerMessage *msg,
                      gboolean           drop_response)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *input = request_object (msg, &node);
  JsonObject *record = input ? json_object_get_object_member (input, "record") : NULL;
  JsonObject *reply = record && json_object_has_member (record, "reply")
                        ? json_object_get_object_member (record, "reply") : NULL;
  const char *collection = str (input, "collection");
  const char *rkey = str (input, "rkey");
  g_autofree char *key = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  Post *post;

  self->create_record_calls++;

  if (record == NULL || g_strcmp0 (str (input, "repo"), self->business_did) != 0 || collection == NULL)
    {
      respond_error (msg, 400, "InvalidRequest", "Input must have repo, collection and record");
      return;
    }

  key = rkey ? g_strdup (rkey) : g_strdup_printf ("auto%u", ++self->serial);
  uri = g_strdup_printf ("at://%s/%s/%s", self->business_did, collection, key);

  if (g_strcmp0 (collection, "app.bsky.feed.post") != 0)
    {
      b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, uri);
      json_builder_set_member_name (b, "cid");
      json_builder_add_string_value (b, "bafylike");
      json_builder_end_object (b);
      respond_json (msg, 200, b);
      return;
    }

  if (find_post (self, uri) != NULL)
    {
      respond_error (msg, 400, "InvalidRequest", "Record already exists");
      return;
    }

  if (str (record, "text") == NULL ||
      (reply != NULL && (str (json_object_get_object_member (reply, "root"), "cid") == NULL ||
                         str (json_object_get_object_member (reply, "parent"), "cid") == NULL)))
    {
      respond_error (msg, 400, "InvalidRequest", "Invalid app.bsky.feed.post record");
      return;
    }

  post = g_new0 (Post, 1);
  post->uri = g_strdup (uri);
  post->cid = g_strdup_printf ("bafy%u", ++self->serial);
  post->author_did = g_strdup (self->business_did);
  post->text = g_strdup (str (record, "text"));
  post->record_json = json_to_string (json_object_get_member (input, "record"), FALSE);
  if (reply != NULL)
    {
      post->root_uri = g_strdup (str (json_object_get_object_member (reply, "root"), "uri"));
      post->root_cid = g_strdup (str (json_object_get_object_member (reply, "root"), "cid"));
      post->parent_uri = g_strdup (str (json_object_get_object_member (reply, "parent"), "uri"));
      post->parent_cid = g_strdup (str (json_object_get_object_member (reply, "parent"), "cid"));
    }
  self->clock += G_USEC_PER_SEC;
  post->indexed_at = self->clock;
  post->serial = ++self->serial;
  g_ptr_array_add (self->posts, post);
  index_post (self, post);

  if (drop_response)
    {
      /* The record is created, then the connection breaks before the answer. */
      GIOStream *stream = soup_server_message_steal_connection (msg);
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uri");
  json_builder_add_string_value (b, post->uri);
  json_builder_set_member_name (b, "cid");
  json_builder_add_string_value (b, post->cid);
  json_builder_end_object (b);
  respond_json (msg, 200, b);
}

static void
handle_list_notifications (FakeBluesky       *self,
                           SoupServerMessage *msg,
                           GHashTable        *query)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *cursor = query ? g_hash_table_lookup (query, "cursor") : NULL;
  const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  guint limit = limit_text ? (guint) g_ascii_strtoull (limit_text, NULL, 10) : 50;
  guint start = cursor ? (guint) g_ascii_strtoull (cursor + 1, NULL, 10) : self->notifications->len;
  guint shown = 0;
  guint i;

  if (limit == 0 || limit > 100)
    {
      respond_error (msg, 400, "InvalidRequest", "limit must be 1..100");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "notifications");
  json_builder_begin_array (b);
  for (i = MIN (start, self->notifications->len); i > 0 && shown < limit; i--)
    {
      Notification *n = g_ptr_array_index (self->notifications, i - 1);
      g_autofree char *indexed = iso_time (n->post->indexed_at);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, n->post->uri);
      json_builder_set_member_name (b, "cid");
      json_builder_add_string_value (b, n->post->cid);
      json_builder_set_member_name (b, "author");
      add_profile (b, find_actor (self, n->post->author_did));
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, n->reason);
      json_builder_set_member_name (b, "record");
      add_record (b, n->post);
      json_builder_set_member_name (b, "isRead");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "indexedAt");
      json_builder_add_string_value (b, indexed);
      json_builder_end_object (b);
      shown++;
    }
  json_builder_end_array (b);
  if (i > 0)
    {
      g_autofree char *next = g_strdup_printf ("c%u", i);
      json_builder_set_member_name (b, "cursor");
      json_builder_add_string_value (b, next);
    }
  json_builder_end_object (b);
  respond_json (msg, 200, b);
}

static void
add_chat_message_view (FakeBluesky *self,
                       JsonBuilder *b,
                       ChatMessage *m)
{
  g_autofree char *sent = iso_time (m->sent_at);
  g_autofree char *rev = g_strdup_printf ("%010u", m->rev);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "$type");
  json_builder_add_string_value (b, "chat.bsky.convo.defs#messageView");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, m->id);
  json_builder_set_member_name (b, "rev");
  json_builder_add_string_value (b, rev);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, m->text);
  json_builder_set_member_name (b, "sender");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "did");
  json_builder_add_string_value (b, m->sender);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "sentAt");
  json_builder_add_string_value (b, sent);
  json_builder_end_object (b);
}

static ChatMessage *
add_chat (FakeBluesky *self,
          const char  *convo_id,
          const char  *sender,
          const char  *text)
{
  ChatMessage *m = g_new0 (ChatMessage, 1);

  self->clock += G_USEC_PER_SEC;
  m->rev = ++self->serial;
  m->id = g_strdup_printf ("msg%u", m->rev);
  m->convo_id = g_strdup (convo_id);
  m->sender = g_strdup (sender);
  m->text = g_strdup (text);
  m->sent_at = self->clock;
  g_ptr_array_add (self->chat, m);

  return m;
}

static void
handle_chat (FakeBluesky       *self,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query)
{
  const char *proxy = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "atproto-proxy");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (g_strcmp0 (proxy, "did:web:api.bsky.chat#bsky_chat") != 0)
    {
      respond_error (msg, 400, "InvalidRequest", "chat calls need atproto-proxy");
      return;
    }
  if (self->no_dm_access)
    {
      respond_error (msg, 400, "InvalidToken", "Bad token method");
      return;
    }

  if (g_str_has_suffix (path, "getLog"))
    {
      const char *cursor = query ? g_hash_table_lookup (query, "cursor") : NULL;
      guint after = cursor ? (guint) g_ascii_strtoull (cursor, NULL, 10) : 0;
      guint last = after;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "logs");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->chat->len; i++)
        {
          ChatMessage *m = g_ptr_array_index (self->chat, i);
          g_autofree char *rev = NULL;

          if (m->rev <= after)
            continue;
          rev = g_strdup_printf ("%010u", m->rev);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "$type");
          json_builder_add_string_value (b, "chat.bsky.convo.defs#logCreateMessage");
          json_builder_set_member_name (b, "rev");
          json_builder_add_string_value (b, rev);
          json_builder_set_member_name (b, "convoId");
          json_builder_add_string_value (b, m->convo_id);
          json_builder_set_member_name (b, "message");
          add_chat_message_view (self, b, m);
          json_builder_end_object (b);
          last = m->rev;
        }
      json_builder_end_array (b);
      if (last > 0)
        {
          g_autofree char *next = g_strdup_printf ("%010u", last);
          json_builder_set_member_name (b, "cursor");
          json_builder_add_string_value (b, next);
        }
      json_builder_end_object (b);
      respond_json (msg, 200, b);
    }
  else if (g_str_has_suffix (path, "listConvos"))
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "convos");
      json_builder_begin_array (b);
      for (guint i = 1; i < self->actors->len; i++)
        {
          Actor *actor = g_ptr_array_index (self->actors, i);
          g_autofree char *id = g_strconcat ("convo-", actor->did, NULL);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "rev");
          json_builder_add_string_value (b, "0");
          json_builder_set_member_name (b, "members");
          json_builder_begin_array (b);
          add_profile (b, g_ptr_array_index (self->actors, 0));
          add_profile (b, actor);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "muted");
          json_builder_add_boolean_value (b, FALSE);
          json_builder_set_member_name (b, "unreadCount");
          json_builder_add_int_value (b, 0);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      respond_json (msg, 200, b);
    }
  else if (g_str_has_suffix (path, "getMessages"))
    {
      const char *convo = query ? g_hash_table_lookup (query, "convoId") : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "messages");
      json_builder_begin_array (b);
      for (guint i = self->chat->len; i > 0; i--)
        {
          ChatMessage *m = g_ptr_array_index (self->chat, i - 1);
          if (g_strcmp0 (m->convo_id, convo) == 0)
            add_chat_message_view (self, b, m);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      respond_json (msg, 200, b);
    }
  else if (g_str_has_suffix (path, "sendMessage"))
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *input = request_object (msg, &node);
      JsonObject *message = input && json_object_has_member (input, "message")
                              ? json_object_get_object_member (input, "message") : NULL;
      const char *convo = str (input, "convoId");
      ChatMessage *m;

      if (convo == NULL || str (message, "text") == NULL)
        {
          respond_error (msg, 400, "InvalidRequest", "convoId and message.text are required");
          return;
        }
      m = add_chat (self, convo, self->business_did, str (message, "text"));
      add_chat_message_view (self, b, m);
      respond_json (msg, 200, b);
    }
  else if (g_str_has_suffix (path, "updateRead"))
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "convo");
      json_builder_begin_object (b);
      json_builder_end_object (b);
      json_builder_end_object (b);
      respond_json (msg, 200, b);
    }
  else
    respond_error (msg, 501, "MethodNotImplemented", path);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeBluesky *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  FakeBlueskyFault fault;
  gboolean authed;

  g_mutex_lock (&self->mutex);

  self->requests++;
  g_ptr_array_add (self->log, g_strdup_printf ("%s %s", method, path));
  fault = self->fault;

  if (self->kill_pid > 0 && g_str_has_suffix (path, self->kill_path) && --self->kill_countdown == 0)
    {
      if (!self->kill_after)
        {
          kill (self->kill_pid, SIGKILL);
          self->kill_pid = 0;
          soup_server_message_set_status (msg, 503, NULL);
          goto out;
        }
    }

  if (fault == FAKE_BLUESKY_FAULT_SERVER_ERROR)
    {
      self->fault = FAKE_BLUESKY_FAULT_NONE;
      respond_error (msg, 502, "UpstreamFailure", "try again");
      goto out;
    }
  if (fault == FAKE_BLUESKY_FAULT_RATE_LIMIT)
    {
      g_autofree char *reset = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + 30);

      self->fault = FAKE_BLUESKY_FAULT_NONE;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "RateLimit-Limit", "3000");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "RateLimit-Remaining", "0");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "RateLimit-Reset", reset);
      respond_error (msg, 429, "RateLimitExceeded", "Rate Limit Exceeded");
      goto out;
    }
  if (fault == FAKE_BLUESKY_FAULT_MALFORMED && g_str_has_suffix (path, "listNotifications"))
    {
      self->fault = FAKE_BLUESKY_FAULT_NONE;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"notifications\": [{\"uri\": \"at://x", 34);
      goto out;
    }

  if (g_str_equal (path, "/xrpc/com.atproto.server.createSession"))
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *input = request_object (msg, &node);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (g_strcmp0 (str (input, "password"), self->password) != 0 ||
          (g_strcmp0 (str (input, "identifier"), self->business_handle) != 0 &&
           g_strcmp0 (str (input, "identifier"), self->business_did) != 0))
        {
          respond_error (msg, 401, "AuthenticationRequired", "Invalid identifier or password");
          goto out;
        }
      issue_tokens (self, b);
      respond_json (msg, 200, b);
      goto out;
    }

  if (g_str_equal (path, "/xrpc/com.atproto.server.refreshSession"))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (fault == FAKE_BLUESKY_FAULT_REVOKE || !has_bearer (msg, self->refresh_token))
        {
          respond_error (msg, 400, "ExpiredToken", "Token has been revoked");
          goto out;
        }
      issue_tokens (self, b);
      respond_json (msg, 200, b);
      goto out;
    }

  if (g_str_equal (path, "/xrpc/com.atproto.identity.resolveHandle"))
    {
      Actor *actor = find_actor (self, query ? g_hash_table_lookup (query, "handle") : NULL);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (actor == NULL)
        {
          respond_error (msg, 400, "InvalidRequest", "Unable to resolve handle");
          goto out;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "did");
      json_builder_add_string_value (b, actor->did);
      json_builder_end_object (b);
      respond_json (msg, 200, b);
      goto out;
    }

  /* Everything else needs the access token. */
  if (fault == FAKE_BLUESKY_FAULT_EXPIRE_ACCESS)
    {
      self->fault = FAKE_BLUESKY_FAULT_NONE;
      g_clear_pointer (&self->access_token, g_free);
    }
  if (fault == FAKE_BLUESKY_FAULT_REVOKE)
    g_clear_pointer (&self->access_token, g_free);

  authed = has_bearer (msg, self->access_token);
  if (!authed)
    {
      respond_error (msg, 400, "ExpiredToken", "Token has expired");
      goto out;
    }

  if (g_str_has_prefix (path, "/xrpc/chat.bsky.convo."))
    handle_chat (self, msg, path, query);
  else if (g_str_equal (path, "/xrpc/app.bsky.notification.listNotifications"))
    handle_list_notifications (self, msg, query);
  else if (g_str_equal (path, "/xrpc/com.atproto.repo.createRecord") && g_str_equal (method, "POST"))
    {
      gboolean drop = fault == FAKE_BLUESKY_FAULT_DROP_AFTER_CREATE;
      if (drop)
        self->fault = FAKE_BLUESKY_FAULT_NONE;
      handle_create_record (self, msg, drop);
    }
  else if (g_str_equal (path, "/xrpc/com.atproto.repo.getRecord"))
    {
      g_autofree char *uri = g_strdup_printf ("at://%s/%s/%s",
                                              (char *) g_hash_table_lookup (query, "repo"),
                                              (char *) g_hash_table_lookup (query, "collection"),
                                              (char *) g_hash_table_lookup (query, "rkey"));
      Post *post = find_post (self, uri);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (post == NULL)
        {
          respond_error (msg, 400, "RecordNotFound", "Could not locate record");
          goto out;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, post->uri);
      json_builder_set_member_name (b, "cid");
      json_builder_add_string_value (b, post->cid);
      json_builder_set_member_name (b, "value");
      add_record (b, post);
      json_builder_end_object (b);
      respond_json (msg, 200, b);
    }
  else if (g_str_equal (path, "/xrpc/app.bsky.feed.getPostThread"))
    {
      Post *post = find_post (self, query ? g_hash_table_lookup (query, "uri") : NULL);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (post == NULL)
        {
          respond_error (msg, 400, "NotFound", "Post not found");
          goto out;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "thread");
      add_thread (self, b, post);
      json_builder_end_object (b);
      respond_json (msg, 200, b);
    }
  else
    respond_error (msg, 501, "MethodNotImplemented", path);

out:
  if (self->kill_pid > 0 && self->kill_after && self->kill_countdown == 0)
    {
      /* The request had its effect; the client dies before it reads the answer. */
      kill (self->kill_pid, SIGKILL);
      self->kill_pid = 0;
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * fake_bluesky_kill_on:
 * @pid: the process to kill with SIGKILL
 * @path_suffix: which requests to count, e.g. "listNotifications"
 * @nth: kill at the nth such request
 * @after: %TRUE: after the request took effect (a record is created), before the answer;
 *   %FALSE: before it takes effect
 */
void
fake_bluesky_kill_on (FakeBluesky *self,
                      GPid         pid,
                      const char  *path_suffix,
                      guint        nth,
                      gboolean     after)
{
  g_mutex_lock (&self->mutex);
  self->kill_pid = pid;
  g_free (self->kill_path);
  self->kill_path = g_strdup (path_suffix);
  self->kill_countdown = nth;
  self->kill_after = after;
  g_mutex_unlock (&self->mutex);
}

FakeBluesky *
fake_bluesky_new (const char *business_handle,
                  const char *password)
{
  FakeBluesky *self = g_new0 (FakeBluesky, 1);
  Actor *business;

  g_mutex_init (&self->mutex);
  self->actors = g_ptr_array_new_with_free_func ((GDestroyNotify) actor_free);
  self->posts = g_ptr_array_new_with_free_func ((GDestroyNotify) post_free);
  self->posts_by_uri = g_hash_table_new (g_str_hash, g_str_equal);
  self->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->chat = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_message_free);
  self->business_handle = g_strdup (business_handle);
  self->business_did = g_strdup ("did:plc:business0000000000000");
  self->password = g_strdup (password);
  self->clock = (gint64) 1763800000 * G_USEC_PER_SEC;

  business = g_new0 (Actor, 1);
  business->did = g_strdup (self->business_did);
  business->handle = g_strdup (business_handle);
  business->display_name = g_strdup ("The Shop");
  g_ptr_array_add (self->actors, business);

  self->server_thread = fake_server_thread_new ("fake-bluesky", server_callback, NULL, self);
  self->context = fake_server_thread_get_context (self->server_thread);
  self->url = fake_server_thread_get_url (self->server_thread);

  return self;
}

void
fake_bluesky_free (FakeBluesky *self)
{
  g_clear_pointer (&self->server_thread, fake_server_thread_free);
  g_ptr_array_unref (self->actors);
  g_hash_table_unref (self->posts_by_uri);
  g_hash_table_unref (self->children);
  g_ptr_array_unref (self->posts);
  g_ptr_array_unref (self->notifications);
  g_ptr_array_unref (self->log);
  g_ptr_array_unref (self->chat);
  g_free (self->business_did);
  g_free (self->business_handle);
  g_free (self->password);
  g_free (self->access_token);
  g_free (self->refresh_token);
  g_free (self->kill_path);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

const char *
fake_bluesky_get_url (FakeBluesky *self)
{
  return self->url;
}

const char *
fake_bluesky_get_business_did (FakeBluesky *self)
{
  return self->business_did;
}

const char *
fake_bluesky_add_customer (FakeBluesky *self,
                           const char  *handle,
                           const char  *display_name)
{
  Actor *actor = g_new0 (Actor, 1);

  g_mutex_lock (&self->mutex);
  actor->did = g_strdup_printf ("did:plc:customer%06u", self->actors->len);
  actor->handle = g_strdup (handle);
  actor->display_name = g_strdup (display_name);
  g_ptr_array_add (self->actors, actor);
  g_mutex_unlock (&self->mutex);

  return actor->did;
}

/**
 * fake_bluesky_post:
 * @author_did: who posts
 * @parent_uri: (nullable): the post answered, or %NULL for a new thread
 * @reason: (nullable): the notification the business gets ("mention", "reply", "quote"), or %NULL
 *
 * Returns: (transfer none): the new post's uri
 */
const char *
fake_bluesky_post (FakeBluesky *self,
                   const char  *author_did,
                   const char  *parent_uri,
                   const char  *text,
                   const char  *reason)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *created = NULL;
  Post *post = g_new0 (Post, 1);
  Post *parent;

  g_mutex_lock (&self->mutex);

  parent = parent_uri ? find_post (self, parent_uri) : NULL;
  self->clock += G_USEC_PER_SEC;
  post->serial = ++self->serial;
  post->uri = g_strdup_printf ("at://%s/app.bsky.feed.post/3fake%06u", author_did, post->serial);
  post->cid = g_strdup_printf ("bafy%u", post->serial);
  post->author_did = g_strdup (author_did);
  post->text = g_strdup (text);
  post->indexed_at = self->clock;
  if (parent != NULL)
    {
      post->parent_uri = g_strdup (parent->uri);
      post->parent_cid = g_strdup (parent->cid);
      post->root_uri = g_strdup (parent->root_uri ? parent->root_uri : parent->uri);
      post->root_cid = g_strdup (parent->root_cid ? parent->root_cid : parent->cid);
    }

  created = iso_time (post->indexed_at);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "$type");
  json_builder_add_string_value (b, "app.bsky.feed.post");
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_string_value (b, created);
  if (parent != NULL)
    {
      json_builder_set_member_name (b, "reply");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "root");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, post->root_uri);
      json_builder_set_member_name (b, "cid");
      json_builder_add_string_value (b, post->root_cid);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "parent");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "uri");
      json_builder_add_string_value (b, post->parent_uri);
      json_builder_set_member_name (b, "cid");
      json_builder_add_string_value (b, post->parent_cid);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  post->record_json = json_to_string (root, FALSE);

  g_ptr_array_add (self->posts, post);
  index_post (self, post);

  if (reason != NULL)
    {
      Notification *n = g_new0 (Notification, 1);

      n->post = post;
      n->reason = g_strdup (reason);
      n->serial = post->serial;
      g_ptr_array_add (self->notifications, n);
    }

  g_mutex_unlock (&self->mutex);

  return post->uri;
}

void
fake_bluesky_set_fault (FakeBluesky      *self,
                        FakeBlueskyFault  fault)
{
  g_mutex_lock (&self->mutex);
  self->fault = fault;
  g_mutex_unlock (&self->mutex);
}

guint
fake_bluesky_count_posts_by (FakeBluesky *self,
                             const char  *did,
                             const char  *parent_uri)
{
  guint count = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->posts->len; i++)
    {
      Post *post = g_ptr_array_index (self->posts, i);
      if (g_strcmp0 (post->author_did, did) == 0 &&
          (parent_uri == NULL || g_strcmp0 (post->parent_uri, parent_uri) == 0))
        count++;
    }
  g_mutex_unlock (&self->mutex);

  return count;
}

/**
 * fake_bluesky_dup_last_record:
 *
 * Returns: (transfer full): the JSON record of the newest post by @did
 */
char *
fake_bluesky_dup_last_record (FakeBluesky *self,
                              const char  *did)
{
  char *ret = NULL;

  g_mutex_lock (&self->mutex);
  for (guint i = self->posts->len; i > 0; i--)
    {
      Post *post = g_ptr_array_index (self->posts, i - 1);
      if (g_strcmp0 (post->author_did, did) == 0)
        {
          ret = g_strdup (post->record_json);
          break;
        }
    }
  g_mutex_unlock (&self->mutex);

  return ret;
}

guint
fake_bluesky_get_requests (FakeBluesky *self)
{
  guint ret;

  g_mutex_lock (&self->mutex);
  ret = self->requests;
  g_mutex_unlock (&self->mutex);

  return ret;
}

guint
fake_bluesky_count_requests (FakeBluesky *self,
                             const char  *suffix)
{
  guint count = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->log->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (self->log, i), suffix))
      count++;
  g_mutex_unlock (&self->mutex);

  return count;
}

char *
fake_bluesky_dup_refresh_token (FakeBluesky *self)
{
  char *ret;

  g_mutex_lock (&self->mutex);
  ret = g_strdup (self->refresh_token);
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * fake_bluesky_send_dm:
 * @customer_did: who writes to the business
 *
 * Returns: (transfer none): the conversation's id
 */
const char *
fake_bluesky_send_dm (FakeBluesky *self,
                      const char  *customer_did,
                      const char  *text)
{
  ChatMessage *m;

  g_mutex_lock (&self->mutex);
  {
    g_autofree char *convo = g_strconcat ("convo-", customer_did, NULL);
    m = add_chat (self, convo, customer_did, text);
  }
  g_mutex_unlock (&self->mutex);

  return m->convo_id;
}

guint
fake_bluesky_count_dms_by (FakeBluesky *self,
                           const char  *did)
{
  guint count = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->chat->len; i++)
    if (g_strcmp0 (((ChatMessage *) g_ptr_array_index (self->chat, i))->sender, did) == 0)
      count++;
  g_mutex_unlock (&self->mutex);

  return count;
}

void
fake_bluesky_set_dm_access (FakeBluesky *self,
                            gboolean     allowed)
{
  g_mutex_lock (&self->mutex);
  self->no_dm_access = !allowed;
  g_mutex_unlock (&self->mutex);
}
