/* desk-store-canned.c: the library of canned responses in the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tables from migration 1: canned_responses (shortcut UNIQUE COLLATE NOCASE) and
 * canned_response_variants. Every write is one transaction and announces
 * DeskStore::canned-changed once committed.
 */
#define G_LOG_DOMAIN "desk-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "desk-canned.h"
#include "desk-store-private.h"

#define SELECT_RESPONSES \
  "SELECT id, title, shortcut, body, created_at, updated_at FROM canned_responses"

static DeskCannedResponse *
response_from_row (sqlite3_stmt *stmt)
{
  DeskCannedResponse *response;

  response = desk_canned_response_new ((const char *) sqlite3_column_text (stmt, 1),
                                       (const char *) sqlite3_column_text (stmt, 2),
                                       (const char *) sqlite3_column_text (stmt, 3));
  response->id = sqlite3_column_int64 (stmt, 0);
  response->created_at = sqlite3_column_int64 (stmt, 4);
  response->updated_at = sqlite3_column_int64 (stmt, 5);

  return response;
}

/* With the lock held: every response (@id 0) or one, variants included */
static GPtrArray *
load_locked (DeskStore  *self,
             gint64      id,
             GError    **error)
{
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = desk_store_statement (self,
                               id == 0
                                 ? SELECT_RESPONSES " ORDER BY shortcut COLLATE NOCASE"
                                 : SELECT_RESPONSES " WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);

  responses = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_response_unref);
  by_id = g_hash_table_new (g_int64_hash, g_int64_equal);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskCannedResponse *response = response_from_row (stmt);

      g_ptr_array_add (responses, response);
      g_hash_table_insert (by_id, &response->id, response);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc,
                                        "read canned responses");
      return NULL;
    }

  stmt = desk_store_statement (self,
                               id == 0
                                 ? "SELECT canned_id, network, body FROM canned_response_variants"
                                 : "SELECT canned_id, network, body FROM canned_response_variants"
                                   " WHERE canned_id = ?1",
                               error);
  if (stmt == NULL)
    return NULL;
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 canned_id = sqlite3_column_int64 (stmt, 0);
      DeskCannedResponse *response = g_hash_table_lookup (by_id, &canned_id);

      if (response != NULL)
        desk_canned_response_set_variant (response,
                                          (const char *) sqlite3_column_text (stmt, 1),
                                          (const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc,
                                        "read canned response variants");
      return NULL;
    }

  return g_steal_pointer (&responses);
}

static gboolean
set_step_error (DeskStore           *self,
                int                  rc,
                DeskCannedResponse  *response,
                const char          *what,
                GError             **error)
{
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_SHORTCUT_TAKEN,
                   _("Another response already has the shortcut “/%s”."), response->shortcut);
      return FALSE;
    }

  return desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, what);
}

static gboolean
write_variants_locked (DeskStore           *self,
                       DeskCannedResponse  *response,
                       GError             **error)
{
  g_auto(GStrv) networks = desk_canned_response_dup_networks (response);
  sqlite3_stmt *stmt;
  int rc;

  stmt = desk_store_statement (self, "DELETE FROM canned_response_variants WHERE canned_id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, response->id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc,
                                             "replace canned response variants");

  for (guint i = 0; networks[i] != NULL; i++)
    {
      stmt = desk_store_statement (self,
                                   "INSERT INTO canned_response_variants (canned_id, network, body)"
                                   " VALUES (?1, ?2, ?3)",
                                   error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, response->id);
      sqlite3_bind_text (stmt, 2, networks[i], -1, SQLITE_TRANSIENT);
      desk_store_bind_text (stmt, 3, desk_canned_response_get_variant (response, networks[i]),
                            DESK_CANNED_MAX_BODY_BYTES);

      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc,
                                                 "store a canned response variant");
    }

  return TRUE;
}

