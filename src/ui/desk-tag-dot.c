/* desk-tag-dot.c: a tag's colour, as a small dot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A filled circle in the tag's colour ("#rrggbb"); a tag without a colour gets an empty ring in
 * the text colour, so rows line up and "no colour" reads as a choice.
 */
#include "config.h"

#include "desk-tag-dot.h"

static void
draw_dot (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  const char *color = g_object_get_data (G_OBJECT (area), "color");
  double radius = MIN (width, height) / 2.0;
  GdkRGBA rgba;

  if (color == NULL || color[0] == '\0' || !gdk_rgba_parse (&rgba, color))
    {
      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &rgba);
      rgba.alpha *= 0.5;
      gdk_cairo_set_source_rgba (cr, &rgba);
      cairo_set_line_width (cr, 1);
      cairo_arc (cr, width / 2.0, height / 2.0, radius - 0.5, 0, 2 * G_PI);
      cairo_stroke (cr);
      return;
    }

  gdk_cairo_set_source_rgba (cr, &rgba);
  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  cairo_fill (cr);
}

/**
 * desk_tag_dot_new:
 * @color: (nullable): "" / %NULL for none, or "#rrggbb"
 * @size: the diameter in pixels
 *
 * Returns: (transfer floating): the dot
 */
GtkWidget *
desk_tag_dot_new (const char *color,
                  int         size)
{
  GtkWidget *dot = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dot), size);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dot), size);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (dot, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (dot), "color", g_strdup (color), g_free);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot), draw_dot, NULL, NULL);

  return dot;
}
