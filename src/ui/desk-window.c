/* desk-window.c: the main window: views, the inbox of the chosen view, the conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwLeaflet of three panes. The sidebar lists the views (Open, Waiting Longest, Answered,
 * Closed, each tag, each account) with their counts; the inbox shows the chosen view's
 * conversations from DeskInboxModel, each with its response-time badge; the conversation pane
 * shows the selected conversation's thread and composer. Narrower than the three panes, the
 * leaflet folds and shows one pane at a time.
 *
 * Thin by design: the store is opened and queried off the main thread, the rules (counts, next
 * waiting, response times) live in core, and what went wrong is shown in words.
 */
#define G_LOG_DOMAIN "desk-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desk-account-dialog.h"
#include "desk-canned-library.h"
#include "desk-clock.h"
#include "desk-conversation-view.h"
#include "desk-inbox-row.h"
#include "desk-notifier.h"
#include "desk-preferences-window.h"
#include "desk-providers.h"
#include "desk-sla.h"
#include "desk-sync-engine.h"
#include "desk-tag-dot.h"
#include "desk-tag-popover.h"
#include "desk-telegram-provider.h"
#include "desk-window.h"

/* The kinds of view the sidebar offers */
typedef enum
{
  VIEW_OPEN,
  VIEW_WAITING,
  VIEW_ANSWERED,
  VIEW_CLOSED,
  VIEW_TAG,
  VIEW_ACCOUNT,
} ViewKind;

struct _DeskWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar_list;
  AdwWindowTitle       *inbox_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *stack;
  GtkListView          *list_view;
  AdwStatusPage        *empty_page;
  GtkWidget            *empty_add_account_button;
  AdwStatusPage        *error_page;
  GtkRevealer          *sign_in_revealer;
  GtkLabel             *sign_in_label;
  GtkRevealer          *sync_error_revealer;
  GtkLabel             *sync_error_label;
  GtkWidget            *remove_webhook_button;
  GtkWidget            *inbox_pane;
  GtkWidget            *sidebar_pane;
  AdwWindowTitle       *conversation_title;
  GtkBox               *conversation_box;
  GtkMenuButton        *tag_button;
  GtkWidget            *status_button;

  DeskAccountInfo      *needs_sign_in;   /* the first account that needs signing in again */
  DeskAccountInfo      *sync_failed;     /* the first other account whose last sync failed */

  DeskStore            *store;
  DeskInboxModel       *model;
  GtkSingleSelection   *selection;
  DeskSyncEngine       *engine;
  GCancellable         *cancellable;
  GSettings            *settings;
  gboolean              bench_painted;

  /* The view shown */
  ViewKind              view_kind;
  gint64                view_id;

  /* The conversation shown (0: none) and, when it is in the list, its row's object */
  gint64                conversation_id;
  DeskConversation     *conversation;
  gulong                conversation_notify;
  DeskConversationView *conversation_view;
  DeskTagPopover       *tag_popover;
  DeskNotifier         *notifier;

  /* Response-time badges: the rules, and the rows bound to the list (the visible ones) */
  DeskSlaPolicy        *policy;
  GHashTable           *bound_rows;
  guint                 badge_timeout;

  guint                 counts_timeout;
  gboolean              rebuilding_sidebar;
  gboolean              counting;
  gboolean              count_again;
};

G_DEFINE_FINAL_TYPE (DeskWindow, desk_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_actions (DeskWindow *self);
static void update_accounts (DeskWindow *self);
static void sidebar_set_accounts (DeskWindow *self,
                                  GPtrArray  *accounts);
static void desk_window_attach_conversation (DeskWindow *self,
                                             gint64      id);
static void desk_window_focus_reply (DeskWindow *self);
static void desk_window_store_ready (DeskWindow *self);
static void desk_window_detach_parts (DeskWindow *self);
static void desk_window_install_part_actions (GtkWidgetClass *widget_class);
static void schedule_counts (DeskWindow *self);

/* Toasts and errors */

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

/* The inbox pane */

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

static const char *
searching (DeskWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return text[0] != '\0' ? text : NULL;
}

/* The empty page says what is empty: a new desk, a view with nothing in it, or a search. */
static void
update_empty_page (DeskWindow *self)
{
  const char *title;
  const char *description = NULL;
  const char *icon = "org.frontdesk.Frontdesk-symbolic";

  if (searching (self) != NULL)
    {
      title = _("No Results");
      description = _("No conversation matches your search.");
      icon = "system-search-symbolic";
    }
  else switch (self->view_kind)
    {
    case VIEW_OPEN:
    case VIEW_WAITING:
    default:
      title = _("No Open Conversations");
      description = _("Mentions, replies and direct messages from your connected accounts appear here.");
      break;
    case VIEW_ANSWERED:
      title = _("No Answered Conversations");
      break;
    case VIEW_CLOSED:
      title = _("No Closed Conversations");
      break;
    case VIEW_TAG:
      title = _("No Conversations With This Tag");
      break;
    case VIEW_ACCOUNT:
      title = _("No Conversations for This Account");
      break;
    }

  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  adw_status_page_set_icon_name (self->empty_page, icon);
  gtk_widget_set_visible (self->empty_add_account_button,
                          searching (self) == NULL && (self->view_kind == VIEW_OPEN ||
                                                       self->view_kind == VIEW_WAITING));
}

/* Sidebar rows carry their view in object data. */
static ViewKind
row_kind (GtkListBoxRow *row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "view-kind"));
}

