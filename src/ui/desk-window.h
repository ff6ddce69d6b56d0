/* desk-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "desk-application.h"
#include "desk-inbox-model.h"

G_BEGIN_DECLS

#define DESK_TYPE_WINDOW (desk_window_get_type ())

G_DECLARE_FINAL_TYPE (DeskWindow, desk_window, DESK, WINDOW, AdwApplicationWindow)

DeskWindow     *desk_window_new             (DeskApplication *application);
DeskInboxModel *desk_window_get_inbox_model (DeskWindow      *self);
const char     *desk_window_get_view_name   (DeskWindow      *self);
DeskStore      *desk_window_get_store       (DeskWindow      *self);
gint64          desk_window_get_conversation_id (DeskWindow  *self);
void            desk_window_show_conversation (DeskWindow    *self,
                                             gint64           conversation_id);
gboolean        desk_window_select_view     (DeskWindow      *self,
                                             const char      *view,
                                             gint64           id);
const char     *desk_window_get_sidebar_count (DeskWindow    *self,
                                             const char      *view,
                                             gint64           id);

G_END_DECLS
