/* desk-compose.c: the rules of a reply: length per network, the agent's signature
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How each network counts, as implemented here:
 *
 * - Bluesky: 300 extended grapheme clusters of the text as written (a family emoji, a flag or
 *   a letter with combining marks counts once).
 * - Mastodon: the server's limit (500 when it did not say), counted by
 *   desk_html_count_mastodon() as the Mastodon provider checks it before posting, like
 *   Mastodon's own StatusLengthValidator: every http(s) URL counts as the server's
 *   characters_reserved_per_url (23 when it did not say), "@user@domain" counts as "@user",
 *   the rest in grapheme clusters. Both limits are stored with the account.
 * - Telegram: 4096 UTF-16 code units (an emoji outside the BMP counts 2).
 * - X: 280 weighted characters after NFC, as twitter-text's v3 configuration weighs them:
 *   code points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 weigh 1,
 *   every other code point 2; an http(s) URL weighs 23; a grapheme cluster that is an emoji
 *   (built on a pictograph, a pair of regional indicators, or a keycap) weighs 2 as a whole,
 *   however many code points it has. Not done: URLs without a scheme ("example.com"), which
 *   X also shortens, and twitter-text's exact emoji list (pictographs are recognized by
 *   their Unicode blocks).
 *
 * URLs (for X): "http://" or "https://" not glued to a preceding letter, digit, "@" or "/", up to
 * the next white space, minus trailing punctuation (.,:;!?'" and a closing bracket that was
 * not opened inside the URL).
 *
 * Signature: the format's "%s" is replaced by the initials (there is no other escape; the
 * format is never given to printf). desk_compose_sign() adds it after the text with trailing
 * white space removed, separated by a newline when the text has several lines and by a space
 * otherwise ("Thanks! —MJ", "Hello,\n…\n—MJ"), unless the format itself starts with white
 * space. desk_text_find_initials() recognizes exactly these endings with the default format.
 */
#define G_LOG_DOMAIN "desk-compose"

#include "config.h"

#include <string.h>

#include <pango/pango.h>

#include "desk-compose.h"
#include "desk-html.h"
#include "desk-text.h"

#define BLUESKY_LIMIT       300
#define MASTODON_LIMIT      500
#define TELEGRAM_LIMIT     4096
#define X_LIMIT             280

/**
 * desk_compose_get_limit:
 * @network: "bluesky", "mastodon", "telegram" or "x"
 * @server_limit: the limit the server announced, 0 if unknown
 *
 * Returns: the reply's maximum length in the network's units; for a network this file does
 *   not know, @server_limit (0: no known limit)
 */
guint
desk_compose_get_limit (const char *network,
                        guint       server_limit)
{
  if (g_strcmp0 (network, "bluesky") == 0)
    return BLUESKY_LIMIT;
  if (g_strcmp0 (network, "mastodon") == 0)
    return server_limit > 0 ? server_limit : MASTODON_LIMIT;
  if (g_strcmp0 (network, "telegram") == 0)
    return TELEGRAM_LIMIT;
  if (g_strcmp0 (network, "x") == 0)
    return X_LIMIT;

  return server_limit;
}

/* URLs */

static gboolean
is_url_stop_before (gunichar c)
{
  return g_unichar_isalnum (c) || c == '@' || c == '/' || c == '_';
}

/* Returns the length in bytes of the URL starting at @p, or 0 if none starts there */
static gsize
url_length_at (const char *text,
               const char *p)
{
  const char *start = p;
  const char *end;
  int open = 0;
  int close = 0;

  if (g_ascii_strncasecmp (p, "https://", 8) == 0)
    p += 8;
  else if (g_ascii_strncasecmp (p, "http://", 7) == 0)
    p += 7;
  else
    return 0;

  if (start > text)
    {
      const char *prev = g_utf8_find_prev_char (text, start);

      if (prev != NULL && is_url_stop_before (g_utf8_get_char (prev)))
        return 0;
    }

  end = p;
  while (*end != '\0' && !g_unichar_isspace (g_utf8_get_char (end)))
    {
      if (*end == '(')
        open++;
      else if (*end == ')')
        close++;
      end = g_utf8_next_char (end);
    }

  /* Trailing punctuation belongs to the sentence, not to the URL */
  while (end > p)
    {
      char last = end[-1];

      if (strchr (".,:;!?'\"", last) != NULL)
        end--;
      else if (last == ')' && close > open)
        {
          end--;
          close--;
        }
      else
        break;
    }

  /* A host needs at least one letter or digit */
  for (const char *q = p; q < end; q = g_utf8_next_char (q))
    if (g_unichar_isalnum (g_utf8_get_char (q)))
      return end - start;

  return 0;
}

/* @text with every URL replaced by 23 "x", which count 23 on Mastodon and X alike */
static char *
replace_urls (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      gsize len = 0;

      if (*p == 'h' || *p == 'H')
        len = url_length_at (text, p);

      if (len > 0)
        {
          for (guint i = 0; i < DESK_COMPOSE_URL_LENGTH; i++)
            g_string_append_c (out, 'x');
          p += len;
        }
      else
        {
          const char *next = g_utf8_next_char (p);

          g_string_append_len (out, p, next - p);
          p = next;
        }
    }

  return g_string_free (out, FALSE);
}

