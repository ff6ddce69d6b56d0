/* desk-canned.c: canned responses: the rules of a response, placeholders, search, the shared file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is pure: no database (that is desk-store-canned.c) and no widgets. The file
 * format and the placeholder syntax are described in desk-canned.h.
 */
#define G_LOG_DOMAIN "desk-canned"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "desk-canned.h"
#include "desk-types.h"

#define MAX_PLACEHOLDER_NAME 32
#define MAX_JSON_DEPTH       16

G_DEFINE_QUARK (desk-canned-error-quark, desk_canned_error)

/* Networks */

static const char * const networks[] = { "bluesky", "mastodon", "telegram", "x", NULL };

const char * const *
desk_canned_networks (void)
{
  return networks;
}

/**
 * desk_canned_network_label:
 *
 * Returns: the network's name as people write it ("Bluesky"), or @network itself when it is not
 * one Frontdesk knows. Brand names are not translated.
 */
const char *
desk_canned_network_label (const char *network)
{
  if (g_strcmp0 (network, "bluesky") == 0)
    return "Bluesky";
  if (g_strcmp0 (network, "mastodon") == 0)
    return "Mastodon";
  if (g_strcmp0 (network, "telegram") == 0)
    return "Telegram";
  if (g_strcmp0 (network, "x") == 0)
    return "X";

  return network;
}

static gboolean
is_known_network (const char *network)
{
  return network != NULL && g_strv_contains (networks, network);
}

/* Responses */

static void
response_clear (DeskCannedResponse *self)
{
  g_free (self->title);
  g_free (self->shortcut);
  g_free (self->body);
  g_clear_pointer (&self->variants, g_hash_table_unref);
}

DeskCannedResponse *
desk_canned_response_new (const char *title,
                          const char *shortcut,
                          const char *body)
{
  DeskCannedResponse *self = g_rc_box_new0 (DeskCannedResponse);

  self->title = g_strdup (title != NULL ? title : "");
  self->shortcut = g_strdup (shortcut != NULL ? shortcut : "");
  self->body = g_strdup (body != NULL ? body : "");
  self->variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

DeskCannedResponse *
desk_canned_response_ref (DeskCannedResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_rc_box_acquire (self);
}

void
desk_canned_response_unref (DeskCannedResponse *self)
{
  g_return_if_fail (self != NULL);

  g_rc_box_release_full (self, (GDestroyNotify) response_clear);
}

G_DEFINE_BOXED_TYPE (DeskCannedResponse, desk_canned_response,
                     desk_canned_response_ref, desk_canned_response_unref)

DeskCannedResponse *
desk_canned_response_copy (const DeskCannedResponse *self)
{
  DeskCannedResponse *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, NULL);

  copy = desk_canned_response_new (self->title, self->shortcut, self->body);
  copy->id = self->id;
  copy->created_at = self->created_at;
  copy->updated_at = self->updated_at;

  g_hash_table_iter_init (&iter, self->variants);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->variants, g_strdup (key), g_strdup (value));

  return copy;
}

void
desk_canned_response_set_variant (DeskCannedResponse *self,
                                  const char         *network,
                                  const char         *body)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (network != NULL);

  if (body == NULL || body[0] == '\0')
    g_hash_table_remove (self->variants, network);
  else
    g_hash_table_insert (self->variants, g_strdup (network), g_strdup (body));
}

const char *
desk_canned_response_get_variant (const DeskCannedResponse *self,
                                  const char               *network)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (network == NULL)
    return NULL;

  return g_hash_table_lookup (self->variants, network);
}

const char *
desk_canned_response_get_body_for (const DeskCannedResponse *self,
                                   const char               *network)
{
  const char *variant;

  g_return_val_if_fail (self != NULL, NULL);

  variant = desk_canned_response_get_variant (self, network);

  return variant != NULL ? variant : self->body;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GStrv
desk_canned_response_dup_networks (const DeskCannedResponse *self)
{
  GStrv keys;
  guint n = 0;

  g_return_val_if_fail (self != NULL, NULL);

  keys = (GStrv) g_hash_table_get_keys_as_array (self->variants, &n);
  for (guint i = 0; i < n; i++)
    keys[i] = g_strdup (keys[i]);
  qsort (keys, n, sizeof (char *), compare_strings);

  return keys;
}

gboolean
desk_canned_response_same_content (const DeskCannedResponse *a,
                                   const DeskCannedResponse *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->title, b->title) != 0 ||
      g_strcmp0 (a->shortcut, b->shortcut) != 0 ||
      g_strcmp0 (a->body, b->body) != 0 ||
      g_hash_table_size (a->variants) != g_hash_table_size (b->variants))
    return FALSE;

  g_hash_table_iter_init (&iter, a->variants);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b->variants, key)) != 0)
      return FALSE;

  return TRUE;
}

