/* desk-inbox-model.c: the inbox as a paged list of conversations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model keeps the ordered ids of the conversations that match its filter (read from an
 * index, 8 bytes each) and materializes conversations a page at a time, only for positions a
 * view asks for. get_item() never blocks: it hands out a placeholder at once and fills it when
 * its page has been read in a worker thread.
 *
 * When the store reports changed conversations, the model asks for the new order and turns the
 * difference into items-changed for just the rows that moved in, out or across; rows that stay
 * in place are refreshed through their properties.
 */
#define G_LOG_DOMAIN "desk-inbox-model"

#include "config.h"

#include "desk-conversation.h"
#include "desk-inbox-model.h"

struct _DeskInboxModel
{
  GObject        parent_instance;

  DeskStore     *store;
  gulong         changed_handler;

  /* The filter */
  int            status;
  gint64         tag_id;
  gint64         account_id;
  char          *network;
  char          *search;
  DeskInboxSort  sort;

  GArray        *ids;           /* gint64, in order */
  GHashTable    *objects;       /* id → DeskConversation handed out and still alive (weak) */
  GHashTable    *inflight;      /* ids whose row is being read */
  GArray        *pending_ids;   /* conversations changed while a query was under way */
  GCancellable  *cancellable;
  guint          generation;    /* bumped by every filter change: late results are dropped */
  guint          refresh_source;
  guint          queries_running;
  guint          pages_loaded;
  guint          loading : 1;
  guint          requery : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DeskInboxModel, desk_inbox_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_STATUS,
  PROP_TAG_ID,
  PROP_ACCOUNT_ID,
  PROP_NETWORK,
  PROP_SEARCH,
  PROP_SORT,
  N_PROPS
};

enum {
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void queue_refresh (DeskInboxModel *self,
                           gboolean        reset);

/* Worker-thread jobs */

typedef struct
{
  DeskInboxQuery  query;
  char           *network;
  char           *search;
  guint           generation;
  gboolean        reset;
  GArray         *changed;      /* ids that triggered the query, or NULL */
} QueryJob;

static void
query_job_free (QueryJob *job)
{
  g_free (job->network);
  g_free (job->search);
  g_clear_pointer (&job->changed, g_array_unref);
  g_free (job);
}

static void
query_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DeskInboxModel *self = source_object;
  QueryJob *job = task_data;
  GError *error = NULL;
  GArray *ids;

  ids = desk_store_query_conversation_ids (self->store, &job->query, &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

typedef struct
{
  GArray *ids;
  guint   generation;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_array_unref (job->ids);
  g_free (job);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DeskInboxModel *self = source_object;
  LoadJob *job = task_data;
  GError *error = NULL;
  GPtrArray *rows;

  rows = desk_store_load_conversations (self->store, (gint64 *) (gpointer) job->ids->data,
                                        job->ids->len, &error);
  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

/* Loading rows */

static void
set_loading (DeskInboxModel *self,
             gboolean        loading)
{
  if (self->loading == !!loading)
    return;

  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  DeskInboxModel *self = DESK_INBOX_MODEL (object);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  for (guint i = 0; i < job->ids->len; i++)
    g_hash_table_remove (self->inflight, &g_array_index (job->ids, gint64, i));

  if (rows == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  if (job->generation != self->generation)
    return;

  for (guint i = 0; i < rows->len; i++)
    {
      const DeskConversationData *data = g_ptr_array_index (rows, i);
      DeskConversation *conversation;

      conversation = g_hash_table_lookup (self->objects, &data->id);
      if (conversation != NULL)
        desk_conversation_update (conversation, data);
    }
}

static void
load_rows (DeskInboxModel *self,
           GArray         *ids)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  job = g_new0 (LoadJob, 1);
  job->ids = g_array_ref (ids);
  job->generation = self->generation;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *id = &g_array_index (ids, gint64, i);
      g_hash_table_add (self->inflight, g_memdup2 (id, sizeof *id));
    }

  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, load_rows);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_in_thread);
}

