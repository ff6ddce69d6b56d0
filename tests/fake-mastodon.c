/* fake-mastodon.c: a stateful fake of a Mastodon server, on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers as Mastodon's client API does (../shared/specs/mastodon-openapi.schema.json) for the
 * calls Frontdesk makes: apps, OAuth authorize and token (with a PKCE S256 check),
 * verify_credentials, the instance description (v2 and v1; only v1 as before Mastodon 4.0, or
 * v1 with Pleroma's max_toot_chars; or a body the test chooses, malformed), notifications
 * (newest first, types[], include_filtered, min_id/max_id/since_id and the Link header),
 * statuses and their context, posting with Idempotency-Key replay, favourites and an
 * account's statuses. The instance description is never hit by a fault. Ids are serial numbers whose
 * length changes (98, 99, 100, …), so a client that compares them as strings goes wrong. The
 * streaming API (server-sent events on /api/v1/streaming) pushes each new notification. It
 * runs in a thread of its own: the provider under test blocks on its requests.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "fake-mastodon.h"
#include "fake-server-thread.h"

static void on_stop (gpointer data);

typedef struct
{
  char *id;
  char *acct;
  char *display_name;
} Account;

typedef struct
{
  char    *id;
  guint64  serial;
  Account *account;
  char    *in_reply_to_id;
  char    *visibility;
  char    *content;
  char    *idempotency_key;
  gint64   created_at;
} Status;

typedef struct
{
  char    *id;
  guint64  serial;
  char    *type;
  Status  *status;
  gboolean filtered;
} Notification;

struct _FakeMastodon
{
  GMutex        mutex;
  FakeServerThread *server_thread;
  GMainContext *context;         /* the server thread's, borrowed */
  const char   *url;             /* borrowed */

  Account      *business;
  GPtrArray    *accounts;       /* Account */
  GPtrArray    *statuses;       /* Status, oldest first */
  GPtrArray    *notifications;  /* Notification, oldest first */
  guint64       serial;
  gint64        clock;

  char         *client_id;
  char         *client_secret;
  GPtrArray    *redirect_uris;
  GHashTable   *codes;          /* code → "challenge\nredirect_uri" */
  char         *last_code;
  char         *token;
  gboolean      approve;
  guint         max_characters;
  guint         chars_per_url;
  FakeMastodonInstance instance_api;
  char         *instance_body;  /* the instance description as is, or NULL: made up */
  guint         favourites;
  guint         reblogs;
  char         *last_request;   /* the body of the last POST /api/v1/statuses */

  FakeMastodonFault fault;
  GPid          kill_pid;
  char         *kill_path;
  guint         kill_countdown;
  gboolean      kill_after;
  GPtrArray    *log;
  GPtrArray    *streams;        /* SoupServerMessage held open on /api/v1/streaming */
};

static void
account_free (Account *account)
{
  g_free (account->id);
  g_free (account->acct);
  g_free (account->display_name);
  g_free (account);
}

static void
status_free (Status *status)
{
  g_free (status->id);
  g_free (status->in_reply_to_id);
  g_free (status->visibility);
  g_free (status->content);
  g_free (status->idempotency_key);
  g_free (status);
}

static void
notification_free (Notification *notification)
{
  g_free (notification->id);
  g_free (notification->type);
  g_free (notification);
}

static char *
next_id (FakeMastodon *self,
         guint64      *serial)
{
  *serial = ++self->serial;
  return g_strdup_printf ("%" G_GUINT64_FORMAT, *serial);
}

static char *
iso_time (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");
}

static Status *
find_status (FakeMastodon *self,
             const char   *id)
{
  for (guint i = 0; id != NULL && i < self->statuses->len; i++)
    {
      Status *status = g_ptr_array_index (self->statuses, i);

      if (g_str_equal (status->id, id))
        return status;
    }

  return NULL;
}

static void
add_account (JsonBuilder *b,
             Account     *account)
{
  const char *at = strchr (account->acct, '@');
  g_autofree char *username = at ? g_strndup (account->acct, at - account->acct) : g_strdup (account->acct);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, account->id);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, username);
  json_builder_set_member_name (b, "acct");
  json_builder_add_string_value (b, account->acct);
  json_builder_set_member_name (b, "display_name");
  json_builder_add_string_value (b, account->display_name);
  json_builder_set_member_name (b, "avatar");
  json_builder_add_string_value (b, "https://files.example/avatar.png");
  json_builder_end_object (b);
}

