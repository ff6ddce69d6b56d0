/* fake-mastodon.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FakeMastodon FakeMastodon;

typedef enum
{
  FAKE_MASTODON_FAULT_NONE,
  FAKE_MASTODON_FAULT_SERVER_ERROR,       /* the next request: 502 */
  FAKE_MASTODON_FAULT_RATE_LIMIT,         /* the next request: 429 with X-RateLimit-Reset */
  FAKE_MASTODON_FAULT_TRUNCATED,          /* the next notifications page: JSON cut short */
  FAKE_MASTODON_FAULT_REVOKE,             /* the token is revoked, for good */
  FAKE_MASTODON_FAULT_FAIL_AFTER_CREATE,  /* the next status is created, then 502 */
} FakeMastodonFault;

typedef enum
{
  FAKE_MASTODON_NOTIFY_NONE,
  FAKE_MASTODON_NOTIFY_MENTION,
  FAKE_MASTODON_NOTIFY_FILTERED,  /* a mention held back by the notification policy */
  FAKE_MASTODON_NOTIFY_FAVOURITE, /* not a mention: Frontdesk must not ask for it */
} FakeMastodonNotify;

typedef enum
{
  FAKE_MASTODON_INSTANCE_V2,      /* /api/v2/instance (Mastodon 4.0 and later), and v1 */
  FAKE_MASTODON_INSTANCE_V1,      /* only /api/v1/instance, with configuration.statuses */
  FAKE_MASTODON_INSTANCE_LEGACY,  /* only /api/v1/instance, with max_toot_chars */
  FAKE_MASTODON_INSTANCE_NONE,    /* neither: 404 */
  FAKE_MASTODON_INSTANCE_DOWN,    /* both fail for now: 503 */
} FakeMastodonInstance;

FakeMastodon *fake_mastodon_new                (const char         *username);
void          fake_mastodon_free               (FakeMastodon       *self);
const char   *fake_mastodon_get_url            (FakeMastodon       *self);
const char   *fake_mastodon_get_business_id    (FakeMastodon       *self);
const char   *fake_mastodon_add_customer       (FakeMastodon       *self,
                                                const char         *acct,
                                                const char         *display_name);
const char   *fake_mastodon_post               (FakeMastodon       *self,
                                                const char         *author_id,
                                                const char         *in_reply_to_id,
                                                const char         *visibility,
                                                const char         *content_html,
                                                FakeMastodonNotify  notify);
void          fake_mastodon_set_fault          (FakeMastodon       *self,
                                                FakeMastodonFault   fault);
void          fake_mastodon_set_approve        (FakeMastodon       *self,
                                                gboolean            approve);
void          fake_mastodon_set_max_characters (FakeMastodon       *self,
                                                guint               max_characters);
void          fake_mastodon_set_limits         (FakeMastodon       *self,
                                                guint               max_characters,
                                                guint               chars_per_url);
void          fake_mastodon_set_instance_api   (FakeMastodon       *self,
                                                FakeMastodonInstance api);
void          fake_mastodon_set_instance_body  (FakeMastodon       *self,
                                                const char         *body);
char         *fake_mastodon_dup_token          (FakeMastodon       *self);
char         *fake_mastodon_dup_last_code      (FakeMastodon       *self);
guint         fake_mastodon_count_statuses_by  (FakeMastodon       *self,
                                                const char         *account_id,
                                                const char         *in_reply_to_id);
char         *fake_mastodon_dup_last_request   (FakeMastodon       *self);
char         *fake_mastodon_dup_last_visibility (FakeMastodon      *self);
guint         fake_mastodon_count_favourites   (FakeMastodon       *self);
guint         fake_mastodon_count_reblogs      (FakeMastodon       *self);
guint         fake_mastodon_count_requests     (FakeMastodon       *self,
                                                const char         *prefix);
void          fake_mastodon_kill_on            (FakeMastodon       *self,
                                                GPid                pid,
                                                const char         *path,
                                                guint               nth,
                                                gboolean            after);

G_END_DECLS
