/* desk-mastodon-provider.c: Mastodon (and servers with its client API)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sign-in: an app registered at POST /api/v1/apps, then OAuth's authorization-code flow (with
 * PKCE S256 when /.well-known/oauth-authorization-server advertises it). The code comes back
 * to a loopback listener on 127.0.0.1 or, where no browser can reach it, is pasted by the user
 * (the out-of-band redirect). The client secret and the access token live in the keyring;
 * Mastodon tokens do not expire, a revoked one answers 401: the user signs in again.
 *
 * Mentions: GET /api/v1/notifications?types[]=mention, paged forward with min_id, so that each
 * page holds the notifications right after the last stored one and a pass cut short leaves no
 * hole. The cursor is the id of the newest stored notification, stored with its page; ids are
 * opaque: the newest is the one the server puts first (or names in the Link header), never a
 * comparison of ids. The very first sync reads the newest page, then walks back with max_id
 * for at most BACKFILL_PAGES pages, with {"top": newest, "older_than": id, "pages": n} as the
 * cursor so that a first sync cut short goes on where it stopped; older history is left out.
 * include_filtered=true makes the server return notifications its notification
 * policy filtered (Mastodon 4.3 "notification requests" from strangers), so they reach the
 * inbox without accepting the request on the user's behalf; servers before 4.3 ignore it.
 *
 * Conversations: a mention with visibility "direct" is a direct message. A thread is the root
 * of the in_reply_to chain (ancestors[0] of /api/v1/statuses/:id/context); re-reading an open
 * thread's context finds replies the business wrote elsewhere.
 *
 * Replies: POST /api/v1/statuses with the original's visibility (direct stays direct, and a
 * public conversation answered privately gets "direct" too, in the same thread), the
 * customer's @user@domain first when the text lacks it, and the outbox key as Idempotency-Key:
 * within the hour Mastodon keeps the key, sending again returns the status the first attempt
 * created instead of a second one. Older attempts are looked up among the account's statuses.
 *
 * Limits: each server sets the longest status and what a link counts
 * (configuration.statuses.max_characters and characters_reserved_per_url of GET
 * /api/v2/instance; before Mastodon 4.0, GET /api/v1/instance, whose configuration.statuses came
 * with 3.4.2 and whose max_toot_chars other servers such as Pleroma announce). They are read at
 * sign-in and again at most once a day while syncing (a new provider reads them once), bounded,
 * and kept with the account in the store: the composer counts with the stored numbers, and so
 * does the check before posting, so that both agree. Unknown, Mastodon's own apply (500, 23).
 *
 * Streaming: DeskMastodonStream holds /api/v1/streaming?stream=user:notification open (server-
 * sent events) in a thread of its own and calls back at each mention; the provider's start_push
 * starts one, so the sync engine syncs the account at once: a new mention is in the inbox within
 * a second instead of a poll interval.
 * Polling stays the fallback and the only source of truth: the stream carries no cursor, and
 * while it is down (reconnecting with backoff, or never up) nothing changes but the latency.
 */
#define G_LOG_DOMAIN "desk-mastodon"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-compose.h"
#include "desk-credentials.h"
#include "desk-html.h"
#include "desk-http.h"
#include "desk-mastodon-provider.h"
#include "desk-text.h"

#define PAGE_LIMIT              40
#define LIMITS_MAX_AGE          ((gint64) 24 * 60 * 60 * G_USEC_PER_SEC)  /* instance limits */
#define MAX_THREAD_STATUSES     500
#define IDEMPOTENCY_WINDOW      ((gint64) 50 * 60 * G_USEC_PER_SEC)  /* Mastodon keeps keys 1 hour */
#define MAX_ROOT_CACHE          10000
#define BACKFILL_PAGES          5      /* the first sync reads the newest 200 mentions */

struct _DeskMastodonProvider
{
  GObject      parent_instance;

  gint64       account_id;
  char        *server_url;
  char        *domain;         /* the instance's host, for local accounts' full handles */
  char        *account_remote_id;
  char        *handle;
  char        *access_token;
  SoupSession *session;
  GHashTable  *roots;          /* status id → its thread's root id */
  DeskStore   *store;          /* (nullable): where the account's limits are kept */
  guint        max_characters; /* the server's limits as last stored: 0 not known */
  int          url_length;     /* -1: not known */
  gint64       limits_checked_at;  /* monotonic µs of the server's last answer; 0: never */

  DeskMastodonStream   *stream;
  DeskProviderPushFunc  push_func;
  gpointer              push_data;
};

static void provider_iface_init (DeskProviderInterface *iface);
static void desk_mastodon_provider_start_push (DeskProvider         *provider,
                                               DeskProviderPushFunc  func,
                                               gpointer              user_data);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeskMastodonProvider, desk_mastodon_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DESK_TYPE_PROVIDER, provider_iface_init))

static const char * const streams[] = { "mentions", NULL };

/* Requests */

static SoupSession *
get_session (DeskMastodonProvider *self)
{
  /* Made in the thread that uses it: the sync engine's worker for this account. */
  if (self->session == NULL)
    self->session = desk_http_session_new ();

  return self->session;
}

static char *
host_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);

  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));

  return g_strdup (g_uri_get_host (uri));
}

static gboolean
load_token (DeskMastodonProvider  *self,
            GCancellable          *cancellable,
            GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->access_token != NULL)
    return TRUE;

  self->access_token = desk_credentials_lookup_sync (self->account_id,
                                                     DESK_CREDENTIALS_KIND_ACCESS_TOKEN,
                                                     cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (self->access_token == NULL)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                   _("Sign in to the Mastodon account %s again: its token is not in the keyring."),
                   self->handle);
      return FALSE;
    }

  return TRUE;
}

/**
 * api:
 * @idempotency_key: (nullable): sent as Idempotency-Key
 *
 * One authenticated call. Returns the response for 2xx, 404 and 422 (callers look at them);
 * everything else becomes a DeskProviderError.
 */
static DeskHttpResponse *
api (DeskMastodonProvider  *self,
     const char            *method,
     const char            *url,
     JsonNode              *body,
     const char            *idempotency_key,
     GCancellable          *cancellable,
     GError               **error)
{
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *bearer = NULL;
  gboolean is_post = g_strcmp0 (method, "GET") != 0;
  const char *headers[5] = { "Authorization", NULL, NULL, NULL, NULL };
  g_autofree char *text = NULL;

  if (!load_token (self, cancellable, error))
    return NULL;

  bearer = g_strconcat ("Bearer ", self->access_token, NULL);
  headers[1] = bearer;
  if (idempotency_key != NULL)
    {
      headers[2] = "Idempotency-Key";
      headers[3] = idempotency_key;
    }

  response = desk_http_request (get_session (self), method, url, headers, body, cancellable, error);
  if (response == NULL)
    return NULL;

  if ((response->status >= 200 && response->status < 300) ||
      response->status == 404 || response->status == 422)
    return g_steal_pointer (&response);

  text = desk_http_error_text (response);

  if (response->status == 401)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                   _("Sign in to the Mastodon account %s again: %s"), self->handle, text);
    }
  else if (response->status == 429)
    {
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (response->retry_after / G_USEC_PER_SEC);
      g_autofree char *when = until ? g_date_time_format (until, "%H:%M:%S") : g_strdup ("?");

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                   _("Mastodon asks Frontdesk to wait until %s (%s)."), when, text);
    }
  else if (response->status >= 500)
    {
      g_set_error (error, DESK_PROVIDER_ERROR,
                   is_post ? DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME : DESK_PROVIDER_ERROR_NETWORK,
                   _("The Mastodon server failed: %s"), text);
    }
  else
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("Mastodon refused the request: %s"), text);
    }

  return NULL;
}

static gboolean
check_json (DeskHttpResponse  *response,
            gboolean           array,
            GError           **error)
{
  if (response->json == NULL ||
      (array ? !JSON_NODE_HOLDS_ARRAY (response->json) : !JSON_NODE_HOLDS_OBJECT (response->json)))
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("The Mastodon server sent an answer Frontdesk cannot read."));
      return FALSE;
    }

  return TRUE;
}