static void
add_status (JsonBuilder *b,
            Status      *status)
{
  g_autofree char *created = iso_time (status->created_at);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, status->id);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "in_reply_to_id");
  if (status->in_reply_to_id)
    json_builder_add_string_value (b, status->in_reply_to_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "visibility");
  json_builder_add_string_value (b, status->visibility);
  json_builder_set_member_name (b, "spoiler_text");
  json_builder_add_string_value (b, "");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, status->content);
  json_builder_set_member_name (b, "account");
  add_account (b, status->account);
  json_builder_set_member_name (b, "mentions");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
respond_builder (SoupServerMessage *msg,
                 guint              status,
                 JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_end_object (b);
  respond_builder (msg, status, b);
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
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *text;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  text = g_base64_encode (digest, length);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

/* OAuth */

static void
handle_apps (FakeMastodon      *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonObject *object = request_object (msg, &node);
  JsonArray *uris = object && json_object_has_member (object, "redirect_uris") &&
                    JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "redirect_uris"))
                      ? json_object_get_array_member (object, "redirect_uris") : NULL;

  if (object == NULL || member (object, "client_name") == NULL || uris == NULL ||
      g_strcmp0 (member (object, "scopes"), "read write") != 0)
    {
      respond_error (msg, 422, "Validation failed: client_name, redirect_uris (array), scopes");
      return;
    }

  g_ptr_array_set_size (self->redirect_uris, 0);
  for (guint i = 0; i < json_array_get_length (uris); i++)
    g_ptr_array_add (self->redirect_uris, g_strdup (json_array_get_string_element (uris, i)));

  g_free (self->client_id);
  g_free (self->client_secret);
  self->client_id = g_strdup_printf ("client-%08x", g_random_int ());
  self->client_secret = g_strdup_printf ("secret-%08x%08x", g_random_int (), g_random_int ());

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "1");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, member (object, "client_name"));
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, self->client_id);
  json_builder_set_member_name (b, "client_secret");
  json_builder_add_string_value (b, self->client_secret);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static gboolean
redirect_registered (FakeMastodon *self,
                     const char   *uri)
{
  for (guint i = 0; uri != NULL && i < self->redirect_uris->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->redirect_uris, i), uri))
        return TRUE;
    }
  return FALSE;
}

static void
handle_authorize (FakeMastodon      *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *challenge = query ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *method = query ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  g_autofree char *code = NULL;
  g_autoptr(GString) location = NULL;

  if (g_strcmp0 (client_id, self->client_id) != 0 || !redirect_registered (self, redirect) ||
      g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      (challenge != NULL && g_strcmp0 (method, "S256") != 0))
    {
      respond_error (msg, 400, "invalid_request");
      return;
    }

  if (!self->approve)
    {
      soup_server_message_set_status (msg, 403, NULL);
      return;
    }

  code = g_strdup_printf ("code-%08x", g_random_int ());
  g_hash_table_replace (self->codes, g_strdup (code),
                        g_strdup_printf ("%s\n%s", challenge ? challenge : "", redirect));
  g_free (self->last_code);
  self->last_code = g_strdup (code);

  if (g_str_equal (redirect, "urn:ietf:wg:oauth:2.0:oob"))
    {
      g_autofree char *page = g_strdup_printf ("<html><body><code>%s</code></body></html>", code);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, page, strlen (page));
      return;
    }

  location = g_string_new (redirect);
  g_string_append (location, "?code=");
  g_string_append_uri_escaped (location, code, NULL, TRUE);
  if (state != NULL)
    {
      g_string_append (location, "&state=");
      g_string_append_uri_escaped (location, state, NULL, TRUE);
    }
  soup_server_message_set_redirect (msg, 302, location->str);
}

