/* desk-conversation-view.c: (being written) */
#include "config.h"

#include "desk-conversation-view.h"
