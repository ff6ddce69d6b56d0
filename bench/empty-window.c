/* empty-window.c: the cold-start baseline, an empty libadwaita window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwApplication that presents an AdwApplicationWindow of the main window's size with a
 * header bar and nothing else, and reports its first frame the way the app does.
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <adwaita.h>

#include "desk-bench-frame.h"

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_set_title (GTK_WINDOW (window), "Empty");
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  desk_bench_frame_watch (window, NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  app = adw_application_new ("org.frontdesk.BenchEmptyWindow", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
