/* desk-store-tags.c: the team's tags, and counting conversations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tags are few (dozens) and conversations many: what a tag carries is read from the
 * conversation_tags index, and counts of inbox views come from the same filters as the inbox
 * query itself (desk_store_append_query_filter()), never from loading rows.
 *
 * A tag's name is sanitized, trimmed and its inner whitespace collapsed; names are unique without
 * regard to case in any script (the column's NOCASE only folds ASCII, so the store compares
 * case-folded names itself). A colour is "" (none) or "#rrggbb", stored in lower case.
 */
#define G_LOG_DOMAIN "desk-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "desk-store-private.h"

#define TAG_NAME_MAX_BYTES 256

G_DEFINE_BOXED_TYPE (DeskTagInfo, desk_tag_info, desk_tag_info_copy, desk_tag_info_free)

DeskTagInfo *
desk_tag_info_copy (const DeskTagInfo *info)
{
  DeskTagInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (DeskTagInfo, 1);
  copy->id = info->id;
  copy->name = g_strdup (info->name);
  copy->color = g_strdup (info->color);
  copy->n_open = info->n_open;
  copy->n_total = info->n_total;

  return copy;
}

void
desk_tag_info_free (DeskTagInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->name);
  g_free (info->color);
  g_free (info);
}

/* Validation */

/**
 * desk_store_clean_tag_name:
 *
 * Returns: (transfer full): @name as the store keeps it: valid UTF-8 without control
 *   characters, trimmed, inner whitespace collapsed to one space, bounded; "" when nothing is left
 */
char *
desk_store_clean_tag_name (const char *name)
{
  g_autofree char *clean = desk_text_sanitize (name != NULL ? name : "", -1, TAG_NAME_MAX_BYTES);
  GString *out = g_string_sized_new (strlen (clean));
  gboolean space = FALSE;

  for (const char *p = clean; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }

      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static gboolean
color_is_valid (const char *color)
{
  if (color[0] == '\0')
    return TRUE;

  if (strlen (color) != 7 || color[0] != '#')
    return FALSE;

  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;

  return TRUE;
}

/**
 * desk_store_check_tag:
 * @name: a name cleaned by desk_store_clean_tag_name()
 * @color: (nullable): a colour to check too, or %NULL
 * @except_id: the tag being renamed (its own name is no duplicate), or 0
 *
 * With the lock held: refuses an empty name, a colour other than "" or "#rrggbb", and a name
 * another tag already has in any case.
 */
gboolean
desk_store_check_tag (DeskStore   *self,
                      const char  *name,
                      const char  *color,
                      gint64       except_id,
                      GError     **error)
{
  g_autofree char *folded = NULL;
  sqlite3_stmt *stmt;
  gboolean ret = TRUE;
  int rc;

  if (name != NULL && name[0] == '\0')
    {
      g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                           _("A tag needs a name."));
      return FALSE;
    }

  if (color != NULL && !color_is_valid (color))
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                   _("“%s” is not a colour: choose one from the palette, or none."), color);
      return FALSE;
    }

  if (name == NULL)
    return TRUE;

  stmt = desk_store_statement (self, "SELECT id, name FROM tags", error);
  if (stmt == NULL)
    return FALSE;

  folded = g_utf8_casefold (name, -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *other = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *other_folded = g_utf8_casefold (other != NULL ? other : "", -1);

      if (sqlite3_column_int64 (stmt, 0) != except_id && g_str_equal (folded, other_folded))
        {
          g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                       _("A tag named “%s” already exists."), other);
          ret = FALSE;
          break;
        }
    }
  sqlite3_reset (stmt);

  if (ret && rc != SQLITE_DONE)
    ret = desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "read the tags");

  return ret;
}

/* Listing */

/* The key tags sort by: case-folded, accents set aside, so that "Ärger" comes among the A's
 * whatever the locale. */
static char *
sort_key (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL);
  GString *key = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (key, c);
    }

  return g_string_free (key, FALSE);
}

static int
compare_tags (gconstpointer a,
              gconstpointer b)
{
  const DeskTagInfo *ta = *(DeskTagInfo * const *) a;
  const DeskTagInfo *tb = *(DeskTagInfo * const *) b;
  g_autofree char *ka = sort_key (ta->name);
  g_autofree char *kb = sort_key (tb->name);
  int cmp = strcmp (ka, kb);

  if (cmp == 0)
    cmp = g_utf8_collate (ta->name, tb->name);
  if (cmp != 0)
    return cmp;

  return ta->id < tb->id ? -1 : ta->id > tb->id;
}

