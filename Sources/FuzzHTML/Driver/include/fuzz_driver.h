#ifndef LIVETS_FUZZ_DRIVER_H
#define LIVETS_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/* Runs libFuzzer's driver on `test` when the binary was linked with
 * -sanitize=fuzzer, and returns its exit code; returns -1 otherwise. */
int lts_fuzz_run_driver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

#endif
