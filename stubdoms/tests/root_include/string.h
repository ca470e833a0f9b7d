/* The test root task is freestanding: <string.h> for libos's xenbus client is libtessera's. */
#include <ts/string.h>
