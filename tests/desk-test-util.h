/* desk-test-util.h: helpers shared by the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "desk-store.h"
#include "desk-types.h"

G_BEGIN_DECLS

void         desk_test_init             (int          *argc,
                                         char       ***argv);
const char  *desk_test_tmp_dir          (void);
char        *desk_test_tmp_path         (const char   *name);

DeskStore   *desk_test_store_new        (void);
DeskStore   *desk_test_store_new_at     (const char   *path);
gint64       desk_test_add_account      (DeskStore    *store,
                                         const char   *network);
DeskMessage *desk_test_message          (const char   *remote_id,
                                         const char   *thread_id,
                                         DeskDirection direction,
                                         gint64        created_at,
                                         const char   *text);
void         desk_test_fill             (DeskStore    *store,
                                         guint         n_conversations,
                                         guint         messages_each);

char        *desk_test_store_query_text (DeskStore    *store,
                                         const char   *sql);
gint64       desk_test_store_count      (DeskStore    *store,
                                         const char   *table);

/* On a closed file, with a connection of their own */
const char  *desk_test_query_text       (const char   *path,
                                         const char   *sql);
int          desk_test_user_version     (const char   *path);
gboolean     desk_test_has_table        (const char   *path,
                                         const char   *table);

gint64       desk_test_store_query_int  (DeskStore    *store,
                                         const char   *sql);
gint64       desk_test_conversation_id  (DeskStore    *store,
                                         const char   *thread_id);
char        *desk_test_conversation_status (DeskStore *store,
                                         const char   *thread_id);

/* The real binary, for crash tests: meson sets FRONTDESK_BIN */
gboolean     desk_test_have_frontdesk_bin (void);
GSubprocess *desk_test_spawn_sync_once  (const char   *database);
GPid         desk_test_subprocess_pid   (GSubprocess  *child);

void         desk_test_wait_until       (gboolean    (*predicate) (gpointer),
                                         gpointer      data);

G_END_DECLS
