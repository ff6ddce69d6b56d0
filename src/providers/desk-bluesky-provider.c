/* desk-bluesky-provider.c: Bluesky (AT Protocol) through the account's PDS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sign-in: com.atproto.server.createSession once, with the handle (or DID) and an app
 * password; the app password is not kept. The access and refresh JWTs live in the keyring and
 * are stored again at every refreshSession (the refresh token rotates).
 *
 * Notifications (mention, reply, quote) come newest first, each page older than the last.
 * The cursor we store says how far a pass got, so a pass cut short resumes where it stopped
 * instead of leaving a hole:
 *   {"top": T}                          everything up to indexedAt T is stored;
 *   {"top": T, "pending": P, "next": C} a pass is walking down from P towards T; C is the
 *                                       network's cursor for the next older page.
 *
 * Replies: com.atproto.repo.createRecord with a record key derived from the outbox entry (a
 * TID made of the time the user pressed Send and a clock id from the idempotency key). A retry
 * of the same reply asks for the same key: the PDS refuses a second record under it, and
 * getRecord tells whether the first attempt landed.
 */
#define G_LOG_DOMAIN "desk-bluesky"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-bluesky-provider.h"
#include "desk-credentials.h"
#include "desk-http.h"
#include "desk-text.h"

#define BLUESKY_MAX_GRAPHEMES 300
#define BLUESKY_MAX_BYTES     3000
#define PAGE_LIMIT            "50"
#define MAX_THREAD_POSTS      500
#define MAX_THREAD_DEPTH      30
#define CHAT_PROXY            "did:web:api.bsky.chat#bsky_chat"

struct _DeskBlueskyProvider
{
  GObject      parent_instance;

  gint64       account_id;
  char        *chat_proxy;
  GHashTable  *profiles;     /* DID → JSON of a chat profile, from getLog and listConvos */
  gboolean     no_dm_access;
  char        *pds_url;
  char        *did;
  char        *handle;
  char        *access_token;
  char        *refresh_token;
  SoupSession *session;
};

static void provider_iface_init (DeskProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeskBlueskyProvider, desk_bluesky_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DESK_TYPE_PROVIDER, provider_iface_init))

static const char * const streams[] = { "notifications", "chat", NULL };

/* Requests */

static SoupSession *
get_session (DeskBlueskyProvider *self)
{
  /* Made in the thread that uses it: the sync engine's worker for this account. */
  if (self->session == NULL)
    self->session = desk_http_session_new ();

  return self->session;
}

static const char *
xrpc_error_name (DeskHttpResponse *response)
{
  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    return NULL;

  return desk_json_string (json_node_get_object (response->json), "error");
}

static void
set_no_dm_access_error (GError     **error,
                        const char  *detail)
{
  g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NO_DM_ACCESS,
               _("This app password cannot read or send direct messages. Create an app "
                 "password with “Allow access to your direct messages” and sign in again "
                 "(%s)."), detail);
}

static gboolean
load_tokens (DeskBlueskyProvider  *self,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->access_token != NULL && self->refresh_token != NULL)
    return TRUE;

  self->access_token = desk_credentials_lookup_sync (self->account_id, "access-token",
                                                     cancellable, &local_error);
  if (local_error == NULL)
    self->refresh_token = desk_credentials_lookup_sync (self->account_id, "refresh-token",
                                                        cancellable, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (self->access_token == NULL || self->refresh_token == NULL)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                   _("Sign in to the Bluesky account %s again: its session is not in the keyring."),
                   self->handle);
      return FALSE;
    }

  return TRUE;
}

static gboolean
save_tokens (DeskBlueskyProvider  *self,
             const char           *access,
             const char           *refresh,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autofree char *label = g_strdup_printf (_("Frontdesk: Bluesky session for %s"), self->handle);

  /* The refresh token first: it is the one that cannot be had again. */
  if (!desk_credentials_store_sync (self->account_id, "refresh-token", refresh, label,
                                    cancellable, error) ||
      !desk_credentials_store_sync (self->account_id, "access-token", access, label,
                                    cancellable, error))
    return FALSE;

  desk_credentials_free_secret (self->access_token);
  desk_credentials_free_secret (self->refresh_token);
  self->access_token = g_strdup (access);
  self->refresh_token = g_strdup (refresh);

  return TRUE;
}

static gboolean
refresh_session (DeskBlueskyProvider  *self,
                 GCancellable         *cancellable,
                 GError              **error)
{
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  JsonObject *object;
  const char *access;
  const char *refresh;
  const char *headers[3] = { "Authorization", NULL, NULL };

  url = desk_http_url (self->pds_url, "/xrpc/com.atproto.server.refreshSession", NULL);
  bearer = g_strconcat ("Bearer ", self->refresh_token, NULL);
  headers[1] = bearer;

  response = desk_http_request (get_session (self), "POST", url, headers, NULL, cancellable, error);
  if (response == NULL)
    {
      /* Nothing was changed if the request did not arrive; if it did, the old refresh token
       * may be spent: the next attempt will say so, and the user signs in again. */
      if (g_error_matches (*error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME))
        (*error)->code = DESK_PROVIDER_ERROR_NETWORK;
      return FALSE;
    }

  if (response->status == 400 || response->status == 401)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                   _("Sign in to the Bluesky account %s again: the session has ended (%s)."),
                   self->handle, text);
      return FALSE;
    }

  object = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
             ? json_node_get_object (response->json) : NULL;
  access = desk_json_string (object, "accessJwt");
  refresh = desk_json_string (object, "refreshJwt");

  if (response->status != 200 || access == NULL || refresh == NULL)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR,
                   response->status >= 500 ? DESK_PROVIDER_ERROR_NETWORK : DESK_PROVIDER_ERROR_PROTOCOL,
                   _("Bluesky did not renew the session: %s"), text);
      return FALSE;
    }

  return save_tokens (self, access, refresh, cancellable, error);
}

