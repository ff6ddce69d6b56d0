/* desk-http.h: HTTP for providers, with bounded bodies and rate limits read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The most we read of one response: a page of notifications is far smaller. */
#define DESK_HTTP_MAX_BODY (8 * 1024 * 1024)

typedef struct
{
  guint       status;
  GBytes     *body;
  JsonNode   *json;          /* the body parsed, when it was JSON */
  SoupMessageHeaders *headers;
  gint64      retry_after;   /* UNIX µs the server wants us to wait until (0: none) */
  gint        remaining;     /* requests left in the window, or -1 when not said */
} DeskHttpResponse;

SoupSession      *desk_http_session_new          (void);
DeskHttpResponse *desk_http_request              (SoupSession          *session,
                                                  const char           *method,
                                                  const char           *url,
                                                  const char * const   *headers,
                                                  JsonNode             *body,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void              desk_http_response_free        (DeskHttpResponse     *response);
char             *desk_http_error_text           (DeskHttpResponse     *response);
gint64            desk_http_parse_reset          (const char           *value,
                                                  gint64                now);
char             *desk_http_url                  (const char           *base,
                                                  const char           *path,
                                                  ...) G_GNUC_NULL_TERMINATED;

/* Defensive JSON access: NULL/0 when absent or of another type. */
const char       *desk_json_string               (JsonObject           *object,
                                                  const char           *member);
JsonObject       *desk_json_object               (JsonObject           *object,
                                                  const char           *member);
JsonArray        *desk_json_array                (JsonObject           *object,
                                                  const char           *member);
gint64            desk_json_time                 (JsonObject           *object,
                                                  const char           *member);
char             *desk_json_to_string            (JsonNode             *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskHttpResponse, desk_http_response_free)

G_END_DECLS