/* Limits */

/* @member of @object when it is an integer in [@min, @max] */
static gboolean
bounded_int (JsonObject *object,
             const char *member,
             gint64      min,
             gint64      max,
             int        *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  gint64 number;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  number = json_node_get_int (node);
  if (number < min || number > max)
    return FALSE;

  *value = (int) number;
  return TRUE;
}

/* The limits an instance description announces (v2, or v1 with @legacy's max_toot_chars);
 * what it does not say in bounds stays -1. */
static gboolean
parse_limits (JsonNode *json,
              gboolean  legacy,
              int      *max_chars,
              int      *chars_per_url)
{
  JsonObject *instance = json != NULL && JSON_NODE_HOLDS_OBJECT (json) ? json_node_get_object (json) : NULL;
  JsonObject *statuses = desk_json_object (desk_json_object (instance, "configuration"), "statuses");

  *max_chars = -1;
  *chars_per_url = -1;
  if (!bounded_int (statuses, "max_characters", 1, DESK_MAX_REPLY_CHARS_BOUND, max_chars) && legacy)
    bounded_int (instance, "max_toot_chars", 1, DESK_MAX_REPLY_CHARS_BOUND, max_chars);
  bounded_int (statuses, "characters_reserved_per_url", 0, DESK_CHARS_PER_URL_BOUND, chars_per_url);

  return *max_chars > 0 || *chars_per_url >= 0;
}

/**
 * fetch_limits:
 * @token: (nullable): sent along; the limits are public, but a server in allow-list mode
 *   answers only its users
 * @answered: (out): whether the server's answer settles it, for a day: it described itself
 *   (usable or not), or has neither API; %FALSE when it could not be reached or failed for now
 *   (a 5xx, a 429, a 401 from a server that wants a token): ask again next pass
 *
 * Asks the server for its limits for a status: /api/v2/instance, or /api/v1/instance where
 * there is no v2 (before Mastodon 4.0). Never fails: a server that says nothing usable leaves
 * the limits unknown.
 *
 * Returns: %TRUE with at least one of the limits in bounds (the other may be -1)
 */
static gboolean
fetch_limits (SoupSession   *session,
              const char    *server_url,
              const char    *token,
              GCancellable  *cancellable,
              int           *max_chars,
              int           *chars_per_url,
              gboolean      *answered)
{
  g_auto(DeskSecret) bearer = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;
  const char *headers[3] = { bearer != NULL ? "Authorization" : NULL, bearer, NULL };
  static const char * const paths[] = { "/api/v2/instance", "/api/v1/instance" };
  gboolean found = FALSE;

  *max_chars = -1;
  *chars_per_url = -1;
  *answered = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = desk_http_url (server_url, paths[i], NULL);
      g_autoptr(DeskHttpResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = desk_http_request (session, "GET", url, headers, NULL, cancellable, &error);
      if (response == NULL)
        {
          g_debug ("No limits from %s: %s", url, error != NULL ? error->message : "no answer");
          break;
        }

      /* A server with v2 says what it means there; only one without v2 is asked for v1. */
      if (response->status == 200)
        {
          *answered = TRUE;
          found = parse_limits (response->json, i > 0, max_chars, chars_per_url);
          if (!found)
            g_debug ("The limits at %s are not in a form Frontdesk reads", url);
          break;
        }
      if (response->status != 404 && response->status != 410)
        {
          g_debug ("No limits from %s for now: HTTP %u", url, response->status);
          break;
        }
      *answered = i == G_N_ELEMENTS (paths) - 1;  /* neither API: nothing to ask for a day */
    }

  return found;
}

/* The limits the store holds for the account (what the composer counts with), or ours */
static void
get_limits (DeskMastodonProvider *self,
            guint                *max_chars,
            int                  *chars_per_url)
{
  g_autoptr(GPtrArray) accounts = NULL;

  *max_chars = self->max_characters;
  *chars_per_url = self->url_length;

  if (self->store == NULL)
    return;

  accounts = desk_store_list_accounts (self->store, NULL);
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      const DeskAccountInfo *account = g_ptr_array_index (accounts, i);

      if (account->id == self->account_id)
        {
          *max_chars = account->max_reply_chars;
          *chars_per_url = account->has_chars_per_url ? (int) account->chars_per_url : -1;
        }
    }
}

/* At most once a day (and once per provider): the server's limits, into the store. */
static void
refresh_limits (DeskMastodonProvider *self,
                GCancellable         *cancellable)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();
  gboolean answered;
  int max_chars, chars_per_url;

  if (self->limits_checked_at != 0 && now - self->limits_checked_at < LIMITS_MAX_AGE)
    return;

  /* The token when we have it; the limits are public, so none is looked up for them. */
  if (!fetch_limits (get_session (self), self->server_url, self->access_token, cancellable,
                     &max_chars, &chars_per_url, &answered))
    {
      /* Unreachable or failing: ask again next pass. Unreadable: what we knew stays. */
      if (answered)
        self->limits_checked_at = now;
      return;
    }
  self->limits_checked_at = now;

  if (self->store != NULL &&
      !desk_store_set_account_limits (self->store, self->account_id, max_chars, chars_per_url, &error))
    {
      g_debug ("Cannot store the limits of %s: %s", self->handle, error->message);
      return;
    }

  self->max_characters = MAX (max_chars, 0);
  self->url_length = chars_per_url;
}

/* Statuses → messages */

/* The account's full handle: user@domain, also for the server's own accounts. */
static char *
full_acct (DeskMastodonProvider *self,
           JsonObject           *account)
{
  const char *acct = desk_json_string (account, "acct");

  if (acct == NULL)
    return NULL;
  if (strchr (acct, '@') != NULL)
    return g_strdup (acct);

  return g_strdup_printf ("%s@%s", acct, self->domain);
}

static DeskMessage *
message_from_status (DeskMastodonProvider *self,
                     JsonNode             *node,
                     const char           *thread_id)
{
  JsonObject *status = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *account = desk_json_object (status, "account");
  const char *id = desk_json_string (status, "id");
  const char *content = desk_json_string (status, "content");
  const char *spoiler = desk_json_string (status, "spoiler_text");
  const char *author_id = desk_json_string (account, "id");
  g_autofree char *text = NULL;
  DeskMessage *message;
  gint64 created_at = desk_json_time (status, "created_at");
  gint64 now = g_get_real_time ();

  if (id == NULL || author_id == NULL || content == NULL)
    return NULL;

  text = desk_html_to_text (content, -1, DESK_MAX_TEXT_BYTES, NULL);
  if (spoiler != NULL && spoiler[0] != '\0')
    {
      /* A content warning stays visible above the text, as clients show it. */
      g_autofree char *body = g_steal_pointer (&text);

      text = g_strdup_printf (_("Content warning: %s\n\n%s"), spoiler, body);
    }

  message = desk_message_new ();
  message->remote_id = g_strdup (id);
  message->thread_id = g_strdup (thread_id != NULL ? thread_id : id);
  message->kind = g_strcmp0 (desk_json_string (status, "visibility"), "direct") == 0
                    ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;
  message->direction = g_strcmp0 (author_id, self->account_remote_id) == 0
                         ? DESK_DIRECTION_OUT : DESK_DIRECTION_IN;
  message->author_id = g_strdup (author_id);
  message->author_handle = full_acct (self, account);
  message->author_name = g_strdup (desk_json_string (account, "display_name"));
  message->author_avatar_url = g_strdup (desk_json_string (account, "avatar"));
  message->text = g_steal_pointer (&text);
  message->created_at = created_at > 0 && created_at < now + 5 * 60 * G_USEC_PER_SEC ? created_at : now;
  message->reply_to_id = g_strdup (desk_json_string (status, "in_reply_to_id"));
  message->raw_json = desk_json_to_string (node);
  if (message->direction == DESK_DIRECTION_OUT)
    message->agent_initials = desk_text_find_initials (message->text);

  return message;
}

