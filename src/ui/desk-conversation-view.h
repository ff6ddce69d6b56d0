/* desk-conversation-view.h: (being written) */
#pragma once

#include <glib-object.h>
