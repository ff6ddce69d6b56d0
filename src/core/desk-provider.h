/* desk-provider.h: what every network provides
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A provider talks to one account on one network and returns normalized DeskMessages; the
 * store, the sync engine, the inbox and the UI never branch on the network. Every method
 * blocks and is called from the sync engine's worker thread for that account (one thread per
 * account, so a provider needs no locking); each takes a GCancellable.
 */
#pragma once

#include <gio/gio.h>

#include "desk-types.h"

G_BEGIN_DECLS

#define DESK_PROVIDER_ERROR (desk_provider_error_quark ())

/**
 * DeskProviderError:
 * @DESK_PROVIDER_ERROR_NEEDS_SIGN_IN: credentials are missing, revoked or expired
 * @DESK_PROVIDER_ERROR_RATE_LIMITED: the network asked us to wait (see retry_after in the result)
 * @DESK_PROVIDER_ERROR_NETWORK: a transient failure before anything was sent; retry later
 * @DESK_PROVIDER_ERROR_PROTOCOL: the server answered something we cannot read
 * @DESK_PROVIDER_ERROR_REFUSED: the server refused the request for good
 * @DESK_PROVIDER_ERROR_NO_DM_ACCESS: the credentials do not allow direct messages
 * @DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME: a send may or may not have reached the network
 * @DESK_PROVIDER_ERROR_TOO_LONG: the reply is over the network's length limit
 * @DESK_PROVIDER_ERROR_WEBHOOK_SET: the network delivers the account's updates to a webhook,
 *   so they cannot be read here until it is removed (Telegram's 409 "webhook is active"; the UI
 *   offers desk_telegram_delete_webhook())
 */
typedef enum
{
  DESK_PROVIDER_ERROR_NEEDS_SIGN_IN,
  DESK_PROVIDER_ERROR_RATE_LIMITED,
  DESK_PROVIDER_ERROR_NETWORK,
  DESK_PROVIDER_ERROR_PROTOCOL,
  DESK_PROVIDER_ERROR_REFUSED,
  DESK_PROVIDER_ERROR_NO_DM_ACCESS,
  DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME,
  DESK_PROVIDER_ERROR_TOO_LONG,
  DESK_PROVIDER_ERROR_WEBHOOK_SET,
} DeskProviderError;

typedef enum
{
  DESK_LENGTH_GRAPHEMES,   /* user-perceived characters (Bluesky) */
  DESK_LENGTH_CHARACTERS,  /* Unicode code points (Mastodon, Telegram counts UTF-16 units) */
} DeskLengthUnit;

typedef struct
{
  guint          max_length;
  DeskLengthUnit length_unit;
  gboolean       has_direct_messages;
  gboolean       has_public_replies;
  gboolean       can_like;
  gboolean       can_boost;      /* share the customer's post with the business's followers */
  guint          poll_interval_seconds;  /* under half of the published rate limit */
} DeskProviderCapabilities;

/**
 * DeskFetchResult:
 * @messages: (element-type DeskMessage): what the page held, normalized
 * @cursor: the stream's position once @messages are stored; %NULL keeps the old one
 * @more: another page is waiting now
 * @retry_after: UNIX µs before which the network wants no request (0: none asked)
 */
typedef struct
{
  GPtrArray *messages;
  char      *cursor;
  gboolean   more;
  gint64     retry_after;
} DeskFetchResult;

/**
 * DeskOutgoing:
 *
 * A reply from the outbox, as the provider needs it to post it exactly once.
 */
typedef struct
{
  gint64                outbox_id;
  char                 *idempotency_key;  /* stable for this reply across retries and restarts */
  gint64                created_at;       /* UNIX µs when the user pressed Send */
  DeskConversationKind  kind;
  char                 *thread_id;        /* the conversation on the network */
  char                 *reply_to_id;      /* the customer message answered */
  char                 *reply_to_raw;     /* that message's raw JSON, for network details */
  char                 *text;             /* final text, signature included */
  DeskOutboxState       state;            /* queued, or unknown: check before sending again */
  gboolean              private_reply;    /* a public conversation answered privately, so only
                                           * the customer sees it (Mastodon: visibility direct) */
} DeskOutgoing;

/* Called from any thread when news waits on the network: the caller syncs the account soon. */
typedef void (*DeskProviderPushFunc) (gpointer user_data);

#define DESK_TYPE_PROVIDER (desk_provider_get_type ())

G_DECLARE_INTERFACE (DeskProvider, desk_provider, DESK, PROVIDER, GObject)

struct _DeskProviderInterface
{
  GTypeInterface parent_iface;

  const char         *(*get_network)      (DeskProvider              *self);
  void                (*get_capabilities) (DeskProvider              *self,
                                           DeskProviderCapabilities  *capabilities);
  const char * const *(*list_streams)     (DeskProvider              *self);
  DeskFetchResult    *(*fetch)            (DeskProvider              *self,
                                           const char                *stream,
                                           const char                *cursor,
                                           GCancellable              *cancellable,
                                           GError                   **error);
  GPtrArray          *(*fetch_thread)     (DeskProvider              *self,
                                           DeskConversationKind       kind,
                                           const char                *thread_id,
                                           GCancellable              *cancellable,
                                           GError                   **error);
  char               *(*send_reply)       (DeskProvider              *self,
                                           const DeskOutgoing        *reply,
                                           GCancellable              *cancellable,
                                           GError                   **error);
  char               *(*find_sent)        (DeskProvider              *self,
                                           const DeskOutgoing        *reply,
                                           GCancellable              *cancellable,
                                           GError                   **error);
  gboolean            (*like)             (DeskProvider              *self,
                                           const char                *remote_id,
                                           const char                *raw_json,
                                           GCancellable              *cancellable,
                                           GError                   **error);
  gboolean            (*boost)            (DeskProvider              *self,
                                           const char                *remote_id,
                                           const char                *raw_json,
                                           GCancellable              *cancellable,
                                           GError                   **error);
  void                (*start_push)       (DeskProvider              *self,
                                           DeskProviderPushFunc       func,
                                           gpointer                   user_data);
};

GQuark              desk_provider_error_quark       (void);

const char         *desk_provider_get_network       (DeskProvider              *self);
void                desk_provider_get_capabilities  (DeskProvider              *self,
                                                     DeskProviderCapabilities  *capabilities);
const char * const *desk_provider_list_streams      (DeskProvider              *self);
DeskFetchResult    *desk_provider_fetch             (DeskProvider              *self,
                                                     const char                *stream,
                                                     const char                *cursor,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
GPtrArray          *desk_provider_fetch_thread      (DeskProvider              *self,
                                                     DeskConversationKind       kind,
                                                     const char                *thread_id,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
char               *desk_provider_send_reply        (DeskProvider              *self,
                                                     const DeskOutgoing        *reply,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
char               *desk_provider_find_sent         (DeskProvider              *self,
                                                     const DeskOutgoing        *reply,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
gboolean            desk_provider_like              (DeskProvider              *self,
                                                     const char                *remote_id,
                                                     const char                *raw_json,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);

gboolean            desk_provider_boost             (DeskProvider              *self,
                                                     const char                *remote_id,
                                                     const char                *raw_json,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
gboolean            desk_provider_start_push        (DeskProvider              *self,
                                                     DeskProviderPushFunc       func,
                                                     gpointer                   user_data);

DeskFetchResult    *desk_fetch_result_new           (void);
void                desk_fetch_result_free          (DeskFetchResult           *result);
void                desk_outgoing_free              (DeskOutgoing              *outgoing);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskFetchResult, desk_fetch_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskOutgoing, desk_outgoing_free)

G_END_DECLS
