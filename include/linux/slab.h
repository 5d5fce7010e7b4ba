/* kmalloc: small objects from per-size caches, big ones straight from pages. */
#pragma once
#include <linux/types.h>

[[nodiscard]] void* kmalloc(size_t size);
[[nodiscard]] void* kzalloc(size_t size);
void kfree(const void* ptr);

/* The C++ way: operator new/delete go through kmalloc. Allocation can fail and
 * then yields nullptr: the kernel is built with -fcheck-new, so no constructor
 * runs on nullptr, and every `new` is checked by its caller. */