static gint64
row_id (GtkListBoxRow *row)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "view-id");

  return id != NULL ? *id : 0;
}

static GtkListBoxRow *
find_sidebar_row (DeskWindow *self,
                  ViewKind    kind,
                  gint64      id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) &&
          row_kind (GTK_LIST_BOX_ROW (child)) == kind &&
          row_id (GTK_LIST_BOX_ROW (child)) == id)
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

static const char *
row_title (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "view-title");
}

/* Applies the chosen view (and the search, which looks through every status) to the model. */
static void
apply_view (DeskWindow *self)
{
  GtkListBoxRow *row;
  const char *search = searching (self);
  int status = DESK_CONVERSATION_OPEN;
  DeskInboxSort sort = DESK_INBOX_SORT_NEWEST;

  if (self->model == NULL)
    return;

  switch (self->view_kind)
    {
    case VIEW_WAITING:
      sort = DESK_INBOX_SORT_WAITING_LONGEST;
      break;
    case VIEW_ANSWERED:
      status = DESK_CONVERSATION_ANSWERED;
      break;
    case VIEW_CLOSED:
      status = DESK_CONVERSATION_CLOSED;
      break;
    case VIEW_TAG:
    case VIEW_ACCOUNT:
      /* Like a folder: every conversation it holds; the sidebar counts the open ones. */
      status = -1;
      break;
    case VIEW_OPEN:
    default:
      break;
    }

  g_object_freeze_notify (G_OBJECT (self->model));
  desk_inbox_model_set_status (self->model, search != NULL ? -1 : status);
  desk_inbox_model_set_sort (self->model, sort);
  desk_inbox_model_set_tag_id (self->model, self->view_kind == VIEW_TAG ? self->view_id : 0);
  desk_inbox_model_set_account_id (self->model, self->view_kind == VIEW_ACCOUNT ? self->view_id : 0);
  desk_inbox_model_set_search (self->model, search);
  g_object_thaw_notify (G_OBJECT (self->model));

  row = find_sidebar_row (self, self->view_kind, self->view_id);
  adw_window_title_set_title (self->inbox_title, row != NULL ? row_title (row) : "");
  adw_window_title_set_subtitle (self->inbox_title, search != NULL ? _("Search results") : NULL);

  update_empty_page (self);
  update_view (self);
}

static void
set_view (DeskWindow *self,
          ViewKind    kind,
          gint64      id)
{
  GtkListBoxRow *row = find_sidebar_row (self, kind, id);

  if (row == NULL)
    {
      kind = VIEW_OPEN;
      id = 0;
      row = find_sidebar_row (self, kind, id);
    }

  self->view_kind = kind;
  self->view_id = id;

  if (row != NULL && gtk_list_box_get_selected_row (self->sidebar_list) != row)
    gtk_list_box_select_row (self->sidebar_list, row);

  apply_view (self);
}

static void
on_sidebar_row_selected (DeskWindow    *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  if (row == NULL || self->rebuilding_sidebar)
    return;

  if (row_kind (row) == self->view_kind && row_id (row) == self->view_id)
    return;

  self->view_kind = row_kind (row);
  self->view_id = row_id (row);
  apply_view (self);
}

