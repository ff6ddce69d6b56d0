/* desk-store-drafts.c: replies being written, and replies not yet posted, per conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "desk-store-private.h"

/**
 * desk_store_get_draft:
 * @conversation_id: a conversation
 * @is_dm: (out) (optional): whether the draft is to be sent as a direct message
 *
 * Returns: (transfer full) (nullable): the conversation's draft, or %NULL without @error when
 *   it has none
 */
char *
desk_store_get_draft (DeskStore  *self,
                      gint64      conversation_id,
                      gboolean   *is_dm,
                      GError    **error)
{
  sqlite3_stmt *stmt;
  char *body = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  if (is_dm != NULL)
    *is_dm = FALSE;

  desk_store_lock (self);

  if (!desk_store_check_open (self, error))
    goto out;

  stmt = desk_store_statement (self,
                               "SELECT body, is_dm FROM drafts WHERE conversation_id = ?1",
                               error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      body = desk_store_column_dup (stmt, 0);
      if (is_dm != NULL)
        *is_dm = sqlite3_column_int (stmt, 1) != 0;
    }
  else if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "read a draft");
  sqlite3_reset (stmt);

out:
  desk_store_unlock (self);

  return body;
}

/**
 * desk_store_save_draft:
 * @conversation_id: a conversation
 * @body: (nullable): the text being written; %NULL or empty deletes the draft
 * @is_dm: whether it is to be sent as a direct message
 *
 * Keeps the draft until it is sent or emptied. Drafts are not announced: nothing but the
 * composer shows them.
 *
 * Returns: %TRUE if the draft is stored (or deleted); %FALSE with @error set (the disk is
 *   full, the conversation no longer exists …)
 */
gboolean
desk_store_save_draft (DeskStore   *self,
                       gint64       conversation_id,
                       const char  *body,
                       gboolean     is_dm,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  gboolean delete = body == NULL || body[0] == '\0';
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  desk_store_lock (self);

  if (!desk_store_check_open (self, error) || !desk_store_begin (self, error))
    goto out;

  if (delete)
    stmt = desk_store_statement (self, "DELETE FROM drafts WHERE conversation_id = ?1", error);
  else
    stmt = desk_store_statement (self,
                                 "INSERT INTO drafts (conversation_id, body, is_dm, updated_at)"
                                 " SELECT id, ?2, ?3, ?4 FROM conversations WHERE id = ?1"
                                 " ON CONFLICT (conversation_id) DO UPDATE SET"
                                 "   body = excluded.body, is_dm = excluded.is_dm,"
                                 "   updated_at = excluded.updated_at",
                                 error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (!delete)
    {
      desk_store_bind_text (stmt, 2, body, DESK_MAX_TEXT_BYTES);
      sqlite3_bind_int (stmt, 3, is_dm ? 1 : 0);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
    }

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "save a draft");
      goto out;
    }

  if (!delete && sqlite3_changes (desk_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                           _("The conversation no longer exists."));
      goto out;
    }

  ret = desk_store_commit (self, error);

out:
  if (!ret)
    desk_store_rollback (self);
  desk_store_unlock (self);

  return ret;
}

/* Replies not yet posted */

G_DEFINE_BOXED_TYPE (DeskOutboxEntry, desk_outbox_entry, desk_outbox_entry_copy,
                     desk_outbox_entry_free)

DeskOutboxEntry *
desk_outbox_entry_copy (const DeskOutboxEntry *entry)
{
  DeskOutboxEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->body = g_strdup (entry->body);
  copy->agent_initials = g_strdup (entry->agent_initials);
  copy->last_error = g_strdup (entry->last_error);

  return copy;
}

void
desk_outbox_entry_free (DeskOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->body);
  g_free (entry->agent_initials);
  g_free (entry->last_error);
  g_free (entry);
}

static DeskOutboxState
state_from_string (const char *state)
{
  if (g_strcmp0 (state, "queued") == 0)
    return DESK_OUTBOX_QUEUED;
  if (g_strcmp0 (state, "sending") == 0)
    return DESK_OUTBOX_SENDING;
  if (g_strcmp0 (state, "unknown") == 0)
    return DESK_OUTBOX_UNKNOWN;
  if (g_strcmp0 (state, "sent") == 0)
    return DESK_OUTBOX_SENT;

  return DESK_OUTBOX_FAILED;
}

/**
 * desk_store_list_unsent:
 * @conversation_id: a conversation
 *
 * Reads, without changing anything, the conversation's replies that are not posted yet:
 * queued, being sent, of unknown outcome or failed, oldest first.
 *
 * Returns: (transfer container) (element-type DeskOutboxEntry): the replies, or %NULL with
 *   @error set
 */
GPtrArray *
desk_store_list_unsent (DeskStore  *self,
                        gint64      conversation_id,
                        GError    **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  desk_store_lock (self);

  if (!desk_store_check_open (self, error))
    goto out;

  stmt = desk_store_statement (self,
                               "SELECT o.id, o.state, o.body, o.agent_initials, o.last_error, o.created_at,"
                               "       o.is_dm AND c.kind != 'dm'"
                               " FROM outbox o JOIN conversations c ON c.id = o.conversation_id"
                               " WHERE o.conversation_id = ?1 AND o.state != 'sent'"
                               " ORDER BY o.created_at, o.id",
                               error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_outbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskOutboxEntry *entry = g_new0 (DeskOutboxEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->state = state_from_string ((const char *) sqlite3_column_text (stmt, 1));
      entry->body = desk_store_column_dup (stmt, 2);
      entry->agent_initials = desk_store_column_dup (stmt, 3);
      entry->last_error = desk_store_column_dup (stmt, 4);
      entry->created_at = sqlite3_column_int64 (stmt, 5);
      entry->private_reply = sqlite3_column_int (stmt, 6) != 0;
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "read the outbox");
  else
    ret = g_steal_pointer (&entries);

out:
  desk_store_unlock (self);

  return ret;
}
