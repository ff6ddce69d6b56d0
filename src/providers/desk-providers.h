/* desk-providers.h: the registry of networks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "desk-provider.h"
#include "desk-store.h"

G_BEGIN_DECLS

DeskProvider *desk_providers_create (DeskStore              *store,
                                     const DeskAccountInfo  *account,
                                     GError                **error);

G_END_DECLS
