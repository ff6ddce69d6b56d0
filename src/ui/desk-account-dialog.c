/* desk-account-dialog.c: adding an account on any network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: it collects what the network's sign-in needs and runs the provider's sign-in in a
 * thread: Bluesky (handle and app password), Telegram (a bot token), Mastodon (the server, then
 * the browser: the code comes back to a loopback listener, or is pasted). Secrets live in the
 * entries and in those calls only.
 */
#define G_LOG_DOMAIN "desk-account-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "desk-account-dialog.h"
#include "desk-bluesky-provider.h"
#include "desk-mastodon-provider.h"
#include "desk-telegram-provider.h"

typedef enum
{
  NETWORK_BLUESKY,
  NETWORK_MASTODON,
  NETWORK_TELEGRAM,
} Network;

static const char * const default_servers[] = {
  [NETWORK_BLUESKY] = "https://bsky.social",
  [NETWORK_MASTODON] = "",
  [NETWORK_TELEGRAM] = "https://api.telegram.org",
};

struct _DeskAccountDialog
{
  AdwWindow             parent_instance;

  AdwPreferencesGroup  *group;
  AdwComboRow          *network_row;
  AdwEntryRow          *handle_row;
  AdwEntryRow          *password_row;
  AdwEntryRow          *token_row;
  AdwEntryRow          *server_row;
  AdwEntryRow          *code_row;
  GtkLabel             *browser_label;
  GtkLabel             *error_label;
  GtkButton            *sign_in_button;
  GtkSpinner           *spinner;

  DeskStore            *store;
  GCancellable         *cancellable;
  DeskMastodonSignIn   *mastodon;        /* between opening the browser and getting the code */
  GCancellable         *wait_cancellable;
};

G_DEFINE_FINAL_TYPE (DeskAccountDialog, desk_account_dialog, ADW_TYPE_WINDOW)

enum {
  ACCOUNT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  Network             network;
  char               *server;
  char               *handle;
  char               *password;    /* app password, bot token, or Mastodon's code */
  DeskMastodonSignIn *mastodon;    /* owned by the dialog, which the task keeps alive */
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
  gint64 id = 0;

  switch (data->network)
    {
    case NETWORK_BLUESKY:
      id = desk_bluesky_sign_in (self->store, data->server, data->handle, data->password,
                                 cancellable, &error);
      break;

    case NETWORK_TELEGRAM:
      id = desk_telegram_sign_in (self->store, data->server, data->password, cancellable, &error);
      break;

    case NETWORK_MASTODON:
      id = desk_mastodon_finish_sign_in (self->store, data->mastodon, data->password,
                                         cancellable, &error);
      break;

    default:
      g_assert_not_reached ();
    }

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
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy && self->mastodon == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->network_row), !busy && self->mastodon == NULL);
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
show_error (DeskAccountDialog *self,
            const char        *message)
{
  /* Plain text: the message may quote the server. */
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static Network
get_network (DeskAccountDialog *self)
{
  return (Network) MIN (adw_combo_row_get_selected (self->network_row), NETWORK_TELEGRAM);
}

static char *
get_server (DeskAccountDialog *self)
{
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  if (server[0] != '\0' && !g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    return g_strconcat ("https://", server, NULL);

  return g_steal_pointer (&server);
}

static void
run_sign_in (DeskAccountDialog *self,
             SignIn            *data)
{
  g_autoptr(GTask) task = NULL;

  set_busy (self, TRUE);

  task = g_task_new (self, self->cancellable, sign_in_cb, NULL);
  g_task_set_source_tag (task, run_sign_in);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, sign_in_thread);
}

static void
finish_mastodon (DeskAccountDialog *self,
                 const char        *code)
{
  SignIn *data = g_new0 (SignIn, 1);

  g_cancellable_cancel (self->wait_cancellable);
  data->network = NETWORK_MASTODON;
  data->password = g_strstrip (g_strdup (code));
  data->mastodon = self->mastodon;
  run_sign_in (self, data);
}

/* Mastodon, second step: the browser sends the code back to the loopback listener. */
static void
wait_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DeskAccountDialog *self = source_object;
  GError *error = NULL;
  char *code;

  code = desk_mastodon_sign_in_wait_for_code (self->mastodon, 15 * 60, cancellable, &error);
  if (code == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, code, g_free);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  DeskAccountDialog *self = DESK_ACCOUNT_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = g_task_propagate_pointer (G_TASK (result), &error);

  if (code != NULL)
    finish_mastodon (self, code);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
}