static void
remember_root (DeskMastodonProvider *self,
               const char           *id,
               const char           *root)
{
  if (g_hash_table_size (self->roots) >= MAX_ROOT_CACHE)
    g_hash_table_remove_all (self->roots);
  g_hash_table_replace (self->roots, g_strdup (id), g_strdup (root));
}

static DeskHttpResponse *
get_context (DeskMastodonProvider  *self,
             const char            *id,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/statuses/%s/context", escaped);
  g_autofree char *url = desk_http_url (self->server_url, path, NULL);

  return api (self, "GET", url, NULL, NULL, cancellable, error);
}

/* The id of the first status of @status's reply chain. */
static char *
find_root (DeskMastodonProvider  *self,
           JsonObject            *status,
           GCancellable          *cancellable,
           GError               **error)
{
  const char *id = desk_json_string (status, "id");
  const char *parent = desk_json_string (status, "in_reply_to_id");
  g_autoptr(DeskHttpResponse) response = NULL;
  const char *known;
  JsonArray *ancestors;
  const char *root = NULL;

  if (parent == NULL)
    return g_strdup (id);

  known = g_hash_table_lookup (self->roots, parent);
  if (known != NULL)
    return g_strdup (known);

  response = get_context (self, id, cancellable, error);
  if (response == NULL)
    return NULL;

  /* Gone, or hidden from us: the chain starts at what we can see. */
  if (response->status == 404)
    return g_strdup (parent);

  if (!check_json (response, FALSE, error))
    return NULL;

  ancestors = desk_json_array (json_node_get_object (response->json), "ancestors");
  if (ancestors != NULL && json_array_get_length (ancestors) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (ancestors, 0)))
    root = desk_json_string (json_array_get_object_element (ancestors, 0), "id");
  if (root == NULL)
    root = parent;  /* the parent is not visible to us */

  for (guint i = 0; ancestors != NULL && i < json_array_get_length (ancestors); i++)
    {
      JsonNode *node = json_array_get_element (ancestors, i);
      const char *ancestor = JSON_NODE_HOLDS_OBJECT (node)
                               ? desk_json_string (json_node_get_object (node), "id") : NULL;

      if (ancestor != NULL)
        remember_root (self, ancestor, root);
    }

  return g_strdup (root);
}

/* The min_id of the Link header's rel="prev": the newest notification of this page. */
static char *
link_prev_min_id (DeskHttpResponse *response)
{
  const char *link = soup_message_headers_get_one (response->headers, "Link");
  g_auto(GStrv) parts = NULL;

  if (link == NULL)
    return NULL;

  parts = g_strsplit (link, ",", 8);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *lt = strchr (parts[i], '<');
      const char *gt = lt ? strchr (lt, '>') : NULL;
      g_autofree char *url = NULL;
      g_autoptr(GUri) uri = NULL;
      g_autoptr(GHashTable) params = NULL;
      const char *query;
      const char *min_id;

      if (gt == NULL || strstr (gt, "rel=\"prev\"") == NULL)
        continue;

      url = g_strndup (lt + 1, gt - lt - 1);
      uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
      query = uri ? g_uri_get_query (uri) : NULL;
      if (query == NULL)
        continue;
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
      min_id = params ? g_hash_table_lookup (params, "min_id") : NULL;
      if (min_id != NULL && min_id[0] != '\0')
        return g_strdup (min_id);
    }

  return NULL;
}

static DeskFetchResult *
fetch_mentions (DeskMastodonProvider  *self,
                const char            *cursor,
                GCancellable          *cancellable,
                GError               **error)
{
  g_autoptr(DeskFetchResult) result = desk_fetch_result_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  g_autofree char *limit = g_strdup_printf ("%d", PAGE_LIMIT);
  g_autofree char *newest = NULL;
  g_autofree char *oldest = NULL;
  g_autofree char *top = NULL;
  g_autofree char *older_than = NULL;
  g_autoptr(JsonNode) state = NULL;
  JsonArray *notifications;
  guint length;
  gint64 pages = 0;

  if (cursor != NULL && cursor[0] == '\0')
    cursor = NULL;

  /* The first sync walking back: a JSON object. Otherwise the newest stored id. */
  if (cursor != NULL && cursor[0] == '{')
    {
      JsonObject *object;

      state = json_from_string (cursor, NULL);
      object = state != NULL && JSON_NODE_HOLDS_OBJECT (state) ? json_node_get_object (state) : NULL;
      top = g_strdup (desk_json_string (object, "top"));
      older_than = g_strdup (desk_json_string (object, "older_than"));
      if (object != NULL && json_object_has_member (object, "pages"))
        pages = json_object_get_int_member_with_default (object, "pages", 0);
      cursor = NULL;
      /* A cursor we cannot read starts over with the newest page: dedupe keeps it exact. */
      if (top == NULL || older_than == NULL)
        g_clear_pointer (&top, g_free);
    }

  url = desk_http_url (self->server_url, "/api/v1/notifications",
                       "types[]", "mention",
                       "include_filtered", "true",
                       "limit", limit,
                       "min_id", cursor,
                       "max_id", top != NULL ? older_than : NULL,
                       NULL);
  response = api (self, "GET", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    return NULL;

  result->retry_after = response->retry_after;

  if (response->status != 200 || !check_json (response, TRUE, error))
    {
      if (error != NULL && *error == NULL)
        {
          g_autofree char *text = desk_http_error_text (response);

          g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                       _("Mastodon sent no notifications list: %s"), text);
        }
      return NULL;
    }

  notifications = json_node_get_array (response->json);
  length = json_array_get_length (notifications);

  for (guint i = 0; i < length; i++)
    {
      JsonNode *node = json_array_get_element (notifications, i);
      JsonObject *notification = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *status_node = notification ? json_object_get_member (notification, "status") : NULL;
      g_autofree char *root = NULL;
      DeskMessage *message;

      /* The server lists the newest first: that one is where the next page starts. */
      if (newest == NULL && desk_json_string (notification, "id") != NULL)
        newest = g_strdup (desk_json_string (notification, "id"));
      if (desk_json_string (notification, "id") != NULL)
        {
          g_free (oldest);
          oldest = g_strdup (desk_json_string (notification, "id"));
        }

      if (g_strcmp0 (desk_json_string (notification, "type"), "mention") != 0 ||
          status_node == NULL || !JSON_NODE_HOLDS_OBJECT (status_node))
        continue;

      root = find_root (self, json_node_get_object (status_node), cancellable, error);
      if (root == NULL)
        {
          if (error != NULL && *error != NULL)
            return NULL;
          continue;
        }

      message = message_from_status (self, status_node, root);
      if (message == NULL)
        {
          g_debug ("Skipping a notification Frontdesk cannot read");
          continue;
        }
      remember_root (self, message->remote_id, root);
      g_ptr_array_add (result->messages, message);
    }

  /* The Link header names the page's newest; the first element says the same. */
  {
    g_autofree char *prev = link_prev_min_id (response);

    if (prev != NULL)
      {
        g_free (newest);
        newest = g_steal_pointer (&prev);
      }
  }

  if (cursor != NULL)
    {
      /* Forward: the page's newest, stored with it; NULL (an empty page) keeps the old one. */
      result->cursor = g_steal_pointer (&newest);
      result->more = length >= PAGE_LIMIT && result->cursor != NULL;
      return g_steal_pointer (&result);
    }

  if (top == NULL)
    {
      /* The very first page: the newest becomes the top the first sync walks back from. */
      top = g_steal_pointer (&newest);
      pages = 0;
      if (top == NULL)
        return g_steal_pointer (&result);  /* no mention yet */
    }
  pages++;

  if (length >= PAGE_LIMIT && oldest != NULL && pages < BACKFILL_PAGES)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "top");
      json_builder_add_string_value (builder, top);
      json_builder_set_member_name (builder, "older_than");
      json_builder_add_string_value (builder, oldest);
      json_builder_set_member_name (builder, "pages");
      json_builder_add_int_value (builder, pages);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      result->cursor = json_to_string (root, FALSE);
      result->more = TRUE;
    }
  else
    {
      /* Done walking back: from now on, forward from the top. */
      result->cursor = g_steal_pointer (&top);
      result->more = FALSE;
    }

  return g_steal_pointer (&result);
}

