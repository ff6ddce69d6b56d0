/* test-compose.c: reply length per network, the agent's signature, drafts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "desk-compose.h"
#include "desk-store.h"
#include "desk-test-util.h"
#include "desk-text.h"

#define FAMILY "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F\x91\xA6" /* 👨‍👩‍👧‍👦 */
#define GRINNING "\xF0\x9F\x98\x80"                        /* 😀 */
#define FLAG_SI "\xF0\x9F\x87\xB8\xF0\x9F\x87\xAE"         /* 🇸🇮 */
#define KEYCAP_1 "1\xEF\xB8\x8F\xE2\x83\xA3"              /* 1️⃣ */
#define VICTORY_TONE "\xE2\x9C\x8C\xF0\x9F\x8F\xBD"       /* ✌🏽 */
#define E_ACUTE_DECOMPOSED "e\xCC\x81"                   /* e + U+0301 */
#define PERSIAN "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 \xD8\xAF\xD9\x86\xDB\x8C\xD8\xA7" /* سلام دنیا */
#define PERSIAN_HARAKAT "\xD8\xB3\xD9\x8E\xD9\x84\xD8\xA7\xD9\x85" /* سَلام */
#define KONNICHIWA "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF" /* こんにちは */
#define EM_DASH "\xE2\x80\x94"

static char *
repeat (const char *unit,
        guint       n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (out, unit);

  return g_string_free (out, FALSE);
}

/* Limits */

static void
test_limits (void)
{
  g_assert_cmpuint (desk_compose_get_limit ("bluesky", 0), ==, 300);
  g_assert_cmpuint (desk_compose_get_limit ("bluesky", 1000), ==, 300);
  g_assert_cmpuint (desk_compose_get_limit ("mastodon", 0), ==, 500);
  g_assert_cmpuint (desk_compose_get_limit ("mastodon", 5000), ==, 5000);
  g_assert_cmpuint (desk_compose_get_limit ("telegram", 0), ==, 4096);
  g_assert_cmpuint (desk_compose_get_limit ("x", 0), ==, 280);
  g_assert_cmpuint (desk_compose_get_limit ("unheard-of", 0), ==, 0);
  g_assert_cmpuint (desk_compose_get_limit ("unheard-of", 42), ==, 42);
}

/* Bluesky: grapheme clusters */

static void
test_length_bluesky (void)
{
  g_assert_cmpuint (desk_compose_get_length ("bluesky", ""), ==, 0);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", "hello"), ==, 5);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", FAMILY), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", FAMILY FAMILY "!"), ==, 3);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", FLAG_SI), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", KEYCAP_1), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", VICTORY_TONE), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", E_ACUTE_DECOMPOSED), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", PERSIAN), ==, 9);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", PERSIAN_HARAKAT), ==, 4);
  /* Bluesky counts a URL as written */
  g_assert_cmpuint (desk_compose_get_length ("bluesky", "https://example.com/abc"), ==, 23);
  g_assert_cmpuint (desk_compose_get_length ("bluesky", "https://example.com/abcdef"), ==, 26);
  /* Invalid UTF-8 counts nothing rather than crashing */
  g_assert_cmpuint (desk_compose_get_length ("bluesky", "\xFF\xFE"), ==, 0);
}

/* Mastodon: URLs 23, mentions by username, graphemes */

static void
test_length_mastodon (void)
{
  g_assert_cmpuint (desk_compose_get_length ("mastodon", "hello"), ==, 5);
  g_assert_cmpuint (desk_compose_get_length ("mastodon", FAMILY), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("mastodon",
                                             "see https://example.com/a/very/long/path?x=1&y=2 now"),
                    ==, 4 + 23 + 4);
  g_assert_cmpuint (desk_compose_get_length ("mastodon", "http://a.io"), ==, 23);
  /* The full stop ends the sentence, not the link */
  g_assert_cmpuint (desk_compose_get_length ("mastodon", "https://example.com/x."), ==, 24);
  /* A mention @user@domain counts as @user */
  g_assert_cmpuint (desk_compose_get_length ("mastodon", "hi @maja@example.social"), ==, 8);
  g_assert_cmpuint (desk_compose_get_length ("mastodon", "@maja@example.social @ana"), ==, 10);
  /* An address that is not a mention is counted as written */
  g_assert_cmpuint (desk_compose_get_length ("mastodon", "ftp://example.com"), ==, 17);
  /* A URL runs to the next space, whatever its script */
  g_assert_cmpuint (desk_compose_get_length ("mastodon", PERSIAN " https://example.com/" PERSIAN),
                    ==, 9 + 1 + 23 + 5);
}

