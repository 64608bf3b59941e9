#include "fuzz_driver.h"

/* Weak: present only when libFuzzer is linked in, so the same target builds
 * (as a corpus replayer) in a normal `swift build`. */
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *, size_t))
    __attribute__((weak));

int lts_fuzz_run_driver(int *argc, char ***argv, int (*test)(const uint8_t *, size_t)) {
  return LLVMFuzzerRunDriver ? LLVMFuzzerRunDriver(argc, argv, test) : -1;
}
