/* desk-window.c: the main window, an inbox of conversations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin by design: it opens the store off the main thread, shows the inbox model in a list view,
 * and shows what went wrong in words when the store cannot be opened.
 */
#define G_LOG_DOMAIN "desk-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desk-account-dialog.h"
#include "desk-inbox-row.h"
#include "desk-providers.h"
#include "desk-sync-engine.h"
#include "desk-telegram-provider.h"
#include "desk-window.h"

struct _DeskWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkListView          *list_view;
  AdwStatusPage        *error_page;
  GtkRevealer          *sign_in_revealer;
  GtkLabel             *sign_in_label;
  GtkRevealer          *sync_error_revealer;
  GtkLabel             *sync_error_label;
  GtkWidget            *remove_webhook_button;

  DeskAccountInfo      *needs_sign_in;   /* the first account that needs signing in again */
  DeskAccountInfo      *sync_failed;     /* the first other account whose last sync failed */

  DeskStore            *store;
  DeskInboxModel       *model;
  DeskSyncEngine       *engine;
  GCancellable         *cancellable;
  gboolean              bench_painted;
};

G_DEFINE_FINAL_TYPE (DeskWindow, desk_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_view (DeskWindow *self)
{
  const char *page;

  if (self->model == NULL)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    page = "inbox";
  else if (desk_inbox_model_get_loading (self->model))
    page = "loading";
  else
    page = "empty";

  gtk_stack_set_visible_child_name (self->stack, page);
}

/* A toast's title is markup in libadwaita 1.2: every toast goes through here, escaped, since
 * messages hold paths, handles and servers' words. @timeout 0 keeps it until dismissed. */
static void
show_toast (DeskWindow *self,
            const char *text,
            guint       timeout)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, timeout);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_model_failed (DeskWindow     *self,
                 const GError   *error,
                 DeskInboxModel *model)
{
  show_toast (self, error->message, 0);
}

static void
show_error (DeskWindow   *self,
            const GError *error)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *text = g_strdup_printf (_("%s\n\nInbox file: %s"), error->message,
                                           desk_application_get_database_path (DESK_APPLICATION (app)));
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  /* The description is markup: the message holds a path, which is the user's text. */
  adw_status_page_set_description (self->error_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "error");
  g_printerr ("frontdesk: %s\n", error->message);
}

static void update_accounts (DeskWindow *self);

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeskWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  self->store = desk_store_open_finish (result, &error);

  if (self->store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  self->model = desk_inbox_model_new (self->store);
  desk_inbox_model_set_status (self->model, DESK_CONVERSATION_OPEN);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_view), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_view), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "failed", G_CALLBACK (on_model_failed), self,
                           G_CONNECT_SWAPPED);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", TRUE);

  g_signal_connect_object (self->store, "accounts-changed", G_CALLBACK (update_accounts), self,
                           G_CONNECT_SWAPPED);
  update_accounts (self);

  /* Background sync: a worker thread per account; FRONTDESK_NO_SYNC=1 turns it off for
   * screenshots and benchmarks. */
  if (g_getenv ("FRONTDESK_NO_SYNC") == NULL)
    self->engine = desk_sync_engine_new (self->store, desk_providers_create);

  update_view (self);
}