/**
 * xrpc:
 * @method: "GET" or "POST"
 * @url: the full URL
 * @proxy: (nullable): the service the PDS should forward to (atproto-proxy)
 *
 * One authenticated XRPC call, renewing the session once when the access token expired.
 * Returns the response for 2xx and for 400 with an XRPC error (callers look at the error
 * name); everything else becomes a DeskProviderError.
 */
static DeskHttpResponse *
xrpc (DeskBlueskyProvider  *self,
      const char           *method,
      const char           *url,
      JsonNode             *body,
      const char           *proxy,
      GCancellable         *cancellable,
      GError              **error)
{
  gboolean is_post = g_strcmp0 (method, "POST") == 0;

  if (!load_tokens (self, cancellable, error))
    return NULL;

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(DeskHttpResponse) response = NULL;
      g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);
      const char *headers[] = { "Authorization", bearer, proxy ? "atproto-proxy" : NULL, proxy, NULL };
      const char *name;

      response = desk_http_request (get_session (self), method, url, headers, body, cancellable,
                                    error);
      if (response == NULL)
        return NULL;

      name = xrpc_error_name (response);

      if ((response->status == 400 || response->status == 401) &&
          g_strcmp0 (name, "ExpiredToken") == 0 && attempt == 0)
        {
          if (!refresh_session (self, cancellable, error))
            return NULL;
          continue;
        }

      if (response->status >= 200 && response->status < 300)
        return g_steal_pointer (&response);

      /* The PDS forwards chat calls only for app passwords allowed to read DMs; otherwise it
       * answers 400 InvalidToken ("Bad token method"): the session itself is fine. */
      if (proxy != NULL && response->status == 400 && g_strcmp0 (name, "InvalidToken") == 0)
        {
          g_autofree char *text = desk_http_error_text (response);

          set_no_dm_access_error (error, text);
          return NULL;
        }

      if (response->status == 401 ||
          g_strcmp0 (name, "ExpiredToken") == 0 || g_strcmp0 (name, "InvalidToken") == 0 ||
          g_strcmp0 (name, "AuthenticationRequired") == 0 || g_strcmp0 (name, "AccountTakedown") == 0)
        {
          g_autofree char *text = desk_http_error_text (response);

          g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                       _("Sign in to the Bluesky account %s again: %s"), self->handle, text);
          return NULL;
        }

      if (response->status == 429)
        {
          g_autofree char *text = desk_http_error_text (response);
          g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (response->retry_after / G_USEC_PER_SEC);
          g_autofree char *when = until ? g_date_time_format (until, "%H:%M:%S") : g_strdup ("?");

          g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                       _("Bluesky asks Frontdesk to wait until %s (%s)."), when, text);
          return NULL;
        }

      if (response->status == 400 && name != NULL)
        return g_steal_pointer (&response);

      {
        g_autofree char *text = desk_http_error_text (response);

        if (response->status >= 500)
          g_set_error (error, DESK_PROVIDER_ERROR,
                       is_post ? DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME : DESK_PROVIDER_ERROR_NETWORK,
                       _("The Bluesky server failed: %s"), text);
        else if (response->status == 403 && proxy != NULL)
          set_no_dm_access_error (error, text);
        else
          g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                       _("Bluesky refused the request: %s"), text);
        return NULL;
      }
    }
}

static JsonObject *
response_object (DeskHttpResponse  *response,
                 GError           **error)
{
  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("The Bluesky server sent an answer Frontdesk cannot read."));
      return NULL;
    }

  return json_node_get_object (response->json);
}

/* Posts → messages */

static DeskMessage *
message_from_post (DeskBlueskyProvider *self,
                   const char          *uri,
                   JsonObject          *author,
                   JsonObject          *record,
                   gint64               indexed_at,
                   JsonNode            *raw)
{
  DeskMessage *message;
  JsonObject *reply = desk_json_object (record, "reply");
  const char *root = desk_json_string (desk_json_object (reply, "root"), "uri");
  const char *parent = desk_json_string (desk_json_object (reply, "parent"), "uri");
  const char *author_did = desk_json_string (author, "did");
  const char *text = desk_json_string (record, "text");
  gint64 created_at = desk_json_time (record, "createdAt");
  gint64 now = g_get_real_time ();

  if (uri == NULL || !g_str_has_prefix (uri, "at://") || author_did == NULL || text == NULL)
    return NULL;

  /* createdAt is what the client said; bound it by when the network saw the post. */
  if (created_at <= 0 || (indexed_at > 0 && created_at > indexed_at + 5 * 60 * G_USEC_PER_SEC))
    created_at = indexed_at;
  if (created_at <= 0 || created_at > now + 5 * 60 * G_USEC_PER_SEC)
    created_at = now;

  message = desk_message_new ();
  message->remote_id = g_strdup (uri);
  message->thread_id = g_strdup (root != NULL && g_str_has_prefix (root, "at://") ? root : uri);
  message->kind = DESK_CONVERSATION_PUBLIC;
  message->direction = g_strcmp0 (author_did, self->did) == 0 ? DESK_DIRECTION_OUT : DESK_DIRECTION_IN;
  message->author_id = g_strdup (author_did);
  message->author_handle = g_strdup (desk_json_string (author, "handle"));
  message->author_name = g_strdup (desk_json_string (author, "displayName"));
  message->author_avatar_url = g_strdup (desk_json_string (author, "avatar"));
  message->text = g_strdup (text);
  message->created_at = created_at;
  message->reply_to_id = g_strdup (parent);
  message->raw_json = desk_json_to_string (raw);
  if (message->direction == DESK_DIRECTION_OUT)
    message->agent_initials = desk_text_find_initials (text);

  return message;
}

static gboolean
reason_wanted (const char *reason)
{
  return g_strcmp0 (reason, "mention") == 0 ||
         g_strcmp0 (reason, "reply") == 0 ||
         g_strcmp0 (reason, "quote") == 0;
}

