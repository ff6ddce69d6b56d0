/* desk-canned-picker.h: "/" + letters in a text view opens the canned responses that match
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "desk-canned.h"
#include "desk-store.h"

G_BEGIN_DECLS

/* The tag the picker puts on placeholders it could not fill */
#define DESK_CANNED_PICKER_UNKNOWN_TAG "unknown-placeholder"

#define DESK_TYPE_CANNED_PICKER (desk_canned_picker_get_type ())

G_DECLARE_FINAL_TYPE (DeskCannedPicker, desk_canned_picker, DESK, CANNED_PICKER, GObject)

DeskCannedPicker   *desk_canned_picker_new            (GtkTextView             *view,
                                                       DeskStore               *store);
/* Copies the strings; NULL clears the context */
void                desk_canned_picker_set_context    (DeskCannedPicker        *self,
                                                       const DeskCannedContext *context);
/* Whether text tagged DESK_CANNED_PICKER_UNKNOWN_TAG remains in the buffer (property
 * "has-unknown", notified when it changes). Placeholders inserted by the picker are tagged, and
 * so are those in text set by the program (gtk_text_buffer_set_text() of a saved draft). */
gboolean            desk_canned_picker_has_unknown    (DeskCannedPicker        *self);
/* Selects the first unfilled placeholder after the cursor (or the first one), so that typing
 * replaces it; FALSE if there is none */
gboolean            desk_canned_picker_select_next_unknown (DeskCannedPicker   *self);

/* The popover's state, for the composer and for tests */
gboolean            desk_canned_picker_is_open        (DeskCannedPicker        *self);
void                desk_canned_picker_close          (DeskCannedPicker        *self);
guint               desk_canned_picker_get_n_matches  (DeskCannedPicker        *self);
DeskCannedResponse *desk_canned_picker_get_match      (DeskCannedPicker        *self,
                                                       guint                    position);
guint               desk_canned_picker_get_selected   (DeskCannedPicker        *self);
GtkPopover         *desk_canned_picker_get_popover    (DeskCannedPicker        *self);
/* The library has been read from the store at least once */
gboolean            desk_canned_picker_is_loaded      (DeskCannedPicker        *self);

G_END_DECLS