/* With the lock held, in a transaction; @response normalized */
static gboolean
insert_locked (DeskStore           *self,
               DeskCannedResponse  *response,
               GError             **error)
{
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();
  int rc;

  stmt = desk_store_statement (self,
                               "INSERT INTO canned_responses"
                               " (title, shortcut, body, created_at, updated_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
                               error);
  if (stmt == NULL)
    return FALSE;

  desk_store_bind_text (stmt, 1, response->title, DESK_CANNED_MAX_TITLE_BYTES);
  desk_store_bind_text (stmt, 2, response->shortcut, DESK_CANNED_MAX_TITLE_BYTES);
  desk_store_bind_text (stmt, 3, response->body, DESK_CANNED_MAX_BODY_BYTES);
  sqlite3_bind_int64 (stmt, 4, now);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    response->id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    return set_step_error (self, rc, response, "add a canned response", error);

  response->created_at = now;
  response->updated_at = now;

  return write_variants_locked (self, response, error);
}

/* With the lock held, in a transaction; @response normalized, its id set */
static gboolean
update_locked (DeskStore           *self,
               DeskCannedResponse  *response,
               GError             **error)
{
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();
  int rc;

  stmt = desk_store_statement (self,
                               "UPDATE canned_responses SET title = ?2, shortcut = ?3, body = ?4,"
                               " updated_at = ?5 WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, response->id);
  desk_store_bind_text (stmt, 2, response->title, DESK_CANNED_MAX_TITLE_BYTES);
  desk_store_bind_text (stmt, 3, response->shortcut, DESK_CANNED_MAX_TITLE_BYTES);
  desk_store_bind_text (stmt, 4, response->body, DESK_CANNED_MAX_BODY_BYTES);
  sqlite3_bind_int64 (stmt, 5, now);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_step_error (self, rc, response, "change a canned response", error);

  if (sqlite3_changes (desk_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                           _("This response is no longer in the library."));
      return FALSE;
    }

  response->updated_at = now;

  return write_variants_locked (self, response, error);
}

typedef gboolean (*WriteFunc) (DeskStore  *self,
                               gpointer    data,
                               GError    **error);

/* lock → begin → @func → commit (or rollback) → canned-changed */
static gboolean
run_write (DeskStore  *self,
           WriteFunc   func,
           gpointer    data,
           GError    **error)
{
  gboolean ret = FALSE;

  desk_store_lock (self);

  if (!desk_store_check_open (self, error) || !desk_store_begin (self, error))
    goto out;

  if (!func (self, data, error))
    goto out;

  ret = desk_store_commit (self, error);
  if (ret)
    desk_store_emit_later (self, "canned-changed");

out:
  if (!ret)
    desk_store_rollback (self);
  desk_store_unlock (self);

  return ret;
}

static gboolean
add_func (DeskStore  *self,
          gpointer    data,
          GError    **error)
{
  return insert_locked (self, data, error);
}

/**
 * desk_store_add_canned:
 * @response: normalized in place; its id and times are set on success
 *
 * Returns: the new response's id, or 0 with @error (%DESK_CANNED_ERROR_INVALID,
 *   %DESK_CANNED_ERROR_SHORTCUT_TAKEN, or a #DeskStoreError)
 */
gint64
desk_store_add_canned (DeskStore           *self,
                       DeskCannedResponse  *response,
                       GError             **error)
{
  g_return_val_if_fail (DESK_IS_STORE (self), 0);
  g_return_val_if_fail (response != NULL, 0);

  if (!desk_canned_response_normalize (response, error))
    return 0;

  response->id = 0;
  if (!run_write (self, add_func, response, error))
    {
      response->id = 0;
      return 0;
    }

  return response->id;
}

static gboolean
update_func (DeskStore  *self,
             gpointer    data,
             GError    **error)
{
  return update_locked (self, data, error);
}

gboolean
desk_store_update_canned (DeskStore           *self,
                          DeskCannedResponse  *response,
                          GError             **error)
{
  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (response->id > 0, FALSE);

  if (!desk_canned_response_normalize (response, error))
    return FALSE;

  return run_write (self, update_func, response, error);
}

static gboolean
delete_func (DeskStore  *self,
             gpointer    data,
             GError    **error)
{
  gint64 id = *(gint64 *) data;
  sqlite3_stmt *stmt;
  int rc;

  /* The variants go with it (ON DELETE CASCADE, foreign keys are on). */
  stmt = desk_store_statement (self, "DELETE FROM canned_responses WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc,
                                             "delete a canned response");

  if (sqlite3_changes (desk_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                           _("This response is no longer in the library."));
      return FALSE;
    }

  return TRUE;
}

gboolean
desk_store_delete_canned (DeskStore  *self,
                          gint64      id,
                          GError    **error)
{
  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  return run_write (self, delete_func, &id, error);
}

DeskCannedResponse *
desk_store_get_canned (DeskStore  *self,
                       gint64      id,
                       GError    **error)
{
  g_autoptr(GPtrArray) responses = NULL;
  DeskCannedResponse *response = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (id > 0, NULL);

  desk_store_lock (self);
  if (desk_store_check_open (self, error))
    responses = load_locked (self, id, error);
  desk_store_unlock (self);

  if (responses == NULL)
    return NULL;

  if (responses->len == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                           _("This response is no longer in the library."));
      return NULL;
    }

  response = desk_canned_response_ref (g_ptr_array_index (responses, 0));

  return response;
}

