/* desk-bluesky-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "desk-provider.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_BLUESKY_DEFAULT_PDS "https://bsky.social"

#define DESK_TYPE_BLUESKY_PROVIDER (desk_bluesky_provider_get_type ())

G_DECLARE_FINAL_TYPE (DeskBlueskyProvider, desk_bluesky_provider, DESK, BLUESKY_PROVIDER, GObject)

DeskProvider *desk_bluesky_provider_new (const DeskAccountInfo  *account);
gint64        desk_bluesky_sign_in      (DeskStore              *store,
                                         const char             *pds_url,
                                         const char             *identifier,
                                         const char             *app_password,
                                         GCancellable           *cancellable,
                                         GError                **error);
char         *desk_bluesky_tid          (gint64                  time_us,
                                         const char             *clock_seed);

G_END_DECLS
