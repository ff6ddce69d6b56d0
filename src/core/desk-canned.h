/* desk-canned.h: canned responses: the team's saved replies, their placeholders, import/export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Contract shared with the composer; the rest of the API is added with the implementation.)
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DeskCannedContext:
 *
 * What placeholders are filled from when a canned response is inserted. Any member may be
 * NULL (its placeholder is then left visible and flagged, like an unknown one).
 */
typedef struct
{
  const char *customer_name;
  const char *customer_handle;
  const char *agent_name;
  const char *agent_initials;
  const char *network;        /* "bluesky", "mastodon", "telegram", "x" */
  const char *account;        /* the business account's handle */
} DeskCannedContext;

G_END_DECLS
