/* desk-notifier.c: (being written) */
#include "config.h"

#include "desk-notifier.h"
