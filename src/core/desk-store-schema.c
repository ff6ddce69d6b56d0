/* desk-store-schema.c: the inbox database schema and its migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each migration is one string of SQL run in one transaction together with the
 * `PRAGMA user_version` bump, so a crash leaves the file at the old or the new
 * version, never between. Never edit a migration that has shipped: add one.
 *
 * Times are UNIX microseconds (UTC). No column holds a secret: credentials
 * live in the keyring, keyed by accounts.id.
 */
#define G_LOG_DOMAIN "desk-store"

#include "config.h"

#include "desk-store-private.h"

static const char * const migrations[] = {
  /* 1: the whole data model */
  "CREATE TABLE accounts ("
  "  id            INTEGER PRIMARY KEY,"
  "  network       TEXT NOT NULL,"
  "  remote_id     TEXT NOT NULL,"
  "  handle        TEXT NOT NULL,"
  "  display_name  TEXT NOT NULL DEFAULT '',"
  "  server_url    TEXT NOT NULL DEFAULT '',"
  "  state         TEXT NOT NULL DEFAULT 'ok'"
  "                CHECK (state IN ('ok', 'needs-sign-in', 'disabled')),"
  "  created_at    INTEGER NOT NULL,"
  "  UNIQUE (network, server_url, remote_id)"
  ");"
  "CREATE TABLE contacts ("
  "  id            INTEGER PRIMARY KEY,"
  "  account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  remote_id     TEXT NOT NULL,"
  "  handle        TEXT NOT NULL DEFAULT '',"
  "  display_name  TEXT NOT NULL DEFAULT '',"
  "  avatar_url    TEXT NOT NULL DEFAULT '',"
  "  UNIQUE (account_id, remote_id)"
  ");"
  "CREATE TABLE conversations ("
  "  id               INTEGER PRIMARY KEY,"
  "  account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  contact_id       INTEGER REFERENCES contacts (id) ON DELETE SET NULL,"
  "  kind             TEXT NOT NULL CHECK (kind IN ('public', 'dm')),"
  "  remote_thread_id TEXT NOT NULL,"
  "  status           TEXT NOT NULL DEFAULT 'open'"
  "                   CHECK (status IN ('open', 'answered', 'closed')),"
  "  waiting_since    INTEGER,"        /* oldest unanswered customer message; NULL: nobody waits */
  "  last_message_at  INTEGER NOT NULL,"
  "  last_answered_at INTEGER,"
  "  last_answered_by TEXT,"           /* agent initials, or '' when answered from elsewhere */
  "  snippet          TEXT NOT NULL DEFAULT '',"
  "  unread           INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (account_id, kind, remote_thread_id)"
  ");"
  "CREATE INDEX conversations_waiting ON conversations"
  "  (status, coalesce (waiting_since, 9223372036854775807), id);"
  "CREATE INDEX conversations_newest ON conversations (status, last_message_at, id);"
  "CREATE INDEX conversations_all_newest ON conversations (last_message_at, id);"
  "CREATE INDEX conversations_all_waiting ON conversations"
  "  (coalesce (waiting_since, 9223372036854775807), id);"
  "CREATE INDEX conversations_contact ON conversations (contact_id);"
  "CREATE TABLE messages ("
  "  id                 INTEGER PRIMARY KEY,"
  "  account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  conversation_id    INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  remote_id          TEXT NOT NULL,"
  "  direction          TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
  "  author_contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,"
  "  body               TEXT NOT NULL,"
  "  created_at         INTEGER NOT NULL,"
  "  reply_to_remote_id TEXT,"
  "  is_dm              INTEGER NOT NULL DEFAULT 0,"
  "  agent_initials     TEXT,"
  "  raw_json           TEXT,"
  "  UNIQUE (account_id, remote_id)"
  ");"
  "CREATE INDEX messages_conversation ON messages (conversation_id, created_at);"
  "CREATE TABLE tags ("
  "  id          INTEGER PRIMARY KEY,"
  "  name        TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  color       TEXT NOT NULL DEFAULT '',"
  "  created_at  INTEGER NOT NULL"
  ");"
  "CREATE TABLE conversation_tags ("
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  tag_id          INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (conversation_id, tag_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX conversation_tags_tag ON conversation_tags (tag_id, conversation_id);"
  "CREATE TABLE canned_responses ("
  "  id          INTEGER PRIMARY KEY,"
  "  title       TEXT NOT NULL,"
  "  shortcut    TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  body        TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ");"
  "CREATE TABLE canned_response_variants ("
  "  canned_id   INTEGER NOT NULL REFERENCES canned_responses (id) ON DELETE CASCADE,"
  "  network     TEXT NOT NULL,"
  "  body        TEXT NOT NULL,"
  "  PRIMARY KEY (canned_id, network)"
  ") WITHOUT ROWID;"
  "CREATE TABLE drafts ("
  "  conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,"
  "  body            TEXT NOT NULL,"
  "  is_dm           INTEGER NOT NULL DEFAULT 0,"
  "  updated_at      INTEGER NOT NULL"
  ");"
  "CREATE TABLE outbox ("
  "  id                 INTEGER PRIMARY KEY,"
  "  conversation_id    INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  idempotency_key    TEXT NOT NULL UNIQUE,"
  "  reply_to_remote_id TEXT,"
  "  body               TEXT NOT NULL,"
  "  is_dm              INTEGER NOT NULL DEFAULT 0,"
  "  agent_initials     TEXT,"
  "  state              TEXT NOT NULL DEFAULT 'queued'"
  "                     CHECK (state IN ('queued', 'sending', 'unknown', 'sent', 'failed')),"
  "  attempts           INTEGER NOT NULL DEFAULT 0,"
  "  last_error         TEXT,"
  "  remote_id          TEXT,"
  "  created_at         INTEGER NOT NULL,"
  "  updated_at         INTEGER NOT NULL"
  ");"
  "CREATE INDEX outbox_state ON outbox (state, created_at);"
  "CREATE TABLE sync_cursors ("
  "  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  stream      TEXT NOT NULL,"
  "  cursor      TEXT NOT NULL,"
  "  updated_at  INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, stream)"
  ") WITHOUT ROWID;",

  /* 2: full-text search over message text and contact names */
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  body, content = 'messages', content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);"
  "END;"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);"
  "END;"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "CREATE VIRTUAL TABLE contacts_fts USING fts5 ("
  "  display_name, handle, content = 'contacts', content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN"
  "  INSERT INTO contacts_fts (rowid, display_name, handle)"
  "    VALUES (new.id, new.display_name, new.handle);"
  "END;"
  "CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN"
  "  INSERT INTO contacts_fts (contacts_fts, rowid, display_name, handle)"
  "    VALUES ('delete', old.id, old.display_name, old.handle);"
  "END;"
  "CREATE TRIGGER contacts_fts_update AFTER UPDATE OF display_name, handle ON contacts BEGIN"
  "  INSERT INTO contacts_fts (contacts_fts, rowid, display_name, handle)"
  "    VALUES ('delete', old.id, old.display_name, old.handle);"
  "  INSERT INTO contacts_fts (rowid, display_name, handle)"
  "    VALUES (new.id, new.display_name, new.handle);"
  "END;"
  "INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');",

  /* 3: when the sync engine last re-read a conversation's thread on the network, so that
   *    every open conversation gets its turn */
  "ALTER TABLE conversations ADD COLUMN checked_at INTEGER;",

  /* 4: inbox filters read indexes only: the sort indexes carry each conversation's account and
   *    contact, and a message's conversation is found without reading the message */
  "DROP INDEX conversations_waiting;"
  "DROP INDEX conversations_newest;"
  "DROP INDEX conversations_all_newest;"
  "DROP INDEX conversations_all_waiting;"
  "CREATE INDEX conversations_waiting ON conversations"
  "  (status, coalesce (waiting_since, 9223372036854775807), id, account_id, contact_id);"
  "CREATE INDEX conversations_newest ON conversations"
  "  (status, last_message_at, id, account_id, contact_id);"
  "CREATE INDEX conversations_all_newest ON conversations"
  "  (last_message_at, id, account_id, contact_id);"
  "CREATE INDEX conversations_all_waiting ON conversations"
  "  (coalesce (waiting_since, 9223372036854775807), id, account_id, contact_id);"
  "CREATE INDEX messages_conversation_by_id ON messages (id, conversation_id);",

  /* 5: why the account's last sync failed, for the window to say: the message in words and a
   *    short code ("webhook-set", "rate-limited", "network", "protocol", "refused", "keyring",
   *    "store", "failed"); both NULL once a pass succeeds. See desk_sync_engine_sync_account(). */
  "ALTER TABLE accounts ADD COLUMN last_error TEXT;"
  "ALTER TABLE accounts ADD COLUMN last_error_code TEXT;",

  /* 6: an outgoing message the network sent by itself (an away or greeting message, a scheduled
   *    one) is shown in its conversation but answers nobody: the response-time clock runs on */
  "ALTER TABLE messages ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0;",

  /* 7: the server's limits for a reply, as it announced them (Mastodon's instance configuration:
   *    statuses.max_characters and characters_reserved_per_url), so that the composer and the
   *    provider count alike; NULL while unknown: the network's defaults apply */
  "ALTER TABLE accounts ADD COLUMN max_reply_chars INTEGER;"
  "ALTER TABLE accounts ADD COLUMN chars_per_url INTEGER;",
};

const char * const *
desk_store_schema_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

guint
desk_store_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

static int
get_user_version (sqlite3 *db,
                  int     *version)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *version = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  return rc;
}

gboolean
desk_store_schema_migrate (sqlite3  *db,
                           guint     target,
                           GError  **error)
{
  int version = 0;
  int rc;

  g_assert (target <= G_N_ELEMENTS (migrations));

  rc = get_user_version (db, &version);
  if (rc != SQLITE_OK)
    return desk_store_set_error_from_sqlite (error, db, rc, "read the schema version");

  if (version < 0 || (guint) version > G_N_ELEMENTS (migrations))
    {
      g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_TOO_NEW,
                   "schema version %d is newer than this Frontdesk knows (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (guint v = version; v < target; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u;", v + 1);
      g_autofree char *what = g_strdup_printf ("upgrade the database to version %u", v + 1);

      rc = sqlite3_exec (db, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, migrations[v], NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, bump, NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL);

      if (rc != SQLITE_OK)
        {
          desk_store_set_error_from_sqlite (error, db, rc, what);
          sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
          return FALSE;
        }

      g_debug ("Migrated the inbox database to version %u", v + 1);
    }

  return TRUE;
}