/* Reads the page of rows around @position, but for rows already being read. */
static void
request_page (DeskInboxModel *self,
              guint           position)
{
  g_autoptr(GArray) ids = NULL;
  guint start = position - position % DESK_INBOX_MODEL_PAGE_SIZE;
  guint end = MIN (start + DESK_INBOX_MODEL_PAGE_SIZE, self->ids->len);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), end - start);
  for (guint i = start; i < end; i++)
    {
      gint64 id = g_array_index (self->ids, gint64, i);
      DeskConversation *conversation = g_hash_table_lookup (self->objects, &id);

      if (g_hash_table_contains (self->inflight, &id))
        continue;
      if (conversation != NULL && desk_conversation_get_loaded (conversation))
        continue;
      g_array_append_val (ids, id);
    }

  if (ids->len == 0)
    return;

  self->pages_loaded++;
  load_rows (self, ids);
}

static void
on_conversation_finalized (gpointer  user_data,
                           GObject  *where_the_object_was)
{
  DeskInboxModel *self = user_data;
  gint64 id = desk_conversation_get_id ((DeskConversation *) where_the_object_was);

  g_hash_table_remove (self->objects, &id);
}

static void
forget_object (DeskInboxModel *self,
               gint64          id)
{
  DeskConversation *conversation = g_hash_table_lookup (self->objects, &id);

  if (conversation == NULL)
    return;

  g_object_weak_unref (G_OBJECT (conversation), on_conversation_finalized, self);
  g_hash_table_remove (self->objects, &id);
}

static void
forget_all_objects (DeskInboxModel *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_object_weak_unref (value, on_conversation_finalized, self);
      g_hash_table_iter_remove (&iter);
    }
}

/* GListModel */

static GType
desk_inbox_model_get_item_type (GListModel *model)
{
  return DESK_TYPE_CONVERSATION;
}

static guint
desk_inbox_model_get_n_items (GListModel *model)
{
  return DESK_INBOX_MODEL (model)->ids->len;
}

static gpointer
desk_inbox_model_get_item (GListModel *model,
                           guint       position)
{
  DeskInboxModel *self = DESK_INBOX_MODEL (model);
  DeskConversation *conversation;
  gint64 id;

  if (position >= self->ids->len)
    return NULL;

  id = g_array_index (self->ids, gint64, position);
  conversation = g_hash_table_lookup (self->objects, &id);

  if (conversation != NULL)
    return g_object_ref (conversation);

  conversation = desk_conversation_new_placeholder (id);
  g_hash_table_insert (self->objects, g_memdup2 (&id, sizeof id), conversation);
  g_object_weak_ref (G_OBJECT (conversation), on_conversation_finalized, self);

  if (!g_hash_table_contains (self->inflight, &id))
    request_page (self, position);

  return conversation;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = desk_inbox_model_get_item_type;
  iface->get_n_items = desk_inbox_model_get_n_items;
  iface->get_item = desk_inbox_model_get_item;
}

/* Applying a new order */

static gboolean
array_contains (GHashTable *set,
                gint64      id)
{
  return g_hash_table_contains (set, &id);
}

static void
emit_items_changed (DeskInboxModel *self,
                    guint           position,
                    guint           removed,
                    guint           added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);

  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Replaces the whole list: used when the filter changed. */
static void
apply_reset (DeskInboxModel *self,
             GArray         *new_ids)
{
  guint old_len = self->ids->len;

  g_array_unref (self->ids);
  self->ids = g_array_ref (new_ids);
  forget_all_objects (self);
  g_hash_table_remove_all (self->inflight);

  if (old_len > 0 || new_ids->len > 0)
    emit_items_changed (self, 0, old_len, new_ids->len);
}

/* Moves from the current order to @new_ids when only @changed conversations can have moved,
 * appeared or disappeared: each of them is removed from its old place and inserted at its new
 * one, and every other row stays untouched. */
