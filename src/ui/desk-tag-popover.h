/* desk-tag-popover.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_TAG_POPOVER (desk_tag_popover_get_type ())

G_DECLARE_FINAL_TYPE (DeskTagPopover, desk_tag_popover, DESK, TAG_POPOVER, GtkPopover)

DeskTagPopover *desk_tag_popover_new                 (DeskStore      *store);
void            desk_tag_popover_set_conversation_id (DeskTagPopover *self,
                                                      gint64          conversation_id);
gint64          desk_tag_popover_get_conversation_id (DeskTagPopover *self);

G_END_DECLS
