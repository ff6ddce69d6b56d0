/* desk-notifier.h: desktop notifications for new customer messages and replies due soon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_NOTIFIER (desk_notifier_get_type ())

G_DECLARE_FINAL_TYPE (DeskNotifier, desk_notifier, DESK, NOTIFIER, GObject)

DeskNotifier *desk_notifier_new        (GApplication *app,
                                        DeskStore    *store);
void          desk_notifier_set_window (DeskNotifier *self,
                                        GtkWindow    *window);
gboolean      desk_notifier_get_ready  (DeskNotifier *self);

G_END_DECLS