static void
apply_changes (DeskInboxModel *self,
               GArray         *new_ids,
               GArray         *changed)
{
  g_autoptr(GHashTable) changed_set = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) new_set = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) reload = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *old_ids = self->ids;
  guint old_len = old_ids->len;
  guint new_len = new_ids->len;
  guint start = 0;
  guint old_end = old_len;
  guint new_end = new_len;
  guint i, j;

  for (i = 0; i < changed->len; i++)
    g_hash_table_add (changed_set, &g_array_index (changed, gint64, i));
  for (i = 0; i < new_len; i++)
    g_hash_table_add (new_set, &g_array_index (new_ids, gint64, i));

  /* Rows in place at either end need no signal. */
  while (start < old_end && start < new_end &&
         g_array_index (old_ids, gint64, start) == g_array_index (new_ids, gint64, start))
    start++;
  while (old_end > start && new_end > start &&
         g_array_index (old_ids, gint64, old_end - 1) == g_array_index (new_ids, gint64, new_end - 1))
    {
      old_end--;
      new_end--;
    }

  /* Check that the unchanged rows kept their relative order; if something else changed the
   * order too (another program writing the file), fall back to replacing the middle. */
  for (i = start, j = start; ; i++, j++)
    {
      while (i < old_end && array_contains (changed_set, g_array_index (old_ids, gint64, i)))
        i++;
      while (j < new_end && array_contains (changed_set, g_array_index (new_ids, gint64, j)))
        j++;
      if (i >= old_end || j >= new_end)
        break;
      if (g_array_index (old_ids, gint64, i) != g_array_index (new_ids, gint64, j))
        break;
    }

  while (i < old_end && array_contains (changed_set, g_array_index (old_ids, gint64, i)))
    i++;
  while (j < new_end && array_contains (changed_set, g_array_index (new_ids, gint64, j)))
    j++;

  if (i < old_end || j < new_end)
    {
      self->ids = g_array_copy (new_ids);
      for (i = start; i < old_end; i++)
        {
          gint64 id = g_array_index (old_ids, gint64, i);
          if (!g_hash_table_contains (new_set, &id))
            forget_object (self, id);
        }
      g_array_unref (old_ids);
      emit_items_changed (self, start, old_end - start, new_end - start);
    }
  else
    {
      /* Take the changed rows out, last first so positions stay right… */
      self->ids = g_array_copy (old_ids);
      for (i = old_end; i > start; i--)
        {
          gint64 id = g_array_index (self->ids, gint64, i - 1);

          if (!array_contains (changed_set, id))
            continue;

          g_array_remove_index (self->ids, i - 1);
          if (!g_hash_table_contains (new_set, &id))
            forget_object (self, id);
          emit_items_changed (self, i - 1, 1, 0);
        }

      /* …then put them in at their new places, first first. */
      for (j = start; j < new_end; j++)
        {
          gint64 id = g_array_index (new_ids, gint64, j);

          if (!array_contains (changed_set, id))
            continue;

          g_array_insert_val (self->ids, j, id);
          emit_items_changed (self, j, 0, 1);
        }

      g_assert (self->ids->len == new_len);
      g_array_unref (old_ids);
    }

  /* Changed rows that are materialized get their new data. */
  for (i = 0; i < changed->len; i++)
    {
      gint64 id = g_array_index (changed, gint64, i);

      if (g_hash_table_contains (self->objects, &id))
        g_array_append_val (reload, id);
    }

  if (reload->len > 0)
    load_rows (self, reload);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DeskInboxModel *self = DESK_INBOX_MODEL (object);
  QueryJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  self->queries_running--;

  ids = g_task_propagate_pointer (G_TASK (result), &error);

  if (ids == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[FAILED], 0, error);
    }
  else if (job->generation == self->generation)
    {
      if (job->reset)
        apply_reset (self, ids);
      else
        apply_changes (self, ids, job->changed);
    }

  if (self->queries_running == 0)
    {
      if (self->requery)
        {
          self->requery = FALSE;
          queue_refresh (self, FALSE);
        }
      else
        set_loading (self, FALSE);
    }
}

static void
run_query (DeskInboxModel *self,
           gboolean        reset)
{
  g_autoptr(GTask) task = NULL;
  QueryJob *job;

  job = g_new0 (QueryJob, 1);
  job->network = g_strdup (self->network);
  job->search = g_strdup (self->search);
  job->query.status = self->status;
  job->query.tag_id = self->tag_id;
  job->query.account_id = self->account_id;
  job->query.network = job->network;
  job->query.search = job->search;
  job->query.sort = self->sort;
  job->generation = self->generation;
  job->reset = reset;
  if (!reset)
    job->changed = g_steal_pointer (&self->pending_ids);
  self->pending_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  self->queries_running++;
  set_loading (self, TRUE);

  task = g_task_new (self, self->cancellable, query_cb, NULL);
  g_task_set_source_tag (task, run_query);
  g_task_set_task_data (task, job, (GDestroyNotify) query_job_free);
  g_task_run_in_thread (task, query_in_thread);
}

