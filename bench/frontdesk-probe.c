/* frontdesk-probe.c: the Frontdesk app with the first-frame hook added from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * src/main.c plus desk_bench_frame_watch() on the main window: the same application, window,
 * model and store code (the same static libraries and resources), reporting the first frame in
 * which the inbox list shows a loaded conversation. frontdesk-bench uses it until the app has
 * the FRONTDESK_BENCH_EXIT_ON_FIRST_FRAME hook proposed in bench/README.md, then the app itself.
 *
 * It also notes, for the report, when the store was open (the list got its model), when the
 * list began creating rows, when it had them for the conversation ids (the model's first
 * items-changed), which frame first showed the list, and how many rows were bound by then.
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-application.h"
#include "desk-bench-frame.h"
#include "desk-conversation.h"
#include "desk-window.h"

/* The same test as the proposed hook: the inbox page is shown and its first row has its data. */
static gboolean
inbox_shown (GtkWidget *widget)
{
  DeskWindow *window = DESK_WINDOW (widget);
  DeskInboxModel *model = desk_window_get_inbox_model (window);
  g_autoptr(DeskConversation) first = NULL;

  if (model == NULL || g_strcmp0 (desk_window_get_view_name (window), "inbox") != 0)
    return FALSE;

  /* A frame shows the list; its rows' data may still be being read. */
  desk_bench_frame_note ("rows-shown");

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  return first != NULL && desk_conversation_get_loaded (first);
}

/* Milestones on the main thread, as they happen */

/* Runs after the list view's own handler: the ids are read and the list has created the rows
 * it shows for them. */
static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added)
{
  if (added > 0)
    desk_bench_frame_note ("ids-read");
}

static void
list_model_cb (GtkListView *list_view)
{
  GtkSelectionModel *model = gtk_list_view_get_model (list_view);

  if (model == NULL)
    return;

  desk_bench_frame_note ("store-open");
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), NULL);
}

static void
setup_cb (void)
{
  desk_bench_frame_note ("first-row-setup");
}

static void
bind_cb (void)
{
  desk_bench_frame_count ("rows-bound");
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window)
{
  GtkWidget *list_view;

  if (!DESK_IS_WINDOW (window))
    return;

  desk_bench_frame_note ("window-created");
  desk_bench_frame_watch (GTK_WIDGET (window), inbox_shown);

  list_view = find_list_view (GTK_WIDGET (window));
  if (list_view != NULL)
    {
      GtkListItemFactory *factory = gtk_list_view_get_factory (GTK_LIST_VIEW (list_view));

      g_signal_connect (list_view, "notify::model", G_CALLBACK (list_model_cb), NULL);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
      g_signal_connect_after (factory, "bind", G_CALLBACK (bind_cb), NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DeskApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = desk_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
