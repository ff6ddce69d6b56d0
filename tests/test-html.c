/* test-html.c: Mastodon's HTML as plain text, and counting a status as Mastodon does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "desk-html.h"

static char *
convert (const char  *html,
         GPtrArray  **links)
{
  return desk_html_to_text (html, -1, 64 * 1024, links);
}

static void
assert_text (const char *html,
             const char *expected)
{
  g_autofree char *text = convert (html, NULL);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_paragraphs (void)
{
  assert_text ("<p>Hello</p><p>World</p>", "Hello\n\nWorld");
  assert_text ("<p>one<br>two<br/>three<br />four</p>", "one\ntwo\nthree\nfour");
  assert_text ("<p>  spaced \n  out  </p>", "spaced out");
  assert_text ("", "");
  assert_text ("<p></p>", "");
}

static void
test_mastodon_link (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *text = NULL;

  /* A status as Mastodon formats a mention, a hashtag and a long link. */
  text = convert ("<p><span class=\"h-card\" translate=\"no\"><a href=\"https://shop.example/@shop\" "
                  "class=\"u-url mention\">@<span>shop</span></a></span> my order "
                  "<a href=\"https://shop.example/tags/late\" class=\"mention hashtag\" rel=\"tag\">"
                  "#<span>late</span></a> see <a href=\"https://track.example/parcel?id=1&amp;x=2\" "
                  "rel=\"nofollow noopener\" target=\"_blank\"><span class=\"invisible\">https://</span>"
                  "<span class=\"ellipsis\">track.example/parcel?id=1</span><span class=\"invisible\">"
                  "&amp;x=2</span></a></p>", &links);

  g_assert_cmpstr (text, ==, "@shop my order #late see track.example/parcel?id=1…");
  g_assert_cmpuint (links->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (links, 0), ==, "https://shop.example/@shop");
  g_assert_cmpstr (g_ptr_array_index (links, 2), ==, "https://track.example/parcel?id=1&x=2");
}

static void
test_unsafe_links (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *text = NULL;

  text = convert ("<a href=\"javascript:alert(1)\">a</a> <a href='data:text/html,x'>b</a> "
                  "<a href=https://ok.example/>c</a> <a href=\"https://ok.example/\">again</a>",
                  &links);
  g_assert_cmpstr (text, ==, "a b c again");
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (links, 0), ==, "https://ok.example/");
}

static void
test_nested_unknown (void)
{
  assert_text ("<p><strong>Big <em>sale</em></strong> <blink>now</blink></p>", "Big sale now");
  assert_text ("<div><p>a</p><ul><li>one</li><li>two</li></ul></div>", "a\n\none\n\ntwo");
  assert_text ("<p>x<!-- a <p>comment</p> -->y</p>", "xy");
  assert_text ("<p><span><span>deep</span></span></p></span></span>", "deep");
}

static void
test_entities (void)
{
  assert_text ("Fish &amp; chips &lt;3 &quot;good&quot; &apos;n&apos; &hellip;",
               "Fish & chips <3 \"good\" 'n' …");
  assert_text ("&#233;t&#xE9; &#X1F600; &#128512;", "été 😀 😀");
  /* Unknown or unfinished entities stay as text; invalid code points become U+FFFD. */
  assert_text ("AT&T &bogus; &amp", "AT&T &bogus; &amp");
  assert_text ("&#0;&#xD800;&#99999999999;", "\357\277\275\357\277\275\357\277\275");
  assert_text ("a&#1;b&#x7f;c", "abc");
}

static void
test_script_style (void)
{
  assert_text ("<p>hi<script>alert('<p>x</p>')</script> there</p>", "hi there");
  assert_text ("<STYLE>p { color: red }</STYLE>ok", "ok");
  assert_text ("<script>never closed <p>secret</p>", "");
  assert_text ("a</script>b", "ab");
}

static void
test_markup_stays_text (void)
{
  /* Decoded entities that look like Pango markup are text, never markup. */
  assert_text ("<p>&lt;b&gt;bold&lt;/b&gt; &lt;span foreground=\"red\"&gt;x&lt;/span&gt;</p>",
               "<b>bold</b> <span foreground=\"red\">x</span>");
  /* A bare bracket that starts no tag is text. */
  assert_text ("1 < 2 and 3 <= 4", "1 < 2 and 3 <= 4");
}

static void
test_bidi_kept (void)
{
  /* Bidi overrides are characters of the message: kept, and isolated by the UI. */
  assert_text ("<p>abc&#x202E;def\342\200\256ghi</p>", "abc\342\200\256def\342\200\256ghi");
}

static void
test_malformed (void)
{
  assert_text ("<p>cut <a href=\"https://x.example/", "cut");
  assert_text ("<p>cut <a href=\"https://x.example/\">link", "cut link");
  assert_text ("<p>cut <b", "cut");
  assert_text ("<<<>>>", "<<<>>>");
  assert_text ("<p class=\"a>b\">q</p>", "q");
  assert_text ("</p></p>text", "text");
  assert_text ("bad \377\376 bytes", "bad \357\277\275\357\277\275 bytes");
}

static void
test_bounded (void)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append (html, "<p>é&#x1F600;</p>");

  text = desk_html_to_text (html->str, html->len, 1001, NULL);
  g_assert_cmpuint (strlen (text), <=, 1001);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_str_has_prefix (text, "é😀\n\né😀"));
}

static void
test_count (void)
{
  g_autofree char *long_url = g_strnfill (200, 'a');
  g_autofree char *status = g_strdup_printf ("see https://x.example/%s.", long_url);

  g_assert_cmpuint (desk_html_count_mastodon ("hello", 23), ==, 5);
  /* "see " + 23 + "." */
  g_assert_cmpuint (desk_html_count_mastodon (status, 23), ==, 28);
  /* A mention counts its username part only. */
  g_assert_cmpuint (desk_html_count_mastodon ("@alice@very.long.example.org hi", 23), ==, 9);
  g_assert_cmpuint (desk_html_count_mastodon ("mail me: bob@example.org", 23), ==, 24);
  /* A family emoji is one character, as Mastodon counts grapheme clusters. */
  g_assert_cmpuint (desk_html_count_mastodon ("👨‍👩‍👧", 23), ==, 1);
  g_assert_cmpuint (desk_html_count_mastodon ("https:// x", 23), ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/html/paragraphs", test_paragraphs);
  g_test_add_func ("/html/mastodon-link", test_mastodon_link);
  g_test_add_func ("/html/unsafe-links", test_unsafe_links);
  g_test_add_func ("/html/nested-unknown", test_nested_unknown);
  g_test_add_func ("/html/entities", test_entities);
  g_test_add_func ("/html/script-style", test_script_style);
  g_test_add_func ("/html/markup-stays-text", test_markup_stays_text);
  g_test_add_func ("/html/bidi-kept", test_bidi_kept);
  g_test_add_func ("/html/malformed", test_malformed);
  g_test_add_func ("/html/bounded", test_bounded);
  g_test_add_func ("/html/count", test_count);

  return g_test_run ();
}
