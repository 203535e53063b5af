/* Build configuration for the C reference encoders (saffron bench encoders --c-reference).
 * Saffron's own file: the fetched spice sources include <config.h>; they only need a log domain. */
#pragma once
#define G_LOG_DOMAIN "Spice"