/* Valid UTF-8 without control characters; newlines and tabs too when @single_line */
static char *
clean_text (const char *text,
            gboolean    single_line)
{
  char *clean = desk_text_sanitize (text, -1, DESK_CANNED_MAX_FILE_BYTES);

  if (single_line)
    g_strdelimit (clean, "\n\t", ' ');

  return clean;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static gboolean
check_body (const char  *body,
            GError     **error)
{
  if (strlen (body) > DESK_CANNED_MAX_BODY_BYTES)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                   _("A response can be at most %d KB long."), DESK_CANNED_MAX_BODY_BYTES / 1024);
      return FALSE;
    }

  return TRUE;
}

/**
 * desk_canned_response_normalize:
 *
 * Cleans @self's fields in place and checks them: a title (at most
 * %DESK_CANNED_MAX_TITLE_BYTES), a shortcut (see desk-canned.h), a body that is not blank and at
 * most %DESK_CANNED_MAX_BODY_BYTES, variants for known networks only. Blank variants are removed.
 *
 * Returns: %TRUE if @self follows the rules; otherwise %DESK_CANNED_ERROR_INVALID in words
 */
gboolean
desk_canned_response_normalize (DeskCannedResponse  *self,
                                GError             **error)
{
  g_autoptr(GHashTable) variants = NULL;
  GHashTableIter iter;
  gpointer key, value;
  char *text;
  const char *shortcut;
  glong n_chars;

  g_return_val_if_fail (self != NULL, FALSE);

  text = g_strstrip (clean_text (self->title, TRUE));
  g_free (self->title);
  self->title = text;
  if (self->title[0] == '\0')
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                           _("A response needs a title."));
      return FALSE;
    }
  if (strlen (self->title) > DESK_CANNED_MAX_TITLE_BYTES)
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                           _("The title is too long: keep it to a short line."));
      return FALSE;
    }

  text = g_strstrip (clean_text (self->shortcut, TRUE));
  shortcut = text[0] == '/' ? text + 1 : text;
  g_free (self->shortcut);
  self->shortcut = g_strdup (shortcut);
  g_free (text);

  if (self->shortcut[0] == '\0')
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                           _("A response needs a shortcut, the word typed after “/” to insert it."));
      return FALSE;
    }

  for (const char *p = self->shortcut; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '-' && c != '_')
        {
          g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                       _("The shortcut “%s” may hold only letters, digits, “-” and “_”."),
                       self->shortcut);
          return FALSE;
        }
    }

  n_chars = g_utf8_strlen (self->shortcut, -1);
  if (n_chars > DESK_CANNED_MAX_SHORTCUT_CHARS)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                   _("A shortcut can be at most %d characters long."),
                   DESK_CANNED_MAX_SHORTCUT_CHARS);
      return FALSE;
    }

  text = clean_text (self->body, FALSE);
  g_free (self->body);
  self->body = text;
  if (is_blank (self->body))
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                           _("A response needs a body."));
      return FALSE;
    }
  if (!check_body (self->body, error))
    return FALSE;

  variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, self->variants);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!is_known_network (key))
        {
          g_autofree char *name = clean_text (key, TRUE);

          g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                       _("“%s” is not a network Frontdesk knows."), name);
          return FALSE;
        }

      text = clean_text (value, FALSE);
      if (is_blank (text))
        {
          g_free (text);
          continue;
        }
      if (!check_body (text, error))
        {
          g_free (text);
          return FALSE;
        }

      g_hash_table_insert (variants, g_strdup (key), text);
    }

  g_hash_table_unref (self->variants);
  self->variants = g_steal_pointer (&variants);

  return TRUE;
}