typedef struct
{
  gint64  top;
  gint64  pending;
  char   *next;
} NotificationCursor;

static void
parse_cursor (const char         *text,
              NotificationCursor *cursor)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  memset (cursor, 0, sizeof *cursor);

  /* A cursor we cannot read starts over from the newest page: dedupe keeps it exact. */
  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "top"))
    cursor->top = json_object_get_int_member_with_default (object, "top", 0);
  if (json_object_has_member (object, "pending"))
    cursor->pending = json_object_get_int_member_with_default (object, "pending", 0);
  cursor->next = g_strdup (desk_json_string (object, "next"));
}

static char *
format_cursor (gint64      top,
               gint64      pending,
               const char *next)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "top");
  json_builder_add_int_value (builder, top);
  if (next != NULL)
    {
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, pending);
      json_builder_set_member_name (builder, "next");
      json_builder_add_string_value (builder, next);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static DeskFetchResult *
fetch_notifications (DeskBlueskyProvider  *self,
                     const char           *cursor_text,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autoptr(DeskFetchResult) result = desk_fetch_result_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  NotificationCursor cursor;
  JsonObject *object;
  JsonArray *notifications;
  const char *next;
  gint64 newest = 0;
  gboolean reached_top = FALSE;

  parse_cursor (cursor_text, &cursor);

  url = desk_http_url (self->pds_url, "/xrpc/app.bsky.notification.listNotifications",
                       "limit", PAGE_LIMIT,
                       "reasons", "mention",
                       "cursor", cursor.next,
                       NULL);
  /* The same parameter once per reason, as XRPC arrays are sent. */
  {
    g_autofree char *with_reasons = g_strconcat (url, "&reasons=reply&reasons=quote", NULL);
    g_free (url);
    url = g_steal_pointer (&with_reasons);
  }

  response = xrpc (self, "GET", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    goto out;

  result->retry_after = response->retry_after;

  object = response_object (response, error);
  if (object == NULL)
    goto out;

  notifications = desk_json_array (object, "notifications");
  if (notifications == NULL || response->status != 200)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                   _("Bluesky sent no notifications list: %s"), text);
      goto out;
    }

  for (guint i = 0; i < json_array_get_length (notifications); i++)
    {
      JsonNode *node = json_array_get_element (notifications, i);
      JsonObject *notification;
      DeskMessage *message;
      gint64 indexed_at;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      notification = json_node_get_object (node);
      indexed_at = desk_json_time (notification, "indexedAt");
      newest = MAX (newest, indexed_at);

      /* Strictly older than what a finished pass stored: the rest is stored already. */
      if (cursor.top > 0 && indexed_at > 0 && indexed_at < cursor.top)
        {
          reached_top = TRUE;
          break;
        }

      if (!reason_wanted (desk_json_string (notification, "reason")))
        continue;

      message = message_from_post (self,
                                   desk_json_string (notification, "uri"),
                                   desk_json_object (notification, "author"),
                                   desk_json_object (notification, "record"),
                                   indexed_at, node);
      if (message == NULL)
        {
          g_debug ("Skipping a notification Frontdesk cannot read");
          continue;
        }

      g_ptr_array_add (result->messages, message);
    }

  next = desk_json_string (object, "cursor");

  if (cursor.next == NULL)
    cursor.pending = newest;  /* a new pass starts at the newest notification */

  if (reached_top || next == NULL || next[0] == '\0' || json_array_get_length (notifications) == 0)
    {
      /* The pass is complete: everything down to the old top is stored with this page. */
      gint64 top = MAX (cursor.top, cursor.pending);

      result->cursor = format_cursor (top, 0, NULL);
      result->more = FALSE;
    }
  else
    {
      result->cursor = format_cursor (cursor.top, cursor.pending, next);
      result->more = TRUE;
    }

out:
  g_free (cursor.next);

  if (error != NULL && *error != NULL)
    return NULL;

  return g_steal_pointer (&result);
}

static DeskFetchResult *fetch_chat (DeskBlueskyProvider  *self,
                                    const char           *cursor,
                                    GCancellable         *cancellable,
                                    GError              **error);

static DeskFetchResult *
desk_bluesky_provider_fetch (DeskProvider  *provider,
                             const char    *stream,
                             const char    *cursor,
                             GCancellable  *cancellable,
                             GError       **error)
{
  DeskBlueskyProvider *self = DESK_BLUESKY_PROVIDER (provider);

  if (g_strcmp0 (stream, "notifications") == 0)
    return fetch_notifications (self, cursor, cancellable, error);
  if (g_strcmp0 (stream, "chat") == 0)
    return fetch_chat (self, cursor, cancellable, error);

  g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
               "unknown stream %s", stream);
  return NULL;
}

/* Direct messages: chat.bsky.convo.* through the PDS, forwarded to the chat service */

static void
remember_profiles (DeskBlueskyProvider *self,
                   JsonArray           *profiles)
{
  for (guint i = 0; profiles != NULL && i < json_array_get_length (profiles); i++)
    {
      JsonNode *node = json_array_get_element (profiles, i);
      const char *did;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      did = desk_json_string (json_node_get_object (node), "did");
      if (did != NULL && g_hash_table_size (self->profiles) < 10000)
        g_hash_table_replace (self->profiles, g_strdup (did), json_node_ref (node));
    }
}