/* A Mastodon server that reserves its own length for every URL */

static void
test_length_mastodon_per_url (void)
{
  const char *two_links = "see https://example.com/a/very/long/path?x=1 and http://a.io now";

  /* Unknown (negative): Mastodon's 23, as desk_compose_get_length() counts */
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", two_links, -1), ==,
                    desk_compose_get_length ("mastodon", two_links));
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", two_links, -1), ==, 4 + 23 + 5 + 23 + 4);
  /* 30 per URL, however short or long the URL is */
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", two_links, 30), ==, 4 + 30 + 5 + 30 + 4);
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", "http://a.io", 30), ==, 30);
  /* Free links, and the rest counted as before */
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", two_links, 0), ==, 4 + 5 + 4);
  g_assert_cmpuint (desk_compose_get_length_full ("mastodon", "hi @maja@example.social " FAMILY, 30), ==, 10);
  /* Other networks do not let servers choose: X stays at 23, Telegram counts what is written */
  g_assert_cmpuint (desk_compose_get_length_full ("x", "read https://example.com/a/very/long/path now", 30),
                    ==, 5 + 23 + 4);
  g_assert_cmpuint (desk_compose_get_length_full ("telegram", "https://example.com/abcdef", 30), ==, 26);
}

/* Telegram: UTF-16 code units */

static void
test_length_telegram (void)
{
  g_autofree char *full = g_strnfill (4096, 'a');

  g_assert_cmpuint (desk_compose_get_length ("telegram", "hello"), ==, 5);
  g_assert_cmpuint (desk_compose_get_length ("telegram", GRINNING), ==, 2);
  /* four people (2 each) and three joiners (1 each) */
  g_assert_cmpuint (desk_compose_get_length ("telegram", FAMILY), ==, 11);
  g_assert_cmpuint (desk_compose_get_length ("telegram", E_ACUTE_DECOMPOSED), ==, 2);
  g_assert_cmpuint (desk_compose_get_length ("telegram", "\xC3\xA9"), ==, 1);
  g_assert_cmpuint (desk_compose_get_length ("telegram", PERSIAN), ==, 9);
  g_assert_cmpuint (desk_compose_get_length ("telegram", "https://example.com/abcdef"), ==, 26);
  g_assert_cmpuint (desk_compose_get_length ("telegram", full), ==, 4096);
}

/* X: twitter-text's weights */

static void
test_length_x (void)
{
  g_assert_cmpuint (desk_compose_get_length ("x", "hello"), ==, 5);
  g_assert_cmpuint (desk_compose_get_length ("x", KONNICHIWA), ==, 10);
  g_assert_cmpuint (desk_compose_get_length ("x", GRINNING), ==, 2);
  g_assert_cmpuint (desk_compose_get_length ("x", FAMILY), ==, 2);
  g_assert_cmpuint (desk_compose_get_length ("x", FLAG_SI), ==, 2);
  g_assert_cmpuint (desk_compose_get_length ("x", KEYCAP_1), ==, 2);
  g_assert_cmpuint (desk_compose_get_length ("x", VICTORY_TONE), ==, 2);
  /* Normalized first: e + combining acute is é, one character */
  g_assert_cmpuint (desk_compose_get_length ("x", E_ACUTE_DECOMPOSED), ==, 1);
  /* Arabic script lies in the light range */
  g_assert_cmpuint (desk_compose_get_length ("x", PERSIAN), ==, 9);
  /* General punctuation such as the em dash weighs 1 */
  g_assert_cmpuint (desk_compose_get_length ("x", "Thanks " EM_DASH "MJ"), ==, 10);
  g_assert_cmpuint (desk_compose_get_length ("x", "read https://example.com/a/very/long/path now"),
                    ==, 5 + 23 + 4);
  g_assert_cmpuint (desk_compose_get_length ("x", "(https://example.com/x)"), ==, 1 + 23 + 1);
  g_assert_cmpuint (desk_compose_get_length ("x", "https://en.wikipedia.org/wiki/Foo_(bar)"), ==, 23);
}