static void
browser_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DeskAccountDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  /* No browser: the address is on screen to open by hand, and the code can be pasted. */
  if (!gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    g_debug ("Could not open a browser: %s", error->message);
}

static void
begin_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *server = task_data;
  GError *error = NULL;
  DeskMastodonSignIn *sign_in;

  sign_in = desk_mastodon_begin_sign_in (server, TRUE, cancellable, &error);
  if (sign_in == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sign_in, (GDestroyNotify) desk_mastodon_sign_in_free);
}

static void
begin_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DeskAccountDialog *self = DESK_ACCOUNT_DIALOG (object);
  g_autoptr(GTask) wait = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  DeskMastodonSignIn *sign_in = g_task_propagate_pointer (G_TASK (result), &error);
  const char *url;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (sign_in == NULL)
    {
      show_error (self, error->message);
      return;
    }

  self->mastodon = sign_in;
  set_busy (self, FALSE);
  url = desk_mastodon_sign_in_get_authorize_url (sign_in);

  text = g_strdup_printf (_("Approve Frontdesk in the browser; it comes back here by itself. "
                            "If no browser opened, open this address, then paste the code "
                            "it shows below:\n%s"), url);
  gtk_label_set_text (self->browser_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->browser_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), TRUE);
  gtk_button_set_label (self->sign_in_button, _("_Use Code"));

  gtk_show_uri_full (GTK_WINDOW (self), url, GDK_CURRENT_TIME, self->cancellable,
                     browser_opened_cb, g_object_ref (self));

  if (desk_mastodon_sign_in_uses_loopback (sign_in))
    {
      self->wait_cancellable = g_cancellable_new ();
      wait = g_task_new (self, self->wait_cancellable, wait_cb, NULL);
      g_task_set_source_tag (wait, begin_cb);
      g_task_run_in_thread (wait, wait_thread);
    }
}

