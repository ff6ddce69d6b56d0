/* bench-queries.c: full-text search and inbox filter latency on a large cached inbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inbox (by default 100,000 conversations, 1,000,000 messages) is filled once through the
 * core API by the same generator as frontdesk-fill and kept under the build directory; it is
 * reused while it has the expected number of rows.
 *
 * Every query runs on the calling thread, one at a time, on a warm page cache, after one
 * untimed warm-up pass (the store caches its prepared statements, as it does in the app).
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "bench-common.h"
#include "bench.h"
#include "desk-store-private.h"
#include "desk-synth.h"

#define SEARCH_LIMIT 50
#define FIRST_PAGE 50

/* The cached inbox */

static gint64
count (DeskStore  *store,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (desk_store_get_db (store), sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

typedef struct
{
  gint64 start;
  gint64 last_print;
} BuildProgress;

static void
build_progress (guint    done,
                guint    total,
                gpointer user_data)
{
  BuildProgress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (done < total && now - progress->last_print < 15 * G_USEC_PER_SEC)
    return;

  progress->last_print = now;
  g_print ("  building: %u/%u conversations (%.0f s)\n", done, total,
           (now - progress->start) / (double) G_USEC_PER_SEC);
}

/**
 * bench_ensure_inbox:
 *
 * Returns: (transfer full): the path of an inbox with the conversations and messages asked for
 */
char *
bench_ensure_inbox (const BenchOptions  *options,
                    GError             **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *meta_path = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *conversations_text = bench_count (options->inbox_conversations);
  g_autofree char *messages_text = NULL;
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(DeskSynth) synth = NULL;
  gint64 want_messages = (gint64) options->inbox_conversations *
                         options->inbox_messages_per_conversation;
  DeskSynthReport report;
  BuildProgress progress = { 0 };
  double seconds;

  messages_text = bench_count (want_messages);
  name = g_strdup_printf ("inbox-%uc-%um-seed%" G_GUINT64_FORMAT "-v%d.db",
                          options->inbox_conversations, options->inbox_messages_per_conversation,
                          options->seed, DESK_SYNTH_VERSION);
  path = g_build_filename (options->data_dir, name, NULL);
  meta_path = g_strconcat (path, ".built", NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      store = desk_store_open (path, NULL);
      if (store != NULL &&
          count (store, "SELECT count(*) FROM conversations") == options->inbox_conversations &&
          count (store, "SELECT count(*) FROM messages") == want_messages)
        {
          g_file_get_contents (meta_path, &meta, NULL, NULL);
          g_print ("  inbox: %s conversations, %s messages, reused from %s\n"
                   "         (%s; delete it to rebuild)\n",
                   conversations_text, messages_text, path,
                   meta != NULL ? g_strstrip (meta) : "building time unknown");
          return g_steal_pointer (&path);
        }

      g_print ("  inbox: %s has the wrong row count, rebuilding it\n", path);
      g_clear_object (&store);
      bench_remove_store (path);
    }

  g_print ("  inbox: building %s conversations, %s messages through the core API into %s\n",
           conversations_text, messages_text, path);

  partial = g_strconcat (path, ".partial", NULL);
  bench_remove_store (partial);
  store = desk_store_open (partial, error);
  if (store == NULL)
    return NULL;

  progress.start = progress.last_print = g_get_monotonic_time ();
  synth = desk_synth_new (options->seed, g_get_real_time (),
                          options->inbox_messages_per_conversation);
  if (!desk_synth_fill (synth, store, options->inbox_conversations, 200, build_progress,
                        &progress, &report, error))
    return NULL;

  desk_store_close (store);
  seconds = bench_elapsed_ms (progress.start) / 1000;

  if (g_rename (partial, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot rename %s: %s", partial, g_strerror (saved_errno));
      return NULL;
    }
  bench_remove_store (partial);

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");

    meta = g_strdup_printf ("building it took %.0f s on %s", seconds, date);
    g_file_set_contents (meta_path, meta, -1, NULL);
  }

  g_print ("  inbox: built in %.0f s: %u conversations (%u open, %u answered, %u closed), "
           "%u messages, %u contacts\n",
           seconds, report.n_conversations, report.n_open, report.n_answered, report.n_closed,
           report.n_messages, report.n_contacts);

  if (report.n_messages != want_messages)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The inbox has %u messages, %" G_GINT64_FORMAT " were generated",
                   report.n_messages, want_messages);
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* Search */

/* What people type in an inbox search: words, words being typed, two words, order numbers,
 * names, and text in the customers' languages. */
static const char * const search_words[] = {
  "order", "refund", "shipping", "parcel", "tracking", "invoice", "discount", "broken",
  "address", "delivered", "wholesale", "subscription", "password", "mug", "beans", "grinder",
  "decaf", "espresso", "matcha", "gift", "Ljubljana", "Berlin", "Vienna", "Maribor", "Trieste",
  "declined", "charged", "stock", "return", "label", "photo", "Saturday", "VAT", "dishwasher",
  "courier", "warehouse", "replacement", "checkout", "crashes", "Android", "Kenya", "Ethiopia",
  "V60", "SPRING15", "FREESHIP", "naročilo", "narocilo", "dostava", "paket", "vračilo",
  "poškodovan", "zalogi", "račun", "Ljubljano", "poštnino", "سفارش", "ارسال", "تخفیف", "مرجوع",
  "4411", "8791", "1105", "2925", "#6187", "Maja", "Žiga", "Maryam", "Tjaša", "Kenji",
};

static const char * const search_prefixes[] = {
  "ship", "refu", "deliv", "trac", "invo", "disc", "brok", "Ljub", "Mari", "subs", "whole",
  "pass", "espr", "grin", "wareh", "repla", "check", "naro", "dost", "vrač", "pošk", "Kov",
  "or", "de", "sti", "upd", "44", "ممنو",
};

static const char * const search_pairs[] = {
  "order arrived", "refund card", "tracking number", "broken mug", "gift wrapping",
  "discount code", "ship Ljubljana", "delivery address", "bank transfer", "password reset",
  "house blend", "order #4411", "kenya aa", "still nothing", "any update", "sledilna številka",
  "koda popust", "трек номер", "личный кабинет", "кружка разбита", "ground espresso",
  "typo street",
};

static const char * const search_cyrillic[] = {
  "заказ", "доставка", "доставляете", "возврат", "посылка", "промокод", "трек", "спасибо",
  "новости", "Любляну", "зак", "дост", "возв", "посыл", "оплатить", "кружка", "Есть новости",
  "Иван", "Берлин", "списали",
};

typedef struct
{
  const char * const *words;
  guint               n_words;
  guint               n_queries;
} QueryPool;

/* ~200 queries: 40% words, 25% prefixes, 20% two words, 15% Cyrillic, shuffled per pool. */
static GPtrArray *
make_queries (guint64 seed)
{
  const QueryPool pools[] = {
    { search_words, G_N_ELEMENTS (search_words), 80 },
    { search_prefixes, G_N_ELEMENTS (search_prefixes), 50 },
    { search_pairs, G_N_ELEMENTS (search_pairs), 40 },
    { search_cyrillic, G_N_ELEMENTS (search_cyrillic), 30 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);
  GPtrArray *queries = g_ptr_array_new ();

  for (guint p = 0; p < G_N_ELEMENTS (pools); p++)
    {
      g_autofree const char **shuffled = g_memdup2 (pools[p].words,
                                                   pools[p].n_words * sizeof (char *));

      for (guint i = pools[p].n_words - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          const char *tmp = shuffled[i];

          shuffled[i] = shuffled[j];
          shuffled[j] = tmp;
        }

      for (guint i = 0; i < pools[p].n_queries; i++)
        g_ptr_array_add (queries, (gpointer) shuffled[i % pools[p].n_words]);
    }

  return queries;
}

typedef struct
{
  const char *text;
  double      best_ms;
  guint       hits;
} QueryResult;

static int
compare_results (gconstpointer a,
                 gconstpointer b)
{
  const QueryResult *ra = a;
  const QueryResult *rb = b;

  return ra->best_ms < rb->best_ms ? 1 : ra->best_ms > rb->best_ms ? -1 : 0;
}

/* The floor: the same FTS5 terms, straight to SQLite, first matches in any order. */
static gboolean
raw_fts (sqlite3       *db,
         sqlite3_stmt  *stmt,
         const char    *text,
         GError       **error)
{
  g_autofree char *fts = desk_store_fts_query_from_text (text);
  int rc;

  if (fts == NULL)
    return TRUE;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, fts, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return desk_store_set_error_from_sqlite (error, db, rc, "search (baseline)");

  return TRUE;
}

gboolean
bench_search (const BenchOptions  *options,
              const char          *inbox,
              GError             **error)
{
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(GPtrArray) queries = make_queries (options->seed);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) results = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *value = NULL;
  g_autofree char *baseline = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  BenchStats stats, base_stats;
  gint64 n_messages;
  int rc;

  store = desk_store_open (inbox, error);
  if (store == NULL)
    return FALSE;
  db = desk_store_get_db (store);
  n_messages = count (store, "SELECT count(*) FROM messages");
  n_text = bench_count (n_messages);

  subtitle = g_strdup_printf ("desk_store_search_messages (limit %u) over %s messages: %u "
                              "queries (words, prefixes, two words, Cyrillic), 1 warm-up + %u "
                              "timed passes",
                              SEARCH_LIMIT, n_text, queries->len, options->search_passes);
  bench_section ("Search", subtitle);

  rc = sqlite3_prepare_v2 (db, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1"
                               " LIMIT " G_STRINGIFY (SEARCH_LIMIT), -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return desk_store_set_error_from_sqlite (error, db, rc, "prepare the baseline");

  results = g_array_sized_new (FALSE, TRUE, sizeof (QueryResult), queries->len);
  g_array_set_size (results, queries->len);

  for (guint pass = 0; pass <= options->search_passes; pass++)
    {
      for (guint q = 0; q < queries->len; q++)
        {
          const char *text = g_ptr_array_index (queries, q);
          QueryResult *result = &g_array_index (results, QueryResult, q);
          g_autoptr(GArray) hits = NULL;
          gint64 start = g_get_monotonic_time ();
          double ms, base_ms;

          hits = desk_store_search_messages (store, text, SEARCH_LIMIT, error);
          ms = bench_elapsed_ms (start);
          if (hits == NULL)
            goto fail;

          start = g_get_monotonic_time ();
          if (!raw_fts (db, stmt, text, error))
            goto fail;
          base_ms = bench_elapsed_ms (start);

          if (pass == 0)
            {
              result->text = text;
              result->hits = hits->len;
              result->best_ms = G_MAXDOUBLE;
              continue;  /* the warm-up */
            }

          g_array_append_val (base_samples, base_ms);
          g_array_append_val (samples, ms);
          result->best_ms = MIN (result->best_ms, ms);
        }
    }

  sqlite3_finalize (stmt);
  stmt = NULL;

  stats = bench_stats (samples);
  base_stats = bench_stats (base_samples);

  g_print ("  desk_store_search_messages()      p50 %6.2f ms   p95 %6.2f ms   max %6.2f ms"
           "   (%u samples)\n", stats.p50, stats.p95, stats.max, stats.n);
  g_print ("  baseline: raw FTS5 MATCH, no sort p50 %6.2f ms   p95 %6.2f ms   max %6.2f ms\n",
           base_stats.p50, base_stats.p95, base_stats.max);

  g_array_sort (results, compare_results);
  g_print ("  slowest queries (best of %u):", options->search_passes);
  {
    /* The same query appears more than once in the mix: show it once. */
    g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < results->len && g_hash_table_size (shown) < 5; i++)
      {
        QueryResult *result = &g_array_index (results, QueryResult, i);

        if (!g_hash_table_add (shown, (gpointer) result->text))
          continue;
        g_print ("%s“%s” %.1f ms (%u hits)", g_hash_table_size (shown) > 1 ? ", " : " ",
                 result->text, result->best_ms, result->hits);
      }
  }
  g_print ("\n");

  value = g_strdup_printf ("%.2f / %.2f ms", stats.p50, stats.p95);
  baseline = g_strdup_printf ("%.2f / %.2f ms", base_stats.p50, base_stats.p95);
  {
    g_autofree char *figure = g_strdup_printf ("search p50 / p95, %s msgs", n_text);

    bench_summary_add (figure, value, baseline, "p95 ≤ 20 ms",
                       stats.p95 <= 20 ? BENCH_GOAL_MET : BENCH_GOAL_MISSED);
  }

  return TRUE;

fail:
  sqlite3_finalize (stmt);
  return FALSE;
}

/* Filter switches */

typedef struct
{
  const char *label;
  int         status;
  const char *tag;
  gboolean    account;
  const char *network;
  const char *search;
  DeskInboxSort sort;
} Variant;

static const Variant variants[] = {
  { "open, waiting longest (start-up view)", DESK_CONVERSATION_OPEN, NULL, FALSE, NULL, NULL,
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, newest", DESK_CONVERSATION_OPEN, NULL, FALSE, NULL, NULL, DESK_INBOX_SORT_NEWEST },
  { "answered, newest", DESK_CONVERSATION_ANSWERED, NULL, FALSE, NULL, NULL,
    DESK_INBOX_SORT_NEWEST },
  { "closed, newest", DESK_CONVERSATION_CLOSED, NULL, FALSE, NULL, NULL, DESK_INBOX_SORT_NEWEST },
  { "all, newest", -1, NULL, FALSE, NULL, NULL, DESK_INBOX_SORT_NEWEST },
  { "all, waiting longest", -1, NULL, FALSE, NULL, NULL, DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, tag Shipping", DESK_CONVERSATION_OPEN, "Shipping", FALSE, NULL, NULL,
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, tag Refund", DESK_CONVERSATION_OPEN, "Refund", FALSE, NULL, NULL,
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "all, tag VIP, newest", -1, "VIP", FALSE, NULL, NULL, DESK_INBOX_SORT_NEWEST },
  { "open, telegram", DESK_CONVERSATION_OPEN, NULL, FALSE, "telegram", NULL,
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, x", DESK_CONVERSATION_OPEN, NULL, FALSE, "x", NULL, DESK_INBOX_SORT_WAITING_LONGEST },
  { "all, bluesky, newest", -1, NULL, FALSE, "bluesky", NULL, DESK_INBOX_SORT_NEWEST },
  { "open, first account", DESK_CONVERSATION_OPEN, NULL, TRUE, NULL, NULL,
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, tag Urgent, mastodon", DESK_CONVERSATION_OPEN, "Urgent", FALSE, "mastodon", NULL,
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, search “refund”", DESK_CONVERSATION_OPEN, NULL, FALSE, NULL, "refund",
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "all, search “Ljubljana”, newest", -1, NULL, FALSE, NULL, "Ljubljana",
    DESK_INBOX_SORT_NEWEST },
  { "all, search “заказ”", -1, NULL, FALSE, NULL, "заказ", DESK_INBOX_SORT_WAITING_LONGEST },
  { "open, search “4411”", DESK_CONVERSATION_OPEN, NULL, FALSE, NULL, "4411",
    DESK_INBOX_SORT_WAITING_LONGEST },
  { "all, search “Novak” (a name)", -1, NULL, FALSE, NULL, "Novak", DESK_INBOX_SORT_NEWEST },
  { "closed, search “broken mug”", DESK_CONVERSATION_CLOSED, NULL, FALSE, NULL, "broken mug",
    DESK_INBOX_SORT_NEWEST },
  { "all, search “ship” (prefix)", -1, NULL, FALSE, NULL, "ship", DESK_INBOX_SORT_NEWEST },
};

static gint64
tag_id (DeskStore  *store,
        const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  /* The core API has no tag list yet. */
  if (sqlite3_prepare_v2 (desk_store_get_db (store), "SELECT id FROM tags WHERE name = ?1", -1,
                          &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  return id;
}

static gboolean
switch_filter (DeskStore             *store,
               const DeskInboxQuery  *query,
               guint                 *n_matches,
               double                *ms,
               GError               **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 start = g_get_monotonic_time ();
  guint n;

  ids = desk_store_query_conversation_ids (store, query, error);
  if (ids == NULL)
    return FALSE;

  n = MIN (ids->len, FIRST_PAGE);
  rows = desk_store_load_conversations (store, (const gint64 *) (gpointer) ids->data, n, error);
  if (rows == NULL)
    return FALSE;

  *ms = bench_elapsed_ms (start);
  *n_matches = ids->len;

  if (rows->len != n)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "loaded %u rows of %u", rows->len, n);
      return FALSE;
    }

  return TRUE;
}

gboolean
bench_filter (const BenchOptions  *options,
              const char          *inbox,
              GError             **error)
{
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *subtitle = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *value = NULL;
  g_autofree char *baseline = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  BenchStats stats, base_stats;
  gint64 first_account;
  int rc;

  store = desk_store_open (inbox, error);
  if (store == NULL)
    return FALSE;
  db = desk_store_get_db (store);
  n_text = bench_count (count (store, "SELECT count(*) FROM conversations"));

  accounts = desk_store_list_accounts (store, error);
  if (accounts == NULL)
    return FALSE;
  first_account = accounts->len > 0 ? ((DeskAccountInfo *) g_ptr_array_index (accounts, 0))->id
                                     : 0;

  subtitle = g_strdup_printf ("a new DeskInboxQuery → desk_store_query_conversation_ids + "
                              "desk_store_load_conversations (first %u) over %s "
                              "conversations; %u variants, 1 warm-up + %u timed each",
                              FIRST_PAGE, n_text, (guint) G_N_ELEMENTS (variants),
                              options->filter_repeats);
  bench_section ("Filter switch to first page", subtitle);

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      const Variant *variant = &variants[v];
      g_autoptr(GArray) mine = g_array_new (FALSE, FALSE, sizeof (double));
      DeskInboxQuery query = {
        .status = variant->status,
        .tag_id = variant->tag != NULL ? tag_id (store, variant->tag) : 0,
        .account_id = variant->account ? first_account : 0,
        .network = variant->network,
        .search = variant->search,
        .sort = variant->sort,
      };
      BenchStats mine_stats;
      guint n_matches = 0;

      for (guint i = 0; i <= options->filter_repeats; i++)
        {
          double ms;

          if (!switch_filter (store, &query, &n_matches, &ms, error))
            return FALSE;
          if (i == 0)
            continue;  /* the warm-up */
          g_array_append_val (mine, ms);
          g_array_append_val (samples, ms);
        }

      mine_stats = bench_stats (mine);
      {
        g_autofree char *matches = bench_count (n_matches);
        g_autofree char *label = bench_pad (variant->label, 44);

        g_print ("  %s %8s matches   p50 %7.2f ms   p95 %7.2f ms\n", label, matches,
                 mine_stats.p50, mine_stats.p95);
      }
    }

  rc = sqlite3_prepare_v2 (db, "SELECT id FROM conversations LIMIT 50", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return desk_store_set_error_from_sqlite (error, db, rc, "prepare the baseline");

  for (guint i = 0; i <= samples->len; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        ;
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          desk_store_set_error_from_sqlite (error, db, rc, "baseline");
          sqlite3_finalize (stmt);
          return FALSE;
        }
      ms = bench_elapsed_ms (start);
      if (i > 0)
        g_array_append_val (base_samples, ms);
    }
  sqlite3_finalize (stmt);

  stats = bench_stats (samples);
  base_stats = bench_stats (base_samples);
  g_print ("  all variants                                                  p50 %7.2f ms   "
           "p95 %7.2f ms   max %.2f ms\n", stats.p50, stats.p95, stats.max);
  g_print ("  baseline: SELECT id FROM conversations LIMIT 50               p50 %7.3f ms   "
           "p95 %7.3f ms\n", base_stats.p50, base_stats.p95);

  value = g_strdup_printf ("%.2f / %.2f ms", stats.p50, stats.p95);
  baseline = g_strdup_printf ("%.3f / %.3f ms", base_stats.p50, base_stats.p95);
  {
    g_autofree char *figure = g_strdup_printf ("filter switch p50 / p95, %s convs", n_text);

    bench_summary_add (figure, value, baseline, "p95 ≤ 30 ms",
                       stats.p95 <= 30 ? BENCH_GOAL_MET : BENCH_GOAL_MISSED);
  }

  return TRUE;
}
