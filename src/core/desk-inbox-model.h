/* desk-inbox-model.h: the inbox as a paged list of conversations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "desk-store.h"
#include "desk-types.h"

G_BEGIN_DECLS

#define DESK_INBOX_MODEL_PAGE_SIZE 50

#define DESK_TYPE_INBOX_MODEL (desk_inbox_model_get_type ())

G_DECLARE_FINAL_TYPE (DeskInboxModel, desk_inbox_model, DESK, INBOX_MODEL, GObject)

DeskInboxModel *desk_inbox_model_new              (DeskStore      *store);
DeskStore      *desk_inbox_model_get_store        (DeskInboxModel *self);
gboolean        desk_inbox_model_get_loading      (DeskInboxModel *self);

int             desk_inbox_model_get_status       (DeskInboxModel *self);
void            desk_inbox_model_set_status       (DeskInboxModel *self,
                                                   int             status);
gint64          desk_inbox_model_get_tag_id       (DeskInboxModel *self);
void            desk_inbox_model_set_tag_id       (DeskInboxModel *self,
                                                   gint64          tag_id);
gint64          desk_inbox_model_get_account_id   (DeskInboxModel *self);
void            desk_inbox_model_set_account_id   (DeskInboxModel *self,
                                                   gint64          account_id);
const char     *desk_inbox_model_get_network      (DeskInboxModel *self);
void            desk_inbox_model_set_network      (DeskInboxModel *self,
                                                   const char     *network);
const char     *desk_inbox_model_get_search       (DeskInboxModel *self);
void            desk_inbox_model_set_search       (DeskInboxModel *self,
                                                   const char     *search);
DeskInboxSort   desk_inbox_model_get_sort         (DeskInboxModel *self);
void            desk_inbox_model_set_sort         (DeskInboxModel *self,
                                                   DeskInboxSort   sort);

guint           desk_inbox_model_get_pages_loaded (DeskInboxModel *self);
gboolean        desk_inbox_model_find             (DeskInboxModel *self,
                                                   gint64          conversation_id,
                                                   guint          *position);

G_END_DECLS
