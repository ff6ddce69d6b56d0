/* desk-composer.c: (being written) */
#include "config.h"

#include "desk-composer.h"
