/* desk-conversation.h: one customer conversation as the inbox shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "desk-types.h"

G_BEGIN_DECLS

#define DESK_TYPE_CONVERSATION (desk_conversation_get_type ())

G_DECLARE_FINAL_TYPE (DeskConversation, desk_conversation, DESK, CONVERSATION, GObject)

/* The row data the store loads; the model copies it into a DeskConversation. */
typedef struct
{
  gint64                  id;
  gint64                  account_id;
  char                   *network;
  char                   *account_handle;
  char                   *contact_name;
  char                   *contact_handle;
  char                   *snippet;
  DeskConversationKind    kind;
  DeskConversationStatus  status;
  gint64                  waiting_since;   /* 0: nobody is waiting */
  gint64                  last_message_at;
  gboolean                unread;
  char                   *answered_by;
  char                  **tags;
} DeskConversationData;

DeskConversation      *desk_conversation_new_placeholder   (gint64                      id);
DeskConversation      *desk_conversation_new               (const DeskConversationData *data);
void                   desk_conversation_update            (DeskConversation           *self,
                                                            const DeskConversationData *data);
void                   desk_conversation_data_clear        (DeskConversationData       *data);

gboolean               desk_conversation_get_loaded        (DeskConversation           *self);
gint64                 desk_conversation_get_id            (DeskConversation           *self);
gint64                 desk_conversation_get_account_id    (DeskConversation           *self);
const char            *desk_conversation_get_network       (DeskConversation           *self);
const char            *desk_conversation_get_account_handle (DeskConversation          *self);
const char            *desk_conversation_get_contact_name  (DeskConversation           *self);
const char            *desk_conversation_get_contact_handle (DeskConversation          *self);
const char            *desk_conversation_get_snippet       (DeskConversation           *self);
DeskConversationKind   desk_conversation_get_kind          (DeskConversation           *self);
DeskConversationStatus desk_conversation_get_status        (DeskConversation           *self);
gint64                 desk_conversation_get_waiting_since (DeskConversation           *self);
gint64                 desk_conversation_get_last_message_at (DeskConversation         *self);
gboolean               desk_conversation_get_unread        (DeskConversation           *self);
const char            *desk_conversation_get_answered_by   (DeskConversation           *self);
const char * const    *desk_conversation_get_tags          (DeskConversation           *self);

G_END_DECLS
