/* desk-preferences-window.c: (being written) */
#include "config.h"

#include "desk-preferences-window.h"
