/* desk-tag-popover.c: (being written) */
#include "config.h"

#include "desk-tag-popover.h"
