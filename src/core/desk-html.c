/* desk-html.c: Mastodon's HTML as plain text, and Mastodon's way of counting a status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mastodon sends a status's content as HTML that the sending server sanitized, but a remote
 * server may send anything. Nothing of it is rendered as markup: an allow-list of the few
 * elements that carry meaning in text (paragraphs, line breaks, links, Mastodon's
 * invisible/ellipsis spans) is turned into plain text, every other tag is dropped with its text
 * kept, and <script>/<style> are dropped with their content. The result is plain text: text
 * that looks like Pango markup or HTML after decoding ("&lt;b&gt;") stays literal, and the UI
 * shows it as text. Bidirectional controls (U+202A…U+202E, U+2066…U+2069) are kept as text, as
 * Mastodon's own web client keeps them; the UI isolates each message (its label is its own
 * paragraph), so they cannot reorder anything outside it.
 */
#define G_LOG_DOMAIN "desk-html"

#include "config.h"

#include <string.h>

#include "desk-html.h"
#include "desk-text.h"
#include "desk-types.h"

#define MAX_LINKS     64
#define MAX_URL_BYTES 2048

typedef enum
{
  SPAN_PLAIN,
  SPAN_INVISIBLE,
  SPAN_ELLIPSIS,
} SpanKind;

typedef struct
{
  GString   *out;
  gsize      max_bytes;
  GPtrArray *links;
  GArray    *spans;           /* SpanKind of each open <span> */
  guint      invisible;       /* open invisible spans: their text is not shown */
  guint      pre;             /* open <pre>: whitespace kept */
  gboolean   pending_break;   /* a paragraph ended: separate what follows by a blank line */
  gboolean   space;           /* collapsed whitespace waits to be written */
} Converter;

static const struct {
  const char *name;
  const char *text;
} entities[] = {
  { "amp", "&" }, { "apos", "'" }, { "bull", "•" }, { "copy", "©" }, { "euro", "€" },
  { "gt", ">" }, { "hellip", "…" }, { "laquo", "«" }, { "ldquo", "“" }, { "lsquo", "‘" },
  { "lt", "<" }, { "mdash", "—" }, { "middot", "·" }, { "nbsp", "\302\240" }, { "ndash", "–" },
  { "quot", "\"" }, { "raquo", "»" }, { "rdquo", "”" }, { "reg", "®" }, { "rsquo", "’" },
  { "trade", "™" },
};

static gboolean
full (Converter *c)
{
  return c->out->len > c->max_bytes;
}

static void
flush_separators (Converter *c)
{
  if (c->pending_break)
    {
      if (c->out->len > 0)
        g_string_append (c->out, "\n\n");
      c->pending_break = FALSE;
      c->space = FALSE;
    }
  else if (c->space)
    {
      if (c->out->len > 0 && c->out->str[c->out->len - 1] != '\n')
        g_string_append_c (c->out, ' ');
      c->space = FALSE;
    }
}

static void
emit (Converter  *c,
      const char *text,
      gsize       length)
{
  if (c->invisible > 0 || length == 0)
    return;

  flush_separators (c);
  g_string_append_len (c->out, text, length);
}

static void
emit_char (Converter *c,
           gunichar   ch)
{
  char buf[6];
  int n;

  if (ch == 0 || ch > 0x10ffff || (ch >= 0xd800 && ch <= 0xdfff))
    ch = 0xfffd;

  n = g_unichar_to_utf8 (ch, buf);
  emit (c, buf, n);
}

static void
line_break (Converter *c)
{
  if (c->invisible > 0)
    return;

  /* A <br> right after a paragraph still starts the new paragraph first. */
  if (c->pending_break && c->out->len > 0)
    g_string_append (c->out, "\n\n");
  c->pending_break = FALSE;
  c->space = FALSE;
  g_string_append_c (c->out, '\n');
}

/* Decodes the entity at @p (which points at '&'); returns where the text goes on. */
static const char *
decode_entity (Converter  *c,
               const char *p,
               const char *end)
{
  const char *q = p + 1;

  if (q < end && *q == '#')
    {
      gboolean hex = FALSE;
      guint64 value = 0;
      const char *digits;

      q++;
      if (q < end && (*q == 'x' || *q == 'X'))
        {
          hex = TRUE;
          q++;
        }
      digits = q;
      while (q < end && (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)))
        {
          value = value * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          if (value > 0x10ffff)
            value = 0x110000;  /* stays invalid, never overflows */
          q++;
        }
      if (q == digits)
        {
          emit (c, "&", 1);
          return p + 1;
        }
      if (q < end && *q == ';')
        q++;
      emit_char (c, (gunichar) value);
      return q;
    }

  while (q < end && q - p <= 10 && g_ascii_isalnum (*q))
    q++;

  if (q < end && *q == ';')
    {
      for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
        {
          if ((gsize) (q - p - 1) == strlen (entities[i].name) &&
              strncmp (p + 1, entities[i].name, q - p - 1) == 0)
            {
              emit (c, entities[i].text, strlen (entities[i].text));
              return q + 1;
            }
        }
    }

  /* Not an entity we know: the ampersand is text. */
  emit (c, "&", 1);
  return p + 1;
}

