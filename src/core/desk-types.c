/* desk-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-types"

#include "config.h"

#include <string.h>

#include "desk-types.h"

G_DEFINE_BOXED_TYPE (DeskMessage, desk_message, desk_message_copy, desk_message_free)
G_DEFINE_BOXED_TYPE (DeskAccountInfo, desk_account_info, desk_account_info_copy,
                     desk_account_info_free)

DeskMessage *
desk_message_new (void)
{
  return g_new0 (DeskMessage, 1);
}

DeskMessage *
desk_message_copy (const DeskMessage *message)
{
  DeskMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_new0 (DeskMessage, 1);
  copy->remote_id = g_strdup (message->remote_id);
  copy->thread_id = g_strdup (message->thread_id);
  copy->kind = message->kind;
  copy->direction = message->direction;
  copy->author_id = g_strdup (message->author_id);
  copy->author_handle = g_strdup (message->author_handle);
  copy->author_name = g_strdup (message->author_name);
  copy->author_avatar_url = g_strdup (message->author_avatar_url);
  copy->text = g_strdup (message->text);
  copy->created_at = message->created_at;
  copy->reply_to_id = g_strdup (message->reply_to_id);
  copy->agent_initials = g_strdup (message->agent_initials);
  copy->raw_json = g_strdup (message->raw_json);
  copy->automatic = message->automatic;

  return copy;
}

void
desk_message_free (DeskMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->remote_id);
  g_free (message->thread_id);
  g_free (message->author_id);
  g_free (message->author_handle);
  g_free (message->author_name);
  g_free (message->author_avatar_url);
  g_free (message->text);
  g_free (message->reply_to_id);
  g_free (message->agent_initials);
  g_free (message->raw_json);
  g_free (message);
}

DeskAccountInfo *
desk_account_info_new (void)
{
  return g_new0 (DeskAccountInfo, 1);
}

DeskAccountInfo *
desk_account_info_copy (const DeskAccountInfo *info)
{
  DeskAccountInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (DeskAccountInfo, 1);
  copy->id = info->id;
  copy->network = g_strdup (info->network);
  copy->remote_id = g_strdup (info->remote_id);
  copy->handle = g_strdup (info->handle);
  copy->display_name = g_strdup (info->display_name);
  copy->server_url = g_strdup (info->server_url);
  copy->state = g_strdup (info->state);
  copy->last_error = g_strdup (info->last_error);
  copy->last_error_code = g_strdup (info->last_error_code);
  copy->max_reply_chars = info->max_reply_chars;
  copy->chars_per_url = info->chars_per_url;
  copy->has_chars_per_url = info->has_chars_per_url;

  return copy;
}

void
desk_account_info_free (DeskAccountInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->network);
  g_free (info->remote_id);
  g_free (info->handle);
  g_free (info->display_name);
  g_free (info->server_url);
  g_free (info->state);
  g_free (info->last_error);
  g_free (info->last_error_code);
  g_free (info);
}

static const char * const status_names[] = { "open", "answered", "closed" };

const char *
desk_conversation_status_to_string (DeskConversationStatus status)
{
  g_return_val_if_fail (status <= DESK_CONVERSATION_CLOSED, NULL);

  return status_names[status];
}

gboolean
desk_conversation_status_from_string (const char             *str,
                                      DeskConversationStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_strcmp0 (str, status_names[i]) == 0)
        {
          *status = (DeskConversationStatus) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * desk_text_sanitize:
 * @text: (nullable): text from the network, in any state
 * @length: its length in bytes, or -1 when nul-terminated
 * @max_bytes: the most bytes to keep
 *
 * Makes untrusted text safe to store and show: invalid UTF-8 becomes U+FFFD, control characters
 * other than newline and tab are dropped, and the result is cut at a character boundary so that
 * it holds at most @max_bytes bytes.
 *
 * Returns: (transfer full): valid UTF-8, never %NULL
 */
char *
desk_text_sanitize (const char *text,
                    gssize      length,
                    gsize       max_bytes)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  if (length < 0)
    length = strlen (text);

  /* Most text is already clean and short enough: one pass to check, one copy. */
  if ((gsize) length <= max_bytes && g_utf8_validate (text, length, NULL))
    {
      gboolean clean = TRUE;

      for (gssize i = 0; i < length && clean; i++)
        {
          guchar c = (guchar) text[i];

          if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == 0)
            clean = FALSE;
          else if (c == 0xc2 && i + 1 < length && (guchar) text[i + 1] >= 0x80 &&
                   (guchar) text[i + 1] <= 0x9f)
            clean = FALSE;  /* a C1 control character */
        }

      if (clean)
        return g_strndup (text, length);
    }

  valid = g_utf8_make_valid (text, length);
  out = g_string_sized_new (MIN ((gsize) length, max_bytes) + 1);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize n = g_utf8_next_char (p) - p;

      if (c != '\n' && c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)))
        continue;

      if (out->len + n > max_bytes)
        break;

      g_string_append_len (out, p, n);
    }

  return g_string_free (out, FALSE);
}