static gboolean
load_convo_members (DeskBlueskyProvider  *self,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autofree char *cursor = NULL;

  /* A few pages at most: enough to name the people who wrote. */
  for (guint page = 0; page < 5; page++)
    {
      g_autoptr(DeskHttpResponse) response = NULL;
      g_autofree char *url = desk_http_url (self->pds_url, "/xrpc/chat.bsky.convo.listConvos",
                                            "limit", "100", "cursor", cursor, NULL);
      JsonObject *object;
      JsonArray *convos;
      const char *next;

      response = xrpc (self, "GET", url, NULL, self->chat_proxy, cancellable, error);
      if (response == NULL)
        return FALSE;
      object = response_object (response, error);
      if (object == NULL)
        return FALSE;

      convos = desk_json_array (object, "convos");
      for (guint i = 0; convos != NULL && i < json_array_get_length (convos); i++)
        {
          JsonNode *node = json_array_get_element (convos, i);

          if (JSON_NODE_HOLDS_OBJECT (node))
            remember_profiles (self, desk_json_array (json_node_get_object (node), "members"));
        }

      next = desk_json_string (object, "cursor");
      if (next == NULL || next[0] == '\0')
        break;
      g_free (cursor);
      cursor = g_strdup (next);
    }

  return TRUE;
}

static DeskMessage *
message_from_chat (DeskBlueskyProvider *self,
                   const char          *convo_id,
                   JsonNode            *node,
                   JsonNode            *raw)
{
  JsonObject *view = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = desk_json_string (view, "id");
  const char *text = desk_json_string (view, "text");
  const char *sender = desk_json_string (desk_json_object (view, "sender"), "did");
  JsonNode *profile_node;
  JsonObject *profile = NULL;
  DeskMessage *message;
  gint64 sent_at = desk_json_time (view, "sentAt");
  gint64 now = g_get_real_time ();

  /* deletedMessageView has no text: nothing to answer. */
  if (convo_id == NULL || id == NULL || text == NULL || sender == NULL)
    return NULL;

  profile_node = g_hash_table_lookup (self->profiles, sender);
  if (profile_node != NULL)
    profile = json_node_get_object (profile_node);

  message = desk_message_new ();
  message->remote_id = g_strconcat ("chat:", id, NULL);
  message->thread_id = g_strdup (convo_id);
  message->kind = DESK_CONVERSATION_DM;
  message->direction = g_strcmp0 (sender, self->did) == 0 ? DESK_DIRECTION_OUT : DESK_DIRECTION_IN;
  message->author_id = g_strdup (sender);
  message->author_handle = g_strdup (desk_json_string (profile, "handle"));
  message->author_name = g_strdup (desk_json_string (profile, "displayName"));
  message->author_avatar_url = g_strdup (desk_json_string (profile, "avatar"));
  message->text = g_strdup (text);
  message->created_at = sent_at > 0 && sent_at < now + 5 * 60 * G_USEC_PER_SEC ? sent_at : now;
  message->raw_json = desk_json_to_string (raw);
  if (message->direction == DESK_DIRECTION_OUT)
    message->agent_initials = desk_text_find_initials (text);

  return message;
}

static DeskFetchResult *
fetch_chat (DeskBlueskyProvider  *self,
            const char           *cursor,
            GCancellable         *cancellable,
            GError              **error)
{
  g_autoptr(DeskFetchResult) result = desk_fetch_result_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = NULL;
  JsonObject *object;
  JsonArray *logs;
  const char *next;
  gboolean members_loaded = FALSE;

  if (self->no_dm_access)
    return g_steal_pointer (&result);

  url = desk_http_url (self->pds_url, "/xrpc/chat.bsky.convo.getLog", "cursor", cursor, NULL);
  response = xrpc (self, "GET", url, NULL, self->chat_proxy, cancellable, &local_error);
  if (response == NULL)
    {
      /* Without DM access the rest of the account still syncs; say it once. */
      if (g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NO_DM_ACCESS))
        self->no_dm_access = TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (response->status == 400)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("The Bluesky chat service refused to list new messages: %s"), text);
      return NULL;
    }

  object = response_object (response, error);
  if (object == NULL)
    return NULL;

  logs = desk_json_array (object, "logs");
  if (logs == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("The Bluesky chat service sent no log."));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (logs); i++)
    {
      JsonNode *node = json_array_get_element (logs, i);
      JsonObject *entry;
      JsonNode *message_node;
      const char *sender;
      DeskMessage *message;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (g_strcmp0 (desk_json_string (entry, "$type"), "chat.bsky.convo.defs#logCreateMessage") != 0)
        continue;

      remember_profiles (self, desk_json_array (entry, "relatedProfiles"));
      message_node = json_object_get_member (entry, "message");
      sender = message_node && JSON_NODE_HOLDS_OBJECT (message_node)
                 ? desk_json_string (desk_json_object (json_node_get_object (message_node), "sender"), "did")
                 : NULL;

      /* Name the customer: ask for the conversations' members once per page if needed. */
      if (sender != NULL && !g_hash_table_contains (self->profiles, sender) && !members_loaded)
        {
          members_loaded = TRUE;
          if (!load_convo_members (self, cancellable, error))
            return NULL;
        }

      message = message_from_chat (self, desk_json_string (entry, "convoId"), message_node, node);
      if (message != NULL)
        g_ptr_array_add (result->messages, message);
    }

  next = desk_json_string (object, "cursor");
  result->cursor = g_strdup (next != NULL && next[0] != '\0' ? next : cursor);
  result->more = json_array_get_length (logs) > 0 && next != NULL && g_strcmp0 (next, cursor) != 0;
  result->retry_after = response->retry_after;

  return g_steal_pointer (&result);
}

static char *
find_sent_chat (DeskBlueskyProvider  *self,
                const DeskOutgoing   *reply,
                GCancellable         *cancellable,
                GError              **error)
{
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  JsonObject *object;
  JsonArray *messages;

  url = desk_http_url (self->pds_url, "/xrpc/chat.bsky.convo.getMessages",
                       "convoId", reply->thread_id, "limit", "50", NULL);
  response = xrpc (self, "GET", url, NULL, self->chat_proxy, cancellable, error);
  if (response == NULL)
    return NULL;
  object = response_object (response, error);
  if (object == NULL)
    return NULL;

  /* Chat has no idempotency key: our own message with this exact text, sent after the user
   * pressed Send, is the one. */
  messages = desk_json_array (object, "messages");
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *view = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (desk_json_string (desk_json_object (view, "sender"), "did"), self->did) == 0 &&
          g_strcmp0 (desk_json_string (view, "text"), reply->text) == 0 &&
          desk_json_time (view, "sentAt") >= reply->created_at - 60 * G_USEC_PER_SEC &&
          desk_json_string (view, "id") != NULL)
        return g_strconcat ("chat:", desk_json_string (view, "id"), NULL);
    }

  return NULL;
}