static DeskFetchResult *
desk_mastodon_provider_fetch (DeskProvider  *provider,
                              const char    *stream,
                              const char    *cursor,
                              GCancellable  *cancellable,
                              GError       **error)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);

  if (g_strcmp0 (stream, "mentions") == 0)
    {
      refresh_limits (self, cancellable);
      return fetch_mentions (self, cursor, cancellable, error);
    }

  g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
               "unknown stream %s", stream);
  return NULL;
}

static GPtrArray *
desk_mastodon_provider_fetch_thread (DeskProvider          *provider,
                                     DeskConversationKind   kind,
                                     const char            *thread_id,
                                     GCancellable          *cancellable,
                                     GError               **error)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(DeskHttpResponse) root_response = NULL;
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *escaped = g_uri_escape_string (thread_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/statuses/%s", escaped);
  g_autofree char *url = desk_http_url (self->server_url, path, NULL);
  JsonArray *descendants;

  root_response = api (self, "GET", url, NULL, NULL, cancellable, error);
  if (root_response == NULL)
    return NULL;

  /* Deleted or no longer visible: nothing new to read. */
  if (root_response->status == 404)
    return g_steal_pointer (&messages);

  if (!check_json (root_response, FALSE, error))
    return NULL;

  {
    DeskMessage *message = message_from_status (self, root_response->json, thread_id);

    if (message != NULL)
      {
        message->kind = kind;
        g_ptr_array_add (messages, message);
      }
  }

  response = get_context (self, thread_id, cancellable, error);
  if (response == NULL)
    return NULL;
  if (response->status == 404)
    return g_steal_pointer (&messages);
  if (!check_json (response, FALSE, error))
    return NULL;

  descendants = desk_json_array (json_node_get_object (response->json), "descendants");
  for (guint i = 0; descendants != NULL && i < json_array_get_length (descendants) &&
                    messages->len < MAX_THREAD_STATUSES; i++)
    {
      JsonNode *node = json_array_get_element (descendants, i);
      DeskMessage *message = message_from_status (self, node, thread_id);

      if (message == NULL)
        continue;

      /* The conversation keeps its kind: a public reply in a DM thread is still that thread. */
      message->kind = kind;
      remember_root (self, message->remote_id, thread_id);
      g_ptr_array_add (messages, message);
    }

  return g_steal_pointer (&messages);
}

/* Replies */

static JsonObject *
parse_raw (const char *raw_json,
           JsonNode  **node)
{
  *node = raw_json != NULL ? json_from_string (raw_json, NULL) : NULL;
  if (*node == NULL || !JSON_NODE_HOLDS_OBJECT (*node))
    return NULL;

  return json_node_get_object (*node);
}

static gboolean
mentions_acct (const char *text,
               const char *acct)
{
  g_autofree char *needle = g_strconcat ("@", acct, NULL);
  const char *found = text;

  while ((found = strstr (found, needle)) != NULL)
    {
      char after = found[strlen (needle)];

      if (!(g_ascii_isalnum (after) || after == '_' || after == '.' || after == '-' || after == '@'))
        return TRUE;
      found++;
    }

  return FALSE;
}

static char *
reply_text (DeskMastodonProvider *self,
            const DeskOutgoing   *reply,
            JsonObject           *original)
{
  g_autofree char *acct = full_acct (self, desk_json_object (original, "account"));
  const char *author_id = desk_json_string (desk_json_object (original, "account"), "id");

  /* Not to ourselves, and not twice. */
  if (acct == NULL || g_strcmp0 (author_id, self->account_remote_id) == 0 ||
      mentions_acct (reply->text, acct))
    return g_strdup (reply->text);

  /* A local account may also be written without its domain. */
  if (g_str_has_suffix (acct, self->domain))
    {
      const char *at = strchr (acct, '@');
      g_autofree char *user = at ? g_strndup (acct, at - acct) : g_strdup (acct);

      if (mentions_acct (reply->text, user))
        return g_strdup (reply->text);
    }

  return g_strdup_printf ("@%s %s", acct, reply->text);
}

static char *
post_status (DeskMastodonProvider  *self,
             const DeskOutgoing    *reply,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(JsonNode) raw = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  JsonObject *original = parse_raw (reply->reply_to_raw, &raw);
  const char *visibility = desk_json_string (original, "visibility");
  const char *in_reply_to = desk_json_string (original, "id");
  const char *id;
  guint length, limit, max_chars;
  int chars_per_url;

  if (original == NULL || in_reply_to == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("Frontdesk does not know which Mastodon post to answer."));
      return NULL;
    }

  /* Never wider than the original: a DM stays a DM, followers-only stays so. */
  if (visibility == NULL ||
      (g_strcmp0 (visibility, "public") != 0 && g_strcmp0 (visibility, "unlisted") != 0 &&
       g_strcmp0 (visibility, "private") != 0 && g_strcmp0 (visibility, "direct") != 0))
    visibility = reply->kind == DESK_CONVERSATION_DM ? "direct" : "unlisted";
  /* A private answer to a public conversation is a direct reply in the same thread: only the
   * accounts it mentions, the customer first (reply_text), see it. Direct is the narrowest
   * visibility, so it is never wider than the original. */
  if (reply->kind == DESK_CONVERSATION_DM || reply->private_reply)
    visibility = "direct";

  text = reply_text (self, reply, original);

  /* Counted as the composer counts it, with the limits stored for the account. */
  refresh_limits (self, cancellable);
  get_limits (self, &max_chars, &chars_per_url);
  limit = desk_compose_get_limit ("mastodon", max_chars);
  length = desk_compose_get_length_full ("mastodon", text, chars_per_url);
  if (length > limit)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_TOO_LONG,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The reply has %u character; this Mastodon server allows %u.",
                                "The reply has %u characters; this Mastodon server allows %u.",
                                length),
                   length, limit);
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "in_reply_to_id");
  json_builder_add_string_value (builder, in_reply_to);
  json_builder_set_member_name (builder, "visibility");
  json_builder_add_string_value (builder, visibility);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = desk_http_url (self->server_url, "/api/v1/statuses", NULL);
  response = api (self, "POST", url, body, reply->idempotency_key, cancellable, error);
  if (response == NULL)
    return NULL;

  if (response->status == 404 || response->status == 422)
    {
      g_autofree char *error_text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("Mastodon refused the reply: %s"), error_text);
      return NULL;
    }

  id = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
         ? desk_json_string (json_node_get_object (response->json), "id") : NULL;
  if (id == NULL)
    {
      /* It may be posted: the next attempt sends the same key and learns its id. */
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                           _("The Mastodon server sent an answer Frontdesk cannot read."));
      return NULL;
    }

  return g_strdup (id);
}

static char *
desk_mastodon_provider_send_reply (DeskProvider        *provider,
                                   const DeskOutgoing  *reply,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  return post_status (DESK_MASTODON_PROVIDER (provider), reply, cancellable, error);
}

