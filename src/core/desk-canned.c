/* desk-canned.c: (being written) */
#include "config.h"

#include "desk-canned.h"