/**
 * desk_store_list_canned:
 *
 * Returns: (transfer container) (element-type DeskCannedResponse): the library, by shortcut
 */
GPtrArray *
desk_store_list_canned (DeskStore  *self,
                        GError    **error)
{
  GPtrArray *responses = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  desk_store_lock (self);
  if (desk_store_check_open (self, error))
    responses = load_locked (self, 0, error);
  desk_store_unlock (self);

  return responses;
}

/**
 * desk_store_search_canned:
 *
 * desk_canned_search() over the library.
 *
 * Returns: (transfer container) (element-type DeskCannedResponse): the matches, best first
 */
GPtrArray *
desk_store_search_canned (DeskStore   *self,
                          const char  *query,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) responses = desk_store_list_canned (self, error);

  if (responses == NULL)
    return NULL;

  return desk_canned_search (responses, query, limit);
}

DeskCannedPlan *
desk_store_plan_canned_import (DeskStore  *self,
                               GBytes     *contents,
                               GError    **error)
{
  g_autoptr(GPtrArray) incoming = NULL;
  g_autoptr(GPtrArray) existing = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);
  g_return_val_if_fail (contents != NULL, NULL);

  incoming = desk_canned_parse (contents, error);
  if (incoming == NULL)
    return NULL;

  existing = desk_store_list_canned (self, error);
  if (existing == NULL)
    return NULL;

  return desk_canned_plan_new (existing, incoming);
}

static gboolean
apply_func (DeskStore  *self,
            gpointer    data,
            GError    **error)
{
  DeskCannedPlan *plan = data;

  for (guint i = 0; i < plan->items->len; i++)
    {
      DeskCannedImportItem *item = g_ptr_array_index (plan->items, i);
      g_autoptr(DeskCannedResponse) response = NULL;
      sqlite3_stmt *stmt;
      gint64 id = 0;
      int rc;

      if (item->action == DESK_CANNED_IMPORT_SAME)
        continue;

      /* Matched again by shortcut: the library may have changed since the plan was made. */
      stmt = desk_store_statement (self, "SELECT id FROM canned_responses WHERE shortcut = ?1",
                                   error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, item->incoming->shortcut, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc,
                                                 "import canned responses");

      response = desk_canned_response_copy (item->incoming);
      if (!desk_canned_response_normalize (response, error))
        return FALSE;

      response->id = id;
      if (!(id == 0 ? insert_locked (self, response, error) : update_locked (self, response, error)))
        return FALSE;
    }

  return TRUE;
}