/* Signing */

static void
test_sign_once (void)
{
  g_autofree char *signed_text = desk_compose_sign ("Thanks!", EM_DASH "%s", "MJ");
  g_autofree char *again = desk_compose_sign (signed_text, EM_DASH "%s", "MJ");
  g_autofree char *spaced = desk_compose_sign ("Thanks! " EM_DASH "MJ  \n", EM_DASH "%s", "MJ");
  g_autofree char *glued = desk_compose_sign ("Thanks!" EM_DASH "MJ", EM_DASH "%s", "MJ");
  g_autofree char *trailing = desk_compose_sign ("Thanks!  \n\n", EM_DASH "%s", "MJ");
  g_autofree char *other = desk_compose_sign ("Thanks! " EM_DASH "AB", EM_DASH "%s", "MJ");

  g_assert_cmpstr (signed_text, ==, "Thanks! " EM_DASH "MJ");
  g_assert_cmpstr (again, ==, signed_text);
  /* Already signed, trailing white space ignored: returned unchanged */
  g_assert_cmpstr (spaced, ==, "Thanks! " EM_DASH "MJ  \n");
  g_assert_cmpstr (glued, ==, "Thanks!" EM_DASH "MJ");
  g_assert_cmpstr (trailing, ==, "Thanks! " EM_DASH "MJ");
  /* Another agent's signature is not ours */
  g_assert_cmpstr (other, ==, "Thanks! " EM_DASH "AB " EM_DASH "MJ");
}

static void
test_sign_multiline (void)
{
  g_autofree char *signed_text = desk_compose_sign ("Hello,\n\nyour parcel left today.\n",
                                                    EM_DASH "%s", "MJ");
  g_autofree char *initials = desk_text_find_initials (signed_text);

  g_assert_cmpstr (signed_text, ==, "Hello,\n\nyour parcel left today.\n" EM_DASH "MJ");
  g_assert_cmpstr (initials, ==, "MJ");
}

static void
test_sign_found_again (void)
{
  static const char *texts[] = { "Thanks!", "Hi\nthere", PERSIAN, FAMILY, "a" };
  static const char *formats[] = { EM_DASH "%s", EM_DASH " %s", "--%s", "\n" EM_DASH "%s" };

  /* What we sign, desk_text_find_initials() recognizes in the business account's replies */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    for (guint j = 0; j < G_N_ELEMENTS (formats); j++)
      {
        g_autofree char *signed_text = desk_compose_sign (texts[i], formats[j], "MJ");
        g_autofree char *twice = desk_compose_sign (signed_text, formats[j], "MJ");
        g_autofree char *initials = desk_text_find_initials (signed_text);

        g_assert_cmpstr (initials, ==, "MJ");
        g_assert_cmpstr (twice, ==, signed_text);
      }
}