static void
on_sidebar_row_activated (DeskWindow    *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list)
{
  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* The sidebar: fixed views, then a section per tag and per account */

/* @icon: a GtkImage's icon name, or for a tag its colour (a dot) */
static GtkWidget *
sidebar_row_new (ViewKind    kind,
                 gint64      id,
                 const char *icon,
                 const char *title)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *count = gtk_label_new (NULL);

  if (kind == VIEW_TAG)
    {
      GtkWidget *dot = desk_tag_dot_new (icon, 10);

      gtk_widget_set_size_request (dot, 16, -1);  /* the width of the other rows' icons */
      gtk_box_append (GTK_BOX (box), dot);
    }
  else
    {
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));
    }
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "sidebar-count");
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data (G_OBJECT (row), "view-kind", GINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (row), "view-id", g_memdup2 (&id, sizeof id), g_free);
  g_object_set_data_full (G_OBJECT (row), "view-title", g_strdup (title), g_free);
  g_object_set_data (G_OBJECT (row), "count-label", count);

  return row;
}

static void
set_row_count (GtkListBoxRow *row,
               gint64         count)
{
  GtkLabel *label;
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;

  if (row == NULL)
    return;

  label = g_object_get_data (G_OBJECT (row), "count-label");
  text = count > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count) : g_strdup ("");
  gtk_label_set_text (label, text);

  /* Translators: a view in the sidebar and how many conversations it holds, for screen readers */
  accessible = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u conversation",
                                             "%s, %u conversations", (gulong) count),
                                row_title (row), (guint) MIN (count, G_MAXUINT));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
sidebar_header_func (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  ViewKind kind = row_kind (row);
  const char *title = NULL;

  if (before != NULL && row_kind (before) == kind)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  if (kind == VIEW_TAG)
    title = _("Tags");
  else if (kind == VIEW_ACCOUNT)
    title = _("Accounts");

  if (title != NULL)
    {
      GtkWidget *header = gtk_label_new (title);

      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_widget_set_margin_start (header, 12);
      gtk_widget_set_margin_top (header, 12);
      gtk_widget_set_margin_bottom (header, 3);
      gtk_widget_add_css_class (header, "heading");
      gtk_widget_add_css_class (header, "dim-label");
      gtk_list_box_row_set_header (row, header);
    }
  else
    {
      gtk_list_box_row_set_header (row, NULL);
    }
}

/* Replaces the rows of one kind, keeping the selection when its view is still there. */
static void
sidebar_replace (DeskWindow  *self,
                 ViewKind     kind,
                 GPtrArray   *rows)
{
  GtkListBoxRow *row;
  int position = 0;
  int i = 0;

  /* Removing the selected row makes the list box select another: ignored while rebuilding. */
  self->rebuilding_sidebar = TRUE;

  /* By index: a row's header is a sibling widget that goes away with it. */
  while ((row = gtk_list_box_get_row_at_index (self->sidebar_list, i)) != NULL)
    {
      ViewKind k = row_kind (row);

      if (k == kind)
        {
          gtk_list_box_remove (self->sidebar_list, GTK_WIDGET (row));
          continue;
        }

      if (k < kind)
        position = i + 1;
      i++;
    }

  for (guint j = 0; j < rows->len; j++)
    gtk_list_box_insert (self->sidebar_list, g_ptr_array_index (rows, j), position + (int) j);

  self->rebuilding_sidebar = FALSE;

  /* The view stays, or falls back to Open if its tag or account is gone. */
  set_view (self, self->view_kind, self->view_id);

  schedule_counts (self);
}

static void
sidebar_set_accounts (DeskWindow *self,
                      GPtrArray  *accounts)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  /* One account needs no view of its own: it is the whole inbox. */
  for (guint i = 0; accounts->len > 1 && i < accounts->len; i++)
    {
      DeskAccountInfo *account = g_ptr_array_index (accounts, i);

      g_ptr_array_add (rows, sidebar_row_new (VIEW_ACCOUNT, account->id, "avatar-default-symbolic",
                                              account->handle));
    }

  sidebar_replace (self, VIEW_ACCOUNT, rows);
}

static void
tags_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DeskWindow) self = user_data;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  tags = desk_store_list_tags_finish (DESK_STORE (object), result, &error);
  if (tags == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message, 5);
      return;
    }

  for (guint i = 0; i < tags->len; i++)
    {
      DeskTagInfo *tag = g_ptr_array_index (tags, i);

      g_ptr_array_add (rows, sidebar_row_new (VIEW_TAG, tag->id, tag->color, tag->name));
    }

  sidebar_replace (self, VIEW_TAG, rows);
}

static void
update_tags (DeskWindow *self)
{
  desk_store_list_tags_async (self->store, self->cancellable, tags_listed_cb, g_object_ref (self));
}

/* Counts: every view's, read in a worker thread, at most a few times a second */

typedef struct
{
  gint64  status[3];   /* open, answered, closed */
  GArray *tag_ids;
  GArray *tag_counts;
  GArray *account_ids;
  GArray *account_counts;
} Counts;

