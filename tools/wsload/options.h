#ifndef WSLOAD_OPTIONS_H
#define WSLOAD_OPTIONS_H

#include "wsload.h"

/* Fills opt from argv with each mode's defaults; returns the mode, or
 * NULL after printing the usage or what was wrong. *status is the exit
 * status to use then (0 for --help). */
const wl_mode *options_parse(int argc, char **argv, wl_options *opt, int *status);

#endif
