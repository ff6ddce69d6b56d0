/* desk-conversation-view.h: one conversation: who, the thread, unsent replies, the composer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "desk-composer.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_CONVERSATION_VIEW (desk_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (DeskConversationView, desk_conversation_view, DESK, CONVERSATION_VIEW, GtkWidget)

GtkWidget         *desk_conversation_view_new                  (void);

DeskStore         *desk_conversation_view_get_store            (DeskConversationView *self);
void               desk_conversation_view_set_store            (DeskConversationView *self,
                                                                DeskStore            *store);
gint64             desk_conversation_view_get_conversation_id  (DeskConversationView *self);
/* 0 shows "No Conversation Selected" */
void               desk_conversation_view_set_conversation_id  (DeskConversationView *self,
                                                                gint64                id);
void               desk_conversation_view_focus_composer       (DeskConversationView *self);

DeskComposer      *desk_conversation_view_get_composer         (DeskConversationView *self);
/* Whether the conversation, its thread and its unsent replies are shown (for tests) */
gboolean           desk_conversation_view_get_loaded           (DeskConversationView *self);

G_END_DECLS