static void
handle_token (FakeMastodon      *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonObject *object = request_object (msg, &node);
  const char *code = member (object, "code");
  const char *grant = code ? g_hash_table_lookup (self->codes, code) : NULL;
  g_auto(GStrv) parts = grant ? g_strsplit (grant, "\n", 2) : NULL;

  if (object == NULL || g_strcmp0 (member (object, "grant_type"), "authorization_code") != 0 ||
      g_strcmp0 (member (object, "client_id"), self->client_id) != 0 ||
      g_strcmp0 (member (object, "client_secret"), self->client_secret) != 0 || parts == NULL ||
      g_strcmp0 (member (object, "redirect_uri"), parts[1]) != 0)
    {
      respond_error (msg, 400, "invalid_grant");
      return;
    }

  /* PKCE: the verifier must hash to the challenge the authorization request carried. */
  if (parts[0][0] != '\0')
    {
      g_autofree char *hashed = member (object, "code_verifier")
                                  ? s256 (member (object, "code_verifier")) : NULL;

      if (g_strcmp0 (hashed, parts[0]) != 0)
        {
          respond_error (msg, 400, "invalid_grant");
          return;
        }
    }

  g_hash_table_remove (self->codes, code);  /* single use */
  g_free (self->token);
  self->token = g_strdup_printf ("mastodon-token-%08x%08x", g_random_int (), g_random_int ());

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, self->token);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, "read write");
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

/* The API */

static void
set_link (FakeMastodon      *self,
          SoupServerMessage *msg,
          const char        *newest,
          const char        *oldest)
{
  g_autofree char *link = g_strdup_printf ("<%s/api/v1/notifications?max_id=%s>; rel=\"next\", "
                                           "<%s/api/v1/notifications?min_id=%s>; rel=\"prev\"",
                                           self->url, oldest, self->url, newest);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
}

static void
handle_notifications (FakeMastodon      *self,
                      SoupServerMessage *msg,
                      GHashTable        *query)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  const char *types = query ? g_hash_table_lookup (query, "types[]") : NULL;
  const char *min_id = query ? g_hash_table_lookup (query, "min_id") : NULL;
  const char *max_id = query ? g_hash_table_lookup (query, "max_id") : NULL;
  const char *since_id = query ? g_hash_table_lookup (query, "since_id") : NULL;
  const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  gboolean include_filtered = g_strcmp0 (query ? g_hash_table_lookup (query, "include_filtered") : NULL, "true") == 0;
  guint limit = limit_text ? CLAMP (atoi (limit_text), 1, 80) : 40;
  guint64 min = min_id ? g_ascii_strtoull (min_id, NULL, 10) : 0;
  guint64 max = max_id ? g_ascii_strtoull (max_id, NULL, 10) : G_MAXUINT64;
  guint64 since = since_id ? g_ascii_strtoull (since_id, NULL, 10) : 0;

  if (min_id != NULL)
    {
      /* The page right after min_id: walk up from the oldest. */
      for (guint i = 0; i < self->notifications->len && page->len < limit; i++)
        {
          Notification *n = g_ptr_array_index (self->notifications, i);

          if (n->serial <= min || n->serial >= max || (types && g_strcmp0 (types, n->type) != 0) ||
              (n->filtered && !include_filtered))
            continue;
          g_ptr_array_insert (page, 0, n);
        }
    }
  else
    {
      for (guint i = self->notifications->len; i > 0 && page->len < limit; i--)
        {
          Notification *n = g_ptr_array_index (self->notifications, i - 1);

          if (n->serial >= max || n->serial <= since || (types && g_strcmp0 (types, n->type) != 0) ||
              (n->filtered && !include_filtered))
            continue;
          g_ptr_array_add (page, n);
        }
    }

  json_builder_begin_array (b);
  for (guint i = 0; i < page->len; i++)
    {
      Notification *n = g_ptr_array_index (page, i);
      g_autofree char *created = iso_time (n->status->created_at);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, n->id);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, n->type);
      json_builder_set_member_name (b, "created_at");
      json_builder_add_string_value (b, created);
      json_builder_set_member_name (b, "account");
      add_account (b, n->status->account);
      json_builder_set_member_name (b, "status");
      add_status (b, n->status);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (page->len > 0)
    set_link (self, msg, ((Notification *) page->pdata[0])->id,
              ((Notification *) page->pdata[page->len - 1])->id);
  respond_builder (msg, 200, b);
}

