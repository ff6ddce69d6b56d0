/* desk-synth.h: realistic synthetic inbox data, for benchmarks and screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "desk-store.h"

G_BEGIN_DECLS

/* Bump when the generated data changes, so cached inboxes are rebuilt. */
#define DESK_SYNTH_VERSION 2

typedef struct _DeskSynth DeskSynth;

/**
 * DeskSynthBatch:
 * @account: index of the account, see desk_synth_get_account()
 * @messages: (element-type DeskMessage): oldest first, as one sync request returns them
 * @cursor: the position a sync would store with the batch
 */
typedef struct
{
  guint      account;
  GPtrArray *messages;
  char      *cursor;
} DeskSynthBatch;

/* What desk_synth_fill() did. */
typedef struct
{
  guint   n_accounts;
  guint   n_tags;
  guint   n_contacts;
  guint   n_conversations;
  guint   n_dms;
  guint   n_messages;
  guint   n_batches;
  guint   n_open;
  guint   n_answered;
  guint   n_closed;
  guint   n_tag_links;
  guint   n_status_changes;
  gint64  oldest;
  gint64  newest;
} DeskSynthReport;

typedef void (*DeskSynthProgress) (guint    done,
                                   guint    total,
                                   gpointer user_data);

DeskSynth             *desk_synth_new               (guint64              seed,
                                                     gint64               now,
                                                     guint                per_conversation);
void                   desk_synth_free              (DeskSynth           *self);

guint                  desk_synth_get_n_accounts    (DeskSynth           *self);
const DeskAccountInfo *desk_synth_get_account       (DeskSynth           *self,
                                                     guint                index);

GPtrArray             *desk_synth_generate_batches  (DeskSynth           *self,
                                                     guint                n_messages,
                                                     guint                batch_size);
void                   desk_synth_batch_free        (DeskSynthBatch      *batch);

gboolean               desk_synth_fill              (DeskSynth           *self,
                                                     DeskStore           *store,
                                                     guint                n_conversations,
                                                     guint                batch_size,
                                                     DeskSynthProgress    progress,
                                                     gpointer             user_data,
                                                     DeskSynthReport     *report,
                                                     GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeskSynth, desk_synth_free)

G_END_DECLS
