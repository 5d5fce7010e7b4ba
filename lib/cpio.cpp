#include "cpio.h"

namespace {

constexpr size_t HEADER_SIZE = 110;

bool parse_hex8(const uint8_t* p, uint32_t& out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        v = v << 4 | digit;
    }
    out = v;
    return true;
}

size_t align4(size_t x) { return (x + 3) & ~static_cast<size_t>(3); }

bool same(const char* a, const char* b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

} // namespace

CpioStatus CpioReader::next(cpio_entry& out)
{
    for (;;) {
        CpioStatus st = read_one(out);
        /* A trailer ends one archive; another may follow it. */
        if (st != CpioStatus::Entry || !same(out.name, "TRAILER!!!"))
            return st;
    }
}

CpioStatus CpioReader::read_one(cpio_entry& out)
{
    /* Archives may be concatenated with zero padding in between; headers
     * start on 4-byte boundaries, or the padding is broken (Linux agrees). */
    while (pos_ < size_ && base_[pos_] == 0)
        pos_++;
    if (pos_ >= size_)
        return CpioStatus::End;
    if (pos_ % 4 || size_ - pos_ < HEADER_SIZE)
        return CpioStatus::Malformed;
    const uint8_t* h = base_ + pos_;
    /* "070701", or "070702" for the variant with a checksum (not checked, as Linux doesn't either). */
    static const char magic[] = "07070";
    for (int i = 0; i < 5; i++)
        if (h[i] != static_cast<uint8_t>(magic[i]))
            return CpioStatus::Malformed;
    if (h[5] != '1' && h[5] != '2')
        return CpioStatus::Malformed;
    uint32_t f[13];
    for (int i = 0; i < 13; i++)
        if (!parse_hex8(h + 6 + 8 * i, f[i]))
            return CpioStatus::Malformed;
    uint32_t name_size = f[11];
    size_t filesize = f[6];
    size_t name_at = pos_ + HEADER_SIZE;
    if (name_size == 0 || name_size > size_ - name_at)
        return CpioStatus::Malformed;
    if (base_[name_at + name_size - 1] != 0)
        return CpioStatus::Malformed;
    size_t data_at = align4(name_at + name_size);
    if (data_at > size_ || filesize > size_ - data_at)
        return CpioStatus::Malformed;

    out.name = reinterpret_cast<const char*>(base_ + name_at);
    out.mode = f[1];
    out.uid = f[2];
    out.gid = f[3];
    out.nlink = f[4];
    out.mtime = f[5];
    out.rdev_major = f[9];
    out.rdev_minor = f[10];
    out.data = base_ + data_at;
    out.size = filesize;
    pos_ = align4(data_at + filesize);
    return CpioStatus::Entry;
}
