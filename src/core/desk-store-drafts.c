/* desk-store-drafts.c: (being written) */
#include "config.h"

#include "desk-store-private.h"
