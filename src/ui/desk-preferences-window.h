/* desk-preferences-window.h: (being written) */
#pragma once

#include <glib-object.h>