/**
 * desk_store_apply_canned_import:
 *
 * Adds and changes what @plan says, all in one transaction: on any error nothing changes.
 */
gboolean
desk_store_apply_canned_import (DeskStore       *self,
                                DeskCannedPlan  *plan,
                                GError         **error)
{
  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  if (plan->n_add == 0 && plan->n_change == 0)
    return TRUE;

  return run_write (self, apply_func, plan, error);
}

/* In a worker thread */

static void
list_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *responses = desk_store_list_canned (source_object, &error);

  if (responses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, responses, (GDestroyNotify) g_ptr_array_unref);
}

void
desk_store_list_canned_async (DeskStore           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_list_canned_async);
  g_task_run_in_thread (task, list_in_thread);
}

/**
 * desk_store_list_canned_finish:
 *
 * Returns: (transfer container) (element-type DeskCannedResponse): the library, by shortcut
 */
GPtrArray *
desk_store_list_canned_finish (DeskStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_list_canned_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DeskCannedResponse *response = task_data;
  GError *error = NULL;
  gboolean ok;

  if (response->id == 0)
    ok = desk_store_add_canned (source_object, response, &error) != 0;
  else
    ok = desk_store_update_canned (source_object, response, &error);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, response->id);
}

/**
 * desk_store_save_canned_async:
 * @response: what to save; a copy is saved, @response is left as it is
 *
 * Adds @response when its id is 0, else replaces the stored one, in a worker thread.
 */
void
desk_store_save_canned_async (DeskStore           *self,
                              DeskCannedResponse  *response,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));
  g_return_if_fail (response != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_save_canned_async);
  g_task_set_task_data (task, desk_canned_response_copy (response),
                        (GDestroyNotify) desk_canned_response_unref);
  g_task_run_in_thread (task, save_in_thread);
}

/**
 * desk_store_save_canned_finish:
 *
 * Returns: the response's id, or 0 with @error
 */
gint64
desk_store_save_canned_finish (DeskStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_save_canned_async, 0);

  id = g_task_propagate_int (G_TASK (result), error);

  return id < 0 ? 0 : id;
}

static void
delete_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (!desk_store_delete_canned (source_object, *(gint64 *) task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
desk_store_delete_canned_async (DeskStore           *self,
                                gint64               id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_delete_canned_async);
  g_task_set_task_data (task, g_memdup2 (&id, sizeof id), g_free);
  g_task_run_in_thread (task, delete_in_thread);
}

gboolean
desk_store_delete_canned_finish (DeskStore     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_delete_canned_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
plan_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(GBytes) contents = NULL;
  GError *error = NULL;
  DeskCannedPlan *plan;

  contents = desk_canned_read_file (task_data, cancellable, &error);
  if (contents == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  plan = desk_store_plan_canned_import (source_object, contents, &error);
  if (plan == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, plan, (GDestroyNotify) desk_canned_plan_unref);
}

void
desk_store_plan_canned_import_async (DeskStore           *self,
                                     GFile               *file,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_plan_canned_import_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, plan_in_thread);
}

/**
 * desk_store_plan_canned_import_finish:
 *
 * Returns: (transfer full): the plan, or %NULL with @error
 */
DeskCannedPlan *
desk_store_plan_canned_import_finish (DeskStore     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_plan_canned_import_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
apply_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (!desk_store_apply_canned_import (source_object, task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
desk_store_apply_canned_import_async (DeskStore           *self,
                                      DeskCannedPlan      *plan,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));
  g_return_if_fail (plan != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_apply_canned_import_async);
  g_task_set_task_data (task, desk_canned_plan_ref (plan), (GDestroyNotify) desk_canned_plan_unref);
  g_task_run_in_thread (task, apply_in_thread);
}

gboolean
desk_store_apply_canned_import_finish (DeskStore     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_apply_canned_import_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
