/* desk-canned-library.c: (being written) */
#include "config.h"

#include "desk-canned-library.h"