static char *
send_chat (DeskBlueskyProvider  *self,
           const DeskOutgoing   *reply,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  JsonObject *object;
  const char *id;

  if (desk_text_count_graphemes (reply->text) > 1000 || strlen (reply->text) > 10000)
    {
      guint n = desk_text_count_graphemes (reply->text);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_TOO_LONG,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The message has %u character; Bluesky allows %u in a direct message.",
                                "The message has %u characters; Bluesky allows %u in a direct message.",
                                n),
                   n, 1000);
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "convoId");
  json_builder_add_string_value (builder, reply->thread_id);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, reply->text);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = desk_http_url (self->pds_url, "/xrpc/chat.bsky.convo.sendMessage", NULL);
  response = xrpc (self, "POST", url, body, self->chat_proxy, cancellable, error);
  if (response == NULL)
    return NULL;

  object = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
             ? json_node_get_object (response->json) : NULL;
  id = desk_json_string (object, "id");

  if (response->status != 200 || id == NULL)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR,
                   response->status == 200 ? DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME : DESK_PROVIDER_ERROR_REFUSED,
                   _("Bluesky did not take the direct message: %s"), text);
      return NULL;
    }

  /* The customer has an answer: the conversation is read up to it. Best effort. */
  {
    g_autoptr(JsonBuilder) read = json_builder_new ();
    g_autoptr(JsonNode) read_body = NULL;
    g_autoptr(DeskHttpResponse) read_response = NULL;
    g_autofree char *read_url = desk_http_url (self->pds_url, "/xrpc/chat.bsky.convo.updateRead", NULL);

    json_builder_begin_object (read);
    json_builder_set_member_name (read, "convoId");
    json_builder_add_string_value (read, reply->thread_id);
    json_builder_set_member_name (read, "messageId");
    json_builder_add_string_value (read, id);
    json_builder_end_object (read);
    read_body = json_builder_get_root (read);
    read_response = xrpc (self, "POST", read_url, read_body, self->chat_proxy, cancellable, NULL);
  }

  return g_strconcat ("chat:", id, NULL);
}

/* Threads */

static void
collect_thread (DeskBlueskyProvider *self,
                JsonNode            *node,
                GPtrArray           *messages,
                guint                depth)
{
  JsonObject *view;
  JsonObject *post;
  JsonArray *replies;
  DeskMessage *message;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || depth > MAX_THREAD_DEPTH ||
      messages->len >= MAX_THREAD_POSTS)
    return;

  view = json_node_get_object (node);
  if (g_strcmp0 (desk_json_string (view, "$type"), "app.bsky.feed.defs#threadViewPost") != 0)
    return;  /* notFoundPost, blockedPost */

  post = desk_json_object (view, "post");
  message = message_from_post (self,
                               desk_json_string (post, "uri"),
                               desk_json_object (post, "author"),
                               desk_json_object (post, "record"),
                               desk_json_time (post, "indexedAt"),
                               json_object_get_member (view, "post"));
  if (message != NULL)
    g_ptr_array_add (messages, message);

  replies = desk_json_array (view, "replies");
  for (guint i = 0; replies != NULL && i < json_array_get_length (replies); i++)
    collect_thread (self, json_array_get_element (replies, i), messages, depth + 1);
}

static GPtrArray *
desk_bluesky_provider_fetch_thread (DeskProvider          *provider,
                                    DeskConversationKind   kind,
                                    const char            *thread_id,
                                    GCancellable          *cancellable,
                                    GError               **error)
{
  DeskBlueskyProvider *self = DESK_BLUESKY_PROVIDER (provider);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  JsonObject *object;

  if (kind != DESK_CONVERSATION_PUBLIC)
    return g_steal_pointer (&messages);

  url = desk_http_url (self->pds_url, "/xrpc/app.bsky.feed.getPostThread",
                       "uri", thread_id, "depth", "20", "parentHeight", "0", NULL);
  response = xrpc (self, "GET", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    return NULL;

  if (response->status == 400)
    {
      /* NotFound: the post was deleted; nothing more to read. */
      return g_steal_pointer (&messages);
    }

  object = response_object (response, error);
  if (object == NULL)
    return NULL;

  collect_thread (self, json_object_get_member (object, "thread"), messages, 0);

  /* A thread's posts that mention no one are not customer messages unless they answer us: keep
   * the business's own replies and the customers' posts in this thread alike. */
  return g_steal_pointer (&messages);
}

/* Replies */

/* A TID: 53 bits of microseconds and 10 bits of clock id, in sortable base32. */
char *
desk_bluesky_tid (gint64      time_us,
                  const char *clock_seed)
{
  static const char alphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  guint64 value;
  guint clock_id = g_str_hash (clock_seed != NULL ? clock_seed : "") & 0x3ff;
  char tid[14];

  value = (((guint64) time_us & ((G_GUINT64_CONSTANT (1) << 53) - 1)) << 10) | clock_id;
  for (int i = 12; i >= 0; i--)
    {
      tid[i] = alphabet[value & 0x1f];
      value >>= 5;
    }
  tid[13] = '\0';

  return g_strdup (tid);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;

  return json_parser_steal_root (parser);
}

static void
add_strong_ref (JsonBuilder *builder,
                const char  *name,
                const char  *uri,
                const char  *cid)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, uri);
  json_builder_set_member_name (builder, "cid");
  json_builder_add_string_value (builder, cid);
  json_builder_end_object (builder);
}