/* Finds the attribute @name in the attribute text [@p, @end) and returns its decoded value. */
static char *
attribute (const char *p,
           const char *end,
           const char *name)
{
  gsize name_len = strlen (name);

  while (p < end)
    {
      const char *key, *value = NULL;
      gsize key_len, value_len = 0;

      while (p < end && (g_ascii_isspace (*p) || *p == '/'))
        p++;
      key = p;
      while (p < end && !g_ascii_isspace (*p) && *p != '=' && *p != '/')
        p++;
      key_len = p - key;
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p < end && *p == '=')
        {
          p++;
          while (p < end && g_ascii_isspace (*p))
            p++;
          if (p < end && (*p == '"' || *p == '\''))
            {
              char quote = *p++;

              value = p;
              while (p < end && *p != quote)
                p++;
              value_len = p - value;
              if (p < end)
                p++;
            }
          else
            {
              value = p;
              while (p < end && !g_ascii_isspace (*p))
                p++;
              value_len = p - value;
            }
        }

      if (key_len == 0)
        {
          if (p < end)
            p++;
          continue;
        }

      if (key_len == name_len && g_ascii_strncasecmp (key, name, name_len) == 0)
        {
          Converter sub = { 0 };
          const char *v = value;
          const char *v_end = value ? value + value_len : NULL;

          if (value == NULL)
            return g_strdup ("");

          /* Attribute values hold entities too (&amp; in URLs). */
          sub.out = g_string_new (NULL);
          sub.max_bytes = MAX_URL_BYTES;
          while (v < v_end)
            {
              if (*v == '&')
                v = decode_entity (&sub, v, v_end);
              else
                {
                  g_string_append_c (sub.out, *v);
                  v++;
                }
            }
          return g_string_free (sub.out, FALSE);
        }
    }

  return NULL;
}

static gboolean
has_class (const char *classes,
           const char *name)
{
  g_auto(GStrv) words = NULL;

  if (classes == NULL)
    return FALSE;

  words = g_strsplit_set (classes, " \t\n\r\f", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_strcmp0 (words[i], name) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
add_link (Converter  *c,
          const char *href)
{
  if (c->links == NULL || href == NULL || c->links->len >= MAX_LINKS ||
      strlen (href) > MAX_URL_BYTES || !g_utf8_validate (href, -1, NULL))
    return;

  /* Only what a browser may safely open: never javascript:, data: or file:. */
  if (g_ascii_strncasecmp (href, "https://", 8) != 0 && g_ascii_strncasecmp (href, "http://", 7) != 0)
    return;

  for (guint i = 0; i < c->links->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (c->links, i), href) == 0)
        return;
    }

  g_ptr_array_add (c->links, g_strdup (href));
}

/* Skips raw text up to the closing tag </@name>; returns where the text goes on. */
static const char *
skip_raw_text (const char *p,
               const char *end,
               const char *name)
{
  gsize name_len = strlen (name);

  for (; p < end; p++)
    {
      if (*p == '<' && p + 2 + name_len <= end && p[1] == '/' &&
          g_ascii_strncasecmp (p + 2, name, name_len) == 0 &&
          (p + 2 + name_len == end || !g_ascii_isalnum (p[2 + name_len])))
        {
          const char *gt = memchr (p, '>', end - p);

          return gt != NULL ? gt + 1 : end;
        }
    }

  return end;
}

static gboolean
is_name (const char *tag,
         gsize       tag_len,
         const char *name)
{
  return tag_len == strlen (name) && g_ascii_strncasecmp (tag, name, tag_len) == 0;
}

