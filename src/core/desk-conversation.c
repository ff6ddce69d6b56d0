/* desk-conversation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "desk-conversation"

#include "config.h"

#include "desk-conversation.h"

struct _DeskConversation
{
  GObject               parent_instance;
  DeskConversationData  data;
  guint                 loaded : 1;
};

G_DEFINE_FINAL_TYPE (DeskConversation, desk_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LOADED,
  PROP_NETWORK,
  PROP_ACCOUNT_HANDLE,
  PROP_CONTACT_NAME,
  PROP_CONTACT_HANDLE,
  PROP_SNIPPET,
  PROP_KIND,
  PROP_STATUS,
  PROP_WAITING_SINCE,
  PROP_LAST_MESSAGE_AT,
  PROP_UNREAD,
  PROP_ANSWERED_BY,
  PROP_TAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
desk_conversation_data_clear (DeskConversationData *data)
{
  g_clear_pointer (&data->network, g_free);
  g_clear_pointer (&data->account_handle, g_free);
  g_clear_pointer (&data->contact_name, g_free);
  g_clear_pointer (&data->contact_handle, g_free);
  g_clear_pointer (&data->snippet, g_free);
  g_clear_pointer (&data->answered_by, g_free);
  g_clear_pointer (&data->tags, g_strfreev);
}

static void
desk_conversation_finalize (GObject *object)
{
  DeskConversation *self = (DeskConversation *)object;

  desk_conversation_data_clear (&self->data);

  G_OBJECT_CLASS (desk_conversation_parent_class)->finalize (object);
}

static void
desk_conversation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DeskConversation *self = DESK_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->data.id);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    case PROP_NETWORK:
      g_value_set_string (value, self->data.network);
      break;

    case PROP_ACCOUNT_HANDLE:
      g_value_set_string (value, self->data.account_handle);
      break;

    case PROP_CONTACT_NAME:
      g_value_set_string (value, self->data.contact_name);
      break;

    case PROP_CONTACT_HANDLE:
      g_value_set_string (value, self->data.contact_handle);
      break;

    case PROP_SNIPPET:
      g_value_set_string (value, self->data.snippet);
      break;

    case PROP_KIND:
      g_value_set_int (value, self->data.kind);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->data.status);
      break;

    case PROP_WAITING_SINCE:
      g_value_set_int64 (value, self->data.waiting_since);
      break;

    case PROP_LAST_MESSAGE_AT:
      g_value_set_int64 (value, self->data.last_message_at);
      break;

    case PROP_UNREAD:
      g_value_set_boolean (value, self->data.unread);
      break;

    case PROP_ANSWERED_BY:
      g_value_set_string (value, self->data.answered_by);
      break;

    case PROP_TAGS:
      g_value_set_boxed (value, self->data.tags);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
desk_conversation_class_init (DeskConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = desk_conversation_finalize;
  object_class->get_property = desk_conversation_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_NETWORK] = g_param_spec_string ("network", NULL, NULL, NULL, ro);
  properties[PROP_ACCOUNT_HANDLE] = g_param_spec_string ("account-handle", NULL, NULL, NULL, ro);
  properties[PROP_CONTACT_NAME] = g_param_spec_string ("contact-name", NULL, NULL, NULL, ro);
  properties[PROP_CONTACT_HANDLE] = g_param_spec_string ("contact-handle", NULL, NULL, NULL, ro);
  properties[PROP_SNIPPET] = g_param_spec_string ("snippet", NULL, NULL, NULL, ro);
  properties[PROP_KIND] = g_param_spec_int ("kind", NULL, NULL, 0, DESK_CONVERSATION_DM, 0, ro);
  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL,
                                              0, DESK_CONVERSATION_CLOSED, 0, ro);
  properties[PROP_WAITING_SINCE] = g_param_spec_int64 ("waiting-since", NULL, NULL,
                                                       0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_MESSAGE_AT] = g_param_spec_int64 ("last-message-at", NULL, NULL,
                                                         0, G_MAXINT64, 0, ro);
  properties[PROP_UNREAD] = g_param_spec_boolean ("unread", NULL, NULL, FALSE, ro);
  properties[PROP_ANSWERED_BY] = g_param_spec_string ("answered-by", NULL, NULL, NULL, ro);
  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
desk_conversation_init (DeskConversation *self)
{
}

/**
 * desk_conversation_new_placeholder:
 * @id: the conversation's id in the store
 *
 * An object the inbox hands out before its row is loaded; desk_conversation_update() fills it.
 */
