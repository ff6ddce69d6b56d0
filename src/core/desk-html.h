/* desk-html.h: Mastodon's HTML as plain text, and Mastodon's way of counting a status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Mastodon's default, used until the instance says otherwise. */
#define DESK_HTML_MASTODON_URL_LENGTH 23

char  *desk_html_to_text          (const char  *html,
                                   gssize       length,
                                   gsize        max_bytes,
                                   GPtrArray  **links);
guint  desk_html_count_mastodon   (const char  *text,
                                   guint        url_length);

G_END_DECLS