static void
handle_context (FakeMastodon      *self,
                SoupServerMessage *msg,
                Status            *status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) ancestors = g_ptr_array_new ();
  Status *parent = find_status (self, status->in_reply_to_id);

  for (; parent != NULL; parent = find_status (self, parent->in_reply_to_id))
    g_ptr_array_insert (ancestors, 0, parent);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ancestors");
  json_builder_begin_array (b);
  for (guint i = 0; i < ancestors->len; i++)
    add_status (b, g_ptr_array_index (ancestors, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "descendants");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->statuses->len; i++)
    {
      Status *candidate = g_ptr_array_index (self->statuses, i);

      for (parent = find_status (self, candidate->in_reply_to_id); parent != NULL;
           parent = find_status (self, parent->in_reply_to_id))
        {
          if (parent == status)
            {
              add_status (b, candidate);
              break;
            }
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static Status *
create_status (FakeMastodon *self,
               Account      *author,
               const char   *in_reply_to_id,
               const char   *visibility,
               const char   *content)
{
  Status *status = g_new0 (Status, 1);

  status->id = next_id (self, &status->serial);
  status->account = author;
  status->in_reply_to_id = g_strdup (in_reply_to_id);
  status->visibility = g_strdup (visibility);
  status->content = g_strdup (content);
  self->clock += G_USEC_PER_SEC;
  status->created_at = self->clock;
  g_ptr_array_add (self->statuses, status);

  return status;
}

static void
handle_post_status (FakeMastodon      *self,
                    SoupServerMessage *msg,
                    FakeMastodonFault  fault)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonObject *object = request_object (msg, &node);
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");
  const char *text = member (object, "status");
  const char *visibility = member (object, "visibility");
  g_autofree char *escaped = NULL;
  g_autofree char *content = NULL;
  Status *status = NULL;

  if (text == NULL || text[0] == '\0')
    {
      respond_error (msg, 422, "Validation failed: Text can't be blank");
      return;
    }

  /* The same key: the same status, not a second one. */
  for (guint i = 0; key != NULL && i < self->statuses->len; i++)
    {
      Status *candidate = g_ptr_array_index (self->statuses, i);

      if (g_strcmp0 (candidate->idempotency_key, key) == 0)
        status = candidate;
    }

  if (status == NULL)
    {
      if (member (object, "in_reply_to_id") != NULL && find_status (self, member (object, "in_reply_to_id")) == NULL)
        {
          respond_error (msg, 404, "Record not found");
          return;
        }
      escaped = g_markup_escape_text (text, -1);
      content = g_strdup_printf ("<p>%s</p>", escaped);
      status = create_status (self, self->business, member (object, "in_reply_to_id"),
                              visibility ? visibility : "public", content);
      status->idempotency_key = g_strdup (key);
      g_free (self->last_request);
      self->last_request = json_to_string (node, FALSE);
    }

  if (fault == FAKE_MASTODON_FAULT_FAIL_AFTER_CREATE)
    {
      respond_error (msg, 502, "Bad Gateway");
      return;
    }

  add_status (b, status);
  respond_builder (msg, 200, b);
}

static void
handle_instance (FakeMastodon      *self,
                 SoupServerMessage *msg,
                 gboolean           v2)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (self->instance_api == FAKE_MASTODON_INSTANCE_DOWN)
    {
      respond_error (msg, 503, "Service Unavailable");
      return;
    }
  if ((v2 && self->instance_api != FAKE_MASTODON_INSTANCE_V2) ||
      self->instance_api == FAKE_MASTODON_INSTANCE_NONE)
    {
      respond_error (msg, 404, "Record not found");
      return;
    }

  if (self->instance_body != NULL)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        self->instance_body, strlen (self->instance_body));
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, v2 ? "domain" : "uri");
  json_builder_add_string_value (b, "127.0.0.1");
  if (!v2 && self->instance_api == FAKE_MASTODON_INSTANCE_LEGACY)
    {
      /* Pleroma and Mastodon forks before configuration existed */
      json_builder_set_member_name (b, "max_toot_chars");
      json_builder_add_int_value (b, self->max_characters);
    }
  else
    {
      json_builder_set_member_name (b, "configuration");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "statuses");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "max_characters");
      json_builder_add_int_value (b, self->max_characters);
      json_builder_set_member_name (b, "max_media_attachments");
      json_builder_add_int_value (b, 4);
      json_builder_set_member_name (b, "characters_reserved_per_url");
      json_builder_add_int_value (b, self->chars_per_url);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static void