static char *
desk_mastodon_provider_find_sent (DeskProvider        *provider,
                                  const DeskOutgoing  *reply,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(JsonNode) raw = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  JsonObject *original = parse_raw (reply->reply_to_raw, &raw);
  const char *in_reply_to = desk_json_string (original, "id");
  JsonArray *statuses;

  /* While the server remembers the key, sending again is the exact answer: it returns the
   * status an earlier attempt created, or creates it now, once. */
  if (g_get_real_time () - reply->created_at < IDEMPOTENCY_WINDOW)
    {
      g_autoptr(GError) local_error = NULL;
      char *id = post_status (self, reply, cancellable, &local_error);

      /* Still unsure: the next pass asks again with the same key, which stays safe. */
      if (id == NULL &&
          (g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME) ||
           g_error_matches (local_error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL)))
        local_error->code = DESK_PROVIDER_ERROR_NETWORK;
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return id;
    }

  /* Later: look for our reply among the account's newest statuses. */
  escaped = g_uri_escape_string (self->account_remote_id, NULL, TRUE);
  path = g_strdup_printf ("/api/v1/accounts/%s/statuses", escaped);
  url = desk_http_url (self->server_url, path, "limit", "40", "exclude_reblogs", "true", NULL);
  response = api (self, "GET", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    return NULL;
  if (response->status != 200 || !check_json (response, TRUE, NULL))
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME,
                   _("Mastodon could not say whether the reply was posted: %s"), text);
      return NULL;
    }

  statuses = json_node_get_array (response->json);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      JsonNode *node = json_array_get_element (statuses, i);
      JsonObject *status = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (in_reply_to != NULL &&
          g_strcmp0 (desk_json_string (status, "in_reply_to_id"), in_reply_to) == 0 &&
          desk_json_time (status, "created_at") >= reply->created_at - 60 * G_USEC_PER_SEC)
        return g_strdup (desk_json_string (status, "id"));
    }

  return NULL;
}

static gboolean
desk_mastodon_provider_like (DeskProvider  *provider,
                             const char    *remote_id,
                             const char    *raw_json,
                             GCancellable  *cancellable,
                             GError       **error)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *escaped = g_uri_escape_string (remote_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/statuses/%s/favourite", escaped);
  g_autofree char *url = desk_http_url (self->server_url, path, NULL);

  /* Favouriting twice is harmless: Mastodon answers with the status either way. */
  response = api (self, "POST", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    return FALSE;

  if (response->status != 200)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("Mastodon refused the favourite: %s"), text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
desk_mastodon_provider_boost (DeskProvider  *provider,
                              const char    *remote_id,
                              const char    *raw_json,
                              GCancellable  *cancellable,
                              GError       **error)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autofree char *escaped = g_uri_escape_string (remote_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/statuses/%s/reblog", escaped);
  g_autofree char *url = desk_http_url (self->server_url, path, NULL);

  /* Boosting twice is harmless: Mastodon answers with the boost either way. A direct message
   * cannot be boosted; Mastodon refuses it with its own words. */
  response = api (self, "POST", url, NULL, NULL, cancellable, error);
  if (response == NULL)
    return FALSE;

  if (response->status != 200)
    {
      g_autofree char *text = desk_http_error_text (response);

      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("Mastodon refused the boost: %s"), text);
      return FALSE;
    }

  return TRUE;
}

/* Identity and capabilities */

static const char *
desk_mastodon_provider_get_network (DeskProvider *provider)
{
  return "mastodon";
}

static void
desk_mastodon_provider_get_capabilities (DeskProvider             *provider,
                                         DeskProviderCapabilities *capabilities)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);

  /* The instance's limit as stored, Mastodon's default before. Mastodon counts grapheme
   * clusters, links at the server's fixed length and mentions without their domain: count with
   * desk_compose_get_length_full() and the account's stored limits. */
  capabilities->max_length = desk_compose_get_limit ("mastodon", self->max_characters);
  capabilities->length_unit = DESK_LENGTH_GRAPHEMES;
  capabilities->has_direct_messages = TRUE;
  capabilities->has_public_replies = TRUE;
  capabilities->can_like = TRUE;
  capabilities->can_boost = TRUE;
  /* Mastodon allows 300 requests per 5 minutes per account. */
  capabilities->poll_interval_seconds = 60;
}

static const char * const *
desk_mastodon_provider_list_streams (DeskProvider *provider)
{
  return streams;
}

static void
provider_iface_init (DeskProviderInterface *iface)
{
  iface->get_network = desk_mastodon_provider_get_network;
  iface->get_capabilities = desk_mastodon_provider_get_capabilities;
  iface->list_streams = desk_mastodon_provider_list_streams;
  iface->fetch = desk_mastodon_provider_fetch;
  iface->fetch_thread = desk_mastodon_provider_fetch_thread;
  iface->send_reply = desk_mastodon_provider_send_reply;
  iface->find_sent = desk_mastodon_provider_find_sent;
  iface->like = desk_mastodon_provider_like;
  iface->boost = desk_mastodon_provider_boost;
  iface->start_push = desk_mastodon_provider_start_push;
}

static void
desk_mastodon_provider_finalize (GObject *object)
{
  DeskMastodonProvider *self = (DeskMastodonProvider *)object;

  /* First: its thread calls back into us until it is joined. */
  g_clear_pointer (&self->stream, desk_mastodon_stream_free);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_pointer (&self->roots, g_hash_table_unref);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->account_remote_id, g_free);
  g_clear_pointer (&self->handle, g_free);
  g_clear_pointer (&self->access_token, desk_credentials_free_secret);

  G_OBJECT_CLASS (desk_mastodon_provider_parent_class)->finalize (object);
}

static void
desk_mastodon_provider_class_init (DeskMastodonProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = desk_mastodon_provider_finalize;
}

static void
desk_mastodon_provider_init (DeskMastodonProvider *self)
{
  self->roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->url_length = -1;
}

/**
 * desk_mastodon_provider_new:
 * @account: a stored Mastodon account: remote_id is the account id, server_url the instance
 *
 * The token is read from the keyring at the first request, in the sync thread.
 */
DeskProvider *
desk_mastodon_provider_new (const DeskAccountInfo *account)
{
  DeskMastodonProvider *self;

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (account->id > 0, NULL);
  g_return_val_if_fail (account->server_url != NULL, NULL);

  self = g_object_new (DESK_TYPE_MASTODON_PROVIDER, NULL);
  self->account_id = account->id;
  self->server_url = g_strdup (account->server_url);
  self->domain = host_of (account->server_url);
  self->account_remote_id = g_strdup (account->remote_id);
  self->handle = g_strdup (account->handle);
  self->max_characters = account->max_reply_chars;
  self->url_length = account->has_chars_per_url ? (int) account->chars_per_url : -1;

  return DESK_PROVIDER (self);
}

/**
 * desk_mastodon_provider_set_store:
 * @store: (nullable): the store that holds the provider's account
 *
 * Where the server's limits for a reply are kept once read, and read back before posting, so
 * that the composer and the provider count with the same numbers. desk_providers_create()
 * sets it; without a store the limits live in the provider only.
 */
void
desk_mastodon_provider_set_store (DeskMastodonProvider *self,
                                  DeskStore            *store)
{
  g_return_if_fail (DESK_IS_MASTODON_PROVIDER (self));
  g_return_if_fail (store == NULL || DESK_IS_STORE (store));

  g_set_object (&self->store, store);
}

/* Sign-in */

struct _DeskMastodonSignIn
{
  char         *server_url;
  char         *client_id;
  char         *client_secret;
  char         *redirect_uri;
  char         *token_url;
  char         *authorize_url;
  char         *state;
  char         *verifier;     /* NULL when the server does not do PKCE */

  /* The loopback listener, in a thread of its own so that any caller may wait for it. */
  GMutex        mutex;
  GCond         cond;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *code;
  char         *denied;
};

static char *
random_token (void)
{
  guint8 bytes[32];
  g_autofree char *text = NULL;

  for (guint i = 0; i < sizeof bytes; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (bytes + i, &r, 4);
    }

  /* base64url without padding: what PKCE's code_verifier allows. */
  text = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return g_strdup (text);
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *text = NULL;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  text = g_base64_encode (digest, length);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return g_strdup (text);
}

