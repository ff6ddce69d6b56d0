/* desk-store.h: the local inbox database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "desk-provider.h"
#include "desk-types.h"

G_BEGIN_DECLS

#define DESK_STORE_ERROR (desk_store_error_quark ())

/**
 * DeskStoreError:
 * @DESK_STORE_ERROR_CORRUPT: the file is not a Frontdesk database or is damaged
 * @DESK_STORE_ERROR_LOCKED: another Frontdesk is using the file
 * @DESK_STORE_ERROR_TOO_NEW: the file was written by a newer Frontdesk
 * @DESK_STORE_ERROR_READ_ONLY: the file or its folder cannot be written
 * @DESK_STORE_ERROR_FULL: the disk is full
 * @DESK_STORE_ERROR_NOT_FOUND: the row asked for does not exist
 * @DESK_STORE_ERROR_INVALID: the caller passed data the store refuses
 * @DESK_STORE_ERROR_FAILED: any other SQLite failure
 */
typedef enum
{
  DESK_STORE_ERROR_CORRUPT,
  DESK_STORE_ERROR_LOCKED,
  DESK_STORE_ERROR_TOO_NEW,
  DESK_STORE_ERROR_READ_ONLY,
  DESK_STORE_ERROR_FULL,
  DESK_STORE_ERROR_NOT_FOUND,
  DESK_STORE_ERROR_INVALID,
  DESK_STORE_ERROR_FAILED,
} DeskStoreError;

/* The schema version this build writes; see desk-store-schema.c. */
#define DESK_STORE_SCHEMA_VERSION desk_store_schema_version ()

#define DESK_TYPE_STORE (desk_store_get_type ())

G_DECLARE_FINAL_TYPE (DeskStore, desk_store, DESK, STORE, GObject)

GQuark             desk_store_error_quark               (void);
guint              desk_store_schema_version            (void);
char              *desk_store_default_path              (void);

DeskStore         *desk_store_open                      (const char          *path,
                                                         GError             **error);
