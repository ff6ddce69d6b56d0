/* test-tags.c: tags with their counts, counting inbox views, and the next conversation to answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "desk-store-private.h"
#include "desk-test-util.h"

static void
ingest (DeskStore   *store,
        gint64       account,
        DeskMessage *message)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (batch, message);
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gint64
add_tag (DeskStore  *store,
         const char *name,
         const char *color)
{
  g_autoptr(GError) error = NULL;
  gint64 id = desk_store_add_tag (store, name, color, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
tag (DeskStore *store,
     gint64     conversation,
     gint64     tag_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (desk_store_tag_conversation (store, conversation, tag_id, TRUE, &error));
  g_assert_no_error (error);
}

static GPtrArray *
list_tags (DeskStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tags = desk_store_list_tags (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tags);
  return tags;
}

static const DeskTagInfo *
find_info (GPtrArray *tags,
           gint64     id)
{
  for (guint i = 0; i < tags->len; i++)
    {
      const DeskTagInfo *info = g_ptr_array_index (tags, i);

      if (info->id == id)
        return info;
    }

  return NULL;
}

static void
assert_refused (gboolean    ok,
                GError    **error,
                int         code)
{
  g_assert_false (ok);
  g_assert_error (*error, DESK_STORE_ERROR, code);
  g_assert_cmpstr ((*error)->message, !=, "");
  g_test_message ("refused: %s", (*error)->message);
  g_clear_error (error);
}

/* Create, rename, colour, delete; the checks on names and colours. */
static void
test_tag_crud (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GArray) carried = NULL;
  gint64 account = desk_test_add_account (store, "bluesky");
  gint64 billing, urgent, anger, conversation;

  ingest (store, account, desk_test_message ("q1", "t1", DESK_DIRECTION_IN, 1000, "Charged twice"));
  conversation = desk_test_conversation_id (store, "t1");

  billing = add_tag (store, "  billing \n\t issue  ", "#3584e4");
  urgent = add_tag (store, "Urgent", NULL);
  anger = add_tag (store, "Ärger", "");

  tags = list_tags (store);
  g_assert_cmpuint (tags->len, ==, 3);
  /* By name without regard to case. */
  g_assert_cmpstr (((DeskTagInfo *) tags->pdata[0])->name, ==, "Ärger");
  g_assert_cmpstr (((DeskTagInfo *) tags->pdata[1])->name, ==, "billing issue");
  g_assert_cmpstr (((DeskTagInfo *) tags->pdata[2])->name, ==, "Urgent");
  g_assert_cmpstr (find_info (tags, billing)->color, ==, "#3584e4");
  g_assert_cmpstr (find_info (tags, urgent)->color, ==, "");
  g_assert_cmpstr (find_info (tags, anger)->color, ==, "");
  g_clear_pointer (&tags, g_ptr_array_unref);

  /* Duplicates, in any case and any script, are refused with the existing name. */
  assert_refused (desk_store_add_tag (store, "URGENT", NULL, &error) != 0, &error,
                  DESK_STORE_ERROR_INVALID);
  g_assert_cmpint (desk_store_add_tag (store, "ärger", NULL, &error), ==, 0);
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Ärger"));
  g_clear_error (&error);
  assert_refused (desk_store_rename_tag (store, urgent, "Billing   Issue", &error), &error,
                  DESK_STORE_ERROR_INVALID);
  assert_refused (desk_store_rename_tag (store, urgent, " \n ", &error), &error,
                  DESK_STORE_ERROR_INVALID);
  assert_refused (desk_store_add_tag (store, "", NULL, &error) != 0, &error,
                  DESK_STORE_ERROR_INVALID);

  /* Colours: none or #rrggbb. */
  assert_refused (desk_store_set_tag_color (store, urgent, "red", &error), &error,
                  DESK_STORE_ERROR_INVALID);
  assert_refused (desk_store_set_tag_color (store, urgent, "#fff", &error), &error,
                  DESK_STORE_ERROR_INVALID);
  assert_refused (desk_store_set_tag_color (store, urgent, "#12345g", &error), &error,
                  DESK_STORE_ERROR_INVALID);
  assert_refused (desk_store_add_tag (store, "Praise", "rgb(1,2,3)", &error) != 0, &error,
                  DESK_STORE_ERROR_INVALID);
  g_assert_true (desk_store_set_tag_color (store, urgent, "#E01B24", &error));
  g_assert_no_error (error);

  /* Renaming to a different case of its own name is no duplicate. */
  g_assert_true (desk_store_rename_tag (store, urgent, "urgent!", &error));
  g_assert_no_error (error);
  g_assert_true (desk_store_rename_tag (store, urgent, "URGENT!", &error));
  g_assert_no_error (error);

  tags = list_tags (store);
  g_assert_cmpstr (find_info (tags, urgent)->name, ==, "URGENT!");
  g_assert_cmpstr (find_info (tags, urgent)->color, ==, "#e01b24");
  g_clear_pointer (&tags, g_ptr_array_unref);
  g_assert_true (desk_store_set_tag_color (store, urgent, NULL, &error));
  g_assert_no_error (error);
  tags = list_tags (store);
  g_assert_cmpstr (find_info (tags, urgent)->color, ==, "");
  g_clear_pointer (&tags, g_ptr_array_unref);

  /* A conversation's tags, and deleting a tag takes it off. */
  tag (store, conversation, urgent);
  tag (store, conversation, billing);
  carried = desk_store_get_conversation_tags (store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (carried->len, ==, 2);
  g_assert_cmpint (g_array_index (carried, gint64, 0), ==, MIN (billing, urgent));
  g_assert_cmpint (g_array_index (carried, gint64, 1), ==, MAX (billing, urgent));
  g_clear_pointer (&carried, g_array_unref);

  g_assert_true (desk_store_delete_tag (store, urgent, &error));
  g_assert_no_error (error);
  carried = desk_store_get_conversation_tags (store, conversation, &error);
  g_assert_cmpuint (carried->len, ==, 1);
  g_assert_cmpint (g_array_index (carried, gint64, 0), ==, billing);
  g_clear_pointer (&carried, g_array_unref);
  tags = list_tags (store);
  g_assert_cmpuint (tags->len, ==, 2);
  g_assert_null (find_info (tags, urgent));

  /* Gone is gone. */
  assert_refused (desk_store_rename_tag (store, urgent, "Back", &error), &error,
                  DESK_STORE_ERROR_NOT_FOUND);
  assert_refused (desk_store_set_tag_color (store, urgent, "#ffffff", &error), &error,
                  DESK_STORE_ERROR_NOT_FOUND);
  assert_refused (desk_store_delete_tag (store, urgent, &error), &error,
                  DESK_STORE_ERROR_NOT_FOUND);

  /* The name of a deleted tag is free again. */
  add_tag (store, "urgent!", NULL);

  carried = desk_store_get_conversation_tags (store, 999999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (carried->len, ==, 0);
}

/* Each tag counts its open conversations and all of them. */
static void
test_tag_counts (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  gint64 account = desk_test_add_account (store, "mastodon");
  gint64 refund, shipping, unused;
  gint64 a, b, c;

  ingest (store, account, desk_test_message ("q1", "a", DESK_DIRECTION_IN, 1000, "Refund please"));
  ingest (store, account, desk_test_message ("q2", "b", DESK_DIRECTION_IN, 2000, "Where is it"));
  ingest (store, account, desk_test_message ("q3", "c", DESK_DIRECTION_IN, 3000, "Refund, again"));
  a = desk_test_conversation_id (store, "a");
  b = desk_test_conversation_id (store, "b");
  c = desk_test_conversation_id (store, "c");

  refund = add_tag (store, "Refund", NULL);
  shipping = add_tag (store, "Shipping", NULL);
  unused = add_tag (store, "Unused", NULL);
  tag (store, a, refund);
  tag (store, c, refund);
  tag (store, b, shipping);
  tag (store, c, shipping);

  g_assert_true (desk_store_set_status (store, c, DESK_CONVERSATION_CLOSED, &error));
  g_assert_no_error (error);

  tags = list_tags (store);
  g_assert_cmpuint (find_info (tags, refund)->n_open, ==, 1);
  g_assert_cmpuint (find_info (tags, refund)->n_total, ==, 2);
  g_assert_cmpuint (find_info (tags, shipping)->n_open, ==, 1);
  g_assert_cmpuint (find_info (tags, shipping)->n_total, ==, 2);
  g_assert_cmpuint (find_info (tags, unused)->n_open, ==, 0);
  g_assert_cmpuint (find_info (tags, unused)->n_total, ==, 0);
  g_clear_pointer (&tags, g_ptr_array_unref);

  /* Taking a tag off counts too. */
  g_assert_true (desk_store_tag_conversation (store, a, refund, FALSE, &error));
  tags = list_tags (store);
  g_assert_cmpuint (find_info (tags, refund)->n_open, ==, 0);
  g_assert_cmpuint (find_info (tags, refund)->n_total, ==, 1);

  /* A copy is a deep copy. */
  {
    g_autoptr(DeskTagInfo) copy = desk_tag_info_copy (find_info (tags, refund));

    g_assert_cmpstr (copy->name, ==, "Refund");
    g_assert_true (copy->name != find_info (tags, refund)->name);
    g_assert_cmpuint (copy->n_total, ==, 1);
  }
}

static void
list_tags_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = desk_store_list_tags_finish (DESK_STORE (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
test_list_async (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GPtrArray) tags = NULL;

  add_tag (store, "b", NULL);
  add_tag (store, "A", NULL);

  desk_store_list_tags_async (store, NULL, list_tags_cb, &tags);
  desk_test_wait_until (is_set, &tags);
  g_assert_cmpuint (tags->len, ==, 2);
  g_assert_cmpstr (((DeskTagInfo *) tags->pdata[0])->name, ==, "A");
}

static gint64
count (DeskStore            *store,
       const DeskInboxQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 n = desk_store_count_conversations (store, query, &error);

  g_assert_no_error (error);

  /* Always what the inbox itself would list. */
  ids = desk_store_query_conversation_ids (store, query, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, ids->len);

  return n;
}

/* Counts for the sidebar's views: status, tag, account, network, search, and combinations. */
static void
test_count_conversations (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  gint64 bluesky = desk_test_add_account (store, "bluesky");
  gint64 mastodon = desk_test_add_account (store, "mastodon");
  gint64 mastodon2 = desk_test_add_account (store, "mastodon");
  gint64 refund;
  DeskInboxQuery q = { .status = -1 };
  DeskMessage *answer;

  ingest (store, bluesky, desk_test_message ("1", "b1", DESK_DIRECTION_IN, 1000, "refund my order"));
  ingest (store, bluesky, desk_test_message ("2", "b2", DESK_DIRECTION_IN, 2000, "where is my parcel"));
  ingest (store, mastodon, desk_test_message ("3", "m1", DESK_DIRECTION_IN, 3000, "Refund?"));
  ingest (store, mastodon2, desk_test_message ("4", "m2", DESK_DIRECTION_IN, 4000, "hello"));
  answer = desk_test_message ("5", "b2", DESK_DIRECTION_OUT, 5000, "On its way");
  ingest (store, bluesky, answer);
  g_assert_true (desk_store_set_status (store, desk_test_conversation_id (store, "m2"),
                                        DESK_CONVERSATION_CLOSED, &error));

  refund = add_tag (store, "refund", NULL);
  tag (store, desk_test_conversation_id (store, "b1"), refund);
  tag (store, desk_test_conversation_id (store, "m1"), refund);

  g_assert_cmpint (count (store, &q), ==, 4);

  q.status = DESK_CONVERSATION_OPEN;
  g_assert_cmpint (count (store, &q), ==, 2);
  q.status = DESK_CONVERSATION_ANSWERED;
  g_assert_cmpint (count (store, &q), ==, 1);
  q.status = DESK_CONVERSATION_CLOSED;
  g_assert_cmpint (count (store, &q), ==, 1);
  q.status = -1;

  q.tag_id = refund;
  g_assert_cmpint (count (store, &q), ==, 2);
  q.account_id = bluesky;
  g_assert_cmpint (count (store, &q), ==, 1);
  q.tag_id = 0;
  g_assert_cmpint (count (store, &q), ==, 2);
  q.account_id = 0;

  q.network = "mastodon";
  g_assert_cmpint (count (store, &q), ==, 2);
  q.status = DESK_CONVERSATION_OPEN;
  g_assert_cmpint (count (store, &q), ==, 1);
  q.status = -1;
  q.network = "x";
  g_assert_cmpint (count (store, &q), ==, 0);
  q.network = NULL;

  /* Search: message text and contact names, as the inbox does; the sort is ignored. */
  q.search = "refund";
  g_assert_cmpint (count (store, &q), ==, 2);
  q.sort = DESK_INBOX_SORT_NEWEST;
  g_assert_cmpint (count (store, &q), ==, 2);
  q.search = "Customer m2";
  g_assert_cmpint (count (store, &q), ==, 1);
  q.search = "refund";
  q.network = "bluesky";
  q.tag_id = refund;
  q.status = DESK_CONVERSATION_OPEN;
  g_assert_cmpint (count (store, &q), ==, 1);
  q.search = "\"*";  /* no word: no text filter */
  g_assert_cmpint (count (store, &q), ==, 1);
}

static double
time_count (DeskStore            *store,
            const DeskInboxQuery *query,
            gint64                expected)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 n = desk_store_count_conversations (store, query, &error);
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  g_assert_no_error (error);
  g_assert_cmpint (n, ==, expected);

  return ms;
}

static void
assert_plan_covered (DeskStore            *store,
                     const DeskInboxQuery *query)
{
  g_autoptr(GString) sql = g_string_new ("EXPLAIN QUERY PLAN SELECT count(*) FROM conversations c"
                                         " WHERE 1");
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  desk_store_append_query_filter (sql, query, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (desk_store_get_db (store), sql->str, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  desk_store_bind_query_filter (stmt, query, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s | ", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);

  g_test_message ("plan: %s", plan->str);
  /* Every read of conversations is from an index that covers it, or by primary key. */
  g_assert_null (strstr (plan->str, "SCAN c |"));
  g_assert_null (strstr (plan->str, "SCAN c USING INDEX"));
}

/* 100 000 conversations: counts read indexes, never the table's rows. */
static void
test_count_fast (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  DeskInboxQuery q = { .status = DESK_CONVERSATION_OPEN };
  gint64 vip;
  double ms;

  desk_test_fill (store, 100000, 1);

  vip = add_tag (store, "vip", NULL);
  {
    sqlite3 *db = desk_store_get_db (store);
    g_autofree char *sql = g_strdup_printf ("INSERT INTO conversation_tags (conversation_id, tag_id)"
                                            " SELECT id, %" G_GINT64_FORMAT " FROM conversations"
                                            " WHERE id %% 100 = 0", vip);

    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }

  {
    gint64 total = desk_test_store_count (store, "conversations");

    ms = time_count (store, &q, total);
    g_test_message ("count open of %" G_GINT64_FORMAT ": %.1f ms", total, ms);
    g_assert_cmpfloat (ms, <, 1000);

    q.tag_id = vip;
    ms = time_count (store, &q, total / 100);
    g_test_message ("count open with a tag: %.1f ms", ms);
    g_assert_cmpfloat (ms, <, 1000);

    q.tag_id = 0;
    q.status = -1;
    q.search = "Question 17";
    ms = time_count (store, &q, desk_test_store_query_int (store,
                                                           "SELECT count(DISTINCT conversation_id)"
                                                           " FROM messages WHERE body LIKE 'Question 17%'"));
    g_test_message ("count a search: %.1f ms", ms);
    g_assert_cmpfloat (ms, <, 1000);
  }

  /* The plans read covering indexes, never the table's rows. */
  q.search = NULL;
  assert_plan_covered (store, &q);
  q.status = DESK_CONVERSATION_OPEN;
  assert_plan_covered (store, &q);
  q.tag_id = vip;
  assert_plan_covered (store, &q);
  q.status = -1;
  assert_plan_covered (store, &q);
}

/* The open conversation that waited longest, passing over one. */
static void
test_next_waiting (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, "telegram");
  gint64 early, tie_a, tie_b, late, answered;

  g_assert_cmpint (desk_store_next_waiting (store, 0, &error), ==, 0);
  g_assert_no_error (error);

  ingest (store, account, desk_test_message ("4", "late", DESK_DIRECTION_IN, 9000, "late"));
  ingest (store, account, desk_test_message ("2", "tie-a", DESK_DIRECTION_IN, 5000, "tie"));
  ingest (store, account, desk_test_message ("3", "tie-b", DESK_DIRECTION_IN, 5000, "tie"));
  ingest (store, account, desk_test_message ("1", "early", DESK_DIRECTION_IN, 1000, "first"));
  ingest (store, account, desk_test_message ("0", "answered", DESK_DIRECTION_IN, 10, "oldest"));
  ingest (store, account, desk_test_message ("0a", "answered", DESK_DIRECTION_OUT, 20, "done"));
  early = desk_test_conversation_id (store, "early");
  tie_a = desk_test_conversation_id (store, "tie-a");
  tie_b = desk_test_conversation_id (store, "tie-b");
  late = desk_test_conversation_id (store, "late");
  answered = desk_test_conversation_id (store, "answered");
  g_assert_cmpint (tie_a, <, tie_b);

  g_assert_cmpint (desk_store_next_waiting (store, 0, &error), ==, early);
  g_assert_cmpint (desk_store_next_waiting (store, early, &error), ==, tie_a);
  g_assert_cmpint (desk_store_next_waiting (store, answered, &error), ==, early);

  g_assert_true (desk_store_set_status (store, early, DESK_CONVERSATION_ANSWERED, &error));
  g_assert_cmpint (desk_store_next_waiting (store, 0, &error), ==, tie_a);
  g_assert_cmpint (desk_store_next_waiting (store, tie_a, &error), ==, tie_b);

  /* Reopened by hand with nobody waiting: still open, but after everyone who waits. */
  g_assert_true (desk_store_set_status (store, answered, DESK_CONVERSATION_OPEN, &error));
  g_assert_true (desk_store_set_status (store, tie_a, DESK_CONVERSATION_CLOSED, &error));
  g_assert_true (desk_store_set_status (store, tie_b, DESK_CONVERSATION_CLOSED, &error));
  g_assert_cmpint (desk_store_next_waiting (store, 0, &error), ==, late);
  g_assert_cmpint (desk_store_next_waiting (store, late, &error), ==, answered);

  g_assert_true (desk_store_set_status (store, answered, DESK_CONVERSATION_CLOSED, &error));
  g_assert_cmpint (desk_store_next_waiting (store, late, &error), ==, 0);
  g_assert_no_error (error);
}

typedef struct
{
  guint       tags_changed;
  GArray     *changed_ids;
} Signals;

static void
on_tags_changed (DeskStore *store,
                 Signals   *s)
{
  s->tags_changed++;
}

static void
on_conversations_changed (DeskStore *store,
                          GArray    *ids,
                          Signals   *s)
{
  g_array_append_vals (s->changed_ids, ids->data, ids->len);
}

static gboolean
got_tags_changed (gpointer data)
{
  return ((Signals *) data)->tags_changed > 0;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;

  return FALSE;
}

static void
expect (Signals  *s,
        gint64    conversation,
        gboolean  row_changes)
{
  desk_test_wait_until (got_tags_changed, s);
  drain ();
  g_assert_cmpuint (s->tags_changed, >=, 1);
  g_assert_true (contains (s->changed_ids, conversation) == row_changes);
  s->tags_changed = 0;
  g_array_set_size (s->changed_ids, 0);
}

/* Every write says so: tags-changed for the sidebar, conversations-changed for the rows. */
static void
test_signals (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, "x");
  Signals s = { 0, g_array_new (FALSE, FALSE, sizeof (gint64)) };
  gint64 id, other, conversation;

  ingest (store, account, desk_test_message ("1", "t", DESK_DIRECTION_IN, 1000, "hi"));
  conversation = desk_test_conversation_id (store, "t");
  drain ();

  g_signal_connect (store, "tags-changed", G_CALLBACK (on_tags_changed), &s);
  g_signal_connect (store, "conversations-changed", G_CALLBACK (on_conversations_changed), &s);

  id = add_tag (store, "Bug", NULL);
  expect (&s, conversation, FALSE);
  other = add_tag (store, "Other", NULL);
  expect (&s, conversation, FALSE);

  tag (store, conversation, id);
  expect (&s, conversation, TRUE);

  g_assert_true (desk_store_rename_tag (store, id, "Defect", &error));
  expect (&s, conversation, TRUE);
  g_assert_true (desk_store_set_tag_color (store, id, "#33d17a", &error));
  expect (&s, conversation, TRUE);

  /* A tag the conversation does not carry leaves its row alone. */
  g_assert_true (desk_store_rename_tag (store, other, "Another", &error));
  expect (&s, conversation, FALSE);

  g_assert_true (desk_store_delete_tag (store, id, &error));
  g_assert_no_error (error);
  expect (&s, conversation, TRUE);

  /* A refused write announces nothing. */
  g_assert_false (desk_store_rename_tag (store, other, "", &error));
  g_clear_error (&error);
  g_assert_false (desk_store_set_tag_color (store, other, "blue", &error));
  g_clear_error (&error);
  g_usleep (10000);
  drain ();
  g_assert_cmpuint (s.tags_changed, ==, 0);
  g_assert_cmpuint (s.changed_ids->len, ==, 0);

  g_signal_handlers_disconnect_by_data (store, &s);
  g_array_unref (s.changed_ids);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/tags/crud", test_tag_crud);
  g_test_add_func ("/tags/counts", test_tag_counts);
  g_test_add_func ("/tags/list-async", test_list_async);
  g_test_add_func ("/tags/signals", test_signals);
  g_test_add_func ("/tags/count-conversations", test_count_conversations);
  g_test_add_func ("/tags/count-fast", test_count_fast);
  g_test_add_func ("/tags/next-waiting", test_next_waiting);

  return g_test_run ();
}
