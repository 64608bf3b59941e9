#include "fuzz_driver.h"

#include <stdio.h>
#include <stdlib.h>

/* Weak: present only when libFuzzer is linked in, so the same target builds
 * (as a corpus replayer) in a normal `swift build`. */
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *, size_t))
    __attribute__((weak));

static int replay(const char *path, int (*test)(const uint8_t *, size_t)) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "cannot open %s\n", path);
    return 2;
  }
  size_t size = 0, capacity = 65536;
  uint8_t *bytes = malloc(capacity);
  size_t n;
  while (bytes && (n = fread(bytes + size, 1, capacity - size, file)) > 0) {
    size += n;
    if (size == capacity) bytes = realloc(bytes, capacity *= 2);
  }
  fclose(file);
  if (!bytes) return 2;
  test(bytes, size);
  free(bytes);
  printf("%s: ok\n", path);
  return 0;
}

int lts_fuzz_main(int argc, char **argv, int (*test)(const uint8_t *, size_t)) {
  if (LLVMFuzzerRunDriver) return LLVMFuzzerRunDriver(&argc, &argv, test);
  for (int i = 1; i < argc; i++) {
    int status = replay(argv[i], test);
    if (status) return status;
  }
  return 0;
}