/**
 * desk_store_list_tags:
 *
 * Callable from any thread; from the main thread use desk_store_list_tags_async().
 *
 * Returns: (transfer container) (element-type DeskTagInfo): every tag, by name without regard
 *   to case, each with how many open conversations and how many in all carry it
 */
GPtrArray *
desk_store_list_tags (DeskStore  *self,
                      GError    **error)
{
  g_autoptr(GPtrArray) tags = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  desk_store_lock (self);

  if (!desk_store_check_open (self, error))
    goto out;

  stmt = desk_store_statement (self,
                               "SELECT t.id, t.name, t.color,"
                               "  (SELECT count(*) FROM conversation_tags x"
                               "     JOIN conversations c ON c.id = x.conversation_id"
                               "    WHERE x.tag_id = t.id AND c.status = 'open'),"
                               "  (SELECT count(*) FROM conversation_tags x WHERE x.tag_id = t.id)"
                               " FROM tags t",
                               error);
  if (stmt == NULL)
    goto out;

  tags = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_tag_info_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DeskTagInfo *info = g_new0 (DeskTagInfo, 1);

      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = desk_store_column_dup (stmt, 1);
      info->color = desk_store_column_dup (stmt, 2);
      info->n_open = (guint) sqlite3_column_int64 (stmt, 3);
      info->n_total = (guint) sqlite3_column_int64 (stmt, 4);
      if (info->name == NULL)
        info->name = g_strdup ("");
      if (info->color == NULL)
        info->color = g_strdup ("");
      g_ptr_array_add (tags, info);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "list the tags");
      goto out;
    }

  g_ptr_array_sort (tags, compare_tags);
  ret = g_steal_pointer (&tags);

out:
  desk_store_unlock (self);

  return ret;
}

static void
list_tags_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *tags = desk_store_list_tags (source_object, &error);

  if (tags == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tags, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * desk_store_list_tags_async:
 *
 * desk_store_list_tags() in a worker thread, for the main thread.
 */
void
desk_store_list_tags_async (DeskStore           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DESK_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, desk_store_list_tags_async);
  g_task_run_in_thread (task, list_tags_in_thread);
}

/**
 * desk_store_list_tags_finish:
 *
 * Returns: (transfer container) (element-type DeskTagInfo): the tags, as desk_store_list_tags()
 */
GPtrArray *
desk_store_list_tags_finish (DeskStore     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == desk_store_list_tags_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Changing a tag */

/* With a transaction open: the conversations carrying @tag_id show it in their row, so they
 * are announced as changed once the change commits. */
static gboolean
note_tagged_conversations (DeskStore  *self,
                           gint64      tag_id,
                           GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = desk_store_statement (self,
                               "SELECT conversation_id FROM conversation_tags WHERE tag_id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, tag_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    desk_store_note_conversation_changed (self, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "read a tag's conversations");

  return TRUE;
}

static gboolean
tag_exists (DeskStore  *self,
            gint64      tag_id,
            GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = desk_store_statement (self, "SELECT 1 FROM tags WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, tag_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                         _("The tag no longer exists."));
  else
    desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "find a tag");

  return FALSE;
}

/* One write to a tag: checks, updates, and announces the tag's conversations and the tags. */
static gboolean
change_tag (DeskStore   *self,
            gint64       tag_id,
            const char  *sql,
            const char  *value,
            const char  *check_name,
            const char  *check_color,
            const char  *what,
            GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ret = FALSE;
  int rc;

  desk_store_lock (self);

  if (!desk_store_check_open (self, error) || !desk_store_begin (self, error))
    goto out;

  if (!tag_exists (self, tag_id, error) ||
      !desk_store_check_tag (self, check_name, check_color, tag_id, error) ||
      !note_tagged_conversations (self, tag_id, error))
    goto out;

  stmt = desk_store_statement (self, sql, error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, tag_id);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID,
                   _("A tag named “%s” already exists."), value);
      goto out;
    }
  if (rc != SQLITE_DONE)
    {
      desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, what);
      goto out;
    }

  ret = desk_store_commit (self, error);
  if (ret)
    desk_store_emit_later (self, "tags-changed");

out:
  if (!ret)
    desk_store_rollback (self);
  desk_store_unlock (self);

  return ret;
}

/**
 * desk_store_rename_tag:
 * @name: the new name; cleaned like a new tag's
 *
 * Renames a tag: every conversation carrying it shows the new name. Fails with
 * %DESK_STORE_ERROR_INVALID when the name is empty or another tag has it (in any case), and
 * %DESK_STORE_ERROR_NOT_FOUND when the tag is gone.
 */
