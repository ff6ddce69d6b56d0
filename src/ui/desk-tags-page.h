/* desk-tags-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_TAGS_PAGE (desk_tags_page_get_type ())

G_DECLARE_FINAL_TYPE (DeskTagsPage, desk_tags_page, DESK, TAGS_PAGE, AdwPreferencesPage)

DeskTagsPage *desk_tags_page_new (DeskStore *store);

G_END_DECLS
