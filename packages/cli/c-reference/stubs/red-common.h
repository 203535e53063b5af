/* Saffron's own stand-in for spice-server's server/red-common.h, which glz-encoder.c includes:
 * the GLZ encoder only needs glib, spice-protocol's macros and spice-common's log macros. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <spice/macros.h>
#include <common/log.h>
