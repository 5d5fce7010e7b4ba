/*
 * Reading a cpio archive in the "newc" format (what the initramfs is): a
 * 110-byte ASCII header "070701" + thirteen 8-digit hex fields, the name, the
 * data, each padded to 4 bytes, ending with the entry "TRAILER!!!". Pure
 * logic: the host tests parse archives made by the cpio tool.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
    const char* name; /* NUL-terminated, inside the archive */
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
    uint32_t nlink;
    uint32_t mtime;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    const uint8_t* data;
    size_t size;
};

enum class CpioStatus { Entry, End, Malformed };

class CpioReader {
public:
    CpioReader(const void* archive, size_t size) : base_(static_cast<const uint8_t*>(archive)), size_(size) {}
    /* The next entry; End after the trailer (or at the end of the data). */
    CpioStatus next(cpio_entry& out);

private:
    CpioStatus read_one(cpio_entry& out);

    const uint8_t* base_;
    size_t size_;
    size_t pos_ = 0;
};