static void
callback_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  DeskMastodonSignIn *sign_in = user_data;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *denied = query ? g_hash_table_lookup (query, "error") : NULL;
  g_autofree char *page = NULL;
  const char *text;

  if (g_strcmp0 (path, "/callback") != 0)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  g_mutex_lock (&sign_in->mutex);
  /* Only the answer to our own request: the state ties it to this sign-in. */
  if (g_strcmp0 (state, sign_in->state) == 0 && sign_in->code == NULL && sign_in->denied == NULL)
    {
      if (code != NULL && code[0] != '\0')
        sign_in->code = g_strdup (code);
      else
        sign_in->denied = g_strdup (denied != NULL ? denied : "no code");
      g_cond_broadcast (&sign_in->cond);
      text = sign_in->code != NULL
               ? _("Frontdesk is signed in. You can close this page.")
               : _("Frontdesk was not allowed to sign in. You can close this page.");
    }
  else
    text = _("This sign-in link is not the one Frontdesk is waiting for.");
  g_mutex_unlock (&sign_in->mutex);

  page = g_markup_printf_escaped ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                  "<title>Frontdesk</title></head><body><p>%s</p></body></html>",
                                  text);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static gpointer
listener_thread (gpointer data)
{
  DeskMastodonSignIn *sign_in = data;

  g_main_context_push_thread_default (sign_in->context);
  g_main_loop_run (sign_in->loop);
  g_main_context_pop_thread_default (sign_in->context);

  return NULL;
}

static gboolean
start_listener (DeskMastodonSignIn  *sign_in,
                GError             **error)
{
  g_autoslist(GUri) uris = NULL;

  sign_in->context = g_main_context_new ();
  sign_in->loop = g_main_loop_new (sign_in->context, FALSE);

  /* Made in its context so that its sources attach there. */
  g_main_context_push_thread_default (sign_in->context);
  sign_in->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (sign_in->server, "/callback", callback_handler, sign_in, NULL);
  if (!soup_server_listen_local (sign_in->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      g_main_context_pop_thread_default (sign_in->context);
      return FALSE;
    }
  g_main_context_pop_thread_default (sign_in->context);

  uris = soup_server_get_uris (sign_in->server);
  sign_in->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/callback",
                                           g_uri_get_port (uris->data));
  sign_in->thread = g_thread_new ("mastodon-sign-in", listener_thread, sign_in);

  return TRUE;
}

static gboolean
stop_listener_in_thread (gpointer data)
{
  DeskMastodonSignIn *sign_in = data;

  soup_server_disconnect (sign_in->server);
  g_main_loop_quit (sign_in->loop);

  return G_SOURCE_REMOVE;
}

void
desk_mastodon_sign_in_free (DeskMastodonSignIn *sign_in)
{
  if (sign_in == NULL)
    return;

  if (sign_in->thread != NULL)
    {
      g_main_context_invoke (sign_in->context, stop_listener_in_thread, sign_in);
      g_thread_join (sign_in->thread);
    }
  g_clear_object (&sign_in->server);
  g_clear_pointer (&sign_in->loop, g_main_loop_unref);
  g_clear_pointer (&sign_in->context, g_main_context_unref);

  g_free (sign_in->server_url);
  g_free (sign_in->client_id);
  desk_credentials_free_secret (sign_in->client_secret);
  g_free (sign_in->redirect_uri);
  g_free (sign_in->token_url);
  g_free (sign_in->authorize_url);
  g_free (sign_in->state);
  desk_credentials_free_secret (sign_in->verifier);
  desk_credentials_free_secret (sign_in->code);
  g_free (sign_in->denied);
  g_mutex_clear (&sign_in->mutex);
  g_cond_clear (&sign_in->cond);
  g_free (sign_in);
}

static void
set_sign_in_error (GError           **error,
                   DeskHttpResponse  *response,
                   const char        *server_url)
{
  g_autofree char *text = desk_http_error_text (response);

  if (response->status == 429)
    g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_RATE_LIMITED,
                 _("The Mastodon server at %s asks to wait before signing in again (%s)."),
                 server_url, text);
  else if (response->status == 400 || response->status == 401 || response->status == 403)
    g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                 _("The Mastodon server at %s did not accept the sign-in (%s)."), server_url, text);
  else
    g_set_error (error, DESK_PROVIDER_ERROR,
                 response->status >= 500 ? DESK_PROVIDER_ERROR_NETWORK : DESK_PROVIDER_ERROR_PROTOCOL,
                 _("The Mastodon server at %s answered something Frontdesk cannot read (%s)."),
                 server_url, text);
}

/* Sign-in requests change nothing that a retry could double: a request that may have arrived
 * is only a request that did not arrive as far as the user can tell. */
static DeskHttpResponse *
sign_in_request (SoupSession   *session,
                 const char    *method,
                 const char    *url,
                 const char   **headers,
                 JsonNode      *body,
                 GCancellable  *cancellable,
                 GError       **error)
{
  DeskHttpResponse *response = desk_http_request (session, method, url, headers, body,
                                                  cancellable, error);

  if (response == NULL && g_error_matches (*error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME))
    (*error)->code = DESK_PROVIDER_ERROR_NETWORK;

  return response;
}

/**
 * desk_mastodon_begin_sign_in:
 * @server_url: the instance, e.g. "https://mastodon.social"
 * @loopback: %TRUE to catch the code on 127.0.0.1 (the browser runs on this computer);
 *   %FALSE for the paste-the-code flow
 *
 * Registers Frontdesk with the instance and prepares the authorization request. Show
 * desk_mastodon_sign_in_get_authorize_url() in the browser, then either wait for the code
 * with desk_mastodon_sign_in_wait_for_code() or ask the user to paste it, and hand it to
 * desk_mastodon_finish_sign_in(). Blocks: run it in a thread.
 *
 * Returns: (transfer full): the sign-in under way, or %NULL with @error set
 */
