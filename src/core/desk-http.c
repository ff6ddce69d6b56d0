/* desk-http.c: HTTP for providers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Blocking requests for providers, which run in the sync engine's worker threads. Everything
 * a server sends is untrusted: bodies are bounded, JSON is parsed defensively, and failures
 * become DeskProviderErrors that say whether a request may have had an effect.
 */
#define G_LOG_DOMAIN "desk-http"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "desk-http.h"
#include "desk-provider.h"

SoupSession *
desk_http_session_new (void)
{
  g_autofree char *user_agent = g_strdup_printf ("Frontdesk/%s", PACKAGE_VERSION);

  return soup_session_new_with_options ("user-agent", user_agent,
                                        "timeout", 60,
                                        "idle-timeout", 60,
                                        NULL);
}

void
desk_http_response_free (DeskHttpResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

/**
 * desk_http_parse_reset:
 * @value: a rate-limit reset header: UNIX seconds (Bluesky, X), an ISO 8601 time (Mastodon)
 *   or, for Retry-After, seconds from now
 * @now: UNIX µs
 *
 * Returns: the reset as UNIX µs, or 0 when @value is not understood
 */
gint64
desk_http_parse_reset (const char *value,
                       gint64      now)
{
  g_autoptr(GDateTime) time = NULL;
  guint64 number;
  char *end = NULL;

  if (value == NULL || value[0] == '\0')
    return 0;

  number = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0')
    {
      /* Small numbers are delays (Retry-After), large ones are times. */
      if (number < 1000000000ULL)
        return now + (gint64) number * G_USEC_PER_SEC;
      if (number < 100000000000ULL)
        return (gint64) number * G_USEC_PER_SEC;
      return 0;
    }

  time = g_date_time_new_from_iso8601 (value, NULL);
  if (time != NULL)
    return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);

  return 0;
}

static void
read_rate_limits (DeskHttpResponse *response)
{
  gint64 now = g_get_real_time ();
  const char *remaining;
  const char *reset;

  remaining = soup_message_headers_get_one (response->headers, "RateLimit-Remaining");
  if (remaining == NULL)
    remaining = soup_message_headers_get_one (response->headers, "X-RateLimit-Remaining");
  if (remaining == NULL)
    remaining = soup_message_headers_get_one (response->headers, "x-rate-limit-remaining");
  response->remaining = remaining != NULL ? (gint) g_ascii_strtoll (remaining, NULL, 10) : -1;

  reset = soup_message_headers_get_one (response->headers, "RateLimit-Reset");
  if (reset == NULL)
    reset = soup_message_headers_get_one (response->headers, "X-RateLimit-Reset");
  if (reset == NULL)
    reset = soup_message_headers_get_one (response->headers, "x-rate-limit-reset");

  if (response->status == 429)
    {
      const char *retry = soup_message_headers_get_one (response->headers, "Retry-After");

      response->retry_after = desk_http_parse_reset (retry, now);
      if (response->retry_after == 0)
        response->retry_after = desk_http_parse_reset (reset, now);
      if (response->retry_after == 0)
        response->retry_after = now + 60 * G_USEC_PER_SEC;
    }
  else if (response->remaining == 0)
    {
      response->retry_after = desk_http_parse_reset (reset, now);
    }
}

