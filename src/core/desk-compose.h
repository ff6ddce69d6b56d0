/* desk-compose.h: the rules of a reply: length per network, the agent's signature
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Contract shared with the canned-response editor and the composer.)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a URL (http or https) counts on Mastodon and X, whatever its length */
#define DESK_COMPOSE_URL_LENGTH 23

/* The network's maximum for a reply, in its own units; @server_limit is what the server
 * announced (Mastodon's configuration.statuses.max_characters), 0 if unknown. */
guint   desk_compose_get_limit   (const char *network,
                                  guint       server_limit);
/* The length of @text as the network counts it: Bluesky graphemes, Mastodon characters with
 * every URL counted as 23 and a mention by its username only, Telegram UTF-16 code units,
 * X weighted characters. */
guint   desk_compose_get_length  (const char *network,
                                  const char *text);
/* The same, with what a URL counts as the server announced it (Mastodon's
 * configuration.statuses.characters_reserved_per_url); a negative @chars_per_url: not known,
 * the network's own (23). Only Mastodon servers choose it; other networks ignore it. */
guint   desk_compose_get_length_full (const char *network,
                                      const char *text,
                                      int         chars_per_url);
/* @text ending with the signature made from @format ("%s" stands for @initials), added once:
 * text that already ends with it is returned as is. Empty format or initials: unchanged. */
char   *desk_compose_sign        (const char *text,
                                  const char *format,
                                  const char *initials);

/* The signature alone, as @format makes it from @initials; NULL when either is empty */
char   *desk_compose_format_signature (const char *format,
                                       const char *initials);
/* Initials made from a name: "Maja Jurić" → "MJ", "Maja" → "M"; NULL if it has no letter */
char   *desk_compose_initials_from_name (const char *name);
/* The initials an agent signs with: @initials if set (trimmed), else made from @name */
char   *desk_compose_agent_initials (const char *initials,
                                     const char *name);

G_END_DECLS
