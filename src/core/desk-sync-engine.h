/* desk-sync-engine.h: moves messages from the networks into the store, and replies back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "desk-provider.h"
#include "desk-store.h"

G_BEGIN_DECLS

/* Makes the provider for an account; NULL with @error set when it cannot (e.g. no credentials). */
typedef DeskProvider *(*DeskProviderFactory) (DeskStore              *store,
                                              const DeskAccountInfo  *account,
                                              GError                **error);

typedef struct
{
  guint  accounts;
  guint  accounts_failed;
  guint  pages;
  guint  messages_added;
  guint  replies_sent;
  guint  replies_failed;
  guint  requests;
} DeskSyncStats;

#define DESK_TYPE_SYNC_ENGINE (desk_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (DeskSyncEngine, desk_sync_engine, DESK, SYNC_ENGINE, GObject)

DeskSyncEngine *desk_sync_engine_new             (DeskStore            *store,
                                                  DeskProviderFactory   factory);
void            desk_sync_engine_set_verbose     (DeskSyncEngine       *self,
                                                  gboolean              verbose);
gboolean        desk_sync_engine_run_once        (DeskSyncEngine       *self,
                                                  DeskSyncStats        *stats,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
gboolean        desk_sync_engine_sync_account    (DeskSyncEngine       *self,
                                                  gint64                account_id,
                                                  DeskProvider         *provider,
                                                  DeskSyncStats        *stats,
                                                  gint64               *next_run,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void            desk_sync_engine_start           (DeskSyncEngine       *self);
void            desk_sync_engine_start_accounts  (DeskSyncEngine       *self,
                                                  GPtrArray            *accounts);
void            desk_sync_engine_stop            (DeskSyncEngine       *self);
void            desk_sync_engine_wake            (DeskSyncEngine       *self);

gint64          desk_sync_backoff_delay          (guint                 failures,
                                                  guint32               random);

G_END_DECLS
