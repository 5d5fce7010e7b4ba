/*
 * Argument types that say what a register means, so a handler's signature
 * documents itself and the tracer prints the value the way strace does
 * (AT_FDCWD, O_RDONLY|O_CLOEXEC). Each is built from the raw register.
 */
#pragma once
#include <linux/types.h>

class TraceBuffer;

/* A directory descriptor for the *at() calls: a descriptor or AT_FDCWD. */
struct DirFd {
    int value;
    explicit DirFd(unsigned long raw) : value(static_cast<int>(raw)) {}
    void trace(TraceBuffer& out) const;
};

/* open()'s flags. */
struct OpenFlags {
    unsigned int value;
    explicit OpenFlags(unsigned long raw) : value(static_cast<unsigned int>(raw)) {}
    void trace(TraceBuffer& out) const;
};

/* open()'s mode: only meaningful, and only traced, with O_CREAT or O_TMPFILE
 * in the flags argument just before it. */
struct OpenMode {
    unsigned short value;
    explicit OpenMode(unsigned long raw) : value(static_cast<unsigned short>(raw)) {}
    void trace(TraceBuffer& out) const;
    static bool trace_omit(const unsigned long* args, int index);
};
