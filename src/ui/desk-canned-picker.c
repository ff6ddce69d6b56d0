/* desk-canned-picker.c: (being written) */
#include "config.h"

#include "desk-canned-picker.h"
