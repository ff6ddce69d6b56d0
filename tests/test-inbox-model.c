/* test-inbox-model.c: the paged inbox model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "desk-conversation.h"
#include "desk-inbox-model.h"
#include "desk-store-private.h"
#include "desk-test-util.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static gboolean
model_idle (gpointer data)
{
  return !desk_inbox_model_get_loading (data);
}

static gboolean
conversation_loaded (gpointer data)
{
  return desk_conversation_get_loaded (data);
}

static DeskInboxModel *
model_new (DeskStore *store)
{
  DeskInboxModel *model = desk_inbox_model_new (store);

  desk_test_wait_until (model_idle, model);
  return model;
}

static void
wait_settled (DeskInboxModel *model)
{
  /* Store signals are delivered from the main context: let them in, then let the query run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  desk_test_wait_until (model_idle, model);
}

static gint64
id_at (DeskInboxModel *model,
       guint           position)
{
  g_autoptr(DeskConversation) c = g_list_model_get_item (G_LIST_MODEL (model), position);

  return desk_conversation_get_id (c);
}

static char *
thread_of (DeskStore *store,
           gint64     id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT remote_thread_id FROM conversations WHERE id = %"
                                          G_GINT64_FORMAT, id);

  return desk_test_store_query_text (store, sql);
}

/* Only the pages a view asks for are read, and each only once. */
static void
test_paging (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskInboxModel) model = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  DeskConversation *c;
  guint64 rows_before;

  desk_test_fill (store, 1000, 1);
  rows_before = desk_store_get_rows_loaded (store);

  model = model_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == DESK_TYPE_CONVERSATION);

  /* Knowing the count and the order reads no row, and neither does finding one. */
  {
    guint position = G_MAXUINT;

    g_assert_true (desk_inbox_model_find (model, desk_test_conversation_id (store, "t700"), &position));
    g_assert_false (desk_inbox_model_find (model, G_MAXINT64, NULL));
    g_assert_cmpuint (position, <, 1000);
  }
  g_assert_cmpuint (desk_store_get_rows_loaded (store), ==, rows_before);
  g_assert_cmpuint (desk_inbox_model_get_pages_loaded (model), ==, 0);

  /* A view showing the first 20 rows: one page is read. */
  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (held, g_list_model_get_item (G_LIST_MODEL (model), i));

  c = g_ptr_array_index (held, 19);
  desk_test_wait_until (conversation_loaded, c);
  for (guint i = 0; i < 20; i++)
    g_assert_true (desk_conversation_get_loaded (g_ptr_array_index (held, i)));

  g_assert_cmpuint (desk_inbox_model_get_pages_loaded (model), ==, 1);
  g_assert_cmpuint (desk_store_get_rows_loaded (store) - rows_before, ==, DESK_INBOX_MODEL_PAGE_SIZE);
  g_assert_cmpstr (desk_conversation_get_contact_name (g_ptr_array_index (held, 0)), ==, "Customer t0");
  g_assert_cmpstr (desk_conversation_get_snippet (g_ptr_array_index (held, 3)), ==, "Question 3, part 0");

  /* Asking again for a row already shown reads nothing. */
  g_ptr_array_add (held, g_list_model_get_item (G_LIST_MODEL (model), 5));
  g_assert_cmpuint (desk_inbox_model_get_pages_loaded (model), ==, 1);

  /* Scrolling far down reads that page only. */
  c = g_list_model_get_item (G_LIST_MODEL (model), 777);
  g_ptr_array_add (held, c);
  desk_test_wait_until (conversation_loaded, c);
  g_assert_cmpuint (desk_inbox_model_get_pages_loaded (model), ==, 2);
  g_assert_cmpuint (desk_store_get_rows_loaded (store) - rows_before, ==, 2 * DESK_INBOX_MODEL_PAGE_SIZE);
  g_assert_cmpstr (desk_conversation_get_snippet (c), ==, "Question 777, part 0");

  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 1000));
}

static void
test_order (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskInboxModel) model = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  desk_test_fill (store, 30, 2);
  model = model_new (store);

  /* Waiting longest first. */
  first = thread_of (store, id_at (model, 0));
  last = thread_of (store, id_at (model, 29));
  g_assert_cmpstr (first, ==, "t0");
  g_assert_cmpstr (last, ==, "t29");

  desk_inbox_model_set_sort (model, DESK_INBOX_SORT_NEWEST);
  desk_test_wait_until (model_idle, model);
  g_clear_pointer (&first, g_free);
  first = thread_of (store, id_at (model, 0));
  g_assert_cmpstr (first, ==, "t29");
}

