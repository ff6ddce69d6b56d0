/* desk-tags-page.h: (being written) */
#pragma once

#include <glib-object.h>
