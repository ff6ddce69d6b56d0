/* desk-store-private.h: internals shared by the store's files and its tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "desk-store.h"

G_BEGIN_DECLS

/* Migration N (1-based) takes a database from user_version N-1 to N. */
const char * const *desk_store_schema_migrations  (guint   *n_migrations);

/* Applies migrations from the file's user_version up to @target, each in its own transaction. */
gboolean            desk_store_schema_migrate     (sqlite3 *db,
                                                   guint    target,
                                                   GError **error);

gboolean            desk_store_set_error_from_sqlite (GError     **error,
                                                      sqlite3     *db,
                                                      int          rc,
                                                      const char  *what);

/* Test hooks: counts rows read from the conversations table by desk_store_load_conversations(). */
guint64             desk_store_get_rows_loaded    (DeskStore *self);

/* For benchmarks: the raw connection; only while no other thread uses the store. */
sqlite3            *desk_store_get_db             (DeskStore *self);

G_END_DECLS
