/* The robust futex list from an i386 (glibc) program: the compat list
 * (12-byte head, 32-bit pointers and offset), tests/guest/robust_body.h. */
#define _GNU_SOURCE
#include <signal.h>
#include "check32.h"
#define EQ(expr, v) CHECK(expr, v)
#define ERR(expr, e) CHECK_ERR(expr, e)
#define TRUE(cond) CHECK_TRUE(#cond, cond)
#include "../robust_body.h"

int main(int argc, char **argv) { return robust_main(argc, argv); }
