/* fake-server-thread.c: a SoupServer on 127.0.0.1 running in a thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fake servers answer providers that block on their requests in the test's own thread, so
 * each serves from a thread and main context of its own. Handlers run in that thread.
 */
#include "config.h"

#include "fake-server-thread.h"

struct _FakeServerThread
{
  char               *name;
  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  SoupServer         *server;
  char               *url;
  SoupServerCallback  callback;
  FakeServerStopFunc  on_stop;
  gpointer            user_data;

  /* Start-up handshake */
  GMutex              mutex;
  GCond               cond;
  gboolean            started;
};

static gpointer
run (gpointer data)
{
  FakeServerThread *self = data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static gboolean
start_in_thread (gpointer data)
{
  FakeServerThread *self = data;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, self->callback, self->user_data, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("%s cannot listen: %s", self->name, error->message);

  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  g_mutex_lock (&self->mutex);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  return G_SOURCE_REMOVE;
}

static gboolean
stop_in_thread (gpointer data)
{
  FakeServerThread *self = data;

  if (self->on_stop != NULL)
    self->on_stop (self->user_data);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_main_loop_quit (self->loop);

  return G_SOURCE_REMOVE;
}

/**
 * fake_server_thread_new:
 * @name: for the thread and messages
 * @callback: handles every request, in the server's thread
 * @on_stop: (nullable): runs in the server's thread before it stops
 *
 * Returns: a server already listening on 127.0.0.1 on a free port
 */
FakeServerThread *
fake_server_thread_new (const char          *name,
                        SoupServerCallback   callback,
                        FakeServerStopFunc   on_stop,
                        gpointer             user_data)
{
  FakeServerThread *self = g_new0 (FakeServerThread, 1);

  self->name = g_strdup (name);
  self->callback = callback;
  self->on_stop = on_stop;
  self->user_data = user_data;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new (name, run, self);

  g_main_context_invoke (self->context, start_in_thread, self);
  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

const char *
fake_server_thread_get_url (FakeServerThread *self)
{
  return self->url;
}

GMainContext *
fake_server_thread_get_context (FakeServerThread *self)
{
  return self->context;
}

void
fake_server_thread_free (FakeServerThread *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, stop_in_thread, self);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->url);
  g_free (self->name);
  g_free (self);
}
