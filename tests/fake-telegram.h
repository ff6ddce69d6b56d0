/* fake-telegram.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FakeTelegram FakeTelegram;

typedef enum
{
  FAKE_TELEGRAM_FAULT_NONE,
  FAKE_TELEGRAM_FAULT_SERVER_ERROR,     /* the next request: 502 */
  FAKE_TELEGRAM_FAULT_RATE_LIMIT,       /* the next request: 429 with parameters.retry_after */
  FAKE_TELEGRAM_FAULT_TRUNCATED,        /* the next getUpdates: a body cut short */
  FAKE_TELEGRAM_FAULT_DROP_AFTER_SEND,  /* the next sendMessage posts, then the connection breaks */
  FAKE_TELEGRAM_FAULT_BLOCKED,          /* the next sendMessage: 403, the user blocked the bot */
} FakeTelegramFault;

FakeTelegram *fake_telegram_new              (const char        *token,
                                              gint64             bot_id,
                                              const char        *bot_username);
void          fake_telegram_free             (FakeTelegram      *self);
const char   *fake_telegram_get_url          (FakeTelegram      *self);

gint64        fake_telegram_private_message  (FakeTelegram      *self,
                                              gint64             user_id,
                                              const char        *first_name,
                                              const char        *text);
gint64        fake_telegram_group_message    (FakeTelegram      *self,
                                              gint64             chat_id,
                                              gint64             user_id,
                                              const char        *first_name,
                                              const char        *text,
                                              gint64             reply_to,
                                              gboolean           text_mention_bot);
gint64        fake_telegram_business_message (FakeTelegram      *self,
                                              const char        *connection_id,
                                              gint64             user_id,
                                              const char        *first_name,
                                              const char        *text);
gint64        fake_telegram_business_away_message (FakeTelegram *self,
                                              const char        *connection_id,
                                              gint64             user_id,
                                              gint64             owner_id,
                                              const char        *text);
gint64        fake_telegram_bot_message      (FakeTelegram      *self,
                                              gint64             chat_id,
                                              const char        *text);

void          fake_telegram_set_fault        (FakeTelegram      *self,
                                              FakeTelegramFault  fault,
                                              guint              retry_after);
void          fake_telegram_set_webhook      (FakeTelegram      *self,
                                              const char        *url);
gboolean      fake_telegram_has_webhook      (FakeTelegram      *self);
void          fake_telegram_revoke           (FakeTelegram      *self);
void          fake_telegram_replace_token    (FakeTelegram      *self,
                                              const char        *token);

guint         fake_telegram_count_sent       (FakeTelegram      *self,
                                              gint64             chat_id);
char         *fake_telegram_dup_last_send    (FakeTelegram      *self);
guint         fake_telegram_count_requests   (FakeTelegram      *self,
                                              const char        *method);
guint         fake_telegram_count_pending    (FakeTelegram      *self);
gint64        fake_telegram_get_last_timeout (FakeTelegram      *self);
guint         fake_telegram_count_terminated (FakeTelegram      *self);
void          fake_telegram_kill_on          (FakeTelegram      *self,
                                              GPid               pid,
                                              const char        *method,
                                              guint              nth,
                                              gboolean           after);

G_END_DECLS
