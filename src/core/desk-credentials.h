/* desk-credentials.h: account secrets in the desktop keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define DESK_CREDENTIALS_ERROR (desk_credentials_error_quark ())

/**
 * DeskCredentialsError:
 * @DESK_CREDENTIALS_ERROR_NO_SERVICE: there is no session bus, or no Secret Service on it
 * @DESK_CREDENTIALS_ERROR_LOCKED: the keyring is locked, or the user dismissed its prompt
 * @DESK_CREDENTIALS_ERROR_TIMED_OUT: the keyring did not answer within the time limit
 * @DESK_CREDENTIALS_ERROR_FAILED: any other keyring failure
 *
 * A caller's own cancellation is reported as %G_IO_ERROR_CANCELLED, as everywhere in GIO.
 */
typedef enum
{
  DESK_CREDENTIALS_ERROR_NO_SERVICE,
  DESK_CREDENTIALS_ERROR_LOCKED,
  DESK_CREDENTIALS_ERROR_TIMED_OUT,
  DESK_CREDENTIALS_ERROR_FAILED,
} DeskCredentialsError;

/* The kinds of secret an account may hold; any other short ASCII name works too. */
#define DESK_CREDENTIALS_KIND_ACCESS_TOKEN  "access-token"
#define DESK_CREDENTIALS_KIND_REFRESH_TOKEN "refresh-token"
#define DESK_CREDENTIALS_KIND_CLIENT_SECRET "client-secret"
#define DESK_CREDENTIALS_KIND_BOT_TOKEN     "bot-token"

/* The time limit of every call unless desk_credentials_set_timeout_ms() changes it. */
#define DESK_CREDENTIALS_DEFAULT_TIMEOUT_MS 10000

GQuark              desk_credentials_error_quark      (void);
const SecretSchema *desk_credentials_get_schema       (void);

void                desk_credentials_set_timeout_ms   (guint                timeout_ms);
guint               desk_credentials_get_timeout_ms   (void);

gboolean            desk_credentials_store_sync       (gint64               account_id,
                                                       const char          *kind,
                                                       const char          *secret,
                                                       const char          *label,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void                desk_credentials_store_async      (gint64               account_id,
                                                       const char          *kind,
                                                       const char          *secret,
                                                       const char          *label,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            desk_credentials_store_finish     (GAsyncResult        *result,
                                                       GError             **error);

char               *desk_credentials_lookup_sync      (gint64               account_id,
                                                       const char          *kind,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void                desk_credentials_lookup_async     (gint64               account_id,
                                                       const char          *kind,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char               *desk_credentials_lookup_finish    (GAsyncResult        *result,
                                                       GError             **error);

gboolean            desk_credentials_clear_sync       (gint64               account_id,
                                                       const char          *kind,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void                desk_credentials_clear_async      (gint64               account_id,
                                                       const char          *kind,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            desk_credentials_clear_finish     (GAsyncResult        *result,
                                                       GError             **error);

void                desk_credentials_free_secret      (char                *secret);

/* `g_auto(DeskSecret) token = desk_credentials_lookup_sync (…);` wipes and frees it at scope end. */
typedef char *DeskSecret;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (DeskSecret, desk_credentials_free_secret, NULL)

G_END_DECLS
