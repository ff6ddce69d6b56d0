/* fake-server-thread.h: a SoupServer on 127.0.0.1 running in a thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _FakeServerThread FakeServerThread;

/* Runs in the server's thread just before it stops: answer or drop what is still pending. */
typedef void (*FakeServerStopFunc) (gpointer user_data);

FakeServerThread *fake_server_thread_new         (const char          *name,
                                                  SoupServerCallback   callback,
                                                  FakeServerStopFunc   on_stop,
                                                  gpointer             user_data);
const char       *fake_server_thread_get_url     (FakeServerThread    *self);
GMainContext     *fake_server_thread_get_context (FakeServerThread    *self);
void              fake_server_thread_free        (FakeServerThread    *self);

G_END_DECLS
