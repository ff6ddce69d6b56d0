/* test-canned.c: canned responses: the library, placeholders, search, the shared file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Core suite: no display.
 */
#include "config.h"

#include <string.h>

#include "desk-canned.h"
#include "desk-test-util.h"

static DeskCannedResponse *
response (const char *title,
          const char *shortcut,
          const char *body)
{
  return desk_canned_response_new (title, shortcut, body);
}

static gint64
add (DeskStore  *store,
     const char *title,
     const char *shortcut,
     const char *body)
{
  g_autoptr(DeskCannedResponse) r = response (title, shortcut, body);
  g_autoptr(GError) error = NULL;
  gint64 id = desk_store_add_canned (store, r, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
on_changed (DeskStore *store,
            guint     *count)
{
  (*count)++;
}

static gboolean
count_is_positive (gpointer data)
{
  return *(guint *) data > 0;
}

static void
test_crud (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskCannedResponse) r = NULL;
  g_autoptr(DeskCannedResponse) got = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint changed = 0;
  gint64 id;

  g_signal_connect (store, "canned-changed", G_CALLBACK (on_changed), &changed);

  r = response ("  Refund policy\n", "/Refund", "Hi {customer_name}, refunds take 5 days.");
  desk_canned_response_set_variant (r, "bluesky", "Refunds: 5 days.");
  desk_canned_response_set_variant (r, "x", "   ");  /* blank: no variant */
  id = desk_store_add_canned (store, r, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (r->id, ==, id);

  /* Announced on the main context, once committed. */
  desk_test_wait_until (count_is_positive, &changed);
  g_assert_cmpuint (changed, ==, 1);

  got = desk_store_get_canned (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->title, ==, "Refund policy");
  g_assert_cmpstr (got->shortcut, ==, "Refund");
  g_assert_cmpstr (got->body, ==, "Hi {customer_name}, refunds take 5 days.");
  g_assert_cmpstr (desk_canned_response_get_variant (got, "bluesky"), ==, "Refunds: 5 days.");
  g_assert_null (desk_canned_response_get_variant (got, "x"));
  g_assert_cmpint (got->created_at, >, 0);
  g_clear_pointer (&got, desk_canned_response_unref);

  /* Change: the title, the body, one variant replaced by another. */
  g_free (r->title);
  r->title = g_strdup ("Refunds");
  g_free (r->body);
  r->body = g_strdup ("Refunds take five working days.");
  desk_canned_response_set_variant (r, "bluesky", NULL);
  desk_canned_response_set_variant (r, "mastodon", "Refunds: five working days.");
  g_assert_true (desk_store_update_canned (store, r, &error));
  g_assert_no_error (error);

  got = desk_store_get_canned (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->title, ==, "Refunds");
  g_assert_cmpstr (got->body, ==, "Refunds take five working days.");
  g_assert_null (desk_canned_response_get_variant (got, "bluesky"));
  g_assert_cmpstr (desk_canned_response_get_variant (got, "mastodon"), ==, "Refunds: five working days.");
  g_clear_pointer (&got, desk_canned_response_unref);

  add (store, "Shipping", "ship", "We ship worldwide.");
  all = desk_store_list_canned (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (((DeskCannedResponse *) all->pdata[0])->shortcut, ==, "Refund");
  g_assert_cmpstr (((DeskCannedResponse *) all->pdata[1])->shortcut, ==, "ship");

  /* Delete: the variants go too. */
  g_assert_true (desk_store_delete_canned (store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_test_store_count (store, "canned_responses"), ==, 1);
  g_assert_cmpint (desk_test_store_count (store, "canned_response_variants"), ==, 0);

  g_assert_null (desk_store_get_canned (store, id, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (desk_store_delete_canned (store, id, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (desk_store_update_canned (store, r, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_rules (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *long_body = g_strnfill (DESK_CANNED_MAX_BODY_BYTES + 1, 'a');
  struct {
    const char *title, *shortcut, *body;
  } bad[] = {
    { "", "a", "body" },
    { " \n ", "a", "body" },
    { "Title", "", "body" },
    { "Title", "/", "body" },
    { "Title", "two words", "body" },
    { "Title", "a{b}", "body" },
    { "Title", "abcdefghijklmnopqrstuvwxyzabcdefg", "body" },   /* 33 characters */
    { "Title", "ok", "  \n\t " },
    { "Title", "ok", long_body },
  };
  gint64 id;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(DeskCannedResponse) r = response (bad[i].title, bad[i].shortcut, bad[i].body);

      g_assert_cmpint (desk_store_add_canned (store, r, &error), ==, 0);
      g_assert_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID);
      g_assert_cmpuint (strlen (error->message), >, 0);
      g_clear_error (&error);
    }

  /* Unknown network for a variant. */
  {
    g_autoptr(DeskCannedResponse) r = response ("Title", "ok", "body");

    desk_canned_response_set_variant (r, "myspace", "short");
    g_assert_cmpint (desk_store_add_canned (store, r, &error), ==, 0);
    g_assert_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* Unicode letters, digits, '-' and '_' are fine in a shortcut; control characters dropped. */
  id = add (store, "Gr\x01""üße", "grüße_2-x", "Viele Grüße\tund\x7f Dank");
  {
    g_autoptr(DeskCannedResponse) got = desk_store_get_canned (store, id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (got->title, ==, "Grüße");
    g_assert_cmpstr (got->body, ==, "Viele Grüße\tund Dank");
  }

  g_assert_cmpint (desk_test_store_count (store, "canned_responses"), ==, 1);
}

static void
test_unique_shortcut (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskCannedResponse) dup = response ("Other", "REFUND", "Other body");
  g_autoptr(DeskCannedResponse) second = NULL;
  gint64 id;

  add (store, "Refund", "refund", "Body");

  /* Case does not make a shortcut different. */
  g_assert_cmpint (desk_store_add_canned (store, dup, &error), ==, 0);
  g_assert_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_SHORTCUT_TAKEN);
  g_assert_nonnull (strstr (error->message, "/REFUND"));
  g_clear_error (&error);
  g_assert_cmpint (dup->id, ==, 0);

  /* Renaming onto a taken shortcut fails too, and changes nothing. */
  id = add (store, "Shipping", "ship", "We ship.");
  second = desk_store_get_canned (store, id, &error);
  g_free (second->shortcut);
  second->shortcut = g_strdup ("Refund");
  g_free (second->body);
  second->body = g_strdup ("Changed");
  g_assert_false (desk_store_update_canned (store, second, &error));
  g_assert_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_SHORTCUT_TAKEN);
  g_clear_error (&error);

  g_clear_pointer (&second, desk_canned_response_unref);
  second = desk_store_get_canned (store, id, &error);
  g_assert_cmpstr (second->shortcut, ==, "ship");
  g_assert_cmpstr (second->body, ==, "We ship.");
}

static void
assert_order (GPtrArray         *found,
              const char * const *shortcuts)
{
  guint n = g_strv_length ((GStrv) shortcuts);

  for (guint i = 0; i < MIN (found->len, n); i++)
    g_assert_cmpstr (((DeskCannedResponse *) found->pdata[i])->shortcut, ==, shortcuts[i]);
  g_assert_cmpuint (found->len, ==, n);
}

static void
test_search_ranking (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  add (store, "Shipping times", "ship", "Parcels leave in two days; a refund is possible.");
  add (store, "Refund policy", "policy", "Money back in 5 days.");
  add (store, "Refund done", "refunded", "We sent it.");
  add (store, "Greeting", "hello", "Hello {customer_name}!");
  add (store, "Returns", "ref", "Send it back.");
  add (store, "Prefs", "myrefs", "Nothing here.");

  /* Shortcut prefix (shortest first), then title, then shortcut elsewhere, then body. */
  found = desk_store_search_canned (store, "ref", 0, &error);
  g_assert_no_error (error);
  assert_order (found, (const char *[]) { "ref", "refunded", "policy", "myrefs", "ship", NULL });
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Case-insensitive, a leading '/' ignored, a limit. */
  found = desk_store_search_canned (store, "/REF", 2, &error);
  assert_order (found, (const char *[]) { "ref", "refunded", NULL });
  g_clear_pointer (&found, g_ptr_array_unref);

  found = desk_store_search_canned (store, "customer", 0, &error);
  assert_order (found, (const char *[]) { "hello", NULL });
  g_clear_pointer (&found, g_ptr_array_unref);

  found = desk_store_search_canned (store, "zzz", 0, &error);
  assert_order (found, (const char *[]) { NULL });
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Nothing typed: everything, by shortcut. */
  found = desk_store_search_canned (store, "", 0, &error);
  assert_order (found, (const char *[]) { "hello", "myrefs", "policy", "ref", "refunded", "ship", NULL });
}

static void
test_expand_all (void)
{
  DeskCannedContext context = {
    .customer_name = "Ana Novak",
    .customer_handle = "@ana.test",
    .agent_name = "Maja Jerman",
    .agent_initials = "MJ",
    .network = "bluesky",
    .account = "@shop.test",
  };
  g_autoptr(GArray) unfilled = NULL;
  g_autofree char *text = NULL;

  text = desk_canned_expand ("Hi {customer_name} ({customer_handle}), this is {agent_name} "
                             "({agent_initials}) from {account} on {network}.",
                             &context, &unfilled);
  g_assert_cmpstr (text, ==, "Hi Ana Novak (@ana.test), this is Maja Jerman (MJ) from @shop.test "
                             "on Bluesky.");
  g_assert_cmpuint (unfilled->len, ==, 0);
  g_clear_pointer (&unfilled, g_array_unref);
  g_clear_pointer (&text, g_free);

  /* Values are inserted as they are: no placeholder inside a value is expanded again. */
  context.customer_name = "{agent_name}";
  text = desk_canned_expand ("Hi {customer_name}", &context, &unfilled);
  g_assert_cmpstr (text, ==, "Hi {agent_name}");
  g_assert_cmpuint (unfilled->len, ==, 0);
}

static void
assert_range (GArray     *ranges,
              guint       i,
              const char *text,
              const char *expected,
              gboolean    known)
{
  DeskCannedRange *range;

  g_assert_cmpuint (i, <, ranges->len);
  range = &g_array_index (ranges, DeskCannedRange, i);
  g_assert_cmpuint (range->end - range->start, ==, strlen (expected));
  g_assert_cmpint (strncmp (text + range->start, expected, strlen (expected)), ==, 0);
  g_assert_cmpint (range->known, ==, known);
}

static void
test_expand_unfilled (void)
{
  DeskCannedContext context = {
    .customer_name = "Žiga Čeh",
    .customer_handle = "",          /* empty: stays and is flagged */
    .agent_name = NULL,             /* missing: the same */
    .agent_initials = "MJ",
    .network = "telegram",
  };
  g_autoptr(GArray) unfilled = NULL;
  g_autofree char *text = NULL;
  const char *body = "Živjo {customer_name} 👋 ({customer_handle}), {order_id} — {agent_name}/{agent_initials}";

  text = desk_canned_expand (body, &context, &unfilled);
  g_assert_cmpstr (text, ==, "Živjo Žiga Čeh 👋 ({customer_handle}), {order_id} — {agent_name}/MJ");
  g_assert_cmpuint (unfilled->len, ==, 3);
  assert_range (unfilled, 0, text, "{customer_handle}", TRUE);
  assert_range (unfilled, 1, text, "{order_id}", FALSE);
  assert_range (unfilled, 2, text, "{agent_name}", TRUE);

  /* Byte offsets, after multibyte text and a value longer than its placeholder. */
  g_assert_cmpuint (g_array_index (unfilled, DeskCannedRange, 0).start, ==,
                    strlen ("Živjo Žiga Čeh 👋 ("));
  g_assert_cmpuint (g_array_index (unfilled, DeskCannedRange, 2).start, ==,
                    strlen ("Živjo Žiga Čeh 👋 ({customer_handle}), {order_id} — "));
  g_clear_pointer (&unfilled, g_array_unref);
  g_clear_pointer (&text, g_free);

  /* No context: every placeholder stays, flagged as known with no value. */
  text = desk_canned_expand ("{network}{account}", NULL, &unfilled);
  g_assert_cmpstr (text, ==, "{network}{account}");
  g_assert_cmpuint (unfilled->len, ==, 2);
  assert_range (unfilled, 0, text, "{network}", TRUE);
  assert_range (unfilled, 1, text, "{account}", TRUE);
}

static void
test_expand_escapes (void)
{
  DeskCannedContext context = { .customer_name = "Ana" };
  g_autoptr(GArray) unfilled = NULL;
  g_autofree char *text = NULL;

  text = desk_canned_expand ("{{customer_name}} is {customer_name}; {{ and }}; a lone { or } stays; "
                             "{not a placeholder} {} {with-dash} {{{customer_name}}}",
                             &context, &unfilled);
  g_assert_cmpstr (text, ==, "{customer_name} is Ana; { and }; a lone { or } stays; "
                             "{not a placeholder} {} {with-dash} {Ana}");
  g_assert_cmpuint (unfilled->len, ==, 0);
  g_clear_pointer (&unfilled, g_array_unref);
  g_clear_pointer (&text, g_free);

  /* A name too long to be a placeholder is plain text. */
  text = desk_canned_expand ("{abcdefghijklmnopqrstuvwxyzabcdefgh}", &context, &unfilled);
  g_assert_cmpstr (text, ==, "{abcdefghijklmnopqrstuvwxyzabcdefgh}");
  g_assert_cmpuint (unfilled->len, ==, 0);
}

static void
test_find_placeholders (void)
{
  const char *text = "Žiga, {order_id} and {customer_name}; {{agent_name}} {} { x }";
  g_autoptr(GArray) found = desk_canned_find_placeholders (text);

  g_assert_cmpuint (found->len, ==, 2);
  assert_range (found, 0, text, "{order_id}", FALSE);
  assert_range (found, 1, text, "{customer_name}", TRUE);
  g_assert_cmpuint (g_array_index (found, DeskCannedRange, 0).start, ==, strlen ("Žiga, "));
}

static void
test_variants_per_network (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DeskCannedResponse) r = response ("Hours", "hours", "We are open 9 to 5, Monday to Friday, {customer_name}.");
  g_autoptr(DeskCannedResponse) got = NULL;
  g_autoptr(GArray) unfilled = NULL;
  g_autofree char *text = NULL;
  DeskCannedContext context = { .customer_name = "Ana", .network = "x" };

  desk_canned_response_set_variant (r, "bluesky", "Open 9–5 weekdays.");
  desk_canned_response_set_variant (r, "x", "Open 9–5 Mon–Fri, {customer_name}.");
  desk_store_add_canned (store, r, &error);
  g_assert_no_error (error);
  got = desk_store_get_canned (store, r->id, &error);

  g_assert_cmpstr (desk_canned_response_get_body_for (got, "bluesky"), ==, "Open 9–5 weekdays.");
  g_assert_cmpstr (desk_canned_response_get_body_for (got, "x"), ==, "Open 9–5 Mon–Fri, {customer_name}.");
  g_assert_cmpstr (desk_canned_response_get_body_for (got, "mastodon"), ==, got->body);
  g_assert_cmpstr (desk_canned_response_get_body_for (got, NULL), ==, got->body);

  text = desk_canned_expand (desk_canned_response_get_body_for (got, context.network), &context, &unfilled);
  g_assert_cmpstr (text, ==, "Open 9–5 Mon–Fri, Ana.");
}

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_round_trip (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(DeskStore) other = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(DeskCannedPlan) plan = NULL;
  g_autoptr(DeskCannedResponse) r = response ("Refund \"policy\"", "refund", "Line one\nLine “two” ✓ {customer_name}");
  g_autofree char *path = desk_test_tmp_path ("export.json");
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GBytes) read_back = NULL;

  desk_canned_response_set_variant (r, "bluesky", "Short ✓");
  desk_store_add_canned (store, r, &error);
  g_assert_no_error (error);
  add (store, "Hello", "hello", "Hi!");

  all = desk_store_list_canned (store, &error);
  file = desk_canned_export (all);
  g_assert_nonnull (strstr (g_bytes_get_data (file, NULL), "\"format\" : \"frontdesk-canned-responses\""));

  /* Through a real file, as a team would share it. */
  g_assert_true (g_file_replace_contents (gfile, g_bytes_get_data (file, NULL), g_bytes_get_size (file),
                                          NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);
  read_back = desk_canned_read_file (gfile, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read_back, file));

  plan = desk_store_plan_canned_import (other, read_back, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_add, ==, 2);
  g_assert_true (desk_store_apply_canned_import (other, plan, &error));
  g_assert_no_error (error);

  imported = desk_store_list_canned (other, &error);
  g_assert_cmpuint (imported->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_true (desk_canned_response_same_content (all->pdata[i], imported->pdata[i]));

  /* Importing the same file again changes nothing. */
  g_clear_pointer (&plan, desk_canned_plan_unref);
  plan = desk_store_plan_canned_import (store, file, &error);
  g_assert_cmpuint (plan->n_add, ==, 0);
  g_assert_cmpuint (plan->n_change, ==, 0);
  g_assert_cmpuint (plan->n_same, ==, 2);
}

static void
test_plan (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(DeskCannedPlan) plan = NULL;
  g_autoptr(GPtrArray) all = NULL;
  DeskCannedImportItem *item;
  gint64 refund;

  refund = add (store, "Refund", "refund", "Old body");
  add (store, "Hello", "hello", "Hi!");
  add (store, "Local", "local", "Only here");

  file = bytes ("{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"extra\": true,"
                " \"responses\": ["
                "  {\"title\": \"Refund\", \"shortcut\": \"REFUND\", \"body\": \"New body\"},"
                "  {\"title\": \"Hello\", \"shortcut\": \"hello\", \"body\": \"Hi!\", \"variants\": null},"
                "  {\"title\": \"Ship\", \"shortcut\": \"/ship\", \"body\": \"We ship.\","
                "   \"variants\": {\"x\": \"Ships.\"}, \"future\": 1}"
                "]}");

  plan = desk_store_plan_canned_import (store, file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->items->len, ==, 3);
  g_assert_cmpuint (plan->n_add, ==, 1);
  g_assert_cmpuint (plan->n_change, ==, 1);
  g_assert_cmpuint (plan->n_same, ==, 1);

  item = plan->items->pdata[0];
  g_assert_cmpint (item->action, ==, DESK_CANNED_IMPORT_CHANGE);   /* matched ignoring case */
  g_assert_cmpint (item->existing->id, ==, refund);
  item = plan->items->pdata[1];
  g_assert_cmpint (item->action, ==, DESK_CANNED_IMPORT_SAME);
  item = plan->items->pdata[2];
  g_assert_cmpint (item->action, ==, DESK_CANNED_IMPORT_ADD);
  g_assert_null (item->existing);
  g_assert_cmpstr (item->incoming->shortcut, ==, "ship");

  g_assert_true (desk_store_apply_canned_import (store, plan, &error));
  g_assert_no_error (error);

  all = desk_store_list_canned (store, &error);
  assert_order (all, (const char *[]) { "hello", "local", "REFUND", "ship", NULL });
  g_assert_cmpint (((DeskCannedResponse *) all->pdata[2])->id, ==, refund);
  g_assert_cmpstr (((DeskCannedResponse *) all->pdata[2])->body, ==, "New body");
  g_assert_cmpstr (desk_canned_response_get_variant (all->pdata[3], "x"), ==, "Ships.");
}

static void
assert_refused (DeskStore  *store,
                GBytes     *file,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = desk_test_store_query_text (store,
      "SELECT group_concat (shortcut || ':' || body, '|') FROM canned_responses");
  g_autofree char *after = NULL;
  DeskCannedPlan *plan;

  plan = desk_store_plan_canned_import (store, file, &error);
  g_assert_null (plan);
  g_assert_error (error, DESK_CANNED_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_test_message ("refused: %s", error->message);

  after = desk_test_store_query_text (store,
      "SELECT group_concat (shortcut || ':' || body, '|') FROM canned_responses");
  g_assert_cmpstr (before, ==, after);
}

static void
refuse_text (DeskStore *store,
             GString   *text,
             int        code)
{
  g_autoptr(GBytes) file = g_bytes_new (text->str, text->len);

  assert_refused (store, file, code);
}

static void
test_bad_files (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  struct {
    const char *contents;
    int         code;
  } cases[] = {
    { "", DESK_CANNED_ERROR_MALFORMED },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": [", DESK_CANNED_ERROR_MALFORMED },
    { "not json at all", DESK_CANNED_ERROR_MALFORMED },
    { "[1, 2, 3]", DESK_CANNED_ERROR_FOREIGN },
    { "{\"name\": \"package\", \"version\": \"1.0.0\"}", DESK_CANNED_ERROR_FOREIGN },
    { "{\"format\": \"something-else\", \"version\": 1, \"responses\": []}", DESK_CANNED_ERROR_FOREIGN },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 2, \"responses\": []}", DESK_CANNED_ERROR_TOO_NEW },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": \"1\", \"responses\": []}", DESK_CANNED_ERROR_MALFORMED },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1}", DESK_CANNED_ERROR_MALFORMED },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": [42]}", DESK_CANNED_ERROR_MALFORMED },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": [{\"title\": \"T\", \"body\": \"B\"}]}",
      DESK_CANNED_ERROR_MALFORMED },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": "
      "[{\"title\": \"T\", \"shortcut\": \"a b\", \"body\": \"B\"}]}", DESK_CANNED_ERROR_INVALID },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": "
      "[{\"title\": \"T\", \"shortcut\": \"a\", \"body\": \"B\", \"variants\": {\"x\": 5}}]}", DESK_CANNED_ERROR_MALFORMED },
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": "
      "[{\"title\": \"T\", \"shortcut\": \"a\", \"body\": \"B\", \"variants\": {\"friendster\": \"b\"}}]}",
      DESK_CANNED_ERROR_INVALID },
    /* Two with one shortcut, in different case. */
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": ["
      "{\"title\": \"T\", \"shortcut\": \"dup\", \"body\": \"B\"},"
      "{\"title\": \"U\", \"shortcut\": \"DUP\", \"body\": \"C\"}]}", DESK_CANNED_ERROR_INVALID },
    /* Invalid UTF-8. */
    { "{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": "
      "[{\"title\": \"T\\u00e9\", \"shortcut\": \"a\", \"body\": \"B\xff\xfe\"}]}", DESK_CANNED_ERROR_MALFORMED },
  };
  g_autoptr(GString) deep = g_string_new ("{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"x\": ");
  g_autoptr(GString) many = g_string_new ("{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": [");
  g_autoptr(GString) huge = g_string_new ("{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": [], \"pad\": \"");
  g_autoptr(GString) long_field = g_string_new ("{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": "
                                                "[{\"title\": \"T\", \"shortcut\": \"a\", \"body\": \"");

  add (store, "Keep", "keep", "Unchanged");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) file = bytes (cases[i].contents);

      g_test_message ("case %u", i);
      assert_refused (store, file, cases[i].code);
    }

  /* Nested deep enough to hurt a recursive parser. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  refuse_text (store, deep, DESK_CANNED_ERROR_FOREIGN);

  /* Too many responses. */
  for (guint i = 0; i <= DESK_CANNED_MAX_RESPONSES; i++)
    g_string_append_printf (many, "%s{\"title\": \"T%u\", \"shortcut\": \"s%u\", \"body\": \"B\"}",
                            i > 0 ? "," : "", i, i);
  g_string_append (many, "]}");
  refuse_text (store, many, DESK_CANNED_ERROR_TOO_LARGE);

  /* Too large a file. */
  while (huge->len <= DESK_CANNED_MAX_FILE_BYTES)
    g_string_append (huge, "padding padding padding padding ");
  g_string_append (huge, "\"}");
  refuse_text (store, huge, DESK_CANNED_ERROR_TOO_LARGE);

  /* A field over its bound. */
  for (guint i = 0; i <= DESK_CANNED_MAX_BODY_BYTES; i++)
    g_string_append_c (long_field, 'x');
  g_string_append (long_field, "\"}]}");
  refuse_text (store, long_field, DESK_CANNED_ERROR_INVALID);

  g_assert_cmpint (desk_test_store_count (store, "canned_responses"), ==, 1);
}

