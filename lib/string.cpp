#include <linux/string.h>

extern "C" {

/* Eight bytes per step, then the tail: under emulation every repetition of a
 * string instruction counts, so whole pages move in 512 steps, not 4096. */
void* memcpy(void* dst, const void* src, size_t n)
{
    void* ret = dst;
    size_t words = n / 8, bytes = n % 8;
    asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
    return ret;
}

void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void* memset(void* dst, int c, size_t n)
{
    void* ret = dst;
    size_t words = n / 8, bytes = n % 8;
    unsigned long pattern = 0x0101010101010101UL * static_cast<u8>(c);
    asm volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(dst), "+c"(bytes) : "a"(pattern) : "memory");
    return ret;
}

int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const u8*>(a);
    auto* y = static_cast<const u8*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char* s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char* a, const char* b)
{
    while (*a && *a == *b)
        a++, b++;
    return static_cast<u8>(*a) - static_cast<u8>(*b);
}

int strncmp(const char* a, const char* b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return static_cast<u8>(*a) - static_cast<u8>(*b);
        if (!*a)
            return 0;
    }
    return 0;
}

void* memchr(const void* s, int c, size_t n)
{
    auto* p = static_cast<const u8*>(s);
    for (size_t i = 0; i < n; i++)
        if (p[i] == static_cast<u8>(c))
            return const_cast<u8*>(p + i);
    return nullptr;
}

char* strchr(const char* s, int c)
{
    for (;; s++) {
        if (*s == static_cast<char>(c))
            return const_cast<char*>(s);
        if (!*s)
            return nullptr;
    }
}

} // extern "C"

size_t strscpy(char* dst, const char* src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}
