/* desk-canned.h: canned responses: the team's saved replies, their placeholders, import/export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Contract shared with the composer; the rest of the API is added with the implementation.)
 *
 * Placeholders
 * ------------
 * A body may hold placeholders written `{name}`, where name is made of ASCII letters, digits
 * and underscores (at most 32). Known names: customer_name, customer_handle, agent_name,
 * agent_initials, network, account. `{{` stands for a literal `{` and `}}` for a literal `}`
 * (so `{{customer_name}}` shows as the text "{customer_name}"); any other brace is kept as
 * written. A placeholder whose name is unknown, or whose value is missing (NULL or empty), is
 * left in the text exactly as written and reported as a byte range of the expanded text, so
 * that the composer can flag it: nothing is ever silently dropped.
 *
 * Shortcuts
 * ---------
 * 1 to 32 letters, digits, '-' or '_', unique in the library ignoring case; typed after '/'
 * in the composer (a leading '/' given to the API is dropped).
 *
 * The file a team shares (UTF-8 JSON, at most DESK_CANNED_MAX_FILE_BYTES):
 *
 *   {
 *     "format": "frontdesk-canned-responses",
 *     "version": 1,
 *     "responses": [
 *       { "title": "Refund policy", "shortcut": "refund",
 *         "body": "Hi {customer_name}, …",
 *         "variants": { "bluesky": "Short body…", "x": "Short body…" } }
 *     ]
 *   }
 *
 * "variants" is optional; its keys are networks ("bluesky", "mastodon", "telegram", "x").
 * Unknown members are ignored; a newer "version" is refused. At most DESK_CANNED_MAX_RESPONSES
 * responses, each field bounded as below; a file breaking any rule is refused as a whole.
 */
#pragma once

#include <gio/gio.h>

#include "desk-store.h"

G_BEGIN_DECLS

/**
 * DeskCannedContext:
 *
 * What placeholders are filled from when a canned response is inserted. Any member may be
 * NULL (its placeholder is then left visible and flagged, like an unknown one).
 */
typedef struct
{
  const char *customer_name;
  const char *customer_handle;
  const char *agent_name;
  const char *agent_initials;
  const char *network;        /* "bluesky", "mastodon", "telegram", "x" */
  const char *account;        /* the business account's handle */
} DeskCannedContext;

#define DESK_CANNED_FORMAT              "frontdesk-canned-responses"
#define DESK_CANNED_VERSION             1

#define DESK_CANNED_MAX_FILE_BYTES      (2 * 1024 * 1024)
#define DESK_CANNED_MAX_RESPONSES       1000
#define DESK_CANNED_MAX_TITLE_BYTES     200
#define DESK_CANNED_MAX_SHORTCUT_CHARS  32
#define DESK_CANNED_MAX_BODY_BYTES      (16 * 1024)

#define DESK_CANNED_ERROR (desk_canned_error_quark ())

/**
 * DeskCannedError:
 * @DESK_CANNED_ERROR_INVALID: a response breaks a rule (empty title, bad shortcut, too long…)
 * @DESK_CANNED_ERROR_SHORTCUT_TAKEN: another response already has this shortcut
 * @DESK_CANNED_ERROR_MALFORMED: the file is not valid JSON or not valid UTF-8
 * @DESK_CANNED_ERROR_FOREIGN: the file is JSON, but not a canned-responses file
 * @DESK_CANNED_ERROR_TOO_NEW: the file was written by a newer Frontdesk
 * @DESK_CANNED_ERROR_TOO_LARGE: the file, or the number of responses, is over the limit
 */
typedef enum
{
  DESK_CANNED_ERROR_INVALID,
  DESK_CANNED_ERROR_SHORTCUT_TAKEN,
  DESK_CANNED_ERROR_MALFORMED,
  DESK_CANNED_ERROR_FOREIGN,
  DESK_CANNED_ERROR_TOO_NEW,
  DESK_CANNED_ERROR_TOO_LARGE,
} DeskCannedError;

GQuark              desk_canned_error_quark            (void);

/* The networks a variant may be written for, NULL-terminated, and their names for people */
const char * const *desk_canned_networks               (void);
const char         *desk_canned_network_label          (const char               *network);

