/* desk-mastodon-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "desk-provider.h"
#include "desk-store.h"

G_BEGIN_DECLS

/* What the sign-in registers besides the loopback listener: the paste-the-code fallback. */
#define DESK_MASTODON_OOB_URI "urn:ietf:wg:oauth:2.0:oob"

#define DESK_TYPE_MASTODON_PROVIDER (desk_mastodon_provider_get_type ())

G_DECLARE_FINAL_TYPE (DeskMastodonProvider, desk_mastodon_provider, DESK, MASTODON_PROVIDER, GObject)

typedef struct _DeskMastodonSignIn DeskMastodonSignIn;

DeskProvider       *desk_mastodon_provider_new              (const DeskAccountInfo  *account);
void                desk_mastodon_provider_set_store        (DeskMastodonProvider   *self,
                                                             DeskStore              *store);

DeskMastodonSignIn *desk_mastodon_begin_sign_in             (const char             *server_url,
                                                             gboolean                loopback,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
const char         *desk_mastodon_sign_in_get_authorize_url (DeskMastodonSignIn     *sign_in);
const char         *desk_mastodon_sign_in_get_state         (DeskMastodonSignIn     *sign_in);
gboolean            desk_mastodon_sign_in_uses_loopback     (DeskMastodonSignIn     *sign_in);
char               *desk_mastodon_sign_in_wait_for_code     (DeskMastodonSignIn     *sign_in,
                                                             guint                   timeout_seconds,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gint64              desk_mastodon_finish_sign_in            (DeskStore              *store,
                                                             DeskMastodonSignIn     *sign_in,
                                                             const char             *code,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
void                desk_mastodon_sign_in_free              (DeskMastodonSignIn     *sign_in);

typedef struct _DeskMastodonStream DeskMastodonStream;

/* Called in the stream's own thread when a mention arrives. */
typedef void (*DeskMastodonStreamFunc) (gint64    account_id,
                                        gpointer  user_data);

DeskMastodonStream *desk_mastodon_stream_new                (const DeskAccountInfo  *account,
                                                             DeskMastodonStreamFunc  func,
                                                             gpointer                user_data);
void                desk_mastodon_stream_free               (DeskMastodonStream     *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskMastodonSignIn, desk_mastodon_sign_in_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskMastodonStream, desk_mastodon_stream_free)

G_END_DECLS
