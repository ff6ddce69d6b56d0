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

/* For the store's other files (desk-store-*.c). Every call below except lock/unlock must be made
 * with the lock held; a write is begin → statements → commit (or rollback on error); commit
 * announces conversations-changed for the ids noted in the transaction; other signals are
 * queued with desk_store_emit_later() and reach the main context after the call returns. */
void                desk_store_lock               (DeskStore    *self);
void                desk_store_unlock             (DeskStore    *self);
sqlite3_stmt       *desk_store_statement          (DeskStore    *self,
                                                   const char   *sql,
                                                   GError      **error);
gboolean            desk_store_check_open         (DeskStore    *self,
                                                   GError      **error);
gboolean            desk_store_begin              (DeskStore    *self,
                                                   GError      **error);
gboolean            desk_store_commit             (DeskStore    *self,
                                                   GError      **error);
void                desk_store_rollback           (DeskStore    *self);
void                desk_store_note_conversation_changed (DeskStore *self,
                                                   gint64        conversation_id);
/* "tags-changed", "accounts-changed" or "canned-changed" */
void                desk_store_emit_later         (DeskStore    *self,
                                                   const char   *signal_name);
/* Binds sanitized text (valid UTF-8, at most @max_bytes), or NULL */
void                desk_store_bind_text          (sqlite3_stmt *stmt,
                                                   int           column,
                                                   const char   *text,
                                                   gsize         max_bytes);
char               *desk_store_column_dup         (sqlite3_stmt *stmt,
                                                   int           column);
/* Tags (desk-store-tags.c): a name as stored, and the checks every write of a tag makes */
char               *desk_store_clean_tag_name     (const char   *name);
gboolean            desk_store_check_tag          (DeskStore    *self,
                                                   const char   *name,
                                                   const char   *color,
                                                   gint64        except_id,
                                                   GError      **error);
/* An inbox query's filters (not its sort) as conditions on `conversations c`, and their values */
void                desk_store_append_query_filter (GString              *sql,
                                                    const DeskInboxQuery *query,
                                                    const char           *fts);
void                desk_store_bind_query_filter  (sqlite3_stmt         *stmt,
                                                   const DeskInboxQuery *query,
                                                   const char           *fts);

G_END_DECLS
