/* desk-tag-dot.h: a tag's colour, as a small dot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *desk_tag_dot_new (const char *color,
                             int         size);

G_END_DECLS