static GBytes *
read_bounded (GInputStream  *stream,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[16384];

  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (buffer->len + n > DESK_HTTP_MAX_BODY)
        {
          g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_PROTOCOL,
                       _("The server sent more than %d MB in one answer."),
                       DESK_HTTP_MAX_BODY / (1024 * 1024));
          return NULL;
        }
      g_byte_array_append (buffer, chunk, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/* Did the request certainly not reach the server? Then resending cannot post twice. */
static gboolean
error_before_sending (const GError *error)
{
  return g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

/**
 * desk_http_request:
 * @method: "GET" or "POST"
 * @url: the full URL, query included
 * @headers: (nullable) (array zero-terminated=1): name, value, name, value, …
 * @body: (nullable): a JSON body for POST
 *
 * Sends one request and reads the whole (bounded) answer. A transport failure is
 * %DESK_PROVIDER_ERROR_NETWORK when the request certainly did not reach the server; for a
 * POST that may have reached it, %DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME. HTTP errors are not
 * errors here: look at the status.
 *
 * Returns: (transfer full): the response, or %NULL with @error set
 */
DeskHttpResponse *
desk_http_request (SoupSession         *session,
                   const char          *method,
                   const char          *url,
                   const char * const  *headers,
                   JsonNode            *body,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(DeskHttpResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean is_post = g_strcmp0 (method, "GET") != 0;
  const char *content_type;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                   _("“%s” is not a web address Frontdesk can use."), url);
      return NULL;
    }

  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  headers[i], headers[i + 1]);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");

  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  stream = soup_session_send (session, message, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (is_post && !error_before_sending (local_error))
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME,
                     _("The connection to %s broke while sending: %s"),
                     g_uri_get_host (soup_message_get_uri (message)), local_error->message);
      else
        g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_NETWORK,
                     _("Cannot reach %s: %s"),
                     g_uri_get_host (soup_message_get_uri (message)), local_error->message);
      return NULL;
    }

  response = g_new0 (DeskHttpResponse, 1);
  response->status = soup_message_get_status (message);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (message));

  response->body = read_bounded (stream, cancellable, &local_error);
  if (response->body == NULL)
    {
      if (local_error->domain == DESK_PROVIDER_ERROR || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, DESK_PROVIDER_ERROR,
                     is_post ? DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME : DESK_PROVIDER_ERROR_NETWORK,
                     _("The answer from %s was cut short: %s"),
                     g_uri_get_host (soup_message_get_uri (message)), local_error->message);
      return NULL;
    }

  read_rate_limits (response);

  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  if (content_type != NULL && g_str_has_suffix (content_type, "json") &&
      g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gsize size;
      const char *data = g_bytes_get_data (response->body, &size);

      /* A malformed body leaves json NULL: callers treat that as a protocol error. */
      if (g_utf8_validate (data, size, NULL) && json_parser_load_from_data (parser, data, size, NULL))
        response->json = json_parser_steal_root (parser);
    }

  return g_steal_pointer (&response);
}

/**
 * desk_http_error_text:
 *
 * Returns: (transfer full): the server's own words for a failed request, bounded and plain
 */
char *
desk_http_error_text (DeskHttpResponse *response)
{
  JsonObject *object;
  const char *error = NULL;
  const char *message = NULL;

  if (response->json != NULL && JSON_NODE_HOLDS_OBJECT (response->json))
    {
      object = json_node_get_object (response->json);
      error = desk_json_string (object, "error");
      message = desk_json_string (object, "message");
      if (message == NULL)
        message = desk_json_string (object, "error_description");
      if (message == NULL)
        message = desk_json_string (object, "description");
    }

  if (error != NULL && message != NULL)
    return g_strdup_printf ("%u %.100s: %.300s", response->status, error, message);
  if (error != NULL || message != NULL)
    return g_strdup_printf ("%u %.300s", response->status, error ? error : message);

  return g_strdup_printf ("%u %s", response->status, soup_status_get_phrase (response->status));
}

/**
 * desk_http_url:
 * @base: the server, e.g. "https://bsky.social"
 * @path: e.g. "/xrpc/app.bsky.notification.listNotifications"
 * @...: name, value pairs for the query (a %NULL value skips the pair), then %NULL
 *
 * Returns: (transfer full): the URL with every value escaped
 */
char *
desk_http_url (const char *base,
               const char *path,
               ...)
{
  GString *url = g_string_new (base);
  const char *name;
  gboolean first = TRUE;
  va_list args;

  while (url->len > 0 && url->str[url->len - 1] == '/')
    g_string_truncate (url, url->len - 1);
  g_string_append (url, path);

  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value == NULL)
        continue;
      g_string_append_c (url, first ? '?' : '&');
      g_string_append_uri_escaped (url, name, "[]", TRUE);
      g_string_append_c (url, '=');
      g_string_append_uri_escaped (url, value, NULL, TRUE);
      first = FALSE;
    }
  va_end (args);

  return g_string_free (url, FALSE);
}

const char *
desk_json_string (JsonObject *object,
                  const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

JsonObject *
desk_json_object (JsonObject *object,
                  const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

JsonArray *
desk_json_array (JsonObject *object,
                 const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

/**
 * desk_json_time:
 *
 * Returns: the ISO 8601 time in @member as UNIX µs, or 0 when absent or malformed
 */
gint64
desk_json_time (JsonObject *object,
                const char *member)
{
  const char *value = desk_json_string (object, member);
  g_autoptr(GDateTime) time = NULL;

  if (value == NULL)
    return 0;

  time = g_date_time_new_from_iso8601 (value, NULL);
  if (time == NULL)
    return 0;

  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

char *
desk_json_to_string (JsonNode *node)
{
  if (node == NULL)
    return NULL;

  return json_to_string (node, FALSE);
}
