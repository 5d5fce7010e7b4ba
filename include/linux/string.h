/* The C string functions the kernel provides for itself (and GCC may call). */
#pragma once
#include <linux/types.h>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
void* memchr(const void* s, int c, size_t n);
}

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strscpy(char* dst, const char* src, size_t size);
