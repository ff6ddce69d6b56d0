/* desk-text.h: counting and reading reply text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint  desk_text_count_graphemes (const char *text);
char  *desk_text_find_initials   (const char *text);

G_END_DECLS
