/* desk-types.h: plain data shared by the store, the sync engine and providers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _DeskConversation DeskConversation;

typedef enum
{
  DESK_DIRECTION_IN,   /* written by a customer */
  DESK_DIRECTION_OUT,  /* written by the business account */
} DeskDirection;

typedef enum
{
  DESK_CONVERSATION_PUBLIC,
  DESK_CONVERSATION_DM,
} DeskConversationKind;

typedef enum
{
  DESK_CONVERSATION_OPEN,
  DESK_CONVERSATION_ANSWERED,
  DESK_CONVERSATION_CLOSED,
} DeskConversationStatus;

/**
 * DeskOutboxState:
 * @DESK_OUTBOX_QUEUED: waiting to be sent (first time, or again after a failure that
 *   certainly posted nothing)
 * @DESK_OUTBOX_SENDING: an attempt is under way; found at start-up it means the attempt
 *   was cut short and is treated as %DESK_OUTBOX_UNKNOWN
 * @DESK_OUTBOX_UNKNOWN: an attempt may have posted it: check the network before sending again
 * @DESK_OUTBOX_SENT: posted
 * @DESK_OUTBOX_FAILED: refused for good; shown with its error, to be edited or retried
 */
typedef enum
{
  DESK_OUTBOX_QUEUED,
  DESK_OUTBOX_SENDING,
  DESK_OUTBOX_UNKNOWN,
  DESK_OUTBOX_SENT,
  DESK_OUTBOX_FAILED,
} DeskOutboxState;

/**
 * DeskOutboxSettle:
 * @DESK_OUTBOX_SETTLE_POSTED: the user saw it on the network: it counts as sent
 * @DESK_OUTBOX_SETTLE_SEND_AGAIN: the user saw it is not there: send it (this once, no check)
 * @DESK_OUTBOX_SETTLE_DISCARD: forget it
 *
 * What the user decided about a reply whose outcome the network cannot tell.
 */
typedef enum
{
  DESK_OUTBOX_SETTLE_POSTED,
  DESK_OUTBOX_SETTLE_SEND_AGAIN,
  DESK_OUTBOX_SETTLE_DISCARD,
} DeskOutboxSettle;

typedef enum
{
  DESK_INBOX_SORT_WAITING_LONGEST,
  DESK_INBOX_SORT_NEWEST,
} DeskInboxSort;

/* Limits on what the network may make us store. Longer text is cut at a character boundary. */
#define DESK_MAX_TEXT_BYTES   (64 * 1024)
#define DESK_MAX_FIELD_BYTES  1024
#define DESK_MAX_RAW_BYTES    (256 * 1024)

/* The bounds of a server's announced limits for a reply that Frontdesk believes */
#define DESK_MAX_REPLY_CHARS_BOUND  100000  /* a reply's maximum: 1 … this */
#define DESK_CHARS_PER_URL_BOUND    1000    /* what a link counts: 0 … this */

typedef struct
{
  gint64 id;            /* the store's id; 0 before the account is stored */
  char *network;        /* "bluesky", "mastodon", "telegram", "x" */
  char *remote_id;      /* the account's id on the network (DID, account id, bot id) */
  char *handle;
  char *display_name;
  char *server_url;
  char *state;          /* "ok", "needs-sign-in", "disabled" */
  char *last_error;     /* why the last sync failed, in words; NULL when it did not */
  char *last_error_code; /* a short code for it: "webhook-set", "network", …; see the schema */
  /* The server's limits for a reply as it last announced them (Mastodon's instance
   * configuration); a zeroed struct knows neither, and the network's defaults apply. */
  guint    max_reply_chars;    /* 0: not known */
  guint    chars_per_url;      /* what every link counts, when has_chars_per_url */
  gboolean has_chars_per_url;
} DeskAccountInfo;

/**
 * DeskMessage:
 *
 * A message as every provider delivers it: normalized, plain text, network-agnostic.
 * Times are UNIX microseconds (UTC).
 */
typedef struct
{
  char                 *remote_id;
  char                 *thread_id;      /* the network's conversation: root post, DM id, chat */
  DeskConversationKind  kind;
  DeskDirection         direction;
  char                 *author_id;
  char                 *author_handle;
  char                 *author_name;
  char                 *author_avatar_url;
  char                 *text;
  gint64                created_at;
  char                 *reply_to_id;
  char                 *agent_initials; /* for outgoing messages: who answered */
  char                 *raw_json;       /* the network's payload, kept for reprocessing */
  gboolean              automatic;      /* outgoing, sent by the network itself (an away or
                                         * greeting message): shown, but answers nobody */
} DeskMessage;

typedef struct
{
  int            status;      /* a DeskConversationStatus, or -1 for every status */
  gint64         tag_id;      /* 0: any */
  gint64         account_id;  /* 0: any */
  const char    *network;     /* NULL: any */
  const char    *search;      /* NULL or "": no text filter */
  DeskInboxSort  sort;
} DeskInboxQuery;

#define DESK_TYPE_MESSAGE (desk_message_get_type ())
#define DESK_TYPE_ACCOUNT_INFO (desk_account_info_get_type ())

GType              desk_message_get_type                (void) G_GNUC_CONST;
DeskMessage       *desk_message_new                     (void);
DeskMessage       *desk_message_copy                    (const DeskMessage   *message);
void               desk_message_free                    (DeskMessage         *message);

GType              desk_account_info_get_type           (void) G_GNUC_CONST;
DeskAccountInfo   *desk_account_info_new                (void);
DeskAccountInfo   *desk_account_info_copy               (const DeskAccountInfo *info);
void               desk_account_info_free               (DeskAccountInfo     *info);

const char        *desk_conversation_status_to_string   (DeskConversationStatus status);
gboolean           desk_conversation_status_from_string (const char          *str,
                                                         DeskConversationStatus *status);

char              *desk_text_sanitize                   (const char          *text,
                                                         gssize               length,
                                                         gsize                max_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskMessage, desk_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskAccountInfo, desk_account_info_free)

G_END_DECLS
