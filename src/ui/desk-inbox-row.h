/* desk-inbox-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "desk-conversation.h"
#include "desk-sla.h"

G_BEGIN_DECLS

#define DESK_TYPE_INBOX_ROW (desk_inbox_row_get_type ())

G_DECLARE_FINAL_TYPE (DeskInboxRow, desk_inbox_row, DESK, INBOX_ROW, GtkWidget)

DeskInboxRow     *desk_inbox_row_new              (void);
DeskConversation *desk_inbox_row_get_conversation (DeskInboxRow     *self);
void              desk_inbox_row_set_conversation (DeskInboxRow     *self,
                                                   DeskConversation *conversation);
void              desk_inbox_row_set_policy       (DeskInboxRow     *self,
                                                   DeskSlaPolicy    *policy);
void              desk_inbox_row_update_badge     (DeskInboxRow     *self,
                                                   const DeskSlaPolicy *policy,
                                                   gint64            now);
DeskSlaState      desk_inbox_row_get_badge_state  (DeskInboxRow     *self);
const char       *desk_inbox_row_get_badge_text   (DeskInboxRow     *self);

G_END_DECLS
