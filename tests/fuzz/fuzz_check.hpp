#pragma once

// Invariant checks shared by the fuzz targets: a violated invariant aborts, which libFuzzer
// reports as a crash together with the input that caused it.

#include <cstdio>
#include <cstdlib>

#define CUSTINSIGHT_FUZZ_CHECK(cond)                                                 \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (false)
