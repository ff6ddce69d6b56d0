/* desk-compose.c: (being written) */
#include "config.h"

#include "desk-compose.h"
