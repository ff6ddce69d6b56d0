/* desk-canned-picker.h: (being written) */
#pragma once

#include <glib-object.h>
