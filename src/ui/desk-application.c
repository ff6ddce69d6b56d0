/* desk-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-application.h"
#include "desk-providers.h"
#include "desk-sync-engine.h"
#include "desk-window.h"

struct _DeskApplication
{
  AdwApplication  parent_instance;

  char           *database_path;
};

G_DEFINE_FINAL_TYPE (DeskApplication, desk_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the inbox database at PATH instead of the default one"), N_("PATH") },
  { "sync-once", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Sync every account once, without a window, and quit"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
  { NULL }
};

DeskApplication *
desk_application_new (const char        *application_id,
                      GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (DESK_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * desk_application_get_database_path:
 *
 * Returns: the inbox file this instance opens: the --database option, or the default
 */
const char *
desk_application_get_database_path (DeskApplication *self)
{
  g_return_val_if_fail (DESK_IS_APPLICATION (self), NULL);

  if (self->database_path == NULL)
    self->database_path = desk_store_default_path ();

  return self->database_path;
}

/* `frontdesk --sync-once`: one pass over every account, progress and errors on stderr.
 * Exit status 0 when every account synced, 1 when one failed, 2 when the inbox cannot open. */
static int
sync_once (DeskApplication *self)
{
  g_autoptr(DeskStore) store = NULL;
  g_autoptr(DeskSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  DeskSyncStats stats;
  gboolean ok;

  store = desk_store_open (desk_application_get_database_path (self), &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk: %s\n", error->message);
      return 2;
    }

  engine = desk_sync_engine_new (store, desk_providers_create);
  desk_sync_engine_set_verbose (engine, TRUE);
  ok = desk_sync_engine_run_once (engine, &stats, NULL, &error);

  /* A machine-readable summary for scripts and logs; the errors above are the words. */
  g_printerr ("frontdesk: sync: accounts=%u failed=%u new-messages=%u replies-sent=%u "
              "replies-failed=%u requests=%u\n",
              stats.accounts - stats.accounts_failed, stats.accounts_failed,
              stats.messages_added, stats.replies_sent, stats.replies_failed, stats.requests);

  return ok ? 0 : 1;
}

static int
desk_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  DeskApplication *self = DESK_APPLICATION (app);
  const char *path = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "Frontdesk", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "database", "^&ay", &path))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      g_free (self->database_path);
      self->database_path = g_file_get_path (file);
    }

  if (g_variant_dict_contains (options, "sync-once"))
    return sync_once (self);

  return G_APPLICATION_CLASS (desk_application_parent_class)->handle_local_options (app, options);
}

static void
desk_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (desk_window_new (DESK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
desk_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  static const char *developers[] = { "The Frontdesk developers", NULL };
  DeskApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Frontdesk"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Frontdesk developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Answer your customers on every social network from one inbox"),
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
desk_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* From a notification: show that conversation */
static void
desk_application_show_conversation_action (GSimpleAction *action,
                                           GVariant      *parameter,
                                           gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (app);
  if (DESK_IS_WINDOW (window))
    desk_window_show_conversation (DESK_WINDOW (window), g_variant_get_int64 (parameter));
}

static const GActionEntry app_actions[] = {
  { "about", desk_application_about_action },
  { "quit", desk_application_quit_action },
  { "show-conversation", desk_application_show_conversation_action, "x" },
};

static void
desk_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<primary>q", NULL };
  static const char *close_accels[] = { "<primary>w", NULL };
  static const struct { const char *action; const char *accels[3]; } window_accels[] = {
    { "win.search", { "<primary>f", NULL } },
    { "win.view::open", { "<primary>1", NULL } },
    { "win.view::waiting", { "<primary>2", NULL } },
    { "win.view::answered", { "<primary>3", NULL } },
    { "win.view::closed", { "<primary>4", NULL } },
    { "win.reply", { "<primary>r", NULL } },
    { "win.tag", { "<primary>t", NULL } },
    { "win.mark-answered", { "<primary>d", NULL } },
    { "win.close-conversation", { "<primary><shift>d", NULL } },
    { "win.reopen", { "<primary><shift>o", NULL } },
    { "win.next-waiting", { "<primary>j", NULL } },
    { "win.show-views", { "<alt>Left", NULL } },
    { "win.canned-library", { "<primary><shift>l", NULL } },
    { "win.preferences", { "<primary>comma", NULL } },
  };

  G_APPLICATION_CLASS (desk_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  for (guint i = 0; i < G_N_ELEMENTS (window_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), window_accels[i].action,
                                           window_accels[i].accels);
}

static void
desk_application_finalize (GObject *object)
{
  DeskApplication *self = (DeskApplication *)object;

  g_clear_pointer (&self->database_path, g_free);

  G_OBJECT_CLASS (desk_application_parent_class)->finalize (object);
}

static void
desk_application_class_init (DeskApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = desk_application_finalize;
  app_class->activate = desk_application_activate;
  app_class->startup = desk_application_startup;
  app_class->handle_local_options = desk_application_handle_local_options;
}

static void
desk_application_init (DeskApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
}
