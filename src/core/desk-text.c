/* desk-text.c: counting and reading reply text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-text"

#include "config.h"

#include <pango/pango.h>

#include "desk-text.h"

/**
 * desk_text_count_graphemes:
 * @text: UTF-8 text
 *
 * Counts user-perceived characters (extended grapheme clusters, as Pango segments them): a
 * family emoji or a flag counts once, as Bluesky's 300-character limit counts them.
 *
 * Returns: the number of grapheme clusters
 */
guint
desk_text_count_graphemes (const char *text)
{
  g_autofree PangoLogAttr *attrs = NULL;
  glong n_chars;
  guint count = 0;

  g_return_val_if_fail (text != NULL, 0);

  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  n_chars = g_utf8_strlen (text, -1);
  if (n_chars == 0)
    return 0;

  attrs = g_new0 (PangoLogAttr, n_chars + 1);
  pango_get_log_attrs (text, -1, -1, pango_language_from_string ("en"), attrs, n_chars + 1);

  for (glong i = 0; i < n_chars; i++)
    if (attrs[i].is_cursor_position)
      count++;

  return count;
}

/**
 * desk_text_find_initials:
 * @text: a reply by the business
 *
 * Finds the agent's signature at the end of a reply: an em dash (or "--") followed by one to
 * four letters, as in "Thanks! —MJ".
 *
 * Returns: (transfer full) (nullable): the initials
 */
char *
desk_text_find_initials (const char *text)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (text == NULL)
    return NULL;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("(?:\\x{2014}|--)\\s?(\\p{Lu}[\\p{L}.]{0,4})\\s*$",
                                            G_REGEX_OPTIMIZE, 0, NULL));

  if (!g_regex_match (regex, text, 0, &match))
    return NULL;

  return g_match_info_fetch (match, 1);
}
