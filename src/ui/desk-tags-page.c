/* desk-tags-page.c: (being written) */
#include "config.h"

#include "desk-tags-page.h"