static void
counts_free (Counts *counts)
{
  g_clear_pointer (&counts->tag_ids, g_array_unref);
  g_clear_pointer (&counts->tag_counts, g_array_unref);
  g_clear_pointer (&counts->account_ids, g_array_unref);
  g_clear_pointer (&counts->account_counts, g_array_unref);
  g_free (counts);
}

static void
count_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DeskStore *store = source_object;
  GArray *account_ids = task_data;
  Counts *counts = g_new0 (Counts, 1);
  g_autoptr(GPtrArray) tags = NULL;
  GError *error = NULL;

  for (int status = DESK_CONVERSATION_OPEN; status <= DESK_CONVERSATION_CLOSED; status++)
    {
      DeskInboxQuery query = { .status = status };

      counts->status[status] = desk_store_count_conversations (store, &query, &error);
      if (error != NULL)
        goto failed;
    }

  tags = desk_store_list_tags (store, &error);
  if (tags == NULL)
    goto failed;

  counts->tag_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), tags->len);
  counts->tag_counts = g_array_sized_new (FALSE, FALSE, sizeof (gint64), tags->len);
  for (guint i = 0; i < tags->len; i++)
    {
      DeskTagInfo *tag = g_ptr_array_index (tags, i);
      gint64 n = tag->n_open;

      g_array_append_val (counts->tag_ids, tag->id);
      g_array_append_val (counts->tag_counts, n);
    }

  counts->account_ids = g_array_ref (account_ids);
  counts->account_counts = g_array_sized_new (FALSE, FALSE, sizeof (gint64), account_ids->len);
  for (guint i = 0; i < account_ids->len; i++)
    {
      DeskInboxQuery query = { .status = DESK_CONVERSATION_OPEN,
                               .account_id = g_array_index (account_ids, gint64, i) };
      gint64 n = desk_store_count_conversations (store, &query, &error);

      if (error != NULL)
        goto failed;
      g_array_append_val (counts->account_counts, n);
    }

  g_task_return_pointer (task, counts, (GDestroyNotify) counts_free);
  return;

failed:
  counts_free (counts);
  g_task_return_error (task, error);
}

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DeskWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  Counts *counts;

  counts = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->counting = FALSE;

  if (counts == NULL)
    {
      g_warning ("Could not count the conversations: %s", error->message);
    }
  else
    {
      set_row_count (find_sidebar_row (self, VIEW_OPEN, 0), counts->status[0]);
      set_row_count (find_sidebar_row (self, VIEW_WAITING, 0), counts->status[0]);
      set_row_count (find_sidebar_row (self, VIEW_ANSWERED, 0), counts->status[1]);
      set_row_count (find_sidebar_row (self, VIEW_CLOSED, 0), counts->status[2]);

      for (guint i = 0; i < counts->tag_ids->len; i++)
        set_row_count (find_sidebar_row (self, VIEW_TAG, g_array_index (counts->tag_ids, gint64, i)),
                       g_array_index (counts->tag_counts, gint64, i));
      for (guint i = 0; i < counts->account_ids->len; i++)
        set_row_count (find_sidebar_row (self, VIEW_ACCOUNT,
                                         g_array_index (counts->account_ids, gint64, i)),
                       g_array_index (counts->account_counts, gint64, i));

      counts_free (counts);
    }

  if (self->count_again)
    schedule_counts (self);
}

static gboolean
count_now (gpointer user_data)
{
  DeskWindow *self = user_data;
  g_autoptr(GTask) task = NULL;
  GArray *account_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  self->counts_timeout = 0;
  self->count_again = FALSE;
  self->counting = TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && row_kind (GTK_LIST_BOX_ROW (child)) == VIEW_ACCOUNT)
        {
          gint64 id = row_id (GTK_LIST_BOX_ROW (child));

          g_array_append_val (account_ids, id);
        }
    }

  task = g_task_new (self->store, self->cancellable, counted_cb, g_object_ref (self));
  g_task_set_source_tag (task, count_now);
  g_task_set_task_data (task, account_ids, (GDestroyNotify) g_array_unref);
  g_task_run_in_thread (task, count_in_thread);

  return G_SOURCE_REMOVE;
}

static void
schedule_counts (DeskWindow *self)
{
  if (self->store == NULL)
    return;

  if (self->counting)
    {
      self->count_again = TRUE;
      return;
    }

  if (self->counts_timeout == 0)
    self->counts_timeout = g_timeout_add (250, count_now, self);
}

/* Response-time badges */