static gboolean
refresh_idle (gpointer user_data)
{
  DeskInboxModel *self = user_data;

  self->refresh_source = 0;
  run_query (self, TRUE);

  return G_SOURCE_REMOVE;
}

/* A filter change: coalesce several setters into one query, drop results of earlier ones. */
static void
queue_refresh (DeskInboxModel *self,
               gboolean        reset)
{
  if (self->store == NULL)
    return;

  if (reset)
    {
      self->generation++;
      g_array_set_size (self->pending_ids, 0);
      set_loading (self, TRUE);
      if (self->refresh_source == 0)
        self->refresh_source = g_idle_add_full (G_PRIORITY_DEFAULT, refresh_idle, self, NULL);
      return;
    }

  if (self->refresh_source != 0)
    return; /* a full refresh is coming anyway */

  if (self->queries_running > 0)
    {
      /* Apply changes in order: one query at a time, the next one after this. */
      self->requery = TRUE;
      return;
    }

  run_query (self, FALSE);
}

static void
on_conversations_changed (DeskInboxModel *self,
                          GArray         *ids,
                          DeskStore      *store)
{
  g_array_append_vals (self->pending_ids, ids->data, ids->len);
  queue_refresh (self, FALSE);
}

/* Object */

static void
desk_inbox_model_dispose (GObject *object)
{
  DeskInboxModel *self = (DeskInboxModel *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  forget_all_objects (self);

  G_OBJECT_CLASS (desk_inbox_model_parent_class)->dispose (object);
}

static void
desk_inbox_model_finalize (GObject *object)
{
  DeskInboxModel *self = (DeskInboxModel *)object;

  g_clear_pointer (&self->network, g_free);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->pending_ids, g_array_unref);
  g_clear_pointer (&self->objects, g_hash_table_unref);
  g_clear_pointer (&self->inflight, g_hash_table_unref);

  G_OBJECT_CLASS (desk_inbox_model_parent_class)->finalize (object);
}

static void
desk_inbox_model_constructed (GObject *object)
{
  DeskInboxModel *self = (DeskInboxModel *)object;

  G_OBJECT_CLASS (desk_inbox_model_parent_class)->constructed (object);

  if (self->store != NULL)
    {
      self->changed_handler = g_signal_connect_object (self->store, "conversations-changed",
                                                       G_CALLBACK (on_conversations_changed),
                                                       self, G_CONNECT_SWAPPED);
      queue_refresh (self, TRUE);
    }
}

static void
desk_inbox_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DeskInboxModel *self = DESK_INBOX_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    case PROP_TAG_ID:
      g_value_set_int64 (value, self->tag_id);
      break;

    case PROP_ACCOUNT_ID:
      g_value_set_int64 (value, self->account_id);
      break;

    case PROP_NETWORK:
      g_value_set_string (value, self->network);
      break;

    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;

    case PROP_SORT:
      g_value_set_int (value, self->sort);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_inbox_model_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DeskInboxModel *self = DESK_INBOX_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_STATUS:
      desk_inbox_model_set_status (self, g_value_get_int (value));
      break;

    case PROP_TAG_ID:
      desk_inbox_model_set_tag_id (self, g_value_get_int64 (value));
      break;

    case PROP_ACCOUNT_ID:
      desk_inbox_model_set_account_id (self, g_value_get_int64 (value));
      break;

    case PROP_NETWORK:
      desk_inbox_model_set_network (self, g_value_get_string (value));
      break;

    case PROP_SEARCH:
      desk_inbox_model_set_search (self, g_value_get_string (value));
      break;

    case PROP_SORT:
      desk_inbox_model_set_sort (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_inbox_model_class_init (DeskInboxModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = desk_inbox_model_constructed;
  object_class->dispose = desk_inbox_model_dispose;
  object_class->finalize = desk_inbox_model_finalize;
  object_class->get_property = desk_inbox_model_get_property;
  object_class->set_property = desk_inbox_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DESK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL, -1, DESK_CONVERSATION_CLOSED, -1, rw);
  properties[PROP_TAG_ID] =
    g_param_spec_int64 ("tag-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_int64 ("account-id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_NETWORK] =
    g_param_spec_string ("network", NULL, NULL, NULL, rw);
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL, rw);
  properties[PROP_SORT] =
    g_param_spec_int ("sort", NULL, NULL, 0, DESK_INBOX_SORT_NEWEST, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DeskInboxModel::failed:
   * @error: what went wrong, in words for the user
   *
   * A query or a page load failed; the model keeps what it had.
   */
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
desk_inbox_model_init (DeskInboxModel *self)
{
  self->status = -1;
  self->sort = DESK_INBOX_SORT_WAITING_LONGEST;
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pending_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->objects = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->inflight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

DeskInboxModel *
desk_inbox_model_new (DeskStore *store)
{
  g_return_val_if_fail (DESK_IS_STORE (store), NULL);

  return g_object_new (DESK_TYPE_INBOX_MODEL, "store", store, NULL);
}

DeskStore *
desk_inbox_model_get_store (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), NULL);
  return self->store;
}

