/* fake-bluesky.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FakeBluesky FakeBluesky;

typedef enum
{
  FAKE_BLUESKY_FAULT_NONE,
  FAKE_BLUESKY_FAULT_SERVER_ERROR,      /* the next request: 502 */
  FAKE_BLUESKY_FAULT_RATE_LIMIT,        /* the next request: 429 with RateLimit-Reset */
  FAKE_BLUESKY_FAULT_MALFORMED,         /* the next listNotifications: truncated JSON */
  FAKE_BLUESKY_FAULT_EXPIRE_ACCESS,     /* the access token expires now */
  FAKE_BLUESKY_FAULT_REVOKE,            /* the whole session is revoked, for good */
  FAKE_BLUESKY_FAULT_DROP_AFTER_CREATE, /* the next createRecord posts, then the connection breaks */
} FakeBlueskyFault;

FakeBluesky *fake_bluesky_new              (const char       *business_handle,
                                            const char       *password);
void         fake_bluesky_free             (FakeBluesky      *self);
const char  *fake_bluesky_get_url          (FakeBluesky      *self);
const char  *fake_bluesky_get_business_did (FakeBluesky      *self);
const char  *fake_bluesky_add_customer     (FakeBluesky      *self,
                                            const char       *handle,
                                            const char       *display_name);
const char  *fake_bluesky_post             (FakeBluesky      *self,
                                            const char       *author_did,
                                            const char       *parent_uri,
                                            const char       *text,
                                            const char       *reason);
void         fake_bluesky_set_fault        (FakeBluesky      *self,
                                            FakeBlueskyFault  fault);
guint        fake_bluesky_count_posts_by   (FakeBluesky      *self,
                                            const char       *did,
                                            const char       *parent_uri);
char        *fake_bluesky_dup_last_record  (FakeBluesky      *self,
                                            const char       *did);
guint        fake_bluesky_get_requests     (FakeBluesky      *self);
guint        fake_bluesky_count_requests   (FakeBluesky      *self,
                                            const char       *suffix);
char        *fake_bluesky_dup_refresh_token (FakeBluesky     *self);
const char  *fake_bluesky_send_dm          (FakeBluesky      *self,
                                            const char       *customer_did,
                                            const char       *text);
guint        fake_bluesky_count_dms_by     (FakeBluesky      *self,
                                            const char       *did);
void         fake_bluesky_set_dm_access    (FakeBluesky      *self,
                                            gboolean          allowed);
void         fake_bluesky_kill_on          (FakeBluesky      *self,
                                            GPid              pid,
                                            const char       *path_suffix,
                                            guint             nth,
                                            gboolean          after);

G_END_DECLS