gboolean
desk_store_rename_tag (DeskStore   *self,
                       gint64       tag_id,
                       const char  *name,
                       GError     **error)
{
  g_autofree char *clean = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  clean = desk_store_clean_tag_name (name);

  return change_tag (self, tag_id, "UPDATE tags SET name = ?2 WHERE id = ?1", clean,
                     clean, NULL, "rename a tag", error);
}

/**
 * desk_store_set_tag_color:
 * @color: (nullable): "#rrggbb", or "" or %NULL for none
 */
gboolean
desk_store_set_tag_color (DeskStore   *self,
                          gint64       tag_id,
                          const char  *color,
                          GError     **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  lower = g_ascii_strdown (color != NULL ? color : "", -1);

  return change_tag (self, tag_id, "UPDATE tags SET color = ?2 WHERE id = ?1", lower,
                     NULL, lower, "change a tag's colour", error);
}

/**
 * desk_store_delete_tag:
 *
 * Deletes a tag and takes it off every conversation that carried it.
 */
gboolean
desk_store_delete_tag (DeskStore  *self,
                       gint64      tag_id,
                       GError    **error)
{
  g_return_val_if_fail (DESK_IS_STORE (self), FALSE);

  /* conversation_tags follows by ON DELETE CASCADE. */
  return change_tag (self, tag_id, "DELETE FROM tags WHERE id = ?1", NULL,
                     NULL, NULL, "delete a tag", error);
}

/**
 * desk_store_get_conversation_tags:
 *
 * Returns: (transfer full) (element-type gint64): the ids of the tags @conversation_id carries,
 *   in ascending order; empty for an unknown conversation
 */
GArray *
desk_store_get_conversation_tags (DeskStore  *self,
                                  gint64      conversation_id,
                                  GError    **error)
{
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;
  GArray *ret = NULL;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), NULL);

  desk_store_lock (self);

  if (!desk_store_check_open (self, error))
    goto out;

  stmt = desk_store_statement (self,
                               "SELECT tag_id FROM conversation_tags WHERE conversation_id = ?1"
                               " ORDER BY tag_id",
                               error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "read a conversation's tags");
  else
    ret = g_steal_pointer (&ids);

out:
  desk_store_unlock (self);

  return ret;
}

/* Counting and moving on */

/**
 * desk_store_count_conversations:
 * @query: the filters; its sort is ignored
 *
 * Counts what desk_store_query_conversation_ids() would return for @query, from the indexes.
 *
 * Returns: the count, or -1 with @error set
 */
gint64
desk_store_count_conversations (DeskStore             *self,
                                const DeskInboxQuery  *query,
                                GError               **error)
{
  g_autoptr(GString) sql = NULL;
  g_autofree char *fts = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), -1);
  g_return_val_if_fail (query != NULL, -1);

  fts = desk_store_fts_query_from_text (query->search);

  sql = g_string_new ("SELECT count(*) FROM conversations c WHERE 1");
  desk_store_append_query_filter (sql, query, fts);

  desk_store_lock (self);

  if (!desk_store_check_open (self, error))
    goto out;

  stmt = desk_store_statement (self, sql->str, error);
  if (stmt == NULL)
    goto out;

  desk_store_bind_query_filter (stmt, query, fts);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "count conversations");
  sqlite3_reset (stmt);

out:
  desk_store_unlock (self);

  return count;
}

/**
 * desk_store_next_waiting:
 * @except_id: a conversation to pass over (the one just answered), or 0
 *
 * The open conversation whose customer has waited longest (the oldest waiting_since; ties by id),
 * other than @except_id. Open conversations where nobody waits come after all the others.
 *
 * Returns: its id; 0 when there is none (then @error is set only on failure)
 */
gint64
desk_store_next_waiting (DeskStore  *self,
                         gint64      except_id,
                         GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (DESK_IS_STORE (self), 0);

  desk_store_lock (self);

  if (!desk_store_check_open (self, error))
    goto out;

  /* Walks the conversations_waiting index from its start. */
  stmt = desk_store_statement (self,
                               "SELECT id FROM conversations"
                               " WHERE status = 'open' AND id != ?1"
                               " ORDER BY coalesce (waiting_since, 9223372036854775807), id"
                               " LIMIT 1",
                               error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    desk_store_set_error_from_sqlite (error, desk_store_get_db (self), rc, "find the next conversation");
  sqlite3_reset (stmt);

out:
  desk_store_unlock (self);

  return id;
}