/* Search */

static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_DEFAULT);

  return g_utf8_casefold (normal != NULL ? normal : "", -1);
}

typedef struct
{
  DeskCannedResponse *response;
  guint               rank;
  gsize               position;     /* where the match starts, within its rank */
  gsize               length;       /* of a shortcut that starts with the query */
  char               *key;          /* the folded shortcut, for ties */
} Match;

static int
compare_matches (gconstpointer a,
                 gconstpointer b)
{
  const Match *x = a;
  const Match *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  if (x->position != y->position)
    return x->position < y->position ? -1 : 1;
  /* The shorter shortcut first: an exact match before the longer ones it starts. */
  if (x->length != y->length)
    return x->length < y->length ? -1 : 1;

  return strcmp (x->key, y->key);
}

/**
 * desk_canned_search:
 * @responses: (element-type DeskCannedResponse): the library
 * @query: (nullable): what was typed
 * @limit: the most results, 0 for all
 *
 * Returns: (transfer container) (element-type DeskCannedResponse): the matches, best first
 */
GPtrArray *
desk_canned_search (GPtrArray  *responses,
                    const char *query,
                    guint       limit)
{
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (Match));
  g_autofree char *needle = NULL;
  GPtrArray *result;

  g_return_val_if_fail (responses != NULL, NULL);

  if (query == NULL)
    query = "";
  while (g_ascii_isspace (*query))
    query++;
  if (*query == '/')
    query++;
  needle = g_strstrip (fold (query));

  for (guint i = 0; i < responses->len; i++)
    {
      DeskCannedResponse *response = g_ptr_array_index (responses, i);
      g_autofree char *shortcut = fold (response->shortcut);
      Match match = { response, 0, 0, 0, NULL };
      const char *found;

      if (g_str_has_prefix (shortcut, needle))
        match.length = needle[0] != '\0' ? strlen (shortcut) : 0;
      else
        {
          g_autofree char *title = fold (response->title);

          if ((found = strstr (title, needle)) != NULL)
            {
              match.rank = 1;
              match.position = found - title;
            }
          else if (strstr (shortcut, needle) != NULL)
            match.rank = 2;
          else
            {
              g_autofree char *body = fold (response->body);

              if (strstr (body, needle) == NULL)
                continue;

              match.rank = 3;
            }
        }

      match.key = g_steal_pointer (&shortcut);
      g_array_append_val (matches, match);
    }

  g_array_sort (matches, compare_matches);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_response_unref);
  for (guint i = 0; i < matches->len; i++)
    {
      Match *match = &g_array_index (matches, Match, i);

      if (limit == 0 || result->len < limit)
        g_ptr_array_add (result, desk_canned_response_ref (match->response));
      g_free (match->key);
    }

  return result;
}

/* Placeholders */