/* Telegram */

static guint
count_utf16 (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    n += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;

  return n;
}

/* X */

static guint
x_code_point_weight (gunichar c)
{
  if (c <= 0x10FF ||
      (c >= 0x2000 && c <= 0x200D) ||
      (c >= 0x2010 && c <= 0x201F) ||
      (c >= 0x2032 && c <= 0x2037))
    return 1;

  return 2;
}

static gboolean
is_pictograph (gunichar c)
{
  return (c >= 0x1F000 && c <= 0x1FAFF) ||  /* symbols, emoticons, flags, transport, … */
         (c >= 0x2300 && c <= 0x23FF) ||    /* technical: ⌚ ⏰ */
         (c >= 0x2600 && c <= 0x27BF) ||    /* miscellaneous symbols, dingbats */
         (c >= 0x2B00 && c <= 0x2BFF) ||    /* ⭐ ⬛ */
         c == 0x00A9 || c == 0x00AE || c == 0x203C || c == 0x2049 || c == 0x2122 ||
         c == 0x2139 || (c >= 0x2194 && c <= 0x21AA) || c == 0x3030 || c == 0x303D ||
         c == 0x3297 || c == 0x3299;
}

/* A cluster is an emoji when it is a pictograph in emoji presentation: on its own if it is
 * outside the BMP, else followed by U+FE0F, a skin tone, a ZWJ sequence; or a keycap. */
static gboolean
is_emoji_cluster (const char *start,
                  const char *end)
{
  gunichar first = g_utf8_get_char (start);
  gboolean has_more = FALSE;

  for (const char *p = g_utf8_next_char (start); p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x20E3)
        return TRUE;                        /* keycap: 1️⃣ */
      if (c == 0xFE0F || c == 0x200D || (c >= 0x1F3FB && c <= 0x1F3FF) ||
          (c >= 0xE0020 && c <= 0xE007F))
        has_more = TRUE;
    }

  if (!is_pictograph (first))
    return FALSE;

  return first >= 0x1F000 || has_more;
}

static guint
count_x (const char *text)
{
  g_autofree char *nfc = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  g_autofree char *countable = NULL;
  g_autofree PangoLogAttr *attrs = NULL;
  glong n_chars;
  guint weight = 0;
  const char *cluster = NULL;
  const char *p;

  if (nfc == NULL)
    return 0;

  countable = replace_urls (nfc);
  n_chars = g_utf8_strlen (countable, -1);
  if (n_chars == 0)
    return 0;

  attrs = g_new0 (PangoLogAttr, n_chars + 1);
  pango_get_log_attrs (countable, -1, -1, pango_language_from_string ("en"), attrs, n_chars + 1);

  /* Walk the grapheme clusters; each is an emoji (2) or the sum of its code points */
  p = countable;
  for (glong i = 0; i <= n_chars; i++)
    {
      if (attrs[i].is_cursor_position || i == n_chars)
        {
          if (cluster != NULL)
            {
              if (is_emoji_cluster (cluster, p))
                weight += 2;
              else
                for (const char *q = cluster; q < p; q = g_utf8_next_char (q))
                  weight += x_code_point_weight (g_utf8_get_char (q));
            }
          cluster = p;
        }

      if (i < n_chars)
        p = g_utf8_next_char (p);
    }

  return weight;
}

/**
 * desk_compose_get_length:
 * @network: "bluesky", "mastodon", "telegram" or "x"
 * @text: UTF-8 text
 *
 * Counts @text as @network does (see the top of this file); a network this file does not
 * know counts grapheme clusters. Invalid UTF-8 counts 0.
 *
 * Returns: the length in the network's units
 */
guint
desk_compose_get_length (const char *network,
                         const char *text)
{
  g_return_val_if_fail (text != NULL, 0);

  return desk_compose_get_length_full (network, text, -1);
}

/**
 * desk_compose_get_length_full:
 * @network: "bluesky", "mastodon", "telegram" or "x"
 * @text: UTF-8 text
 * @chars_per_url: what each URL counts on the server (Mastodon's
 *   `characters_reserved_per_url`), or a negative number when it is not known
 *
 * desk_compose_get_length() with the server's own length for URLs: what the composer and the
 * Mastodon provider both count with, so that they never disagree. Networks whose servers do
 * not choose it (X counts every URL as 23) ignore @chars_per_url.
 *
 * Returns: the length in the network's units
 */
guint
desk_compose_get_length_full (const char *network,
                              const char *text,
                              int         chars_per_url)
{
  g_return_val_if_fail (text != NULL, 0);

  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  if (g_strcmp0 (network, "mastodon") == 0)
    return desk_html_count_mastodon (text, chars_per_url >= 0 ? (guint) chars_per_url
                                                              : DESK_COMPOSE_URL_LENGTH);

  if (g_strcmp0 (network, "telegram") == 0)
    return count_utf16 (text);

  if (g_strcmp0 (network, "x") == 0)
    return count_x (text);

  return desk_text_count_graphemes (text);
}