static void
refresh_badges (DeskWindow *self)
{
  GHashTableIter iter;
  gpointer row;
  gint64 now = desk_clock_get_now ();

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    desk_inbox_row_update_badge (row, self->policy, now);
}

static gboolean
badge_tick (gpointer user_data)
{
  refresh_badges (user_data);
  return G_SOURCE_CONTINUE;
}

/* The team's rules from the settings; a stored value that cannot be read keeps the defaults
 * and says so on stderr (the preferences window shows it too). */
static void
load_policy (DeskWindow *self)
{
  g_autoptr(DeskSlaPolicy) policy = desk_sla_policy_new ();
  g_autoptr(GSettingsSchema) schema = NULL;
  GHashTableIter iter;
  gpointer row;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (g_settings_schema_has_key (schema, "sla-policy"))
    {
      g_autofree char *data = g_settings_get_string (self->settings, "sla-policy");
      g_autoptr(GError) error = NULL;

      if (data[0] != '\0' && !desk_sla_policy_load_from_data (policy, data, -1, &error))
        g_printerr ("frontdesk: %s\n", error->message);
    }

  g_clear_pointer (&self->policy, desk_sla_policy_free);
  self->policy = g_steal_pointer (&policy);

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    desk_inbox_row_set_policy (row, self->policy);

  refresh_badges (self);
}

/* The conversation pane */

static void
update_conversation_title (DeskWindow *self)
{
  DeskConversation *c = self->conversation;
  const char *name = NULL;

  if (c != NULL && desk_conversation_get_loaded (c))
    {
      name = desk_conversation_get_contact_name (c);
      if (name == NULL || name[0] == '\0')
        name = desk_conversation_get_contact_handle (c);
    }

  adw_window_title_set_title (self->conversation_title, name != NULL ? name : "");
  adw_window_title_set_subtitle (self->conversation_title,
                                 c != NULL && desk_conversation_get_loaded (c)
                                   ? desk_conversation_get_contact_handle (c) : NULL);
  update_actions (self);
}

static void
show_conversation (DeskWindow       *self,
                   gint64            id,
                   DeskConversation *conversation)
{
  if (self->conversation != conversation)
    {
      g_clear_signal_handler (&self->conversation_notify, self->conversation);
      g_set_object (&self->conversation, conversation);
      if (conversation != NULL)
        self->conversation_notify = g_signal_connect_object (conversation, "notify",
                                                             G_CALLBACK (update_conversation_title),
                                                             self, G_CONNECT_SWAPPED);
    }

  if (self->conversation_id != id)
    {
      self->conversation_id = id;
      desk_window_attach_conversation (self, id);
    }

  update_conversation_title (self);
}

static void
on_selection_changed (DeskWindow *self)
{
  DeskConversation *c = gtk_single_selection_get_selected_item (self->selection);

  /* A conversation that leaves the view (answered, closed) stays shown until the agent moves
   * on: nothing else is selected in its place behind their back. */
  if (c != NULL)
    show_conversation (self, desk_conversation_get_id (c), c);
}

static void
on_list_activate (DeskWindow  *self,
                  guint        position,
                  GtkListView *list)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.reply", NULL);
}

/* Selects @id in the list if the view holds it, else shows it on its own. */
static void
select_conversation (DeskWindow *self,
                     gint64      id)
{
  guint position;

  if (desk_inbox_model_find (self->model, id, &position))
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
      return;
    }

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  show_conversation (self, id, NULL);
}

static void
update_actions (DeskWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean have = self->conversation_id != 0;
  int status = -1;   /* not known: every change is offered */

  if (self->conversation != NULL && desk_conversation_get_loaded (self->conversation))
    status = desk_conversation_get_status (self->conversation);

  gtk_widget_action_set_enabled (widget, "win.reply", have);
  gtk_widget_action_set_enabled (widget, "win.tag", have);
  gtk_widget_action_set_enabled (widget, "win.mark-answered", have && status != DESK_CONVERSATION_ANSWERED);
  gtk_widget_action_set_enabled (widget, "win.close-conversation", have && status != DESK_CONVERSATION_CLOSED);
  gtk_widget_action_set_enabled (widget, "win.reopen", have && status != DESK_CONVERSATION_OPEN);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tag_button), have);
}

/* Status changes and next-waiting run in a worker thread: the store may be busy with sync. */

typedef struct
{
  gint64 id;
  int    status;   /* a DeskConversationStatus, or -1 for next-waiting */
} StoreOp;