static void
test_read_file_bounded (void)
{
  g_autofree char *path = desk_test_tmp_path ("big.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_strnfill (DESK_CANNED_MAX_FILE_BYTES + 10, ' ');
  g_autoptr(GBytes) got = NULL;
  g_autofree char *missing_path = desk_test_tmp_path ("missing.json");
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);

  g_assert_true (g_file_set_contents (path, data, -1, &error));
  got = desk_canned_read_file (file, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_TOO_LARGE);
  g_clear_error (&error);

  got = desk_canned_read_file (missing, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Control characters escaped in JSON are repaired, not stored. */
static void
test_import_sanitizes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) file = bytes ("{\"format\": \"frontdesk-canned-responses\", \"version\": 1, \"responses\": "
                                  "[{\"title\": \"T\\u0007itle\\nnext\", \"shortcut\": \" /abc \", "
                                  "\"body\": \"B\\u0001o\\u009bdy\\n\"}]}");
  g_autoptr(GPtrArray) responses = desk_canned_parse (file, &error);
  DeskCannedResponse *r;

  g_assert_no_error (error);
  g_assert_cmpuint (responses->len, ==, 1);
  r = responses->pdata[0];
  g_assert_cmpstr (r->title, ==, "Title next");
  g_assert_cmpstr (r->shortcut, ==, "abc");
  g_assert_cmpstr (r->body, ==, "Body\n");
}