/* Signing */

/**
 * desk_compose_format_signature:
 * @format: (nullable): e.g. "—%s"
 * @initials: (nullable): e.g. "MJ"
 *
 * Returns: (transfer full) (nullable): @format with every "%s" replaced by @initials, or
 *   %NULL when @format or @initials is empty
 */
char *
desk_compose_format_signature (const char *format,
                               const char *initials)
{
  g_autofree char *clean_initials = NULL;
  GString *out;

  if (format == NULL || initials == NULL)
    return NULL;

  clean_initials = g_strstrip (g_strdup (initials));
  if (format[0] == '\0' || clean_initials[0] == '\0')
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = format; *p != '\0'; p++)
    {
      if (p[0] == '%' && p[1] == 's')
        {
          g_string_append (out, clean_initials);
          p++;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/**
 * desk_compose_sign:
 * @text: the reply as the agent wrote it
 * @format: (nullable): the signature format, "%s" standing for the initials
 * @initials: (nullable): the agent's initials
 *
 * Adds the signature once. Text that already ends with it (trailing white space ignored),
 * blank text, an empty format or empty initials: @text comes back unchanged. Otherwise the
 * signature follows the text with its trailing white space removed, after a newline when
 * the text has several lines and a space when it has one.
 *
 * Returns: (transfer full): the signed text
 */
char *
desk_compose_sign (const char *text,
                   const char *format,
                   const char *initials)
{
  g_autofree char *signature = NULL;
  g_autofree char *trimmed = NULL;
  const char *separator;
  gsize text_len;
  gsize sig_len;

  g_return_val_if_fail (text != NULL, NULL);

  signature = desk_compose_format_signature (format, initials);
  if (signature == NULL)
    return g_strdup (text);

  trimmed = g_strchomp (g_strdup (text));
  if (trimmed[0] == '\0')
    return g_strdup (text);

  /* Compare without the signature's own surrounding white space */
  g_strstrip (signature);
  if (signature[0] == '\0')
    return g_strdup (text);

  text_len = strlen (trimmed);
  sig_len = strlen (signature);
  if (text_len >= sig_len && strcmp (trimmed + text_len - sig_len, signature) == 0)
    return g_strdup (text);

  g_clear_pointer (&signature, g_free);
  signature = desk_compose_format_signature (format, initials);

  if (g_unichar_isspace (g_utf8_get_char (signature)))
    separator = "";
  else if (strchr (trimmed, '\n') != NULL)
    separator = "\n";
  else
    separator = " ";

  g_strchomp (signature);

  return g_strconcat (trimmed, separator, signature, NULL);
}

/* Initials */

/**
 * desk_compose_initials_from_name:
 * @name: (nullable): an agent's name
 *
 * The first letter of each word, in upper case ("Maja Jurić" → "MJ", "jean-luc picard" →
 * "JLP"); with more than four words, the first and the last. One word gives its first letter.
 *
 * Returns: (transfer full) (nullable): the initials, or %NULL if @name has no letter
 */
char *
desk_compose_initials_from_name (const char *name)
{
  g_autoptr(GArray) letters = NULL;
  gboolean in_word = FALSE;
  GString *out;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  letters = g_array_new (FALSE, FALSE, sizeof (gunichar));

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        {
          if (!in_word)
            {
              gunichar upper = g_unichar_toupper (c);

              g_array_append_val (letters, upper);
            }
          in_word = TRUE;
        }
      else if (g_unichar_ismark (c) || c == '\'' || c == 0x2019)
        ;  /* a combining mark or an apostrophe stays inside the word: "O'Neil" */
      else
        in_word = FALSE;
    }

  if (letters->len == 0)
    return NULL;

  out = g_string_new (NULL);
  if (letters->len > 4)
    {
      g_string_append_unichar (out, g_array_index (letters, gunichar, 0));
      g_string_append_unichar (out, g_array_index (letters, gunichar, letters->len - 1));
    }
  else
    for (guint i = 0; i < letters->len; i++)
      g_string_append_unichar (out, g_array_index (letters, gunichar, i));

  return g_string_free (out, FALSE);
}

/**
 * desk_compose_agent_initials:
 * @initials: (nullable): the initials the agent set (GSettings agent-initials)
 * @name: (nullable): the agent's name (GSettings agent-name)
 *
 * Returns: (transfer full) (nullable): @initials without surrounding white space if not
 *   empty, else initials made from @name, else %NULL
 */
char *
desk_compose_agent_initials (const char *initials,
                             const char *name)
{
  if (initials != NULL)
    {
      g_autofree char *clean = g_strstrip (g_strdup (initials));

      if (clean[0] != '\0')
        return g_steal_pointer (&clean);
    }

  return desk_compose_initials_from_name (name);
}