static void
store_op_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StoreOp *op = task_data;
  GError *error = NULL;

  if (op->status >= 0)
    {
      if (desk_store_set_status (source_object, op->id, op->status, &error))
        g_task_return_int (task, op->id);
      else
        g_task_return_error (task, error);
      return;
    }

  op->id = desk_store_next_waiting (source_object, op->id, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, op->id);
}

static void
store_op_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DeskWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  StoreOp *op = g_task_get_task_data (G_TASK (result));
  gssize id = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message, 5);
      return;
    }

  if (op->status >= 0)
    {
      static const char * const done[] = {
        N_("Conversation reopened"), N_("Marked as answered"), N_("Conversation closed"),
      };

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_(done[op->status])));
      return;
    }

  if (id == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Nobody else is waiting for an answer")));
      return;
    }

  /* The longest wait is first in Waiting Longest: go there unless the view shows it already. */
  if (searching (self) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (self->view_kind != VIEW_OPEN && self->view_kind != VIEW_WAITING)
    set_view (self, VIEW_WAITING, 0);

  select_conversation (self, id);
  desk_window_focus_reply (self);
}

static void
run_store_op (DeskWindow *self,
              gint64      id,
              int         status)
{
  g_autoptr(GTask) task = NULL;
  StoreOp *op = g_new0 (StoreOp, 1);

  op->id = id;
  op->status = status;

  task = g_task_new (self->store, self->cancellable, store_op_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, run_store_op);
  g_task_set_task_data (task, op, g_free);
  g_task_run_in_thread (task, store_op_in_thread);
}

static void
status_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);
  DeskConversationStatus status;

  if (self->conversation_id == 0 || self->store == NULL)
    return;

  if (g_str_equal (action_name, "win.mark-answered"))
    status = DESK_CONVERSATION_ANSWERED;
  else if (g_str_equal (action_name, "win.close-conversation"))
    status = DESK_CONVERSATION_CLOSED;
  else
    status = DESK_CONVERSATION_OPEN;

  run_store_op (self, self->conversation_id, status);
}

static void
next_waiting_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (self->store != NULL)
    run_store_op (self, self->conversation_id, -1);
}

static void
reply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  desk_window_focus_reply (DESK_WINDOW (widget));
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  static const char * const names[] = { "open", "waiting", "answered", "closed" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      {
        set_view (self, (ViewKind) i, 0);
        adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
        gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
      }
}

static void
navigate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (g_str_equal (action_name, "win.show-views"))
    {
      adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);
      gtk_widget_grab_focus (GTK_WIDGET (self->sidebar_list));
    }
  else
    {
      adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
    }
}

static void
on_folded_changed (DeskWindow *self)
{
  /* Folded, the leaflet shows the inbox rather than the views (the conversation being read
   * stays): the views and the conversation are one step away. */
  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == self->sidebar_pane)
    adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
}

/* Search */

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_search_changed (DeskWindow *self)
{
  apply_view (self);
}

static void
on_search_activate (DeskWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
on_search_stop (DeskWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Opening the store */

static void
on_conversations_changed (DeskWindow *self)
{
  schedule_counts (self);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DeskWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->store = desk_store_open_finish (result, &error);

  if (self->store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  self->model = desk_inbox_model_new (self->store);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_view), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_view), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "failed", G_CALLBACK (on_model_failed), self,
                           G_CONNECT_SWAPPED);
  apply_view (self);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-waiting", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.canned-library", TRUE);

  g_signal_connect_object (self->store, "accounts-changed", G_CALLBACK (update_accounts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "tags-changed", G_CALLBACK (update_tags), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "conversations-changed",
                           G_CALLBACK (on_conversations_changed), self, G_CONNECT_SWAPPED);
  update_accounts (self);
  update_tags (self);

  desk_window_store_ready (self);

  /* Background sync: a worker thread per account; FRONTDESK_NO_SYNC=1 turns it off for
   * screenshots and benchmarks. */
  if (g_getenv ("FRONTDESK_NO_SYNC") == NULL)
    self->engine = desk_sync_engine_new (self->store, desk_providers_create);

  update_view (self);
  schedule_counts (self);
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

  sidebar_set_accounts (self, accounts);

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
          DeskWindow               *self)
{
  DeskInboxRow *row = DESK_INBOX_ROW (gtk_list_item_get_child (item));

  desk_inbox_row_set_policy (row, self->policy);
  desk_inbox_row_set_conversation (row, gtk_list_item_get_item (item));
  g_hash_table_add (self->bound_rows, row);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            DeskWindow               *self)
{
  DeskInboxRow *row = DESK_INBOX_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->bound_rows, row);
  desk_inbox_row_set_conversation (row, NULL);
  desk_inbox_row_set_policy (row, NULL);
}