handle_metadata (FakeMastodon      *self,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *authorize = g_strconcat (self->url, "/oauth/authorize", NULL);
  g_autofree char *token = g_strconcat (self->url, "/oauth/token", NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "issuer");
  json_builder_add_string_value (b, self->url);
  json_builder_set_member_name (b, "authorization_endpoint");
  json_builder_add_string_value (b, authorize);
  json_builder_set_member_name (b, "token_endpoint");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "code_challenge_methods_supported");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "S256");
  json_builder_end_array (b);
  json_builder_end_object (b);
  respond_builder (msg, 200, b);
}

static void
stream_finished (SoupServerMessage *msg,
                 gpointer           user_data)
{
  FakeMastodon *self = user_data;

  g_ptr_array_remove (self->streams, msg);
}

static void
handle_streaming (FakeMastodon      *self,
                  SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                            ":)\n", 3);
  g_signal_connect (msg, "finished", G_CALLBACK (stream_finished), self);
  g_signal_connect (msg, "disconnected", G_CALLBACK (stream_finished), self);
  g_ptr_array_add (self->streams, msg);
}

typedef struct
{
  FakeMastodon *self;
  char         *event;
} Push;

static void
push_free (Push *push)
{
  g_free (push->event);
  g_free (push);
}

static gboolean
push_in_thread (gpointer data)
{
  Push *push = data;

  for (guint i = 0; i < push->self->streams->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (push->self->streams, i);

      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY,
                                push->event, strlen (push->event));
      soup_server_message_unpause (msg);
    }

  return G_SOURCE_REMOVE;
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeMastodon *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *bearer = NULL;
  FakeMastodonFault fault;
  gboolean post = g_str_equal (method, "POST");

  g_mutex_lock (&self->mutex);

  g_ptr_array_add (self->log, g_strdup_printf ("%s %s", method, path));
  fault = self->fault;
  bearer = g_strconcat ("Bearer ", self->token ? self->token : "(none)", NULL);

  if (self->kill_pid > 0 && g_str_equal (path, self->kill_path) && --self->kill_countdown == 0 &&
      !self->kill_after)
    {
      kill (self->kill_pid, SIGKILL);
      self->kill_pid = 0;
      soup_server_message_set_status (msg, 503, NULL);
      goto out;
    }

  /* Faults are for the sync's calls: the instance description is asked for by the way. */
  if (g_str_has_prefix (path, "/api/") && !g_str_has_suffix (path, "/instance") &&
      fault != FAKE_MASTODON_FAULT_NONE &&
      fault != FAKE_MASTODON_FAULT_REVOKE && fault != FAKE_MASTODON_FAULT_FAIL_AFTER_CREATE &&
      !(fault == FAKE_MASTODON_FAULT_TRUNCATED && !g_str_equal (path, "/api/v1/notifications")))
    {
      self->fault = FAKE_MASTODON_FAULT_NONE;
      if (fault == FAKE_MASTODON_FAULT_SERVER_ERROR)
        respond_error (msg, 502, "Bad Gateway");
      else if (fault == FAKE_MASTODON_FAULT_RATE_LIMIT)
        {
          g_autofree char *reset = iso_time (g_get_real_time () + 30 * G_USEC_PER_SEC);
          SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

          soup_message_headers_replace (headers, "X-RateLimit-Limit", "300");
          soup_message_headers_replace (headers, "X-RateLimit-Remaining", "0");
          soup_message_headers_replace (headers, "X-RateLimit-Reset", reset);
          respond_error (msg, 429, "Too many requests");
        }
      else
        {
          static const char cut[] = "[{\"id\": \"1\", \"type\": \"mention\", \"status\": {\"id";

          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, cut, strlen (cut));
        }
      goto out;
    }

  if (post && g_str_equal (path, "/api/v1/apps"))
    handle_apps (self, msg);
  else if (g_str_equal (path, "/.well-known/oauth-authorization-server"))
    handle_metadata (self, msg);
  else if (g_str_equal (path, "/oauth/authorize"))
    handle_authorize (self, msg, query);
  else if (post && g_str_equal (path, "/oauth/token"))
    handle_token (self, msg);
  else if (g_str_equal (path, "/api/v2/instance") || g_str_equal (path, "/api/v1/instance"))
    handle_instance (self, msg, g_str_equal (path, "/api/v2/instance"));
  else if (self->token == NULL || fault == FAKE_MASTODON_FAULT_REVOKE || g_strcmp0 (auth, bearer) != 0)
    respond_error (msg, 401, "The access token was revoked");
  else if (g_str_equal (path, "/api/v1/accounts/verify_credentials"))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      add_account (b, self->business);
      respond_builder (msg, 200, b);
    }
  else if (g_str_equal (path, "/api/v1/notifications"))
    handle_notifications (self, msg, query);
  else if (g_str_equal (path, "/api/v1/streaming") &&
           g_strcmp0 (query ? g_hash_table_lookup (query, "stream") : NULL, "user:notification") == 0)
    handle_streaming (self, msg);
  else if (post && g_str_equal (path, "/api/v1/statuses"))
    {
      handle_post_status (self, msg, fault);
      if (fault == FAKE_MASTODON_FAULT_FAIL_AFTER_CREATE)
        self->fault = FAKE_MASTODON_FAULT_NONE;
    }
  else if (g_str_has_prefix (path, "/api/v1/statuses/"))
    {
      g_auto(GStrv) parts = g_strsplit (path + strlen ("/api/v1/statuses/"), "/", 3);
      Status *status = find_status (self, parts[0]);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (status == NULL)
        respond_error (msg, 404, "Record not found");
      else if (parts[1] == NULL)
        {
          add_status (b, status);
          respond_builder (msg, 200, b);
        }
      else if (g_str_equal (parts[1], "context"))
        handle_context (self, msg, status);
      else if (post && g_str_equal (parts[1], "favourite"))
        {
          self->favourites++;
          add_status (b, status);
          respond_builder (msg, 200, b);
        }
      else if (post && g_str_equal (parts[1], "reblog"))
        {
          /* As Mastodon: a direct or private status cannot be boosted. */
          if (g_strcmp0 (status->visibility, "direct") == 0 || g_strcmp0 (status->visibility, "private") == 0)
            respond_error (msg, 422, "Validation failed: Reblog of status is not permitted");
          else
            {
              self->reblogs++;
              add_status (b, status);
              respond_builder (msg, 200, b);
            }
        }
      else
        respond_error (msg, 404, "Record not found");
    }
  else if (g_str_has_prefix (path, "/api/v1/accounts/") && g_str_has_suffix (path, "/statuses"))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = self->statuses->len; i > 0; i--)
        {
          Status *status = g_ptr_array_index (self->statuses, i - 1);

          if (status->account == self->business)
            add_status (b, status);
        }
      json_builder_end_array (b);
      respond_builder (msg, 200, b);
    }
  else
    respond_error (msg, 404, "Record not found");

