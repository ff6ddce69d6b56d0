/* desk-telegram-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "desk-provider.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TELEGRAM_DEFAULT_API_URL "https://api.telegram.org"

/* The longest a getUpdates request waits for something new, in seconds. */
#define DESK_TELEGRAM_DEFAULT_POLL_TIMEOUT 50

/* Telegram counts the length of a message in UTF-16 code units. */
#define DESK_TELEGRAM_MAX_LENGTH 4096

#define DESK_TYPE_TELEGRAM_PROVIDER (desk_telegram_provider_get_type ())

G_DECLARE_FINAL_TYPE (DeskTelegramProvider, desk_telegram_provider, DESK, TELEGRAM_PROVIDER, GObject)

DeskProvider *desk_telegram_provider_new      (const DeskAccountInfo  *account);
gint64        desk_telegram_sign_in           (DeskStore              *store,
                                               const char             *api_url,
                                               const char             *token,
                                               GCancellable           *cancellable,
                                               GError                **error);
gboolean      desk_telegram_delete_webhook    (const DeskAccountInfo  *account,
                                               GCancellable           *cancellable,
                                               GError                **error);
guint         desk_telegram_count_utf16       (const char             *text);

G_END_DECLS
