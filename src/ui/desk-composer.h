/* desk-composer.h: (being written) */
#pragma once

#include <glib-object.h>
