/* The robust futex list from a 64-bit (musl) program: tests/guest/robust_body.h. */
#define _GNU_SOURCE
#include <signal.h>
#include "musl_check.h"
#include "robust_body.h"

int main(int argc, char **argv) { return robust_main(argc, argv); }
