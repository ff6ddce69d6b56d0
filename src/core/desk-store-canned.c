/* desk-store-canned.c: (being written) */
#include "config.h"

#include "desk-store-private.h"