/* Handles the markup at @p (which points at '<'); returns where the text goes on. */
static const char *
handle_tag (Converter  *c,
            const char *p,
            const char *end)
{
  const char *q = p + 1;
  const char *name, *attrs, *gt;
  gboolean closing = FALSE;
  gsize name_len;

  if (q < end && *q == '!')
    {
      const char *close;

      if (end - q >= 3 && q[1] == '-' && q[2] == '-')
        {
          close = g_strstr_len (q + 3, end - q - 3, "-->");
          return close != NULL ? close + 3 : end;
        }
      close = memchr (q, '>', end - q);
      return close != NULL ? close + 1 : end;
    }

  if (q < end && *q == '?')
    {
      gt = memchr (q, '>', end - q);
      return gt != NULL ? gt + 1 : end;
    }

  if (q < end && *q == '/')
    {
      closing = TRUE;
      q++;
    }

  if (q >= end || !g_ascii_isalpha (*q))
    {
      /* "a < b" or "</ 3": the bracket is text, as HTML parsers read it. */
      emit (c, "<", 1);
      return p + 1;
    }

  name = q;
  while (q < end && (g_ascii_isalnum (*q) || *q == '-' || *q == ':'))
    q++;
  name_len = q - name;
  attrs = q;

  /* The end of the tag, with '>' inside quoted attribute values skipped. */
  for (gt = q; gt < end; gt++)
    {
      if (*gt == '"' || *gt == '\'')
        {
          const char *close = memchr (gt + 1, *gt, end - gt - 1);

          if (close == NULL)
            return end;  /* truncated inside an attribute: nothing more can be read */
          gt = close;
        }
      else if (*gt == '>')
        break;
    }
  if (gt >= end)
    return end;  /* a tag cut off: drop it */

  if (is_name (name, name_len, "script") || is_name (name, name_len, "style"))
    {
      g_autofree char *lower = g_ascii_strdown (name, name_len);

      if (closing)
        return gt + 1;
      return skip_raw_text (gt + 1, end, lower);
    }

  if (is_name (name, name_len, "p") || is_name (name, name_len, "div") ||
      is_name (name, name_len, "blockquote") || is_name (name, name_len, "li") ||
      is_name (name, name_len, "ul") || is_name (name, name_len, "ol") ||
      (name_len == 2 && g_ascii_tolower (name[0]) == 'h' && g_ascii_isdigit (name[1])))
    {
      if (c->invisible == 0)
        c->pending_break = TRUE;
      return gt + 1;
    }

  if (is_name (name, name_len, "pre"))
    {
      if (c->invisible == 0)
        c->pending_break = TRUE;
      if (closing)
        c->pre = c->pre > 0 ? c->pre - 1 : 0;
      else
        c->pre++;
      return gt + 1;
    }

  if (is_name (name, name_len, "br"))
    {
      line_break (c);
      return gt + 1;
    }

  if (is_name (name, name_len, "a") && !closing)
    {
      g_autofree char *href = attribute (attrs, gt, "href");

      add_link (c, href);
      return gt + 1;
    }

  if (is_name (name, name_len, "span"))
    {
      if (closing)
        {
          SpanKind kind;

          if (c->spans->len == 0)
            return gt + 1;
          kind = g_array_index (c->spans, SpanKind, c->spans->len - 1);
          g_array_set_size (c->spans, c->spans->len - 1);
          if (kind == SPAN_INVISIBLE)
            c->invisible--;
          else if (kind == SPAN_ELLIPSIS)
            emit (c, "…", strlen ("…"));
        }
      else if (gt[-1] != '/' && c->spans->len < 256)
        {
          g_autofree char *classes = attribute (attrs, gt, "class");
          SpanKind kind = SPAN_PLAIN;

          if (has_class (classes, "invisible"))
            kind = SPAN_INVISIBLE;
          else if (has_class (classes, "ellipsis"))
            kind = SPAN_ELLIPSIS;

          g_array_append_val (c->spans, kind);
          if (kind == SPAN_INVISIBLE)
            c->invisible++;
        }
      return gt + 1;
    }

  /* Any other element: the tag goes, its text stays. */
  return gt + 1;
}

/**
 * desk_html_to_text:
 * @html: (nullable): HTML as a Mastodon server sent it, in any state
 * @length: its length in bytes, or -1 when nul-terminated
 * @max_bytes: the most bytes of text to return
 * @links: (out) (optional) (element-type utf8) (transfer container): the http(s) links the
 *   text held, in order, without repeats, for the UI to offer to open
 *
 * Converts Mastodon's status HTML to plain text: paragraphs become blank lines, <br> a
 * newline, links their text, entities their characters; Mastodon's `invisible` spans are
 * dropped and its `ellipsis` spans end with "…"; any other tag is dropped and its text kept;
 * <script> and <style> are dropped whole; invalid UTF-8 becomes U+FFFD; control characters
 * other than newline and tab go. Malformed or truncated markup never fails: what can be read
 * is kept.
 *
 * Returns: (transfer full): valid UTF-8 of at most @max_bytes bytes, never %NULL
 */