void               desk_store_open_async                (const char          *path,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
DeskStore         *desk_store_open_finish               (GAsyncResult        *result,
                                                         GError             **error);
const char        *desk_store_get_path                  (DeskStore           *self);
void               desk_store_close                     (DeskStore           *self);

/* Accounts (never a secret: credentials live in the keyring) */
gint64             desk_store_add_account               (DeskStore           *self,
                                                         const DeskAccountInfo *info,
                                                         GError             **error);
GPtrArray         *desk_store_list_accounts             (DeskStore           *self,
                                                         GError             **error);
void               desk_store_list_accounts_async       (DeskStore           *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray         *desk_store_list_accounts_finish      (DeskStore           *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
gboolean           desk_store_set_account_state         (DeskStore           *self,
                                                         gint64               account_id,
                                                         const char          *state,
                                                         GError             **error);
gboolean           desk_store_set_account_error         (DeskStore           *self,
                                                         gint64               account_id,
                                                         const char          *code,
                                                         const char          *message,
                                                         GError             **error);
/* The server's limits for a reply; 0 (max) or -1 (per link) for "not known" */
gboolean           desk_store_set_account_limits        (DeskStore           *self,
                                                         gint64               account_id,
                                                         int                  max_chars,
                                                         int                  chars_per_url,
                                                         GError             **error);

/* Open conversations whose thread the sync engine re-reads from the network */
GPtrArray         *desk_store_list_open_threads         (DeskStore           *self,
                                                         gint64               account_id,
                                                         guint                limit,
                                                         GError             **error);

/* The outbox: a reply is stored before any network call, and leaves only once posted */
gint64             desk_store_queue_reply               (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         const char          *text,
                                                         const char          *agent_initials,
                                                         GError             **error);
gint64             desk_store_queue_reply_full          (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         const char          *text,
                                                         const char          *agent_initials,
                                                         gboolean             private_reply,
                                                         GError             **error);
GPtrArray         *desk_store_outbox_pending            (DeskStore           *self,
                                                         gint64               account_id,
                                                         GError             **error);
gboolean           desk_store_outbox_begin_attempt      (DeskStore           *self,
                                                         gint64               outbox_id,
                                                         GError             **error);
gboolean           desk_store_outbox_sent               (DeskStore           *self,
                                                         gint64               outbox_id,
                                                         const char          *remote_id,
                                                         GError             **error);
gboolean           desk_store_outbox_failed             (DeskStore           *self,
                                                         gint64               outbox_id,
                                                         DeskOutboxState      state,
                                                         const char          *message,
                                                         GError             **error);
gboolean           desk_store_outbox_retry              (DeskStore           *self,
                                                         gint64               outbox_id,
                                                         const char          *new_text,
                                                         GError             **error);
gboolean           desk_store_outbox_settle             (DeskStore           *self,
                                                         gint64               outbox_id,
                                                         DeskOutboxSettle     decision,
                                                         GError             **error);
DeskOutboxState    desk_store_outbox_get_state          (DeskStore           *self,
                                                         gint64               outbox_id,
                                                         char               **last_error,
                                                         GError             **error);

/* Ingest: messages and the cursor that follows them, in one transaction */
gboolean           desk_store_ingest                    (DeskStore           *self,
                                                         gint64               account_id,
                                                         GPtrArray           *messages,
                                                         const char          *stream,
                                                         const char          *cursor,
                                                         guint               *n_added,
                                                         GError             **error);
char              *desk_store_get_cursor                (DeskStore           *self,
                                                         gint64               account_id,
                                                         const char          *stream,
                                                         GError             **error);

/* Conversations */
gboolean           desk_store_set_status                (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         DeskConversationStatus status,
                                                         GError             **error);
DeskConversation  *desk_store_get_conversation          (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         GError             **error);
GPtrArray         *desk_store_list_messages             (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         GError             **error);

gint64             desk_store_find_conversation         (DeskStore           *self,
                                                         gint64               account_id,
                                                         DeskConversationKind kind,
                                                         const char          *thread_id,
                                                         GError             **error);

/* Tags */
gint64             desk_store_add_tag                   (DeskStore           *self,
                                                         const char          *name,
                                                         const char          *color,
                                                         GError             **error);
gint64             desk_store_find_tag                  (DeskStore           *self,
                                                         const char          *name,
                                                         GError             **error);
gboolean           desk_store_tag_conversation          (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         gint64               tag_id,
                                                         gboolean             tagged,
                                                         GError             **error);

/* Tags: the team's categories, with how many conversations carry each (src/core/desk-store-tags.c) */
typedef struct
{
  gint64  id;
  char   *name;
  char   *color;    /* "" or a CSS colour "#rrggbb" */
  guint   n_open;   /* open conversations with this tag */
  guint   n_total;  /* every conversation with this tag */
} DeskTagInfo;

#define DESK_TYPE_TAG_INFO (desk_tag_info_get_type ())

GType              desk_tag_info_get_type               (void) G_GNUC_CONST;
DeskTagInfo       *desk_tag_info_copy                   (const DeskTagInfo   *info);
void               desk_tag_info_free                   (DeskTagInfo         *info);

/* By name (case-folded); the counts come from the same read */
GPtrArray         *desk_store_list_tags                 (DeskStore           *self,
                                                         GError             **error);
void               desk_store_list_tags_async           (DeskStore           *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray         *desk_store_list_tags_finish          (DeskStore           *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
gboolean           desk_store_rename_tag                (DeskStore           *self,
                                                         gint64               tag_id,
                                                         const char          *name,
                                                         GError             **error);
gboolean           desk_store_set_tag_color             (DeskStore           *self,
                                                         gint64               tag_id,
                                                         const char          *color,
                                                         GError             **error);
gboolean           desk_store_delete_tag                (DeskStore           *self,
                                                         gint64               tag_id,
                                                         GError             **error);
/* The tag ids a conversation carries */
GArray            *desk_store_get_conversation_tags     (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         GError             **error);

/* How many conversations match @query (its sort is ignored); callable from any thread */
gint64             desk_store_count_conversations       (DeskStore           *self,
                                                         const DeskInboxQuery *query,
                                                         GError             **error);
/* The open conversation that has waited longest, other than @except_id (0: none); 0 if none */
gint64             desk_store_next_waiting              (DeskStore           *self,
                                                         gint64               except_id,
                                                         GError             **error);

/* Drafts: one per conversation, kept until sent or emptied (src/core/desk-store-drafts.c) */
char              *desk_store_get_draft                 (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         gboolean            *is_dm,
                                                         GError             **error);
/* An empty @body deletes the draft */
gboolean           desk_store_save_draft                (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         const char          *body,
                                                         gboolean             is_dm,
                                                         GError             **error);

/* A conversation's replies not posted yet, as the conversation view shows them
 * (src/core/desk-store-drafts.c) */
typedef struct
{
  gint64           id;
  DeskOutboxState  state;
  char            *body;
  char            *agent_initials;
  char            *last_error;
  gint64           created_at;
  gboolean         private_reply;  /* a public conversation answered privately */
} DeskOutboxEntry;

#define DESK_TYPE_OUTBOX_ENTRY (desk_outbox_entry_get_type ())

GType              desk_outbox_entry_get_type           (void) G_GNUC_CONST;
DeskOutboxEntry   *desk_outbox_entry_copy               (const DeskOutboxEntry *entry);
void               desk_outbox_entry_free               (DeskOutboxEntry     *entry);
/* Queued, sending, unknown and failed replies, oldest first; reads only */
GPtrArray         *desk_store_list_unsent               (DeskStore           *self,
                                                         gint64               conversation_id,
                                                         GError             **error);

/* Removes an account and everything synced from it (its keyring item is the caller's) */
gboolean           desk_store_remove_account            (DeskStore           *self,
                                                         gint64               account_id,
                                                         GError             **error);

/* Inbox queries, used by DeskInboxModel (callable from any thread) */
GArray            *desk_store_query_conversation_ids    (DeskStore           *self,
                                                         const DeskInboxQuery *query,
                                                         GError             **error);
GPtrArray         *desk_store_load_conversations        (DeskStore           *self,
                                                         const gint64        *ids,
                                                         guint                n_ids,
                                                         GError             **error);
GArray            *desk_store_search_messages           (DeskStore           *self,
                                                         const char          *text,
                                                         guint                limit,
                                                         GError             **error);

char              *desk_store_fts_query_from_text       (const char          *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskTagInfo, desk_tag_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskOutboxEntry, desk_outbox_entry_free)

G_END_DECLS