/* An account whose session ended shows a bar until the user signs in again. */
static void
accounts_listed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DeskWindow) self = user_data;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  accounts = desk_store_list_accounts_finish (DESK_STORE (object), result, &error);
  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message, 5);
      return;
    }

  if (self->engine != NULL)
    desk_sync_engine_start_accounts (self->engine, accounts);

  g_clear_pointer (&self->needs_sign_in, desk_account_info_free);

  for (guint i = 0; i < accounts->len; i++)
    {
      DeskAccountInfo *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->state, "needs-sign-in") == 0)
        {
          self->needs_sign_in = desk_account_info_copy (account);
          break;
        }
    }

  if (self->needs_sign_in != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The account %s needs signing in again; "
                                                 "its messages are not syncing."),
                                               self->needs_sign_in->handle);
      gtk_label_set_text (self->sign_in_label, text);
    }

  gtk_revealer_set_reveal_child (self->sign_in_revealer, self->needs_sign_in != NULL);

  /* An account whose sync fails says why (the engine's words, as plain text); a webhook can be
   * removed from here. */
  g_clear_pointer (&self->sync_failed, desk_account_info_free);

  for (guint i = 0; i < accounts->len; i++)
    {
      DeskAccountInfo *account = g_ptr_array_index (accounts, i);

      if (account->last_error != NULL && g_strcmp0 (account->state, "ok") == 0)
        {
          self->sync_failed = desk_account_info_copy (account);
          break;
        }
    }

  if (self->sync_failed != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The account %s cannot sync: %s"),
                                               self->sync_failed->handle,
                                               self->sync_failed->last_error);
      gtk_label_set_text (self->sync_error_label, text);
    }

  gtk_widget_set_visible (self->remove_webhook_button,
                          self->sync_failed != NULL &&
                          g_strcmp0 (self->sync_failed->network, "telegram") == 0 &&
                          g_strcmp0 (self->sync_failed->last_error_code, "webhook-set") == 0);
  gtk_revealer_set_reveal_child (self->sync_error_revealer, self->sync_failed != NULL);
}

static void
update_accounts (DeskWindow *self)
{
  desk_store_list_accounts_async (self->store, self->cancellable, accounts_listed_cb,
                                  g_object_ref (self));
}

static void
on_account_added (DeskWindow        *self,
                  gint64             account_id,
                  const char        *handle,
                  DeskAccountDialog *dialog)
{
  g_autofree char *title = g_strdup_printf (_("Signed in as %s"), handle);

  /* The store's accounts-changed starts the new account's worker; one that signed in again
   * has a worker waiting to be woken. */
  if (self->engine != NULL)
    desk_sync_engine_wake (self->engine);

  show_toast (self, title, 5);
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);
  DeskAccountDialog *dialog;

  g_return_if_fail (self->store != NULL);

  dialog = desk_account_dialog_new (GTK_WINDOW (self), self->store);
  if (g_strcmp0 (action_name, "win.sign-in-again") == 0 && self->needs_sign_in != NULL)
    desk_account_dialog_set_account (dialog, self->needs_sign_in->network,
                                     self->needs_sign_in->handle,
                                     self->needs_sign_in->server_url);
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (on_account_added), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_webhook_in_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GError *error = NULL;

  if (desk_telegram_delete_webhook (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
webhook_removed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  DeskWindow *self = DESK_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-webhook", TRUE);

  if (error != NULL)
    {
      show_toast (self, error->message, 5);
      return;
    }

  /* The next pass reads the updates and, once it works, clears the bar. */
  if (self->engine != NULL)
    desk_sync_engine_wake (self->engine);

  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Webhook removed; syncing again")));  /* our own words */
}

/* The bot's webhook sends its messages elsewhere: remove it (in a thread), then sync. */
static void
remove_webhook_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);
  g_autoptr(GTask) task = NULL;

  if (self->sync_failed == NULL || g_strcmp0 (self->sync_failed->network, "telegram") != 0)
    return;

  gtk_widget_action_set_enabled (widget, "win.remove-webhook", FALSE);

  task = g_task_new (self, self->cancellable, webhook_removed_cb, NULL);
  g_task_set_source_tag (task, remove_webhook_action);
  g_task_set_task_data (task, desk_account_info_copy (self->sync_failed),
                        (GDestroyNotify) desk_account_info_free);
  g_task_run_in_thread (task, delete_webhook_in_thread);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (item, GTK_WIDGET (desk_inbox_row_new ()));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  DeskInboxRow *row = DESK_INBOX_ROW (gtk_list_item_get_child (item));

  desk_inbox_row_set_conversation (row, gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  DeskInboxRow *row = DESK_INBOX_ROW (gtk_list_item_get_child (item));

  desk_inbox_row_set_conversation (row, NULL);
}

