#ifndef CCODECS_H
#define CCODECS_H
/* Internal shim over libpng and libjpeg. Filled in by the codec work; see README.md. */
#include <stddef.h>
#include <stdint.h>
#endif