/**
 * desk_inbox_model_get_loading:
 *
 * Returns: %TRUE while the model is reading the order of its conversations
 */
gboolean
desk_inbox_model_get_loading (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), FALSE);
  return self->loading;
}

/**
 * desk_inbox_model_get_pages_loaded:
 *
 * Returns: how many pages of conversations have been read since the model was made
 */
guint
desk_inbox_model_get_pages_loaded (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), 0);
  return self->pages_loaded;
}

int
desk_inbox_model_get_status (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), -1);
  return self->status;
}

void
desk_inbox_model_set_status (DeskInboxModel *self,
                             int             status)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));
  g_return_if_fail (status >= -1 && status <= DESK_CONVERSATION_CLOSED);

  if (self->status == status)
    return;

  self->status = status;
  queue_refresh (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

gint64
desk_inbox_model_get_tag_id (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), 0);
  return self->tag_id;
}

void
desk_inbox_model_set_tag_id (DeskInboxModel *self,
                             gint64          tag_id)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  if (self->tag_id == tag_id)
    return;

  self->tag_id = tag_id;
  queue_refresh (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAG_ID]);
}

gint64
desk_inbox_model_get_account_id (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), 0);
  return self->account_id;
}

void
desk_inbox_model_set_account_id (DeskInboxModel *self,
                                 gint64          account_id)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  if (self->account_id == account_id)
    return;

  self->account_id = account_id;
  queue_refresh (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID]);
}

const char *
desk_inbox_model_get_network (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), NULL);
  return self->network;
}

void
desk_inbox_model_set_network (DeskInboxModel *self,
                              const char     *network)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  if (set_str (&self->network, network))
    {
      queue_refresh (self, TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK]);
    }
}

const char *
desk_inbox_model_get_search (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), NULL);
  return self->search;
}

void
desk_inbox_model_set_search (DeskInboxModel *self,
                             const char     *search)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  if (search != NULL && search[0] == '\0')
    search = NULL;

  if (set_str (&self->search, search))
    {
      queue_refresh (self, TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
    }
}

DeskInboxSort
desk_inbox_model_get_sort (DeskInboxModel *self)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), 0);
  return self->sort;
}

void
desk_inbox_model_set_sort (DeskInboxModel *self,
                           DeskInboxSort   sort)
{
  g_return_if_fail (DESK_IS_INBOX_MODEL (self));

  if (self->sort == sort)
    return;

  self->sort = sort;
  queue_refresh (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

/**
 * desk_inbox_model_find:
 * @position: (out) (optional): where the conversation is
 *
 * Looks a conversation up among the model's ids, without loading any row.
 *
 * Returns: whether the model holds @conversation_id
 */
gboolean
desk_inbox_model_find (DeskInboxModel *self,
                       gint64          conversation_id,
                       guint          *position)
{
  g_return_val_if_fail (DESK_IS_INBOX_MODEL (self), FALSE);

  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == conversation_id)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }

  return FALSE;
}