/* Benchmarks (bench/README.md): with FRONTDESK_BENCH_EXIT_ON_FIRST_FRAME=1, print when the
 * first frame showing loaded conversations was drawn (CLOCK_MONOTONIC µs), the peak RSS and
 * the renderer, then exit at once. */
static void
bench_paint_cb (GdkFrameClock *clock,
                DeskWindow    *self)
{
  self->bench_painted = TRUE;
}

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      DeskWindow    *self)
{
  g_autoptr(DeskConversation) first = NULL;
  g_autofree char *status = NULL;
  const char *hwm;
  long hwm_kb = -1;
  GskRenderer *renderer;
  gboolean painted = self->bench_painted;

  self->bench_painted = FALSE;
  if (!painted || self->model == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "inbox") != 0)
    return;

  first = g_list_model_get_item (G_LIST_MODEL (self->model), 0);
  if (first == NULL || !desk_conversation_get_loaded (first))
    return;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (hwm = strstr (status, "VmHWM:")) != NULL)
    hwm_kb = strtol (hwm + strlen ("VmHWM:"), NULL, 10);
  renderer = gtk_native_get_renderer (GTK_NATIVE (self));

  printf ("frontdesk-bench: first-frame monotonic-us=%" G_GINT64_FORMAT " vmhwm-kb=%ld"
          " renderer=%s\n",
          g_get_monotonic_time (), hwm_kb,
          renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
  fflush (stdout);
  _exit (0);
}

static void
bench_realize_cb (DeskWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  g_signal_connect_object (clock, "paint", G_CALLBACK (bench_paint_cb), self, 0);
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (bench_after_paint_cb), self, 0);
}

static void
desk_window_dispose (GObject *object)
{
  DeskWindow *self = (DeskWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->engine != NULL)
    desk_sync_engine_stop (self->engine);
  g_clear_object (&self->engine);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_pointer (&self->needs_sign_in, desk_account_info_free);
  g_clear_pointer (&self->sync_failed, desk_account_info_free);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_WINDOW);

  G_OBJECT_CLASS (desk_window_parent_class)->dispose (object);
}

static void
desk_window_class_init (DeskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/desk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sync_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sync_error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, remove_webhook_button);
  gtk_widget_class_bind_template_callback (widget_class, setup_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_row);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.remove-webhook", NULL, remove_webhook_action);
}

static void
desk_window_init (DeskWindow *self)
{
  g_type_ensure (DESK_TYPE_INBOX_ROW);

  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", FALSE);

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  if (g_strcmp0 (g_getenv ("FRONTDESK_BENCH_EXIT_ON_FIRST_FRAME"), "1") == 0)
    g_signal_connect (self, "realize", G_CALLBACK (bench_realize_cb), NULL);
}

/**
 * desk_window_new:
 * @application: the application, whose database path the window opens
 *
 * Returns: (transfer full): a window that opens the inbox in the background
 */
DeskWindow *
desk_window_new (DeskApplication *application)
{
  DeskWindow *self;

  g_return_val_if_fail (DESK_IS_APPLICATION (application), NULL);

  self = g_object_new (DESK_TYPE_WINDOW, "application", application, NULL);
  desk_store_open_async (desk_application_get_database_path (application),
                         self->cancellable, store_opened_cb, g_object_ref (self));

  return self;
}

/**
 * desk_window_get_inbox_model:
 *
 * Returns: (transfer none) (nullable): the inbox shown, once the store is open
 */
DeskInboxModel *
desk_window_get_inbox_model (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), NULL);
  return self->model;
}

/**
 * desk_window_get_view_name:
 *
 * Returns: which view the window shows: "loading", "inbox", "empty" or "error"
 */
const char *
desk_window_get_view_name (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
