/* desk-store-tags.c: (being written) */
#include "config.h"

#include "desk-store-private.h"