/**
 * DeskCannedResponse:
 *
 * One saved reply. Reference counted; treat one you did not create as read-only.
 */
typedef struct
{
  gint64      id;           /* 0 until stored */
  char       *title;
  char       *shortcut;     /* without the '/' */
  char       *body;
  GHashTable *variants;     /* network → body, never empty bodies */
  gint64      created_at;   /* µs since the epoch, 0 until stored */
  gint64      updated_at;
} DeskCannedResponse;

#define DESK_TYPE_CANNED_RESPONSE (desk_canned_response_get_type ())

GType               desk_canned_response_get_type      (void) G_GNUC_CONST;
DeskCannedResponse *desk_canned_response_new           (const char               *title,
                                                        const char               *shortcut,
                                                        const char               *body);
DeskCannedResponse *desk_canned_response_ref           (DeskCannedResponse       *self);
void                desk_canned_response_unref         (DeskCannedResponse       *self);
DeskCannedResponse *desk_canned_response_copy          (const DeskCannedResponse *self);
/* NULL or empty @body removes the variant */
void                desk_canned_response_set_variant   (DeskCannedResponse       *self,
                                                        const char               *network,
                                                        const char               *body);
const char         *desk_canned_response_get_variant   (const DeskCannedResponse *self,
                                                        const char               *network);
/* The variant for @network if there is one, else the body */
const char         *desk_canned_response_get_body_for  (const DeskCannedResponse *self,
                                                        const char               *network);
/* The networks with a variant, sorted */
GStrv               desk_canned_response_dup_networks  (const DeskCannedResponse *self);
/* Same title, shortcut, body and variants */
gboolean            desk_canned_response_same_content  (const DeskCannedResponse *a,
                                                        const DeskCannedResponse *b);
/* Cleans the fields (valid UTF-8, no control characters, title and shortcut trimmed, a leading
 * '/' dropped from the shortcut) and checks them against the rules; the error names the rule. */
gboolean            desk_canned_response_normalize     (DeskCannedResponse       *self,
                                                        GError                  **error);

/* Type-ahead: @responses matching @query (case-insensitive; a leading '/' ignored), best first:
 * shortcut prefix, then title, then shortcut elsewhere, then body. An empty query matches all,
 * by shortcut. @limit 0 means no limit. Returns: (transfer container): new references. */
GPtrArray          *desk_canned_search                 (GPtrArray                *responses,
                                                        const char               *query,
                                                        guint                     limit);

/**
 * DeskCannedRange:
 * @start: first byte of the placeholder, braces included
 * @end: the byte after it
 * @known: %TRUE when the name is known but had no value
 */
typedef struct
{
  gsize    start;
  gsize    end;
  gboolean known;
} DeskCannedRange;

/* Fills the placeholders of @body from @context (NULL: none filled). @unfilled (nullable)
 * receives a GArray of DeskCannedRange in the returned text, in order. */
char               *desk_canned_expand                 (const char               *body,
                                                        const DeskCannedContext  *context,
                                                        GArray                  **unfilled);

/* The placeholders written in @text (escapes skipped, nothing filled): byte ranges, in order,
 * @known set for the known names. For text that lost its marks, such as a draft read back. */
GArray             *desk_canned_find_placeholders      (const char               *text);

/* Import and export */

/* The file for @responses, as described above */
GBytes             *desk_canned_export                 (GPtrArray                *responses);
/* The responses in a file's @contents (normalized), or an error that says what is wrong */
GPtrArray          *desk_canned_parse                  (GBytes                   *contents,
                                                        GError                  **error);
/* Reads at most DESK_CANNED_MAX_FILE_BYTES of @file: a larger file is an error */
GBytes             *desk_canned_read_file              (GFile                    *file,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);

typedef enum
{
  DESK_CANNED_IMPORT_ADD,
  DESK_CANNED_IMPORT_CHANGE,
  DESK_CANNED_IMPORT_SAME,
} DeskCannedImportAction;

typedef struct
{
  DeskCannedImportAction  action;
  DeskCannedResponse     *incoming;
  DeskCannedResponse     *existing;   /* the response with that shortcut, or NULL */
} DeskCannedImportItem;

