/* desk-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-provider"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-provider.h"

G_DEFINE_INTERFACE (DeskProvider, desk_provider, G_TYPE_OBJECT)
G_DEFINE_QUARK (desk-provider-error-quark, desk_provider_error)

static void
desk_provider_default_init (DeskProviderInterface *iface)
{
}

const char *
desk_provider_get_network (DeskProvider *self)
{
  g_return_val_if_fail (DESK_IS_PROVIDER (self), NULL);

  return DESK_PROVIDER_GET_IFACE (self)->get_network (self);
}

void
desk_provider_get_capabilities (DeskProvider             *self,
                                DeskProviderCapabilities *capabilities)
{
  g_return_if_fail (DESK_IS_PROVIDER (self));
  g_return_if_fail (capabilities != NULL);

  memset (capabilities, 0, sizeof *capabilities);
  DESK_PROVIDER_GET_IFACE (self)->get_capabilities (self, capabilities);
}

/**
 * desk_provider_list_streams:
 *
 * Returns: (transfer none): the names of the streams to fetch, e.g. "notifications", "chat"
 */
const char * const *
desk_provider_list_streams (DeskProvider *self)
{
  g_return_val_if_fail (DESK_IS_PROVIDER (self), NULL);

  return DESK_PROVIDER_GET_IFACE (self)->list_streams (self);
}

/**
 * desk_provider_fetch:
 * @stream: one of desk_provider_list_streams()
 * @cursor: (nullable): the position stored after the last fetch, or %NULL the first time
 *
 * Fetches what is new on @stream since @cursor: one page.
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
DeskFetchResult *
desk_provider_fetch (DeskProvider  *self,
                     const char    *stream,
                     const char    *cursor,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (DESK_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (stream != NULL, NULL);

  return DESK_PROVIDER_GET_IFACE (self)->fetch (self, stream, cursor, cancellable, error);
}

/**
 * desk_provider_start_push:
 * @func: called from any thread, for as long as the provider lives, when news waits
 *
 * Asks the network to tell when something new arrives (Mastodon's streaming API), so that the
 * account is synced within seconds instead of at the next poll. Optional: polling stays the
 * source of truth, pushes only shorten the wait. The pushes stop when the provider is
 * finalized.
 *
 * Returns: %TRUE when the provider pushes; %FALSE when it only polls
 */
gboolean
desk_provider_start_push (DeskProvider         *self,
                          DeskProviderPushFunc  func,
                          gpointer              user_data)
{
  DeskProviderInterface *iface;

  g_return_val_if_fail (DESK_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  iface = DESK_PROVIDER_GET_IFACE (self);
  if (iface->start_push == NULL)
    return FALSE;

  iface->start_push (self, func, user_data);
  return TRUE;
}

/**
 * desk_provider_fetch_thread:
 *
 * Re-reads a conversation from the network: context, and replies posted from elsewhere.
 *
 * Returns: (transfer full) (element-type DeskMessage): the messages, or %NULL with @error set
 */
GPtrArray *
desk_provider_fetch_thread (DeskProvider          *self,
                            DeskConversationKind   kind,
                            const char            *thread_id,
                            GCancellable          *cancellable,
                            GError               **error)
{
  DeskProviderInterface *iface;

  g_return_val_if_fail (DESK_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (thread_id != NULL, NULL);

  iface = DESK_PROVIDER_GET_IFACE (self);
  if (iface->fetch_thread == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);

  return iface->fetch_thread (self, kind, thread_id, cancellable, error);
}

/**
 * desk_provider_send_reply:
 *
 * Posts @reply. A provider that cannot tell whether the network got it fails with
 * %DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME; the outbox then asks desk_provider_find_sent()
 * before it sends again.
 *
 * Returns: (transfer full): the remote id of the posted reply, or %NULL with @error set
 */
char *
desk_provider_send_reply (DeskProvider        *self,
                          const DeskOutgoing  *reply,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_return_val_if_fail (DESK_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (reply != NULL, NULL);

  return DESK_PROVIDER_GET_IFACE (self)->send_reply (self, reply, cancellable, error);
}

/**
 * desk_provider_find_sent:
 *
 * Looks on the network for @reply, posted by an earlier attempt whose outcome is unknown.
 *
 * Returns: (transfer full) (nullable): its remote id; %NULL without error when it is not there
 */
char *
desk_provider_find_sent (DeskProvider        *self,
                         const DeskOutgoing  *reply,
                         GCancellable        *cancellable,
                         GError             **error)
{
  DeskProviderInterface *iface;

  g_return_val_if_fail (DESK_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (reply != NULL, NULL);

  iface = DESK_PROVIDER_GET_IFACE (self);
  if (iface->find_sent == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_UNKNOWN_OUTCOME,
                           _("Frontdesk cannot check whether this reply was posted."));
      return NULL;
    }

  return iface->find_sent (self, reply, cancellable, error);
}

gboolean
desk_provider_like (DeskProvider  *self,
                    const char    *remote_id,
                    const char    *raw_json,
                    GCancellable  *cancellable,
                    GError       **error)
{
  DeskProviderInterface *iface;

  g_return_val_if_fail (DESK_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);

  iface = DESK_PROVIDER_GET_IFACE (self);
  if (iface->like == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("This network has no likes."));
      return FALSE;
    }

  return iface->like (self, remote_id, raw_json, cancellable, error);
}

/**
 * desk_provider_boost:
 * @remote_id: the customer's post
 * @raw_json: (nullable): its stored JSON, for network details
 *
 * Shares a customer's post with the business's followers (a Mastodon boost, a Bluesky repost).
 */
gboolean
desk_provider_boost (DeskProvider  *self,
                     const char    *remote_id,
                     const char    *raw_json,
                     GCancellable  *cancellable,
                     GError       **error)
{
  DeskProviderInterface *iface;

  g_return_val_if_fail (DESK_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);

  iface = DESK_PROVIDER_GET_IFACE (self);
  if (iface->boost == NULL)
    {
      g_set_error_literal (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
                           _("This network has no way to share a post."));
      return FALSE;
    }

  return iface->boost (self, remote_id, raw_json, cancellable, error);
}

DeskFetchResult *
desk_fetch_result_new (void)
{
  DeskFetchResult *result = g_new0 (DeskFetchResult, 1);

  result->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);

  return result;
}

void
desk_fetch_result_free (DeskFetchResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->messages, g_ptr_array_unref);
  g_free (result->cursor);
  g_free (result);
}

void
desk_outgoing_free (DeskOutgoing *outgoing)
{
  if (outgoing == NULL)
    return;

  g_free (outgoing->idempotency_key);
  g_free (outgoing->thread_id);
  g_free (outgoing->reply_to_id);
  g_free (outgoing->reply_to_raw);
  g_free (outgoing->text);
  g_free (outgoing);
}