char *
desk_html_to_text (const char  *html,
                   gssize       length,
                   gsize        max_bytes,
                   GPtrArray  **links)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = NULL;
  Converter c = { 0 };
  const char *p, *end;
  gsize start, stop;

  if (links != NULL)
    *links = g_ptr_array_new_with_free_func (g_free);

  if (html == NULL)
    return g_strdup ("");

  if (length < 0)
    length = strlen (html);

  valid = g_utf8_make_valid (html, length);
  out = g_string_sized_new (MIN ((gsize) length, max_bytes) + 16);

  c.out = out;
  c.max_bytes = max_bytes;
  c.links = links != NULL ? *links : NULL;
  c.spans = g_array_new (FALSE, FALSE, sizeof (SpanKind));

  p = valid;
  end = valid + strlen (valid);

  while (p < end && !full (&c))
    {
      if (*p == '<')
        p = handle_tag (&c, p, end);
      else if (*p == '&')
        p = decode_entity (&c, p, end);
      else if (c.pre == 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
        {
          if (c.invisible == 0)
            c.space = TRUE;
          p++;
        }
      else
        {
          const char *run = p;

          while (p < end && *p != '<' && *p != '&' &&
                 (c.pre > 0 || !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')))
            p++;
          emit (&c, run, p - run);
        }
    }

  g_array_unref (c.spans);

  /* No blank space around the text. */
  for (start = 0; start < out->len && g_ascii_isspace (out->str[start]); start++)
    ;
  for (stop = out->len; stop > start && g_ascii_isspace (out->str[stop - 1]); stop--)
    ;

  return desk_text_sanitize (out->str + start, stop - start, max_bytes);
}

static gboolean
is_mention_char (char ch)
{
  return g_ascii_isalnum (ch) || ch == '_';
}

static gboolean
is_domain_char (char ch)
{
  return g_ascii_isalnum (ch) || ch == '-' || ch == '.' || ch == '_';
}

/**
 * desk_html_count_mastodon:
 * @text: a status as the user typed it (UTF-8)
 * @url_length: what each link counts, the instance's `characters_reserved_per_url`
 *
 * Counts a status as Mastodon's StatusLengthValidator does: every http(s) link counts
 * @url_length characters whatever its length, a mention `@user@domain` counts as `@user`, and
 * the rest counts in user-perceived characters (grapheme clusters).
 *
 * Returns: the length to compare with the instance's `max_characters`
 */
guint
desk_html_count_mastodon (const char *text,
                          guint       url_length)
{
  g_autoptr(GString) countable = NULL;
  guint urls = 0;
  const char *p;

  g_return_val_if_fail (text != NULL, 0);

  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  countable = g_string_new (NULL);

  for (p = text; *p != '\0';)
    {
      gboolean word_start = p == text || !is_mention_char (p[-1]);

      if (word_start && (g_ascii_strncasecmp (p, "https://", 8) == 0 ||
                         g_ascii_strncasecmp (p, "http://", 7) == 0))
        {
          const char *q = p;
          const char *last;

          while (*q != '\0' && !g_ascii_isspace (*q) && *q != '<' && *q != '>' && *q != '"')
            q = g_utf8_next_char (q);
          /* Trailing punctuation ends the sentence, not the link. */
          last = q;
          while (last > p && strchr (".,;:!?)'", last[-1]) != NULL)
            last--;
          if (last - p > (g_ascii_strncasecmp (p, "https://", 8) == 0 ? 8 : 7))
            {
              urls++;
              p = last;
              continue;
            }
        }

      if (*p == '@' && word_start && is_mention_char (p[1]))
        {
          const char *user = p + 1;
          const char *q = user;

          while (is_mention_char (*q) || (*q == '.' && is_mention_char (q[1])))
            q++;
          g_string_append_len (countable, p, q - p);
          if (*q == '@' && is_domain_char (q[1]))
            {
              q++;
              while (is_domain_char (*q))
                q++;
              while (q > user && q[-1] == '.')
                q--;
            }
          p = q;
          continue;
        }

      {
        const char *next = g_utf8_next_char (p);

        g_string_append_len (countable, p, next - p);
        p = next;
      }
    }

  return desk_text_count_graphemes (countable->str) + urls * url_length;
}
