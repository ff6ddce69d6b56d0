/* desk-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_APPLICATION (desk_application_get_type ())

G_DECLARE_FINAL_TYPE (DeskApplication, desk_application, DESK, APPLICATION, AdwApplication)

DeskApplication *desk_application_new       (const char        *application_id,
                                             GApplicationFlags  flags);
const char      *desk_application_get_database_path (DeskApplication *self);

G_END_DECLS