static void
test_sign_formats (void)
{
  g_autofree char *none_format = desk_compose_sign ("Thanks!", "", "MJ");
  g_autofree char *null_format = desk_compose_sign ("Thanks!", NULL, "MJ");
  g_autofree char *none_initials = desk_compose_sign ("Thanks!", EM_DASH "%s", "  ");
  g_autofree char *blank = desk_compose_sign ("  \n", EM_DASH "%s", "MJ");
  g_autofree char *empty = desk_compose_sign ("", EM_DASH "%s", "MJ");
  g_autofree char *printf_like = desk_compose_sign ("Thanks!", "%d%n" EM_DASH "%s%s", "MJ");
  g_autofree char *fixed = desk_compose_sign ("Thanks!", "The Shop team", "MJ");
  g_autofree char *newline = desk_compose_sign ("Thanks!", "\n" EM_DASH "%s", "MJ");
  g_autofree char *spaced = desk_compose_sign ("Thanks!", EM_DASH " %s", " MJ ");
  g_autofree char *signature = desk_compose_format_signature (EM_DASH "%s", "MJ");

  g_assert_cmpstr (none_format, ==, "Thanks!");
  g_assert_cmpstr (null_format, ==, "Thanks!");
  g_assert_cmpstr (none_initials, ==, "Thanks!");
  g_assert_cmpstr (blank, ==, "  \n");
  g_assert_cmpstr (empty, ==, "");
  /* The format is never a printf format */
  g_assert_cmpstr (printf_like, ==, "Thanks! %d%n" EM_DASH "MJMJ");
  g_assert_cmpstr (fixed, ==, "Thanks! The Shop team");
  g_assert_cmpstr (newline, ==, "Thanks!\n" EM_DASH "MJ");
  g_assert_cmpstr (spaced, ==, "Thanks! " EM_DASH " MJ");
  g_assert_cmpstr (signature, ==, EM_DASH "MJ");
  g_assert_null (desk_compose_format_signature ("", "MJ"));
  g_assert_null (desk_compose_format_signature (EM_DASH "%s", ""));
}

/* The limit holds with the signature counted: exactly at it, and one over */

static void
assert_signed_length (const char *network,
                      const char *text,
                      guint       expected,
                      gboolean    fits)
{
  g_autofree char *signed_text = desk_compose_sign (text, EM_DASH "%s", "MJ");
  guint length = desk_compose_get_length (network, signed_text);

  g_assert_cmpuint (length, ==, expected);
  if (fits)
    g_assert_cmpuint (length, <=, desk_compose_get_limit (network, 0));
  else
    g_assert_cmpuint (length, >, desk_compose_get_limit (network, 0));
}

static void
test_boundary_with_signature (void)
{
  g_autofree char *bluesky_at = repeat (FAMILY, 296);
  g_autofree char *bluesky_over = repeat (FAMILY, 297);
  g_autofree char *mastodon_at = g_strnfill (496, 'a');
  g_autofree char *mastodon_over = g_strnfill (497, 'a');
  g_autofree char *mastodon_url = NULL;
  g_autofree char *telegram_at = g_strnfill (4092, 'a');
  g_autofree char *telegram_over = g_strconcat (telegram_at, GRINNING, NULL);
  g_autofree char *x_at = repeat (KONNICHIWA, 27);      /* 135 characters: 270 */
  g_autofree char *x_at_full = g_strconcat (x_at, "abcdef", NULL);  /* 276 */
  g_autofree char *x_over = g_strconcat (x_at, "abcdefg", NULL);    /* 277 */
  g_autofree char *x_emoji_at = repeat (FAMILY, 138);   /* 276 */
  g_autofree char *x_emoji_over = repeat (FAMILY, 139); /* 278 */
  g_autofree char *filler = g_strnfill (472, 'a');

  /* " —MJ" is 4 in every network's units */
  assert_signed_length ("bluesky", bluesky_at, 300, TRUE);
  assert_signed_length ("bluesky", bluesky_over, 301, FALSE);
  assert_signed_length ("mastodon", mastodon_at, 500, TRUE);
  assert_signed_length ("mastodon", mastodon_over, 501, FALSE);
  /* 472 + 1 + 23 + 4 */
  mastodon_url = g_strconcat (filler, " https://example.com/a/long/path/that/counts/23", NULL);
  assert_signed_length ("mastodon", mastodon_url, 500, TRUE);
  assert_signed_length ("telegram", telegram_at, 4096, TRUE);
  assert_signed_length ("telegram", telegram_over, 4098, FALSE);
  assert_signed_length ("x", x_at_full, 280, TRUE);
  assert_signed_length ("x", x_over, 281, FALSE);
  assert_signed_length ("x", x_emoji_at, 280, TRUE);
  assert_signed_length ("x", x_emoji_over, 282, FALSE);
}

/* Initials */