static const char *
lookup_placeholder (const char              *name,
                    const DeskCannedContext *context,
                    gboolean                *known)
{
  static const char * const names[] = {
    "customer_name", "customer_handle", "agent_name", "agent_initials", "network", "account",
  };
  const char *values[G_N_ELEMENTS (names)] = { NULL, };

  *known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      *known = TRUE;

  if (!*known || context == NULL)
    return NULL;

  values[0] = context->customer_name;
  values[1] = context->customer_handle;
  values[2] = context->agent_name;
  values[3] = context->agent_initials;
  values[4] = context->network != NULL && context->network[0] != '\0'
                ? desk_canned_network_label (context->network) : NULL;
  values[5] = context->account;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      return values[i];

  return NULL;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/**
 * desk_canned_expand:
 * @body: a response's body
 * @context: (nullable): the values
 * @unfilled: (out) (optional) (element-type DeskCannedRange): placeholders left in the text
 *
 * Returns: (transfer full): @body with its placeholders filled and its escapes resolved
 */
char *
desk_canned_expand (const char               *body,
                    const DeskCannedContext  *context,
                    GArray                  **unfilled)
{
  GString *out;
  GArray *ranges;
  const char *p;

  g_return_val_if_fail (body != NULL, NULL);

  out = g_string_sized_new (strlen (body) + 64);
  ranges = g_array_new (FALSE, FALSE, sizeof (DeskCannedRange));

  for (p = body; *p != '\0';)
    {
      if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
        {
          g_string_append_c (out, p[0]);
          p += 2;
          continue;
        }

      if (p[0] == '{')
        {
          const char *q = p + 1;

          while (is_name_char (*q) && q - p <= MAX_PLACEHOLDER_NAME)
            q++;

          if (q > p + 1 && *q == '}' && q - p - 1 <= MAX_PLACEHOLDER_NAME)
            {
              g_autofree char *name = g_strndup (p + 1, q - p - 1);
              gboolean known;
              const char *value = lookup_placeholder (name, context, &known);

              if (value != NULL && value[0] != '\0')
                g_string_append (out, value);
              else
                {
                  DeskCannedRange range = { out->len, 0, known };

                  g_string_append_len (out, p, q + 1 - p);
                  range.end = out->len;
                  g_array_append_val (ranges, range);
                }

              p = q + 1;
              continue;
            }
        }

      g_string_append_c (out, *p);
      p++;
    }

  if (unfilled != NULL)
    *unfilled = ranges;
  else
    g_array_unref (ranges);

  return g_string_free (out, FALSE);
}

/**
 * desk_canned_find_placeholders:
 * @text: any text
 *
 * Returns: (transfer full) (element-type DeskCannedRange): where @text holds a placeholder
 */
GArray *
desk_canned_find_placeholders (const char *text)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (DeskCannedRange));

  g_return_val_if_fail (text != NULL, ranges);

  for (const char *p = text; *p != '\0';)
    {
      if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
        {
          p += 2;
          continue;
        }

      if (p[0] == '{')
        {
          const char *q = p + 1;

          while (is_name_char (*q) && q - p <= MAX_PLACEHOLDER_NAME)
            q++;

          if (q > p + 1 && *q == '}' && q - p - 1 <= MAX_PLACEHOLDER_NAME)
            {
              g_autofree char *name = g_strndup (p + 1, q - p - 1);
              DeskCannedRange range = { p - text, q + 1 - text, FALSE };

              lookup_placeholder (name, NULL, &range.known);
              g_array_append_val (ranges, range);
              p = q + 1;
              continue;
            }
        }

      p++;
    }

  return ranges;
}

/* The shared file */

static int
compare_by_shortcut (gconstpointer a,
                     gconstpointer b)
{
  const DeskCannedResponse *x = *(DeskCannedResponse * const *) a;
  const DeskCannedResponse *y = *(DeskCannedResponse * const *) b;
  g_autofree char *xs = fold (x->shortcut);
  g_autofree char *ys = fold (y->shortcut);

  return strcmp (xs, ys);
}

/**
 * desk_canned_export:
 * @responses: (element-type DeskCannedResponse): what to write
 *
 * Returns: (transfer full): the file, UTF-8 JSON, responses sorted by shortcut
 */
GBytes *
desk_canned_export (GPtrArray *responses)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  char *data;
  gsize length;

  g_return_val_if_fail (responses != NULL, NULL);

  /* Borrowed pointers: no free function (g_ptr_array_copy() would keep the original's). */
  sorted = g_ptr_array_sized_new (responses->len);
  for (guint i = 0; i < responses->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (responses, i));
  g_ptr_array_sort (sorted, compare_by_shortcut);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, DESK_CANNED_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, DESK_CANNED_VERSION);
  json_builder_set_member_name (builder, "responses");
  json_builder_begin_array (builder);

  for (guint i = 0; i < sorted->len; i++)
    {
      DeskCannedResponse *response = g_ptr_array_index (sorted, i);
      g_auto(GStrv) keys = desk_canned_response_dup_networks (response);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, response->title);
      json_builder_set_member_name (builder, "shortcut");
      json_builder_add_string_value (builder, response->shortcut);
      json_builder_set_member_name (builder, "body");
      json_builder_add_string_value (builder, response->body);

      if (keys[0] != NULL)
        {
          json_builder_set_member_name (builder, "variants");
          json_builder_begin_object (builder);
          for (guint j = 0; keys[j] != NULL; j++)
            {
              json_builder_set_member_name (builder, keys[j]);
              json_builder_add_string_value (builder, g_hash_table_lookup (response->variants, keys[j]));
            }
          json_builder_end_object (builder);
        }

      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  data = json_generator_to_data (generator, &length);

  /* A text file ends with a newline. */
  data = g_realloc (data, length + 2);
  data[length++] = '\n';
  data[length] = '\0';

  return g_bytes_new_take (data, length);
}