/* Facets: links (and mentions of handles we can resolve) with UTF-8 byte offsets. */
static void
add_facets (DeskBlueskyProvider *self,
            JsonBuilder         *builder,
            const char          *text,
            GCancellable        *cancellable)
{
  static GRegex *link_regex;
  static GRegex *mention_regex;
  g_autoptr(GMatchInfo) match = NULL;
  gboolean any = FALSE;

  if (g_once_init_enter (&link_regex))
    g_once_init_leave (&link_regex, g_regex_new ("https?://[^\\s<>\"]+[^\\s<>\".,;:!?)\\]'’”]",
                                                 G_REGEX_OPTIMIZE, 0, NULL));
  if (g_once_init_enter (&mention_regex))
    g_once_init_leave (&mention_regex,
                       g_regex_new ("(?<![\\w@])@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+"
                                    "[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)",
                                    G_REGEX_OPTIMIZE, 0, NULL));

  json_builder_set_member_name (builder, "facets");
  json_builder_begin_array (builder);

  g_regex_match (link_regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *uri = g_match_info_fetch (match, 0);
      int start, end;

      g_match_info_fetch_pos (match, 0, &start, &end);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "byteStart");
      json_builder_add_int_value (builder, start);
      json_builder_set_member_name (builder, "byteEnd");
      json_builder_add_int_value (builder, end);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "features");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "$type");
      json_builder_add_string_value (builder, "app.bsky.richtext.facet#link");
      json_builder_set_member_name (builder, "uri");
      json_builder_add_string_value (builder, uri);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      any = TRUE;
      g_match_info_next (match, NULL);
    }
  g_clear_pointer (&match, g_match_info_free);

  g_regex_match (mention_regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *handle = g_match_info_fetch (match, 1);
      g_autofree char *url = desk_http_url (self->pds_url, "/xrpc/com.atproto.identity.resolveHandle",
                                            "handle", handle, NULL);
      g_autoptr(DeskHttpResponse) response = NULL;
      const char *did = NULL;
      int start, end;

      g_match_info_fetch_pos (match, 0, &start, &end);
      response = desk_http_request (get_session (self), "GET", url, NULL, NULL, cancellable, NULL);
      if (response != NULL && response->status == 200 && response->json != NULL &&
          JSON_NODE_HOLDS_OBJECT (response->json))
        did = desk_json_string (json_node_get_object (response->json), "did");

      /* A handle that does not resolve stays plain text, as the official app does. */
      if (did != NULL && g_str_has_prefix (did, "did:"))
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "index");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "byteStart");
          json_builder_add_int_value (builder, start);
          json_builder_set_member_name (builder, "byteEnd");
          json_builder_add_int_value (builder, end);
          json_builder_end_object (builder);
          json_builder_set_member_name (builder, "features");
          json_builder_begin_array (builder);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "$type");
          json_builder_add_string_value (builder, "app.bsky.richtext.facet#mention");
          json_builder_set_member_name (builder, "did");
          json_builder_add_string_value (builder, did);
          json_builder_end_object (builder);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          any = TRUE;
        }
      g_match_info_next (match, NULL);
    }

  json_builder_end_array (builder);
  (void) any;
}

/* The parent (the customer's post) and the root of its thread, from its stored JSON: a
 * notification or a thread's post view, both with uri, cid and record.reply. */
static gboolean
reply_refs (const DeskOutgoing  *reply,
            char               **parent_uri,
            char               **parent_cid,
            char               **root_uri,
            char               **root_cid,
            GError             **error)
{
  g_autoptr(JsonNode) raw = parse_json (reply->reply_to_raw);
  JsonObject *object = raw && JSON_NODE_HOLDS_OBJECT (raw) ? json_node_get_object (raw) : NULL;
  JsonObject *root = desk_json_object (desk_json_object (desk_json_object (object, "record"), "reply"), "root");
  const char *uri = desk_json_string (object, "uri");
  const char *cid = desk_json_string (object, "cid");

  if (uri == NULL || cid == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("Frontdesk does not know which Bluesky post this reply answers."));
      return FALSE;
    }

  *parent_uri = g_strdup (uri);
  *parent_cid = g_strdup (cid);
  if (desk_json_string (root, "uri") != NULL && desk_json_string (root, "cid") != NULL)
    {
      *root_uri = g_strdup (desk_json_string (root, "uri"));
      *root_cid = g_strdup (desk_json_string (root, "cid"));
    }
  else
    {
      *root_uri = g_strdup (uri);
      *root_cid = g_strdup (cid);
    }

  return TRUE;
}

static char *
record_uri (DeskBlueskyProvider *self,
            const char          *rkey)
{
  return g_strdup_printf ("at://%s/app.bsky.feed.post/%s", self->did, rkey);
}

static char *
desk_bluesky_provider_find_sent (DeskProvider        *provider,
                                 const DeskOutgoing  *reply,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  DeskBlueskyProvider *self = DESK_BLUESKY_PROVIDER (provider);
  g_autofree char *rkey = desk_bluesky_tid (reply->created_at, reply->idempotency_key);
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;

  if (reply->kind == DESK_CONVERSATION_DM)
    return find_sent_chat (self, reply, cancellable, error);

  url = desk_http_url (self->pds_url, "/xrpc/com.atproto.repo.getRecord",
                       "repo", self->did, "collection", "app.bsky.feed.post", "rkey", rkey, NULL);
  response = xrpc (self, "GET", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    return NULL;

  if (response->status == 200)
    return record_uri (self, rkey);

  if (g_strcmp0 (xrpc_error_name (response), "RecordNotFound") == 0)
    return NULL;

  {
    g_autofree char *text = desk_http_error_text (response);

    g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME,
                 _("Bluesky could not say whether the reply was posted: %s"), text);
  }
  return NULL;
}

