#pragma once
#include <uapi/linux/resource.h>

/* The current process's soft limit. */
unsigned long rlimit(int resource);
