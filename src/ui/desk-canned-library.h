/* desk-canned-library.h: (being written) */
#pragma once

#include <glib-object.h>