/* JSON nesting deeper than a canned-responses file ever needs is refused before parsing: the
 * parser recurses, and a small file of brackets must not exhaust the stack. */
static gboolean
nesting_is_shallow (const char *data,
                    gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static DeskCannedResponse *
parse_response (JsonNode  *node,
                guint      position,
                GError   **error)
{
  g_autoptr(DeskCannedResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *variants;
  const char *title, *shortcut, *body;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                   _("Response %u in the file is not a response."), position);
      return NULL;
    }

  object = json_node_get_object (node);
  title = get_string_member (object, "title");
  shortcut = get_string_member (object, "shortcut");
  body = get_string_member (object, "body");
  if (title == NULL || shortcut == NULL || body == NULL)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                   _("Response %u in the file lacks a title, a shortcut or a body."), position);
      return NULL;
    }

  response = desk_canned_response_new (title, shortcut, body);

  variants = json_object_get_member (object, "variants");
  if (variants != NULL && !JSON_NODE_HOLDS_NULL (variants))
    {
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (variants))
        {
          g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                       _("The variants of response %u in the file are not a list of networks."),
                       position);
          return NULL;
        }

      members = json_object_get_members (json_node_get_object (variants));
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *text = get_string_member (json_node_get_object (variants), l->data);

          if (text == NULL)
            {
              g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                           _("A variant of response %u in the file is not text."), position);
              return NULL;
            }

          desk_canned_response_set_variant (response, l->data, text);
        }
    }

  if (!desk_canned_response_normalize (response, &local_error))
    {
      g_autofree char *name = g_strstrip (clean_text (shortcut, TRUE));

      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                   _("Response %u in the file (“%s”): %s"),
                   position, name, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&response);
}

static void
set_foreign (GError **error)
{
  g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_FOREIGN,
                       _("This file is not a Frontdesk canned-responses file."));
}

/**
 * desk_canned_parse:
 * @contents: the file
 *
 * Reads a file written by desk_canned_export() or by hand. Any broken rule refuses the file as
 * a whole, with words that say what is wrong.
 *
 * Returns: (transfer container) (element-type DeskCannedResponse): the responses, normalized
 */
GPtrArray *
desk_canned_parse (GBytes  *contents,
                   GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GHashTable) seen = NULL;
  const char *data;
  gsize length;
  JsonNode *root, *version, *list;
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (contents != NULL, NULL);

  data = g_bytes_get_data (contents, &length);

  if (length > DESK_CANNED_MAX_FILE_BYTES)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_TOO_LARGE,
                   _("The file is too large to be a canned-responses file (more than %d MB)."),
                   DESK_CANNED_MAX_FILE_BYTES / (1024 * 1024));
      return NULL;
    }

  if (length == 0 || !g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                           length == 0 ? _("The file is empty.")
                                       : _("The file is not UTF-8 text, so it cannot be a "
                                           "canned-responses file."));
      return NULL;
    }

  if (!nesting_is_shallow (data, length))
    {
      set_foreign (error);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                   _("The file is damaged: it is not valid JSON (%s)."), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_foreign (error);
      return NULL;
    }

  object = json_node_get_object (root);
  if (g_strcmp0 (get_string_member (object, "format"), DESK_CANNED_FORMAT) != 0)
    {
      set_foreign (error);
      return NULL;
    }

  version = json_object_get_member (object, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 || json_node_get_int (version) < 1)
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                           _("The file does not say which version of the format it uses."));
      return NULL;
    }
  if (json_node_get_int (version) > DESK_CANNED_VERSION)
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_TOO_NEW,
                           _("The file was written by a newer Frontdesk. Update Frontdesk to "
                             "import it."));
      return NULL;
    }

  list = json_object_get_member (object, "responses");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_MALFORMED,
                           _("The file has no list of responses."));
      return NULL;
    }

  array = json_node_get_array (list);
  if (json_array_get_length (array) > DESK_CANNED_MAX_RESPONSES)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_TOO_LARGE,
                   _("The file holds %u responses; Frontdesk imports at most %d at once."),
                   json_array_get_length (array), DESK_CANNED_MAX_RESPONSES);
      return NULL;
    }

  responses = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_response_unref);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      DeskCannedResponse *response = parse_response (json_array_get_element (array, i), i + 1, error);
      char *key;

      if (response == NULL)
        return NULL;

      g_ptr_array_add (responses, response);

      key = fold (response->shortcut);
      if (!g_hash_table_add (seen, key))
        {
          g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID,
                       _("The file has two responses with the shortcut “/%s”."),
                       response->shortcut);
          return NULL;
        }
    }

  return g_steal_pointer (&responses);
}