DeskConversation *
desk_conversation_new_placeholder (gint64 id)
{
  DeskConversation *self = g_object_new (DESK_TYPE_CONVERSATION, NULL);

  self->data.id = id;

  return self;
}

DeskConversation *
desk_conversation_new (const DeskConversationData *data)
{
  DeskConversation *self = desk_conversation_new_placeholder (data->id);

  desk_conversation_update (self, data);

  return self;
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/**
 * desk_conversation_update:
 * @self: a #DeskConversation
 * @data: the row as the store has it now
 *
 * Copies @data into @self and notifies only the properties whose value changed, so bound
 * widgets redraw only what changed.
 */
void
desk_conversation_update (DeskConversation           *self,
                          const DeskConversationData *data)
{
  g_return_if_fail (DESK_IS_CONVERSATION (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (data->id == self->data.id);

  g_object_freeze_notify (G_OBJECT (self));

  self->data.account_id = data->account_id;

  if (set_string (&self->data.network, data->network))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK]);
  if (set_string (&self->data.account_handle, data->account_handle))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_HANDLE]);
  if (set_string (&self->data.contact_name, data->contact_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT_NAME]);
  if (set_string (&self->data.contact_handle, data->contact_handle))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT_HANDLE]);
  if (set_string (&self->data.snippet, data->snippet))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNIPPET]);
  if (set_string (&self->data.answered_by, data->answered_by))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED_BY]);

  if (self->data.kind != data->kind)
    {
      self->data.kind = data->kind;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
    }

  if (self->data.status != data->status)
    {
      self->data.status = data->status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }

  if (self->data.waiting_since != data->waiting_since)
    {
      self->data.waiting_since = data->waiting_since;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_SINCE]);
    }

  if (self->data.last_message_at != data->last_message_at)
    {
      self->data.last_message_at = data->last_message_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MESSAGE_AT]);
    }

  if (self->data.unread != data->unread)
    {
      self->data.unread = !!data->unread;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
    }

  if (!g_strv_equal ((const char * const *) (self->data.tags ? self->data.tags : (char *[]) { NULL }),
                     (const char * const *) (data->tags ? data->tags : (char *[]) { NULL })))
    {
      g_strfreev (self->data.tags);
      self->data.tags = g_strdupv (data->tags);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
    }

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
desk_conversation_get_loaded (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), FALSE);
  return self->loaded;
}

gint64
desk_conversation_get_id (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), 0);
  return self->data.id;
}

gint64
desk_conversation_get_account_id (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), 0);
  return self->data.account_id;
}

const char *
desk_conversation_get_network (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return self->data.network;
}

const char *
desk_conversation_get_account_handle (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return self->data.account_handle;
}

const char *
desk_conversation_get_contact_name (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return self->data.contact_name;
}

const char *
desk_conversation_get_contact_handle (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return self->data.contact_handle;
}

const char *
desk_conversation_get_snippet (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return self->data.snippet;
}

DeskConversationKind
desk_conversation_get_kind (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), 0);
  return self->data.kind;
}

DeskConversationStatus
desk_conversation_get_status (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), 0);
  return self->data.status;
}

gint64
desk_conversation_get_waiting_since (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), 0);
  return self->data.waiting_since;
}

gint64
desk_conversation_get_last_message_at (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), 0);
  return self->data.last_message_at;
}

gboolean
desk_conversation_get_unread (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), FALSE);
  return self->data.unread;
}

const char *
desk_conversation_get_answered_by (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return self->data.answered_by;
}

const char * const *
desk_conversation_get_tags (DeskConversation *self)
{
  g_return_val_if_fail (DESK_IS_CONVERSATION (self), NULL);
  return (const char * const *) self->data.tags;
}