static void
teardown_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              DeskWindow               *self)
{
  g_hash_table_remove (self->bound_rows, gtk_list_item_get_child (item));
}


/* The parts other files build: the conversation view, the tag popover, preferences, canned
 * responses, notifications. */

static void
on_reply_queued (DeskWindow *self,
                 gint64      outbox_id)
{
  /* The reply is in the outbox, on disk: the engine's worker sends it now. */
  if (self->engine != NULL)
    desk_sync_engine_wake (self->engine);
}

static void
desk_window_attach_conversation (DeskWindow *self,
                                 gint64      id)
{
  if (self->conversation_view == NULL)
    {
      self->conversation_view = DESK_CONVERSATION_VIEW (desk_conversation_view_new ());
      gtk_widget_set_vexpand (GTK_WIDGET (self->conversation_view), TRUE);
      gtk_box_append (self->conversation_box, GTK_WIDGET (self->conversation_view));
      g_signal_connect_object (self->conversation_view, "reply-queued",
                               G_CALLBACK (on_reply_queued), self, G_CONNECT_SWAPPED);
    }

  if (self->store != NULL && desk_conversation_view_get_store (self->conversation_view) == NULL)
    desk_conversation_view_set_store (self->conversation_view, self->store);

  desk_conversation_view_set_conversation_id (self->conversation_view, id);

  if (self->tag_popover != NULL)
    desk_tag_popover_set_conversation_id (self->tag_popover, id);
}

static void
desk_window_focus_reply (DeskWindow *self)
{
  if (self->conversation_id == 0)
    return;

  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_parent (GTK_WIDGET (self->conversation_box)));
  desk_conversation_view_focus_composer (self->conversation_view);
}

static void
desk_window_store_ready (DeskWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  self->tag_popover = desk_tag_popover_new (self->store);
  gtk_menu_button_set_popover (self->tag_button, GTK_WIDGET (self->tag_popover));
  desk_tag_popover_set_conversation_id (self->tag_popover, self->conversation_id);

  desk_window_attach_conversation (self, self->conversation_id);

  if (app != NULL)
    {
      self->notifier = desk_notifier_new (app, self->store);
      desk_notifier_set_window (self->notifier, GTK_WINDOW (self));
    }
}

static void
desk_window_detach_parts (DeskWindow *self)
{
  g_clear_object (&self->notifier);
  self->tag_popover = NULL;  /* owned by the menu button */
  self->conversation_view = NULL;  /* owned by the box */
}

static void
tag_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (self->conversation_id == 0 || self->tag_popover == NULL)
    return;

  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_parent (GTK_WIDGET (self->conversation_box)));
  gtk_menu_button_popup (self->tag_button);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);

  DeskPreferencesWindow *preferences;

  if (self->store == NULL)
    return;

  preferences = desk_preferences_window_new (GTK_WINDOW (self), self->store);
  /* Signing in again from there wakes the account's worker, as from the account dialog. */
  g_signal_connect_object (preferences, "account-added", G_CALLBACK (on_account_added), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
canned_library_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DeskWindow *self = DESK_WINDOW (widget);

  if (self->store != NULL)
    gtk_window_present (GTK_WINDOW (desk_canned_library_new (GTK_WINDOW (self), self->store)));
}