static void
test_filters (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskInboxModel) model = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  gint64 bluesky, tag;

  desk_test_fill (store, 10, 1);  /* a mastodon account, t0…t9, open */
  bluesky = desk_test_add_account (store, "bluesky");
  g_ptr_array_add (batch, desk_test_message ("b1", "b-thread", DESK_DIRECTION_IN, 50000,
                                             "Ваш магазин работает в воскресенье?"));
  g_assert_true (desk_store_ingest (store, bluesky, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  model = model_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 11);

  desk_inbox_model_set_network (model, "bluesky");
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);

  desk_inbox_model_set_network (model, NULL);
  desk_inbox_model_set_account_id (model, bluesky);
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  desk_inbox_model_set_account_id (model, 0);

  /* Search matches message text and customer names. */
  desk_inbox_model_set_search (model, "воскрес");
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  desk_inbox_model_set_search (model, "customer t7");
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  desk_inbox_model_set_search (model, "");
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 11);

  /* Tags */
  tag = desk_store_add_tag (store, "complaint", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (desk_store_tag_conversation (store, id_at (model, 2), tag, TRUE, &error));
  g_assert_true (desk_store_tag_conversation (store, id_at (model, 4), tag, TRUE, &error));
  g_assert_no_error (error);
  desk_inbox_model_set_tag_id (model, tag);
  wait_settled (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  desk_inbox_model_set_tag_id (model, 0);

  /* Status */
  g_assert_true (desk_store_set_status (store, id_at (model, 0), DESK_CONVERSATION_CLOSED, &error));
  g_assert_no_error (error);
  desk_inbox_model_set_status (model, DESK_CONVERSATION_OPEN);
  wait_settled (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  desk_inbox_model_set_status (model, DESK_CONVERSATION_CLOSED);
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
}

/* A store change becomes items-changed for just the rows that changed. */
static void
test_minimal_changes (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskInboxModel) model = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskConversation) shown = NULL;
  g_autofree char *moved_thread = NULL;
  gint64 account;
  gint64 answered_id;
  Change *change;

  desk_test_fill (store, 100, 1);
  account = 1;

  model = desk_inbox_model_new (store);
  desk_inbox_model_set_status (model, DESK_CONVERSATION_OPEN);
  desk_test_wait_until (model_idle, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);
  g_signal_connect (model, "items-changed", G_CALLBACK (record_change), changes);

  /* Answering the conversation at position 10 removes just that row from "open". */
  answered_id = id_at (model, 10);
  g_ptr_array_add (batch, desk_test_message ("reply-t10", "t10", DESK_DIRECTION_OUT, 999999,
                                             "We are on it —MJ"));
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  wait_settled (model);

  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 10);
  g_assert_cmpuint (change->removed, ==, 1);
  g_assert_cmpuint (change->added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 99);
  g_assert_cmpint (id_at (model, 10), !=, answered_id);
  g_array_set_size (changes, 0);

  /* A new customer writes: one row appears, at the end (they have waited least). */
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, desk_test_message ("new", "t-new", DESK_DIRECTION_IN, 5000000, "Hi!"));
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  wait_settled (model);
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 99);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 1);
  g_array_set_size (changes, 0);

  /* A follow-up from a customer who is already waiting does not move the row: no
   * items-changed, but the shown object gets the new snippet. */
  shown = g_list_model_get_item (G_LIST_MODEL (model), 20);
  desk_test_wait_until (conversation_loaded, shown);
  moved_thread = thread_of (store, desk_conversation_get_id (shown));
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, desk_test_message ("follow-up", moved_thread, DESK_DIRECTION_IN, 6000000,
                                             "Any news?"));
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  wait_settled (model);
  g_assert_cmpuint (changes->len, ==, 0);
  while (g_strcmp0 (desk_conversation_get_snippet (shown), "Any news?") != 0)
    g_main_context_iteration (NULL, TRUE);

  /* The answered conversation is reopened by its customer: it comes back at its place. */
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, desk_test_message ("again", "t10", DESK_DIRECTION_IN, 7000000, "Hm?"));
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  wait_settled (model);
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 100);
  g_assert_cmpuint (change->added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 101);
  g_assert_cmpint (id_at (model, 100), ==, answered_id);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/inbox-model/paging", test_paging);
  g_test_add_func ("/inbox-model/order", test_order);
  g_test_add_func ("/inbox-model/filters", test_filters);
  g_test_add_func ("/inbox-model/minimal-changes", test_minimal_changes);

  return g_test_run ();
}
