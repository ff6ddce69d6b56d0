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

G_END_DECLS