static void
desk_window_install_part_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.tag", NULL, tag_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.canned-library", NULL, canned_library_action);
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
  g_clear_handle_id (&self->badge_timeout, g_source_remove);
  g_clear_handle_id (&self->counts_timeout, g_source_remove);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_signal_handler (&self->conversation_notify, self->conversation);
  g_clear_object (&self->conversation);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  desk_window_detach_parts (self);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->policy, desk_sla_policy_free);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
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
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_pane);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, inbox_title);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, empty_add_account_button);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sync_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, sync_error_label);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, remove_webhook_button);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, conversation_title);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, conversation_box);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, tag_button);
  gtk_widget_class_bind_template_child (widget_class, DeskWindow, status_button);
  gtk_widget_class_bind_template_callback (widget_class, setup_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_row);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row);
  gtk_widget_class_bind_template_callback (widget_class, teardown_row);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.remove-webhook", NULL, remove_webhook_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "win.show-views", NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "win.show-inbox", NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "win.reply", NULL, reply_action);
  gtk_widget_class_install_action (widget_class, "win.mark-answered", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "win.close-conversation", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "win.reopen", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "win.next-waiting", NULL, next_waiting_action);
  desk_window_install_part_actions (widget_class);

  /* "/" searches, like Ctrl+F, but only where it cannot be text: the views and the list. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.show-inbox", NULL);
}

static void
desk_window_init (DeskWindow *self)
{
  static const struct { ViewKind kind; const char *icon; const char *title; } views[] = {
    { VIEW_OPEN, "mail-unread-symbolic", N_("Open") },
    { VIEW_WAITING, "alarm-symbolic", N_("Waiting Longest") },
    { VIEW_ANSWERED, "mail-replied-symbolic", N_("Answered") },
    { VIEW_CLOSED, "emblem-ok-symbolic", N_("Closed") },
  };
  GtkShortcut *slash;

  g_type_ensure (DESK_TYPE_INBOX_ROW);

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new ("org.frontdesk.Frontdesk");
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->policy = desk_sla_policy_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    gtk_list_box_append (self->sidebar_list,
                         sidebar_row_new (views[i].kind, 0, views[i].icon, _(views[i].title)));
  gtk_list_box_set_header_func (self->sidebar_list, sidebar_header_func, NULL, NULL);
  set_view (self, VIEW_OPEN, 0);

  /* "/" searches from the views and the list, where it cannot be text being typed. */
  for (GtkWidget *pane = self->sidebar_pane; pane != NULL;
       pane = pane == self->sidebar_pane ? self->inbox_pane : NULL)
    {
      GtkEventController *controller = gtk_shortcut_controller_new ();

      slash = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_slash, 0),
                                gtk_named_action_new ("win.search"));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), slash);
      gtk_widget_add_controller (pane, controller);
    }
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-waiting", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.canned-library", FALSE);
  desk_window_attach_conversation (self, 0);
  update_actions (self);

  g_signal_connect_object (self->settings, "changed::sla-policy", G_CALLBACK (load_policy), self,
                           G_CONNECT_SWAPPED);
  load_policy (self);
  g_signal_connect_object (desk_clock_get_default (), "changed", G_CALLBACK (refresh_badges), self,
                           G_CONNECT_SWAPPED);
  self->badge_timeout = g_timeout_add_seconds (60, badge_tick, self);

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
 * desk_window_get_store:
 *
 * Returns: (transfer none) (nullable): the store, once open
 */
DeskStore *
desk_window_get_store (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), NULL);
  return self->store;
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

/**
 * desk_window_get_conversation_id:
 *
 * Returns: the conversation shown, 0 if none
 */
gint64
desk_window_get_conversation_id (DeskWindow *self)
{
  g_return_val_if_fail (DESK_IS_WINDOW (self), 0);
  return self->conversation_id;
}

/**
 * desk_window_show_conversation:
 *
 * Shows a conversation (from a notification, say): selected in the list if the view holds it.
 */
void
desk_window_show_conversation (DeskWindow *self,
                               gint64      conversation_id)
{
  g_return_if_fail (DESK_IS_WINDOW (self));

  if (self->model == NULL)
    return;

  select_conversation (self, conversation_id);
  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_parent (GTK_WIDGET (self->conversation_box)));
}

/**
 * desk_window_get_sidebar_count:
 * @view: "open", "waiting", "answered", "closed", "tag" or "account"
 * @id: the tag's or account's id, else 0
 *
 * Returns: (transfer none) (nullable): the count the sidebar shows for a view ("" for none),
 *   %NULL if the sidebar has no such view
 */
const char *
desk_window_get_sidebar_count (DeskWindow *self,
                               const char *view,
                               gint64      id)
{
  static const char * const names[] = { "open", "waiting", "answered", "closed", "tag", "account" };
  GtkListBoxRow *row = NULL;

  g_return_val_if_fail (DESK_IS_WINDOW (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (view, names[i]))
      row = find_sidebar_row (self, (ViewKind) i, id);

  if (row == NULL)
    return NULL;

  return gtk_label_get_text (g_object_get_data (G_OBJECT (row), "count-label"));
}

/**
 * desk_window_select_view:
 * @view: "open", "waiting", "answered", "closed", "tag" or "account"
 * @id: the tag's or account's id, else 0
 *
 * Returns: whether the sidebar has that view (it is then shown)
 */
gboolean
desk_window_select_view (DeskWindow *self,
                         const char *view,
                         gint64      id)
{
  static const char * const names[] = { "open", "waiting", "answered", "closed", "tag", "account" };

  g_return_val_if_fail (DESK_IS_WINDOW (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (view, names[i]) && find_sidebar_row (self, (ViewKind) i, id) != NULL)
      {
        set_view (self, (ViewKind) i, id);
        return TRUE;
      }

  return FALSE;
}