static char *
desk_bluesky_provider_send_reply (DeskProvider        *provider,
                                  const DeskOutgoing  *reply,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  DeskBlueskyProvider *self = DESK_BLUESKY_PROVIDER (provider);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *rkey = NULL;
  g_autofree char *url = NULL;
  g_autofree char *created_at = NULL;
  g_autofree char *parent_uri = NULL, *parent_cid = NULL, *root_uri = NULL, *root_cid = NULL;
  guint graphemes;

  if (reply->kind == DESK_CONVERSATION_DM)
    return send_chat (self, reply, cancellable, error);

  graphemes = desk_text_count_graphemes (reply->text);
  if (graphemes > BLUESKY_MAX_GRAPHEMES || strlen (reply->text) > BLUESKY_MAX_BYTES)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_TOO_LONG,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The reply has %u character; Bluesky allows %u.",
                                "The reply has %u characters; Bluesky allows %u.",
                                graphemes),
                   graphemes, BLUESKY_MAX_GRAPHEMES);
      return NULL;
    }

  if (!reply_refs (reply, &parent_uri, &parent_cid, &root_uri, &root_cid, error))
    return NULL;

  rkey = desk_bluesky_tid (reply->created_at, reply->idempotency_key);
  created = g_date_time_new_from_unix_utc (reply->created_at / G_USEC_PER_SEC);
  created_at = g_date_time_format (created, "%Y-%m-%dT%H:%M:%S.000Z");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "repo");
  json_builder_add_string_value (builder, self->did);
  json_builder_set_member_name (builder, "collection");
  json_builder_add_string_value (builder, "app.bsky.feed.post");
  json_builder_set_member_name (builder, "rkey");
  json_builder_add_string_value (builder, rkey);
  json_builder_set_member_name (builder, "record");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "$type");
  json_builder_add_string_value (builder, "app.bsky.feed.post");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, reply->text);
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, created_at);
  json_builder_set_member_name (builder, "reply");
  json_builder_begin_object (builder);
  add_strong_ref (builder, "root", root_uri, root_cid);
  add_strong_ref (builder, "parent", parent_uri, parent_cid);
  json_builder_end_object (builder);
  add_facets (self, builder, reply->text, cancellable);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = desk_http_url (self->pds_url, "/xrpc/com.atproto.repo.createRecord", NULL);
  response = xrpc (self, "POST", url, body, NULL, cancellable, error);
  if (response == NULL)
    return NULL;

  if (response->status == 200)
    {
      JsonObject *object = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
                             ? json_node_get_object (response->json) : NULL;
      const char *uri = desk_json_string (object, "uri");

      return uri != NULL ? g_strdup (uri) : record_uri (self, rkey);
    }

  /* A record under this key exists: an earlier attempt landed. Make sure it is ours. */
  {
    g_autoptr(GError) find_error = NULL;
    g_autofree char *found = desk_bluesky_provider_find_sent (provider, reply, cancellable, &find_error);
    g_autofree char *text = desk_http_error_text (response);

    if (found != NULL)
      return g_steal_pointer (&found);

    g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                 _("Bluesky refused the reply: %s"), text);
    return NULL;
  }
}

/* A like or a repost: a record in the business's repo whose subject is the customer's post. */
static gboolean
create_subject_record (DeskBlueskyProvider  *self,
                       const char           *collection,
                       const char           *remote_id,
                       const char           *raw_json,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_autoptr(JsonNode) raw = parse_json (raw_json);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autofree char *url = NULL;
  JsonObject *object = raw && JSON_NODE_HOLDS_OBJECT (raw) ? json_node_get_object (raw) : NULL;
  const char *cid = desk_json_string (object, "cid");

  if (cid == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("Frontdesk does not know which Bluesky post this is."));
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "repo");
  json_builder_add_string_value (builder, self->did);
  json_builder_set_member_name (builder, "collection");
  json_builder_add_string_value (builder, collection);
  json_builder_set_member_name (builder, "record");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "$type");
  json_builder_add_string_value (builder, collection);
  add_strong_ref (builder, "subject", remote_id, cid);
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, created_at);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = desk_http_url (self->pds_url, "/xrpc/com.atproto.repo.createRecord", NULL);
  response = xrpc (self, "POST", url, body, NULL, cancellable, error);
  if (response == NULL)
    return FALSE;

  if (response->status != 200)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("Bluesky refused it: %s"), text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
desk_bluesky_provider_like (DeskProvider  *provider,
                            const char    *remote_id,
                            const char    *raw_json,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return create_subject_record (DESK_BLUESKY_PROVIDER (provider), "app.bsky.feed.like",
                                remote_id, raw_json, cancellable, error);
}

static gboolean
desk_bluesky_provider_boost (DeskProvider  *provider,
                             const char    *remote_id,
                             const char    *raw_json,
                             GCancellable  *cancellable,
                             GError       **error)
{
  return create_subject_record (DESK_BLUESKY_PROVIDER (provider), "app.bsky.feed.repost",
                                remote_id, raw_json, cancellable, error);
}

/* Identity and capabilities */

static const char *
desk_bluesky_provider_get_network (DeskProvider *provider)
{
  return "bluesky";
}

static void
desk_bluesky_provider_get_capabilities (DeskProvider             *provider,
                                        DeskProviderCapabilities *capabilities)
{
  capabilities->max_length = BLUESKY_MAX_GRAPHEMES;
  capabilities->length_unit = DESK_LENGTH_GRAPHEMES;
  capabilities->has_direct_messages = TRUE;
  capabilities->has_public_replies = TRUE;
  capabilities->can_like = TRUE;
  capabilities->can_boost = TRUE;
  /* The PDS allows 3000 requests per 5 minutes; a pass costs a few dozen at most. */
  capabilities->poll_interval_seconds = 60;
}

