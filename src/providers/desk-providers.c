/* desk-providers.c: the registry of networks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Adding a network: a provider in this folder, and one line in the table below.
 */
#define G_LOG_DOMAIN "desk-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "desk-bluesky-provider.h"
#include "desk-mastodon-provider.h"
#include "desk-providers.h"
#include "desk-telegram-provider.h"

static const struct {
  const char    *network;
  DeskProvider *(*create) (const DeskAccountInfo *account);
} providers[] = {
  { "bluesky", desk_bluesky_provider_new },
  { "mastodon", desk_mastodon_provider_new },
  { "telegram", desk_telegram_provider_new },
};

/**
 * desk_providers_create:
 *
 * A #DeskProviderFactory: the provider for a stored account.
 *
 * Returns: (transfer full): the provider, or %NULL with @error set
 */
DeskProvider *
desk_providers_create (DeskStore              *store,
                       const DeskAccountInfo  *account,
                       GError                **error)
{
  g_return_val_if_fail (account != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      if (g_strcmp0 (providers[i].network, account->network) == 0)
        {
          DeskProvider *provider = providers[i].create (account);

          /* Mastodon keeps its server's limits for a reply with the account */
          if (DESK_IS_MASTODON_PROVIDER (provider))
            desk_mastodon_provider_set_store (DESK_MASTODON_PROVIDER (provider), store);

          return provider;
        }
    }

  g_set_error (error, DESK_PROVIDER_ERROR, DESK_PROVIDER_ERROR_REFUSED,
               _("This version of Frontdesk cannot sync %s accounts."), account->network);
  return NULL;
}
