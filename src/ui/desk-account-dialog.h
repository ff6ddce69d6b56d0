/* desk-account-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_TYPE_ACCOUNT_DIALOG (desk_account_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DeskAccountDialog, desk_account_dialog, DESK, ACCOUNT_DIALOG, AdwWindow)

DeskAccountDialog *desk_account_dialog_new         (GtkWindow         *parent,
                                                    DeskStore         *store);
void               desk_account_dialog_set_account (DeskAccountDialog *self,
                                                    const char        *network,
                                                    const char        *handle,
                                                    const char        *server);

G_END_DECLS