out:
  if (self->kill_pid > 0 && self->kill_after && self->kill_countdown == 0)
    {
      kill (self->kill_pid, SIGKILL);
      self->kill_pid = 0;
    }
  g_mutex_unlock (&self->mutex);
}

FakeMastodon *
fake_mastodon_new (const char *username)
{
  FakeMastodon *self = g_new0 (FakeMastodon, 1);

  g_mutex_init (&self->mutex);
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  self->statuses = g_ptr_array_new_with_free_func ((GDestroyNotify) status_free);
  self->notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
  self->redirect_uris = g_ptr_array_new_with_free_func (g_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->streams = g_ptr_array_new ();
  self->serial = 97;  /* ids grow from two digits to three */
  self->clock = (gint64) 1763800000 * G_USEC_PER_SEC;
  self->approve = TRUE;
  self->max_characters = 500;
  self->chars_per_url = 23;

  self->business = g_new0 (Account, 1);
  self->business->id = g_strdup ("1");
  self->business->acct = g_strdup (username);
  self->business->display_name = g_strdup ("The Shop");
  g_ptr_array_add (self->accounts, self->business);

  self->server_thread = fake_server_thread_new ("fake-mastodon", server_callback, on_stop, self);
  self->context = fake_server_thread_get_context (self->server_thread);
  self->url = fake_server_thread_get_url (self->server_thread);

  return self;
}

/* In the server's thread, before it stops. */
static void
on_stop (gpointer data)
{
  FakeMastodon *self = data;

  g_ptr_array_set_size (self->streams, 0);
}

void
fake_mastodon_free (FakeMastodon *self)
{
  g_clear_pointer (&self->server_thread, fake_server_thread_free);
  g_ptr_array_unref (self->notifications);
  g_ptr_array_unref (self->statuses);
  g_ptr_array_unref (self->accounts);
  g_ptr_array_unref (self->redirect_uris);
  g_ptr_array_unref (self->log);
  g_ptr_array_unref (self->streams);
  g_hash_table_unref (self->codes);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->last_code);
  g_free (self->token);
  g_free (self->last_request);
  g_free (self->instance_body);
  g_free (self->kill_path);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

const char *
fake_mastodon_get_url (FakeMastodon *self)
{
  return self->url;
}

const char *
fake_mastodon_get_business_id (FakeMastodon *self)
{
  return self->business->id;
}

const char *
fake_mastodon_add_customer (FakeMastodon *self,
                            const char   *acct,
                            const char   *display_name)
{
  Account *account = g_new0 (Account, 1);

  g_mutex_lock (&self->mutex);
  account->id = g_strdup_printf ("10%u", self->accounts->len);
  account->acct = g_strdup (acct);
  account->display_name = g_strdup (display_name);
  g_ptr_array_add (self->accounts, account);
  g_mutex_unlock (&self->mutex);

  return account->id;
}

const char *
fake_mastodon_post (FakeMastodon       *self,
                    const char         *author_id,
                    const char         *in_reply_to_id,
                    const char         *visibility,
                    const char         *content_html,
                    FakeMastodonNotify  notify)
{
  Account *author = NULL;
  Status *status;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->accounts->len; i++)
    {
      Account *account = g_ptr_array_index (self->accounts, i);

      if (g_str_equal (account->id, author_id))
        author = account;
    }
  g_assert (author != NULL);

  status = create_status (self, author, in_reply_to_id, visibility, content_html);

  if (notify != FAKE_MASTODON_NOTIFY_NONE)
    {
      Notification *notification = g_new0 (Notification, 1);

      notification->id = next_id (self, &notification->serial);
      notification->type = g_strdup (notify == FAKE_MASTODON_NOTIFY_FAVOURITE ? "favourite" : "mention");
      notification->status = status;
      notification->filtered = notify == FAKE_MASTODON_NOTIFY_FILTERED;
      g_ptr_array_add (self->notifications, notification);

      if (!notification->filtered)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;
          g_autofree char *json = NULL;
          Push *push = g_new0 (Push, 1);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, notification->id);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, notification->type);
          json_builder_set_member_name (b, "status");
          add_status (b, status);
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          json = json_to_string (root, FALSE);

          push->self = self;
          push->event = g_strdup_printf ("event: notification\ndata: %s\n\n", json);
          g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, push_in_thread, push,
                                      (GDestroyNotify) push_free);
        }
    }
  g_mutex_unlock (&self->mutex);

  return status->id;
}

