/* The system CharLS 2.4 C API (Debian libcharls-dev). */
#include <charls/charls.h>
