/* The system OpenJPEG 2.5 (Debian libopenjp2-7-dev); its include folder comes from pkg-config. */
#include <openjpeg.h>