DeskMastodonSignIn *
desk_mastodon_begin_sign_in (const char    *server_url,
                             gboolean       loopback,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(DeskMastodonSignIn) sign_in = NULL;
  g_autoptr(SoupSession) session = desk_http_session_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(DeskHttpResponse) metadata = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GString) authorize = NULL;
  g_autofree char *url = NULL;
  const char *authorize_endpoint = NULL;
  const char *token_endpoint = NULL;
  JsonObject *object;
  gboolean pkce = FALSE;

  g_return_val_if_fail (server_url != NULL, NULL);

  if (!g_str_has_prefix (server_url, "https://") && !g_str_has_prefix (server_url, "http://"))
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("“%s” is not a web address Frontdesk can use."), server_url);
      return NULL;
    }

  sign_in = g_new0 (DeskMastodonSignIn, 1);
  g_mutex_init (&sign_in->mutex);
  g_cond_init (&sign_in->cond);
  sign_in->server_url = g_strdup (server_url);
  while (g_str_has_suffix (sign_in->server_url, "/"))
    sign_in->server_url[strlen (sign_in->server_url) - 1] = '\0';

  if (loopback)
    {
      g_autoptr(GError) listen_error = NULL;

      /* Without a loopback port the user can still paste the code. */
      if (!start_listener (sign_in, &listen_error))
        g_debug ("No loopback listener, falling back to pasting the code: %s", listen_error->message);
    }
  if (sign_in->redirect_uri == NULL)
    sign_in->redirect_uri = g_strdup (DESK_MASTODON_OOB_URI);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "client_name");
  json_builder_add_string_value (builder, "Frontdesk");
  json_builder_set_member_name (builder, "redirect_uris");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, sign_in->redirect_uri);
  if (g_strcmp0 (sign_in->redirect_uri, DESK_MASTODON_OOB_URI) != 0)
    json_builder_add_string_value (builder, DESK_MASTODON_OOB_URI);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "scopes");
  json_builder_add_string_value (builder, "read write");
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  url = desk_http_url (sign_in->server_url, "/api/v1/apps", NULL);
  response = sign_in_request (session, "POST", url, NULL, body, cancellable, error);
  if (response == NULL)
    return NULL;

  object = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
             ? json_node_get_object (response->json) : NULL;
  if (response->status != 200 || desk_json_string (object, "client_id") == NULL ||
      desk_json_string (object, "client_secret") == NULL)
    {
      set_sign_in_error (error, response, sign_in->server_url);
      return NULL;
    }
  sign_in->client_id = g_strdup (desk_json_string (object, "client_id"));
  sign_in->client_secret = g_strdup (desk_json_string (object, "client_secret"));

  /* RFC 8414 metadata (Mastodon 4.3+): the endpoints, and whether PKCE S256 is supported. */
  g_free (url);
  url = desk_http_url (sign_in->server_url, "/.well-known/oauth-authorization-server", NULL);
  metadata = sign_in_request (session, "GET", url, NULL, NULL, cancellable, NULL);
  if (metadata != NULL && metadata->status == 200 && metadata->json != NULL &&
      JSON_NODE_HOLDS_OBJECT (metadata->json))
    {
      JsonObject *meta = json_node_get_object (metadata->json);
      JsonArray *methods = desk_json_array (meta, "code_challenge_methods_supported");

      for (guint i = 0; methods != NULL && i < json_array_get_length (methods); i++)
        {
          JsonNode *node = json_array_get_element (methods, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (node), "S256") == 0)
            pkce = TRUE;
        }

      /* Only endpoints on the same server: the metadata must not send the code elsewhere. */
      authorize_endpoint = desk_json_string (meta, "authorization_endpoint");
      token_endpoint = desk_json_string (meta, "token_endpoint");
      if (authorize_endpoint != NULL && !g_str_has_prefix (authorize_endpoint, sign_in->server_url))
        authorize_endpoint = NULL;
      if (token_endpoint != NULL && !g_str_has_prefix (token_endpoint, sign_in->server_url))
        token_endpoint = NULL;
    }

  sign_in->token_url = token_endpoint != NULL
                         ? g_strdup (token_endpoint)
                         : desk_http_url (sign_in->server_url, "/oauth/token", NULL);
  sign_in->state = random_token ();
  if (pkce)
    sign_in->verifier = random_token ();

  {
    g_autofree char *challenge = pkce ? pkce_challenge (sign_in->verifier) : NULL;
    g_autofree char *base = authorize_endpoint != NULL
                              ? g_strdup (authorize_endpoint)
                              : desk_http_url (sign_in->server_url, "/oauth/authorize", NULL);

    g_free (url);
    url = desk_http_url (base, "",
                         "response_type", "code",
                         "client_id", sign_in->client_id,
                         "redirect_uri", sign_in->redirect_uri,
                         "scope", "read write",
                         "state", sign_in->state,
                         "code_challenge", challenge,
                         "code_challenge_method", pkce ? "S256" : NULL,
                         NULL);
    sign_in->authorize_url = g_steal_pointer (&url);
  }

  return g_steal_pointer (&sign_in);
}

const char *
desk_mastodon_sign_in_get_authorize_url (DeskMastodonSignIn *sign_in)
{
  g_return_val_if_fail (sign_in != NULL, NULL);

  return sign_in->authorize_url;
}

const char *
desk_mastodon_sign_in_get_state (DeskMastodonSignIn *sign_in)
{
  g_return_val_if_fail (sign_in != NULL, NULL);

  return sign_in->state;
}

/**
 * desk_mastodon_sign_in_uses_loopback:
 *
 * Returns: %TRUE when the code comes back by itself; %FALSE when the user must paste it
 */
gboolean
desk_mastodon_sign_in_uses_loopback (DeskMastodonSignIn *sign_in)
{
  g_return_val_if_fail (sign_in != NULL, FALSE);

  return sign_in->thread != NULL;
}

/**
 * desk_mastodon_sign_in_wait_for_code:
 * @timeout_seconds: how long to wait for the browser
 *
 * Waits until the browser comes back to the loopback listener. Blocks.
 *
 * Returns: (transfer full): the authorization code, or %NULL with @error set
 */
char *
desk_mastodon_sign_in_wait_for_code (DeskMastodonSignIn  *sign_in,
                                     guint                timeout_seconds,
                                     GCancellable        *cancellable,
                                     GError             **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  char *code = NULL;

  g_return_val_if_fail (sign_in != NULL, NULL);

  if (sign_in->thread == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("Paste the code the Mastodon server shows to finish signing in."));
      return NULL;
    }

  g_mutex_lock (&sign_in->mutex);
  while (sign_in->code == NULL && sign_in->denied == NULL &&
         !g_cancellable_is_cancelled (cancellable) && g_get_monotonic_time () < deadline)
    {
      /* Short waits: cancellation is noticed within a tenth of a second. */
      g_cond_wait_until (&sign_in->cond, &sign_in->mutex,
                         MIN (deadline, g_get_monotonic_time () + G_USEC_PER_SEC / 10));
    }
  if (sign_in->code != NULL)
    code = g_strdup (sign_in->code);
  else if (sign_in->denied != NULL)
    g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                 _("The Mastodon server did not allow Frontdesk to sign in (%s)."), sign_in->denied);
  else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK,
                         _("The browser did not come back to Frontdesk in time."));
  g_mutex_unlock (&sign_in->mutex);

  return code;
}

/**
 * desk_mastodon_finish_sign_in:
 * @code: the authorization code, from the loopback listener or pasted by the user
 *
 * Exchanges the code for a token, reads the account, adds it to the store and keeps the
 * client secret and the token in the keyring. Blocks: run it in a thread.
 *
 * Returns: the account's id, or 0 with @error set
 */
