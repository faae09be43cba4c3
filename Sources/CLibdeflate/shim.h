/* The system libdeflate 1.14 (Debian libdeflate-dev): whole-buffer inflate and CRC-32. */
#include <libdeflate.h>