static void
test_initials (void)
{
  static const struct { const char *name; const char *initials; } cases[] = {
    { "Maja Jurić", "MJ" },
    { "maja jurić", "MJ" },
    { "Maja", "M" },
    { "Jean-Luc Picard", "JLP" },
    { "  Ana  ", "A" },
    { "Ana María de la Cruz", "AC" },
    { "Émile Zola", "ÉZ" },
    { "Siobhán O'Neil", "SO" },
    { "Ж Щ", "ЖЩ" },
    { "", NULL },
    { "  42 ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *initials = desk_compose_initials_from_name (cases[i].name);

      g_assert_cmpstr (initials, ==, cases[i].initials);
    }

  g_assert_null (desk_compose_initials_from_name (NULL));

  {
    g_autofree char *set = desk_compose_agent_initials (" MJ ", "Ana Horvat");
    g_autofree char *derived = desk_compose_agent_initials ("", "Maja Jurić");
    g_autofree char *blank = desk_compose_agent_initials ("  ", NULL);

    g_assert_cmpstr (set, ==, "MJ");
    g_assert_cmpstr (derived, ==, "MJ");
    g_assert_null (blank);
  }
}

/* Drafts */

static gint64
add_conversation (DeskStore  *store,
                  const char *network,
                  const char *thread)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
  g_autoptr(GError) error = NULL;
  gint64 account = desk_test_add_account (store, network);

  g_ptr_array_add (batch, desk_test_message (thread, thread, DESK_DIRECTION_IN, 1000, "Hello?"));
  g_assert_true (desk_store_ingest (store, account, batch, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return desk_test_conversation_id (store, thread);
}

static void
test_drafts (void)
{
  g_autofree char *path = desk_test_tmp_path ("drafts.db");
  g_autoptr(DeskStore) store = desk_test_store_new_at (path);
  g_autoptr(GError) error = NULL;
  gint64 conversation = add_conversation (store, "bluesky", "t1");
  gint64 other = add_conversation (store, "bluesky", "t2");
  gboolean is_dm = TRUE;
  char *draft;

  /* None yet */
  draft = desk_store_get_draft (store, conversation, &is_dm, &error);
  g_assert_no_error (error);
  g_assert_null (draft);
  g_assert_false (is_dm);

  /* Save, replace */
  g_assert_true (desk_store_save_draft (store, conversation, "Hel", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (desk_store_save_draft (store, conversation, "Hello " FAMILY, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (desk_store_save_draft (store, other, "Other", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_test_store_count (store, "drafts"), ==, 2);

  draft = desk_store_get_draft (store, conversation, &is_dm, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft, ==, "Hello " FAMILY);
  g_assert_true (is_dm);
  g_free (draft);

  /* Survives closing and reopening the file */
  desk_store_close (store);
  g_clear_object (&store);
  store = desk_test_store_new_at (path);

  draft = desk_store_get_draft (store, conversation, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft, ==, "Hello " FAMILY);
  g_free (draft);

  /* Empty deletes; NULL too */
  g_assert_true (desk_store_save_draft (store, conversation, "", FALSE, &error));
  g_assert_no_error (error);
  draft = desk_store_get_draft (store, conversation, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (draft);
  g_assert_true (desk_store_save_draft (store, other, NULL, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_test_store_count (store, "drafts"), ==, 0);

  /* Deleting what is not there is fine; saving for no conversation is not */
  g_assert_true (desk_store_save_draft (store, 999999, "", FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (desk_store_save_draft (store, 999999, "Lost?", FALSE, &error));
  g_assert_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A closed store says so: the caller keeps the text */
  desk_store_close (store);
  g_assert_false (desk_store_save_draft (store, conversation, "Keep me", FALSE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

static void
test_drafts_cascade (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  gint64 conversation = add_conversation (store, "bluesky", "t1");
  gint64 account = desk_test_store_query_int (store, "SELECT account_id FROM conversations");

  g_assert_true (desk_store_save_draft (store, conversation, "Bye", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (desk_store_remove_account (store, account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (desk_test_store_count (store, "drafts"), ==, 0);
}

/* Queuing a reply drops its draft in the same transaction: never both a draft and a reply */
static void
test_drafts_queue (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *draft = NULL;
  gint64 conversation = add_conversation (store, "bluesky", "t1");
  gint64 other = add_conversation (store, "bluesky", "t2");

  g_assert_true (desk_store_save_draft (store, conversation, "On its way —MJ", FALSE, &error));
  g_assert_true (desk_store_save_draft (store, other, "Later", FALSE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (desk_store_queue_reply (store, conversation, "On its way —MJ", "MJ", &error), >, 0);
  g_assert_no_error (error);
  draft = desk_store_get_draft (store, conversation, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (draft);
  g_assert_cmpint (desk_test_store_count (store, "drafts"), ==, 1);   /* the other one stays */
  g_assert_cmpint (desk_test_store_count (store, "outbox"), ==, 1);
}

/* The conversation's replies not yet posted */

static void
test_list_unsent (void)
{
  g_autoptr(DeskStore) store = desk_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) unsent = NULL;
  gint64 conversation = add_conversation (store, "bluesky", "t1");
  gint64 first, second, third;
  DeskOutboxEntry *entry;

  first = desk_store_queue_reply (store, conversation, "One " EM_DASH "MJ", "MJ", &error);
  g_assert_no_error (error);
  second = desk_store_queue_reply (store, conversation, "Two " EM_DASH "AB", "AB", &error);
  g_assert_no_error (error);
  third = desk_store_queue_reply (store, conversation, "Three", NULL, &error);
  g_assert_no_error (error);

  g_assert_true (desk_store_outbox_begin_attempt (store, second, &error));
  g_assert_true (desk_store_outbox_failed (store, second, DESK_OUTBOX_FAILED, "Refused", &error));
  g_assert_true (desk_store_outbox_begin_attempt (store, third, &error));
  g_assert_true (desk_store_outbox_sent (store, third, "remote-3", &error));
  g_assert_no_error (error);

  unsent = desk_store_list_unsent (store, conversation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unsent->len, ==, 2);

  entry = g_ptr_array_index (unsent, 0);
  g_assert_cmpint (entry->id, ==, first);
  g_assert_cmpint (entry->state, ==, DESK_OUTBOX_QUEUED);
  g_assert_cmpstr (entry->body, ==, "One " EM_DASH "MJ");
  g_assert_cmpstr (entry->agent_initials, ==, "MJ");
  g_assert_null (entry->last_error);

  entry = g_ptr_array_index (unsent, 1);
  g_assert_cmpint (entry->id, ==, second);
  g_assert_cmpint (entry->state, ==, DESK_OUTBOX_FAILED);
  g_assert_cmpstr (entry->last_error, ==, "Refused");

  {
    g_autoptr(DeskOutboxEntry) copy = desk_outbox_entry_copy (entry);

    g_assert_cmpstr (copy->body, ==, entry->body);
    g_assert_true (copy->body != entry->body);
  }
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/compose/limits", test_limits);
  g_test_add_func ("/compose/length/bluesky", test_length_bluesky);
  g_test_add_func ("/compose/length/mastodon", test_length_mastodon);
  g_test_add_func ("/compose/length/mastodon-per-url", test_length_mastodon_per_url);
  g_test_add_func ("/compose/length/telegram", test_length_telegram);
  g_test_add_func ("/compose/length/x", test_length_x);
  g_test_add_func ("/compose/sign/once", test_sign_once);
  g_test_add_func ("/compose/sign/multiline", test_sign_multiline);
  g_test_add_func ("/compose/sign/found-again", test_sign_found_again);
  g_test_add_func ("/compose/sign/formats", test_sign_formats);
  g_test_add_func ("/compose/boundary-with-signature", test_boundary_with_signature);
  g_test_add_func ("/compose/initials", test_initials);
  g_test_add_func ("/compose/drafts/save-replace-delete", test_drafts);
  g_test_add_func ("/compose/drafts/cascade", test_drafts_cascade);
  g_test_add_func ("/compose/drafts/queue", test_drafts_queue);
  g_test_add_func ("/compose/outbox/unsent", test_list_unsent);

  return g_test_run ();
}
