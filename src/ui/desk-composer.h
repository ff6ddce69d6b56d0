/* desk-composer.h: writing a reply: the text, its length, the signature, the draft
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "desk-canned-picker.h"
#include "desk-conversation.h"
#include "desk-store.h"

G_BEGIN_DECLS

#define DESK_COMPOSER_ERROR (desk_composer_error_quark ())

/**
 * DeskComposerError:
 * @DESK_COMPOSER_ERROR_NO_CONVERSATION: no conversation is shown, or it is still loading
 * @DESK_COMPOSER_ERROR_EMPTY: there is nothing to send
 * @DESK_COMPOSER_ERROR_TOO_LONG: the signed reply is over the network's limit
 * @DESK_COMPOSER_ERROR_PLACEHOLDERS: a canned response's placeholder is still unfilled
 * @DESK_COMPOSER_ERROR_BUSY: the previous reply is still being stored
 */
typedef enum
{
  DESK_COMPOSER_ERROR_NO_CONVERSATION,
  DESK_COMPOSER_ERROR_EMPTY,
  DESK_COMPOSER_ERROR_TOO_LONG,
  DESK_COMPOSER_ERROR_PLACEHOLDERS,
  DESK_COMPOSER_ERROR_BUSY,
} DeskComposerError;

#define DESK_TYPE_COMPOSER (desk_composer_get_type ())

G_DECLARE_FINAL_TYPE (DeskComposer, desk_composer, DESK, COMPOSER, GtkWidget)

GQuark             desk_composer_error_quark        (void);

GtkWidget         *desk_composer_new                (void);

DeskStore         *desk_composer_get_store          (DeskComposer      *self);
void               desk_composer_set_store          (DeskComposer      *self,
                                                     DeskStore         *store);
DeskConversation  *desk_composer_get_conversation   (DeskComposer      *self);
/* Saves the draft of the conversation shown so far, then restores @conversation's */
void               desk_composer_set_conversation   (DeskComposer      *self,
                                                     DeskConversation  *conversation);

GtkTextView       *desk_composer_get_text_view      (DeskComposer      *self);
/* The canned-response picker on the text view; NULL without a store */
DeskCannedPicker  *desk_composer_get_picker         (DeskComposer      *self);
/* The reply as it would be sent: the text signed once */
char              *desk_composer_get_signed_text    (DeskComposer      *self);
/* "N / LIMIT", counting the signature */
const char        *desk_composer_get_counter_text   (DeskComposer      *self);
gboolean           desk_composer_get_over_limit     (DeskComposer      *self);
gboolean           desk_composer_can_send           (DeskComposer      *self,
                                                     GError           **error);
/* As Ctrl+Enter: starts storing the signed reply in the outbox; FALSE with the reason when it
 * cannot. The text and the draft are cleared once the reply is stored ("queued"); if the
 * store fails, the text stays and the error is shown. */
gboolean           desk_composer_send               (DeskComposer      *self,
                                                     GError           **error);
/* Puts a failed reply back in the composer: the next send retries it with the new text */
void               desk_composer_edit_failed        (DeskComposer      *self,
                                                     gint64             outbox_id,
                                                     const char        *text);
/* Whether draft saves, loads or a send are still under way (for tests) */
gboolean           desk_composer_is_busy            (DeskComposer      *self);
/* The error shown under the text, or NULL */
const char        *desk_composer_get_error_text     (DeskComposer      *self);

G_END_DECLS
