/* desk-canned-library.h: the window where the team's canned responses are managed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_CANNED_LIBRARY (desk_canned_library_get_type ())

G_DECLARE_FINAL_TYPE (DeskCannedLibrary, desk_canned_library, DESK, CANNED_LIBRARY, AdwWindow)

GtkWindow *desk_canned_library_new         (GtkWindow         *parent,
                                            DeskStore         *store);
/* What Import… and Export… do once a file is chosen (also for tests): import shows the plan
 * in a dialog before applying it */
void       desk_canned_library_import_file (DeskCannedLibrary *self,
                                            GFile             *file);
void       desk_canned_library_export_file (DeskCannedLibrary *self,
                                            GFile             *file);

G_END_DECLS