/* A failure in the middle of applying leaves the library as it was. */
static void
test_apply_is_one_transaction (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_response_unref);
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_canned_response_unref);
  g_autoptr(DeskCannedPlan) plan = NULL;
  g_autofree char *body = NULL;
  DeskCannedResponse *bad;

  add (store, "Keep", "keep", "Unchanged");

  g_ptr_array_add (incoming, response ("New", "new", "Fine"));
  g_ptr_array_add (incoming, response ("Keep", "keep", "Changed"));
  bad = response ("Bad", "bad", "x");
  g_ptr_array_add (incoming, bad);
  plan = desk_canned_plan_new (existing, incoming);
  /* Broken after planning: applying must fail at the third item and roll back the first two. */
  g_free (bad->title);
  bad->title = g_strdup ("");

  g_assert_false (desk_store_apply_canned_import (store, plan, &error));
  g_assert_error (error, DESK_CANNED_ERROR, DESK_CANNED_ERROR_INVALID);
  g_assert_cmpint (desk_test_store_count (store, "canned_responses"), ==, 1);
  body = desk_test_store_query_text (store, "SELECT body FROM canned_responses");
  g_assert_cmpstr (body, ==, "Unchanged");
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/canned/crud", test_crud);
  g_test_add_func ("/canned/rules", test_rules);
  g_test_add_func ("/canned/unique-shortcut", test_unique_shortcut);
  g_test_add_func ("/canned/search/ranking", test_search_ranking);
  g_test_add_func ("/canned/expand/all", test_expand_all);
  g_test_add_func ("/canned/expand/unfilled", test_expand_unfilled);
  g_test_add_func ("/canned/expand/escapes", test_expand_escapes);
  g_test_add_func ("/canned/expand/find", test_find_placeholders);
  g_test_add_func ("/canned/variants", test_variants_per_network);
  g_test_add_func ("/canned/file/round-trip", test_round_trip);
  g_test_add_func ("/canned/file/plan", test_plan);
  g_test_add_func ("/canned/file/refused", test_bad_files);
  g_test_add_func ("/canned/file/read-bounded", test_read_file_bounded);
  g_test_add_func ("/canned/file/sanitized", test_import_sanitizes);
  g_test_add_func ("/canned/file/one-transaction", test_apply_is_one_transaction);

  return g_test_run ();
}