void
fake_mastodon_set_fault (FakeMastodon      *self,
                         FakeMastodonFault  fault)
{
  g_mutex_lock (&self->mutex);
  self->fault = fault;
  g_mutex_unlock (&self->mutex);
}

void
fake_mastodon_set_approve (FakeMastodon *self,
                           gboolean      approve)
{
  g_mutex_lock (&self->mutex);
  self->approve = approve;
  g_mutex_unlock (&self->mutex);
}

void
fake_mastodon_set_max_characters (FakeMastodon *self,
                                  guint         max_characters)
{
  g_mutex_lock (&self->mutex);
  self->max_characters = max_characters;
  g_mutex_unlock (&self->mutex);
}

/* What the instance description announces: the longest status and what each link counts */
void
fake_mastodon_set_limits (FakeMastodon *self,
                          guint         max_characters,
                          guint         chars_per_url)
{
  g_mutex_lock (&self->mutex);
  self->max_characters = max_characters;
  self->chars_per_url = chars_per_url;
  g_mutex_unlock (&self->mutex);
}

/* Which instance API the server has: v2 (Mastodon 4), only v1, v1 with max_toot_chars, none,
 * or whether both fail for now */
void
fake_mastodon_set_instance_api (FakeMastodon         *self,
                                FakeMastodonInstance  api)
{
  g_mutex_lock (&self->mutex);
  self->instance_api = api;
  g_mutex_unlock (&self->mutex);
}