gint64
desk_mastodon_finish_sign_in (DeskStore           *store,
                              DeskMastodonSignIn  *sign_in,
                              const char          *code,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(SoupSession) session = desk_http_session_new ();
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(DeskHttpResponse) account_response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *handle = NULL;
  g_autofree char *label = NULL;
  g_auto(DeskSecret) token = NULL;
  g_autofree char *trimmed = code != NULL ? g_strstrip (g_strdup (code)) : NULL;
  const char *headers[3] = { "Authorization", NULL, NULL };
  DeskAccountInfo info = { 0 };
  JsonObject *object;
  const char *id, *acct;
  gint64 account_id;

  g_return_val_if_fail (DESK_IS_STORE (store), 0);
  g_return_val_if_fail (sign_in != NULL, 0);

  if (trimmed == NULL || trimmed[0] == '\0')
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
                           _("Paste the code the Mastodon server shows to finish signing in."));
      return 0;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "grant_type");
  json_builder_add_string_value (builder, "authorization_code");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, trimmed);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, sign_in->client_id);
  json_builder_set_member_name (builder, "client_secret");
  json_builder_add_string_value (builder, sign_in->client_secret);
  json_builder_set_member_name (builder, "redirect_uri");
  json_builder_add_string_value (builder, sign_in->redirect_uri);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, "read write");
  if (sign_in->verifier != NULL)
    {
      json_builder_set_member_name (builder, "code_verifier");
      json_builder_add_string_value (builder, sign_in->verifier);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  response = sign_in_request (session, "POST", sign_in->token_url, NULL, body, cancellable, error);
  if (response == NULL)
    return 0;

  object = response->json && JSON_NODE_HOLDS_OBJECT (response->json)
             ? json_node_get_object (response->json) : NULL;
  if (response->status != 200 || desk_json_string (object, "access_token") == NULL)
    {
      set_sign_in_error (error, response, sign_in->server_url);
      return 0;
    }
  token = g_strdup (desk_json_string (object, "access_token"));

  bearer = g_strconcat ("Bearer ", token, NULL);
  headers[1] = bearer;
  url = desk_http_url (sign_in->server_url, "/api/v1/accounts/verify_credentials", NULL);
  account_response = sign_in_request (session, "GET", url, headers, NULL, cancellable, error);
  desk_credentials_free_secret (g_steal_pointer (&bearer));
  if (account_response == NULL)
    return 0;

  object = account_response->json && JSON_NODE_HOLDS_OBJECT (account_response->json)
             ? json_node_get_object (account_response->json) : NULL;
  id = desk_json_string (object, "id");
  acct = desk_json_string (object, "acct");
  if (account_response->status != 200 || id == NULL || acct == NULL)
    {
      set_sign_in_error (error, account_response, sign_in->server_url);
      return 0;
    }

  domain = host_of (sign_in->server_url);
  handle = strchr (acct, '@') != NULL ? g_strdup (acct) : g_strdup_printf ("%s@%s", acct, domain);

  info.network = (char *) "mastodon";
  info.remote_id = (char *) id;
  info.handle = handle;
  info.display_name = (char *) (desk_json_string (object, "display_name") != NULL &&
                                desk_json_string (object, "display_name")[0] != '\0'
                                  ? desk_json_string (object, "display_name") : handle);
  info.server_url = sign_in->server_url;

  account_id = desk_store_add_account (store, &info, error);
  if (account_id == 0)
    return 0;

  label = g_strdup_printf (_("Frontdesk: Mastodon account %s"), handle);
  if (!desk_credentials_store_sync (account_id, DESK_CREDENTIALS_KIND_CLIENT_SECRET,
                                    sign_in->client_secret, label, cancellable, &local_error) ||
      !desk_credentials_store_sync (account_id, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, token, label,
                                    cancellable, &local_error))
    {
      desk_store_set_account_state (store, account_id, "needs-sign-in", NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  desk_store_set_account_state (store, account_id, "ok", NULL);

  /* The server's limits for a reply, for the composer: best effort, never a failed sign-in. */
  {
    g_autoptr(GError) limits_error = NULL;
    gboolean answered;
    int max_chars, chars_per_url;

    if (fetch_limits (session, sign_in->server_url, token, cancellable, &max_chars, &chars_per_url,
                      &answered) &&
        !desk_store_set_account_limits (store, account_id, max_chars, chars_per_url, &limits_error))
      g_debug ("Cannot store the limits of %s: %s", handle, limits_error->message);
  }

  return account_id;
}

/* Streaming */

#define STREAM_MAX_LINE  (1024 * 1024)
#define STREAM_MAX_DELAY (60 * G_USEC_PER_SEC)

struct _DeskMastodonStream
{
  gint64                  account_id;
  char                   *url;
  DeskMastodonStreamFunc  func;
  gpointer                user_data;
  GCancellable           *cancellable;
  GThread                *thread;
};

static gboolean
is_mention_event (const char *data)
{
  g_autoptr(JsonNode) node = json_from_string (data, NULL);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
         g_strcmp0 (desk_json_string (json_node_get_object (node), "type"), "mention") == 0;
}

/* One connection: returns the HTTP status (0 when none arrived); calls back at each mention. */
static guint
stream_once (DeskMastodonStream *stream,
             SoupSession        *session,
             const char         *token)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", stream->url);
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *event = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  if (message == NULL)
    return 400;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "text/event-stream");

  body = soup_session_send (session, message, stream->cancellable, &error);
  if (body == NULL)
    return 0;

  status = soup_message_get_status (message);
  if (status != 200)
    return status;

  lines = g_data_input_stream_new (body);
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  for (;;)
    {
      gsize length = 0;
      g_autofree char *line = g_data_input_stream_read_line (lines, &length, stream->cancellable, NULL);

      if (line == NULL || length > STREAM_MAX_LINE)
        break;

      /* Server-sent events: "event: notification", then "data: {…}", then a blank line. */
      if (g_str_has_prefix (line, "event:"))
        {
          g_free (event);
          event = g_strstrip (g_strdup (line + strlen ("event:")));
        }
      else if (g_str_has_prefix (line, "data:"))
        {
          if (g_strcmp0 (event, "notification") == 0 && is_mention_event (line + strlen ("data:")))
            stream->func (stream->account_id, stream->user_data);
        }
      else if (line[0] == '\0')
        g_clear_pointer (&event, g_free);
    }

  return 200;
}

static gpointer
stream_thread (gpointer data)
{
  DeskMastodonStream *stream = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  gint64 delay = G_USEC_PER_SEC;

  /* libsoup's sync calls iterate the thread-default context: this thread's own. */
  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("user-agent", "Frontdesk/" PACKAGE_VERSION,
                                           "idle-timeout", 0, NULL);

  while (!g_cancellable_is_cancelled (stream->cancellable))
    {
      g_auto(DeskSecret) token = desk_credentials_lookup_sync (stream->account_id,
                                                               DESK_CREDENTIALS_KIND_ACCESS_TOKEN,
                                                               stream->cancellable, NULL);
      gint64 started = g_get_monotonic_time ();
      guint status = 0;

      if (token != NULL)
        status = stream_once (stream, session, token);

      /* Revoked or refused: polling tells the user; the stream has nothing more to offer. */
      if (status == 401 || status == 403 || status == 404)
        break;

      /* A connection that lived a while starts the backoff over. */
      if (g_get_monotonic_time () - started > 30 * G_USEC_PER_SEC)
        delay = G_USEC_PER_SEC;

      {
        GMutex mutex;
        GCond cond;
        gint64 until = g_get_monotonic_time () + delay;

        g_mutex_init (&mutex);
        g_cond_init (&cond);
        g_mutex_lock (&mutex);
        while (!g_cancellable_is_cancelled (stream->cancellable) && g_get_monotonic_time () < until)
          g_cond_wait_until (&cond, &mutex, MIN (until, g_get_monotonic_time () + G_USEC_PER_SEC / 10));
        g_mutex_unlock (&mutex);
        g_mutex_clear (&mutex);
        g_cond_clear (&cond);
      }
      delay = MIN (delay * 2, STREAM_MAX_DELAY);
    }

  g_clear_object (&session);
  g_main_context_pop_thread_default (context);

  return NULL;
}

/**
 * desk_mastodon_stream_new:
 * @account: a stored Mastodon account
 * @func: called (in the stream's thread) when a mention arrives; wake the sync engine there
 *
 * Starts listening to the account's notifications in a thread of its own, reconnecting with
 * backoff; it stops for good when the token is refused.
 *
 * Returns: (transfer full): the stream; free it to stop listening
 */
DeskMastodonStream *
desk_mastodon_stream_new (const DeskAccountInfo  *account,
                          DeskMastodonStreamFunc  func,
                          gpointer                user_data)
{
  DeskMastodonStream *stream;

  g_return_val_if_fail (account != NULL && account->id > 0 && account->server_url != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  stream = g_new0 (DeskMastodonStream, 1);
  stream->account_id = account->id;
  stream->url = desk_http_url (account->server_url, "/api/v1/streaming", "stream", "user:notification", NULL);
  stream->func = func;
  stream->user_data = user_data;
  stream->cancellable = g_cancellable_new ();
  stream->thread = g_thread_new ("mastodon-stream", stream_thread, stream);

  return stream;
}

void
desk_mastodon_stream_free (DeskMastodonStream *stream)
{
  if (stream == NULL)
    return;

  g_cancellable_cancel (stream->cancellable);
  g_thread_join (stream->thread);
  g_object_unref (stream->cancellable);
  g_free (stream->url);
  g_free (stream);
}

static void
stream_pushed (gint64   account_id,
               gpointer user_data)
{
  DeskMastodonProvider *self = user_data;

  self->push_func (self->push_data);
}

static void
desk_mastodon_provider_start_push (DeskProvider         *provider,
                                   DeskProviderPushFunc  func,
                                   gpointer              user_data)
{
  DeskMastodonProvider *self = DESK_MASTODON_PROVIDER (provider);
  DeskAccountInfo account = { 0 };

  if (self->stream != NULL)
    return;

  account.id = self->account_id;
  account.server_url = self->server_url;
  self->push_func = func;
  self->push_data = user_data;
  self->stream = desk_mastodon_stream_new (&account, stream_pushed, self);
}
