/* desk-account-dialog.c: signing in to a Bluesky account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: it collects the handle, the app password and the server, and runs
 * desk_bluesky_sign_in() in a thread. The password lives in the entry and in that call only.
 */
#define G_LOG_DOMAIN "desk-account-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "desk-account-dialog.h"
#include "desk-bluesky-provider.h"

struct _DeskAccountDialog
{
  AdwWindow     parent_instance;

  AdwEntryRow  *handle_row;
  AdwEntryRow  *password_row;
  AdwEntryRow  *server_row;
  GtkLabel     *error_label;
  GtkButton    *sign_in_button;
  GtkSpinner   *spinner;

  DeskStore    *store;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (DeskAccountDialog, desk_account_dialog, ADW_TYPE_WINDOW)

enum {
  ACCOUNT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char *server;
  char *handle;
  char *password;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_free (data->server);
  g_free (data->handle);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DeskAccountDialog *self = source_object;
  SignIn *data = task_data;
  GError *error = NULL;
  gint64 id;

  id = desk_bluesky_sign_in (self->store, data->server, data->handle, data->password,
                             cancellable, &error);
  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

static void
set_busy (DeskAccountDialog *self,
          gboolean           busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->handle_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DeskAccountDialog *self = DESK_ACCOUNT_DIALOG (object);
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = g_task_propagate_int (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (error != NULL)
    {
      /* Plain text: the message may quote the server. */
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, id,
                 gtk_editable_get_text (GTK_EDITABLE (self->handle_row)));
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_sign_in (DeskAccountDialog *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *server = NULL;
  SignIn *data;
  const char *handle = gtk_editable_get_text (GTK_EDITABLE (self->handle_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  if (handle[0] == '\0' || password[0] == '\0')
    {
      gtk_label_set_text (self->error_label, _("Enter your handle and an app password."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  if (server[0] != '\0' && !g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    {
      char *with_scheme = g_strconcat ("https://", server, NULL);
      g_free (server);
      server = with_scheme;
    }

  data = g_new0 (SignIn, 1);
  data->server = g_steal_pointer (&server);
  data->handle = g_strstrip (g_strdup (handle[0] == '@' ? handle + 1 : handle));
  data->password = g_strstrip (g_strdup (password));

  set_busy (self, TRUE);

  task = g_task_new (self, self->cancellable, sign_in_cb, NULL);
  g_task_set_source_tag (task, on_sign_in);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, sign_in_thread);
}

static gboolean
desk_account_dialog_close_request (GtkWindow *window)
{
  /* Let the entries lose focus before they go, also where no window manager says so. */
  gtk_window_set_focus (window, NULL);

  return GTK_WINDOW_CLASS (desk_account_dialog_parent_class)->close_request (window);
}

static void
desk_account_dialog_dispose (GObject *object)
{
  DeskAccountDialog *self = (DeskAccountDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (desk_account_dialog_parent_class)->dispose (object);
}

static void
desk_account_dialog_class_init (DeskAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_account_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = desk_account_dialog_close_request;

  /**
   * DeskAccountDialog::account-added:
   * @id: the new account's id in the store
   * @handle: its handle, for the user
   */
  signals[ACCOUNT_ADDED] =
    g_signal_new ("account-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/desk-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, handle_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
desk_account_dialog_init (DeskAccountDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * desk_account_dialog_set_account:
 *
 * Prefills the dialog for signing in again to an account whose session ended.
 */
void
desk_account_dialog_set_account (DeskAccountDialog *self,
                                 const char        *handle,
                                 const char        *server)
{
  g_return_if_fail (DESK_IS_ACCOUNT_DIALOG (self));

  gtk_window_set_title (GTK_WINDOW (self), _("Sign In Again"));
  gtk_editable_set_text (GTK_EDITABLE (self->handle_row), handle ? handle : "");
  if (server != NULL && server[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

DeskAccountDialog *
desk_account_dialog_new (GtkWindow *parent,
                         DeskStore *store)
{
  DeskAccountDialog *self;

  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  self = g_object_new (DESK_TYPE_ACCOUNT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->store = g_object_ref (store);

  return self;
}
