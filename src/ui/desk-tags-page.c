/* desk-tags-page.c: the team's tags, in the preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-tags-page"

#include "config.h"

#include <glib/gi18n.h>

#include "desk-tags-page.h"

struct _DeskTagsPage
{
  AdwPreferencesPage  parent_instance;

  DeskStore          *store;
};

G_DEFINE_FINAL_TYPE (DeskTagsPage, desk_tags_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
desk_tags_page_dispose (GObject *object)
{
  DeskTagsPage *self = (DeskTagsPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), DESK_TYPE_TAGS_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (desk_tags_page_parent_class)->dispose (object);
}

static void
desk_tags_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_tags_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DeskTagsPage *self = DESK_TAGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_tags_page_class_init (DeskTagsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = desk_tags_page_dispose;
  object_class->get_property = desk_tags_page_get_property;
  object_class->set_property = desk_tags_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DESK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/frontdesk/Frontdesk/desk-tags-page.ui");
}

static void
desk_tags_page_init (DeskTagsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DeskTagsPage *
desk_tags_page_new (DeskStore *store)
{
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  return g_object_new (DESK_TYPE_TAGS_PAGE, "store", store, NULL);
}