/* @body: (nullable): the instance description as it is sent (200), however malformed; NULL
 *   goes back to a well-formed one */
void
fake_mastodon_set_instance_body (FakeMastodon *self,
                                 const char   *body)
{
  g_mutex_lock (&self->mutex);
  g_free (self->instance_body);
  self->instance_body = g_strdup (body);
  g_mutex_unlock (&self->mutex);
}

char *
fake_mastodon_dup_token (FakeMastodon *self)
{
  char *token;

  g_mutex_lock (&self->mutex);
  token = g_strdup (self->token);
  g_mutex_unlock (&self->mutex);
  return token;
}

char *
fake_mastodon_dup_last_code (FakeMastodon *self)
{
  char *code;

  g_mutex_lock (&self->mutex);
  code = g_strdup (self->last_code);
  g_mutex_unlock (&self->mutex);
  return code;
}

guint
fake_mastodon_count_statuses_by (FakeMastodon *self,
                                 const char   *account_id,
                                 const char   *in_reply_to_id)
{
  guint count = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->statuses->len; i++)
    {
      Status *status = g_ptr_array_index (self->statuses, i);

      if (g_str_equal (status->account->id, account_id) &&
          (in_reply_to_id == NULL || g_strcmp0 (status->in_reply_to_id, in_reply_to_id) == 0))
        count++;
    }
  g_mutex_unlock (&self->mutex);
  return count;
}

char *
fake_mastodon_dup_last_request (FakeMastodon *self)
{
  char *text;

  g_mutex_lock (&self->mutex);
  text = g_strdup (self->last_request);
  g_mutex_unlock (&self->mutex);
  return text;
}

char *
fake_mastodon_dup_last_visibility (FakeMastodon *self)
{
  char *text = NULL;

  g_mutex_lock (&self->mutex);
  if (self->statuses->len > 0)
    text = g_strdup (((Status *) g_ptr_array_index (self->statuses, self->statuses->len - 1))->visibility);
  g_mutex_unlock (&self->mutex);
  return text;
}

guint
fake_mastodon_count_favourites (FakeMastodon *self)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = self->favourites;
  g_mutex_unlock (&self->mutex);
  return count;
}

guint
fake_mastodon_count_requests (FakeMastodon *self,
                              const char   *prefix)
{
  guint count = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->log->len; i++)
    {
      if (g_str_has_prefix (g_ptr_array_index (self->log, i), prefix))
        count++;
    }
  g_mutex_unlock (&self->mutex);
  return count;
}

/**
 * fake_mastodon_kill_on:
 * @path: which requests to count, e.g. "/api/v1/notifications"
 * @after: %TRUE: after the request took effect, before the answer; %FALSE: before
 */
void
fake_mastodon_kill_on (FakeMastodon *self,
                       GPid          pid,
                       const char   *path,
                       guint         nth,
                       gboolean      after)
{
  g_mutex_lock (&self->mutex);
  self->kill_pid = pid;
  g_free (self->kill_path);
  self->kill_path = g_strdup (path);
  self->kill_countdown = nth;
  self->kill_after = after;
  g_mutex_unlock (&self->mutex);
}

guint
fake_mastodon_count_reblogs (FakeMastodon *self)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = self->reblogs;
  g_mutex_unlock (&self->mutex);

  return count;
}
