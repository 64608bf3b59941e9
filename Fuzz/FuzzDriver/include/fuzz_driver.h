#ifndef LIVETS_FUZZ_DRIVER_H
#define LIVETS_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/* The main of every fuzz target. Linked with -sanitize=fuzzer it runs
 * libFuzzer's driver on `test`; otherwise it replays the files named on the
 * command line through `test`, to reproduce a finding in a normal build.
 * Returns the process exit code. */
int lts_fuzz_main(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));

#endif