static void
on_sign_in (DeskAccountDialog *self)
{
  const char *handle = gtk_editable_get_text (GTK_EDITABLE (self->handle_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  g_autofree char *server = get_server (self);
  SignIn *data;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  switch (get_network (self))
    {
    case NETWORK_BLUESKY:
      if (handle[0] == '\0' || password[0] == '\0')
        {
          show_error (self, _("Enter your handle and an app password."));
          return;
        }
      data = g_new0 (SignIn, 1);
      data->network = NETWORK_BLUESKY;
      data->server = g_steal_pointer (&server);
      data->handle = g_strstrip (g_strdup (handle[0] == '@' ? handle + 1 : handle));
      data->password = g_strstrip (g_strdup (password));
      run_sign_in (self, data);
      break;

    case NETWORK_TELEGRAM:
      if (token[0] == '\0')
        {
          show_error (self, _("Enter the bot’s token from BotFather."));
          return;
        }
      data = g_new0 (SignIn, 1);
      data->network = NETWORK_TELEGRAM;
      data->server = g_steal_pointer (&server);
      data->password = g_strstrip (g_strdup (token));
      run_sign_in (self, data);
      break;

    case NETWORK_MASTODON:
      if (self->mastodon != NULL)
        {
          if (code[0] == '\0')
            {
              show_error (self, _("Approve Frontdesk in the browser, or paste the code it shows."));
              return;
            }
          finish_mastodon (self, code);
          return;
        }
      if (server[0] == '\0')
        {
          show_error (self, _("Enter your Mastodon server, for example mastodon.social."));
          return;
        }
      {
        g_autoptr(GTask) task = g_task_new (self, self->cancellable, begin_cb, NULL);

        set_busy (self, TRUE);
        g_task_set_source_tag (task, on_sign_in);
        g_task_set_task_data (task, g_steal_pointer (&server), g_free);
        g_task_run_in_thread (task, begin_thread);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The rows each network needs, and what to tell the user about it. */
static void
on_network_changed (DeskAccountDialog *self)
{
  Network network = get_network (self);
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  static const char *descriptions[] = {
    [NETWORK_BLUESKY] = N_("Use an app password, never your main password: create one in "
                           "Bluesky under Settings → Privacy and Security → App Passwords. Allow "
                           "access to direct messages to answer them here. The app password is not "
                           "kept; Frontdesk keeps its session in your keyring."),
    [NETWORK_MASTODON] = N_("Frontdesk opens your server’s sign-in page in the browser; approve "
                            "it there. Your password never passes through Frontdesk, and the access "
                            "it is given is kept in your keyring."),
    [NETWORK_TELEGRAM] = N_("Create a bot with @BotFather in Telegram and paste its token here. "
                            "Customers write to the bot; in groups it sees messages that mention "
                            "it or answer it. The token is kept in your keyring."),
  };

  gtk_widget_set_visible (GTK_WIDGET (self->handle_row), network == NETWORK_BLUESKY);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), network == NETWORK_BLUESKY);
  gtk_widget_set_visible (GTK_WIDGET (self->token_row), network == NETWORK_TELEGRAM);
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), network == NETWORK_MASTODON && self->mastodon != NULL);
  adw_preferences_group_set_description (self->group, _(descriptions[network]));

  /* Keep a server the user typed; replace another network's default. */
  for (guint i = 0; i < G_N_ELEMENTS (default_servers); i++)
    if (server[0] == '\0' || g_strcmp0 (server, default_servers[i]) == 0)
      {
        gtk_editable_set_text (GTK_EDITABLE (self->server_row), default_servers[network]);
        break;
      }
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
  g_cancellable_cancel (self->wait_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->wait_cancellable);
  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (desk_account_dialog_parent_class)->dispose (object);
}

static void
desk_account_dialog_finalize (GObject *object)
{
  DeskAccountDialog *self = (DeskAccountDialog *)object;

  /* Here, not in dispose: a thread waiting for the code uses it until its task ends, and the
   * task keeps the dialog alive until then. */
  g_clear_pointer (&self->mastodon, desk_mastodon_sign_in_free);

  G_OBJECT_CLASS (desk_account_dialog_parent_class)->finalize (object);
}

static void
desk_account_dialog_class_init (DeskAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_account_dialog_dispose;
  object_class->finalize = desk_account_dialog_finalize;
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
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, group);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, network_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, browser_label);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, handle_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, DeskAccountDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in);
  gtk_widget_class_bind_template_callback (widget_class, on_network_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
desk_account_dialog_init (DeskAccountDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  on_network_changed (self);
}

/**
 * desk_account_dialog_set_account:
 *
 * Prefills the dialog for signing in again to an account whose session ended.
 */
void
desk_account_dialog_set_account (DeskAccountDialog *self,
                                 const char        *network,
                                 const char        *handle,
                                 const char        *server)
{
  g_return_if_fail (DESK_IS_ACCOUNT_DIALOG (self));

  if (g_strcmp0 (network, "mastodon") == 0)
    adw_combo_row_set_selected (self->network_row, NETWORK_MASTODON);
  else if (g_strcmp0 (network, "telegram") == 0)
    adw_combo_row_set_selected (self->network_row, NETWORK_TELEGRAM);
  else
    adw_combo_row_set_selected (self->network_row, NETWORK_BLUESKY);

  gtk_window_set_title (GTK_WINDOW (self), _("Sign In Again"));
  gtk_editable_set_text (GTK_EDITABLE (self->handle_row), handle ? handle : "");
  if (server != NULL && server[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_widget_grab_focus (GTK_WIDGET (g_strcmp0 (network, "telegram") == 0 ? self->token_row
                                                                            : self->password_row));
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