static const char * const *
desk_bluesky_provider_list_streams (DeskProvider *provider)
{
  return streams;
}

static void
provider_iface_init (DeskProviderInterface *iface)
{
  iface->get_network = desk_bluesky_provider_get_network;
  iface->get_capabilities = desk_bluesky_provider_get_capabilities;
  iface->list_streams = desk_bluesky_provider_list_streams;
  iface->fetch = desk_bluesky_provider_fetch;
  iface->fetch_thread = desk_bluesky_provider_fetch_thread;
  iface->send_reply = desk_bluesky_provider_send_reply;
  iface->find_sent = desk_bluesky_provider_find_sent;
  iface->like = desk_bluesky_provider_like;
  iface->boost = desk_bluesky_provider_boost;
}

static void
desk_bluesky_provider_finalize (GObject *object)
{
  DeskBlueskyProvider *self = (DeskBlueskyProvider *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->profiles, g_hash_table_unref);
  g_clear_pointer (&self->chat_proxy, g_free);
  g_clear_pointer (&self->pds_url, g_free);
  g_clear_pointer (&self->did, g_free);
  g_clear_pointer (&self->handle, g_free);
  g_clear_pointer (&self->access_token, desk_credentials_free_secret);
  g_clear_pointer (&self->refresh_token, desk_credentials_free_secret);

  G_OBJECT_CLASS (desk_bluesky_provider_parent_class)->finalize (object);
}

static void
desk_bluesky_provider_class_init (DeskBlueskyProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_bluesky_provider_finalize;
}

static void
desk_bluesky_provider_init (DeskBlueskyProvider *self)
{
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) json_node_unref);
  /* The chat service the PDS forwards to; FRONTDESK_BLUESKY_CHAT_PROXY names another one
   * (a self-hosted or test chat service). */
  self->chat_proxy = g_strdup (g_getenv ("FRONTDESK_BLUESKY_CHAT_PROXY") != NULL
                                 ? g_getenv ("FRONTDESK_BLUESKY_CHAT_PROXY") : CHAT_PROXY);
}

/**
 * desk_bluesky_provider_new:
 * @account: a stored Bluesky account: remote_id is the DID, server_url the PDS
 *
 * The session is read from the keyring at the first request, in the sync thread.
 */
DeskProvider *
desk_bluesky_provider_new (const DeskAccountInfo *account)
{
  DeskBlueskyProvider *self;

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (account->id > 0, NULL);

  self = g_object_new (DESK_TYPE_BLUESKY_PROVIDER, NULL);
  self->account_id = account->id;
  self->pds_url = g_strdup (account->server_url != NULL && account->server_url[0] != '\0'
                              ? account->server_url : DESK_BLUESKY_DEFAULT_PDS);
  self->did = g_strdup (account->remote_id);
  self->handle = g_strdup (account->handle);

  return DESK_PROVIDER (self);
}

/**
 * desk_bluesky_sign_in:
 * @store: the inbox
 * @pds_url: (nullable): the account's server; %NULL for the public Bluesky service
 * @identifier: a handle or DID
 * @app_password: an app password (never the account's main password)
 *
 * Creates a session, adds the account to the store and keeps the session in the keyring; the
 * app password itself is not kept anywhere. Blocks: run it in a thread.
 *
 * Returns: the new account's id, or 0 with @error set
 */
gint64
desk_bluesky_sign_in (DeskStore     *store,
                      const char    *pds_url,
                      const char    *identifier,
                      const char    *app_password,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(SoupSession) session = desk_http_session_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(DeskBlueskyProvider) self = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) local_error = NULL;
  DeskAccountInfo info = { 0 };
  JsonObject *object;
  const char *did, *handle, *access, *refresh;
  gint64 id;

  g_return_val_if_fail (DESK_IS_STORE (store), 0);
  g_return_val_if_fail (identifier != NULL && app_password != NULL, 0);

  if (pds_url == NULL || pds_url[0] == '\0')
    pds_url = DESK_BLUESKY_DEFAULT_PDS;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identifier");
  json_builder_add_string_value (builder, identifier);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, app_password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = desk_http_url (pds_url, "/xrpc/com.atproto.server.createSession", NULL);
  response = desk_http_request (session, "POST", url, NULL, body, cancellable, error);
  if (response == NULL)
    {
      if (g_error_matches (*error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME))
        (*error)->code = DESK_PROVIDER_ERROR_NETWORK;  /* signing in again is harmless */
      return 0;
    }

  if (response->status == 401 || response->status == 400)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                   _("Bluesky did not accept this handle and app password (%s)."), text);
      return 0;
    }

  object = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
             ? json_node_get_object (response->json) : NULL;
  did = desk_json_string (object, "did");
  handle = desk_json_string (object, "handle");
  access = desk_json_string (object, "accessJwt");
  refresh = desk_json_string (object, "refreshJwt");

  if (response->status == 429)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                           _("Bluesky allows only a few sign-ins in a row. Wait a few minutes and try again."));
      return 0;
    }

  if (response->status != 200 || did == NULL || !g_str_has_prefix (did, "did:") ||
      handle == NULL || access == NULL || refresh == NULL)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                   _("The Bluesky server at %s answered something Frontdesk cannot read (%s)."),
                   pds_url, text);
      return 0;
    }

  info.network = (char *) "bluesky";
  info.remote_id = (char *) did;
  info.handle = (char *) handle;
  info.display_name = (char *) handle;
  info.server_url = (char *) pds_url;

  id = desk_store_add_account (store, &info, error);
  if (id == 0)
    return 0;
  info.id = id;

  self = DESK_BLUESKY_PROVIDER (desk_bluesky_provider_new (&info));
  if (!save_tokens (self, access, refresh, cancellable, &local_error))
    {
      desk_store_set_account_state (store, id, "needs-sign-in", NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  desk_store_set_account_state (store, id, "ok", NULL);

  return id;
}