/**
 * desk_canned_read_file:
 *
 * Returns: (transfer full): the file's bytes; %DESK_CANNED_ERROR_TOO_LARGE when it holds more
 *   than %DESK_CANNED_MAX_FILE_BYTES, without reading the rest
 */
GBytes *
desk_canned_read_file (GFile         *file,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *buffer = NULL;
  gsize n_read = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  buffer = g_malloc (DESK_CANNED_MAX_FILE_BYTES + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, DESK_CANNED_MAX_FILE_BYTES + 1,
                                &n_read, cancellable, error))
    return NULL;

  if (n_read > DESK_CANNED_MAX_FILE_BYTES)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_TOO_LARGE,
                   _("The file is too large to be a canned-responses file (more than %d MB)."),
                   DESK_CANNED_MAX_FILE_BYTES / (1024 * 1024));
      return NULL;
    }

  return g_bytes_new_take (g_realloc (g_steal_pointer (&buffer), MAX (n_read, 1)), n_read);
}

/* Import plans */

static void
plan_clear (DeskCannedPlan *plan)
{
  g_clear_pointer (&plan->items, g_ptr_array_unref);
}

static void
item_free (DeskCannedImportItem *item)
{
  g_clear_pointer (&item->incoming, desk_canned_response_unref);
  g_clear_pointer (&item->existing, desk_canned_response_unref);
  g_free (item);
}

/**
 * desk_canned_plan_new:
 * @existing: (element-type DeskCannedResponse): the library now
 * @incoming: (element-type DeskCannedResponse): the file's responses
 *
 * Returns: (transfer full): what an import would do for each incoming response
 */
DeskCannedPlan *
desk_canned_plan_new (GPtrArray *existing,
                      GPtrArray *incoming)
{
  g_autoptr(GHashTable) by_shortcut = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  DeskCannedPlan *plan;

  g_return_val_if_fail (existing != NULL && incoming != NULL, NULL);

  for (guint i = 0; i < existing->len; i++)
    {
      DeskCannedResponse *response = g_ptr_array_index (existing, i);

      g_hash_table_insert (by_shortcut, fold (response->shortcut), response);
    }

  plan = g_rc_box_new0 (DeskCannedPlan);
  plan->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);

  for (guint i = 0; i < incoming->len; i++)
    {
      DeskCannedResponse *response = g_ptr_array_index (incoming, i);
      g_autofree char *key = fold (response->shortcut);
      DeskCannedResponse *match = g_hash_table_lookup (by_shortcut, key);
      DeskCannedImportItem *item = g_new0 (DeskCannedImportItem, 1);

      item->incoming = desk_canned_response_ref (response);
      if (match == NULL)
        {
          item->action = DESK_CANNED_IMPORT_ADD;
          plan->n_add++;
        }
      else
        {
          item->existing = desk_canned_response_ref (match);
          if (desk_canned_response_same_content (match, response))
            {
              item->action = DESK_CANNED_IMPORT_SAME;
              plan->n_same++;
            }
          else
            {
              item->action = DESK_CANNED_IMPORT_CHANGE;
              plan->n_change++;
            }
        }

      g_ptr_array_add (plan->items, item);
    }

  return plan;
}

DeskCannedPlan *
desk_canned_plan_ref (DeskCannedPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);

  return g_rc_box_acquire (plan);
}

void
desk_canned_plan_unref (DeskCannedPlan *plan)
{
  g_return_if_fail (plan != NULL);

  g_rc_box_release_full (plan, (GDestroyNotify) plan_clear);
}
