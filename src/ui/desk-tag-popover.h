/* desk-tag-popover.h: (being written) */
#pragma once

#include <glib-object.h>