typedef struct
{
  GPtrArray *items;     /* DeskCannedImportItem, in the file's order */
  guint      n_add;
  guint      n_change;
  guint      n_same;
} DeskCannedPlan;

/* What importing @incoming into a library holding @existing would do, matched by shortcut
 * (reference counted) */
DeskCannedPlan     *desk_canned_plan_new               (GPtrArray                *existing,
                                                        GPtrArray                *incoming);
DeskCannedPlan     *desk_canned_plan_ref               (DeskCannedPlan           *plan);
void                desk_canned_plan_unref             (DeskCannedPlan           *plan);

/* The library in the store (src/core/desk-store-canned.c). Responses are normalized first. */

gint64              desk_store_add_canned              (DeskStore                *self,
                                                        DeskCannedResponse       *response,
                                                        GError                  **error);
/* Replaces the response with @response->id */
gboolean            desk_store_update_canned           (DeskStore                *self,
                                                        DeskCannedResponse       *response,
                                                        GError                  **error);
gboolean            desk_store_delete_canned           (DeskStore                *self,
                                                        gint64                    id,
                                                        GError                  **error);
DeskCannedResponse *desk_store_get_canned              (DeskStore                *self,
                                                        gint64                    id,
                                                        GError                  **error);
/* Every response, by shortcut. Returns: (transfer container) */
GPtrArray          *desk_store_list_canned             (DeskStore                *self,
                                                        GError                  **error);
GPtrArray          *desk_store_search_canned           (DeskStore                *self,
                                                        const char               *query,
                                                        guint                     limit,
                                                        GError                  **error);
DeskCannedPlan     *desk_store_plan_canned_import      (DeskStore                *self,
                                                        GBytes                   *contents,
                                                        GError                  **error);
/* Applies the plan's additions and changes in one transaction, matching by shortcut again */
gboolean            desk_store_apply_canned_import     (DeskStore                *self,
                                                        DeskCannedPlan           *plan,
                                                        GError                  **error);

/* The same in a worker thread, for the main thread */
void                desk_store_list_canned_async       (DeskStore                *self,
                                                        GCancellable             *cancellable,
                                                        GAsyncReadyCallback       callback,
                                                        gpointer                  user_data);
GPtrArray          *desk_store_list_canned_finish      (DeskStore                *self,
                                                        GAsyncResult             *result,
                                                        GError                  **error);
/* Adds (id 0) or updates; returns the id */
void                desk_store_save_canned_async       (DeskStore                *self,
                                                        DeskCannedResponse       *response,
                                                        GCancellable             *cancellable,
                                                        GAsyncReadyCallback       callback,
                                                        gpointer                  user_data);
gint64              desk_store_save_canned_finish      (DeskStore                *self,
                                                        GAsyncResult             *result,
                                                        GError                  **error);
void                desk_store_delete_canned_async     (DeskStore                *self,
                                                        gint64                    id,
                                                        GCancellable             *cancellable,
                                                        GAsyncReadyCallback       callback,
                                                        gpointer                  user_data);
gboolean            desk_store_delete_canned_finish    (DeskStore                *self,
                                                        GAsyncResult             *result,
                                                        GError                  **error);
/* Reads @file (bounded) and plans its import */
void                desk_store_plan_canned_import_async (DeskStore               *self,
                                                        GFile                    *file,
                                                        GCancellable             *cancellable,
                                                        GAsyncReadyCallback       callback,
                                                        gpointer                  user_data);
DeskCannedPlan     *desk_store_plan_canned_import_finish (DeskStore              *self,
                                                        GAsyncResult             *result,
                                                        GError                  **error);
void                desk_store_apply_canned_import_async (DeskStore              *self,
                                                        DeskCannedPlan           *plan,
                                                        GCancellable             *cancellable,
                                                        GAsyncReadyCallback       callback,
                                                        gpointer                  user_data);
gboolean            desk_store_apply_canned_import_finish (DeskStore             *self,
                                                        GAsyncResult             *result,
                                                        GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskCannedResponse, desk_canned_response_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskCannedPlan, desk_canned_plan_unref)

G_END_DECLS
