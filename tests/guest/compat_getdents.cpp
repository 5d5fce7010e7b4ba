/*
 * compat_getdents: reading a directory through int $0x80.
 *   - getdents (141, compat_sys_getdents): compat_linux_dirent records,
 *     32-bit d_ino and d_off, reclen a multiple of 4, the type in the last
 *     byte; the same entries as x86-64's getdents64, in the same order.
 *   - readdir (89, compat_sys_old_readdir): one compat_old_linux_dirent a
 *     call (d_offset the entry's own position, d_namlen), 1, then 0 at the end.
 *   - getdents64 (220): the same layout on both ABIs.
 * Entry order and offsets are each kernel's own; the test compares the
 * layouts with each other, not with numbers.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct entry {
    uint64_t ino;
    int64_t off;
    unsigned char type;
    char name[32];
};

static entry list[16];
static int n;
static unsigned char buf[4096], buf2[4096];

static bool name_eq(const char* a, const char* b, int len)
{
    for (int i = 0; i < len; i++)
        if (a[i] != b[i])
            return false;
    return a[len] == 0;
}

static int name_len(const char* s)
{
    int l = 0;
    while (s[l])
        l++;
    return l;
}

template <typename T>
static T load(const unsigned char* p)
{
    T v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

int main(int, char**, char**)
{
    CHECK_EQ(x64::sys_mkdir("/tmp/d", 0755), 0);
    static const char* const files[] = {"/tmp/d/a", "/tmp/d/bb", "/tmp/d/ccc"};
    for (const char* f : files) {
        SysResult fd = x64::sys_open(f, O_CREAT | O_WRONLY, 0600);
        CHECK_OK(fd);
        x64::sys_close(fd.value());
    }
    SysResult d = x64::sys_open("/tmp/d", O_RDONLY | O_DIRECTORY, 0);
    CHECK_EQ(d, 3);

    test::section("getdents64 through syscall, the reference");
    SysResult got = x64::sys_getdents64(d.value(), buf, sizeof(buf));
    CHECK_OK(got);
    for (long pos = 0; pos < got.value() && n < 16; n++) {
        unsigned char* r = buf + pos;
        list[n].ino = load<uint64_t>(r);
        list[n].off = load<int64_t>(r + 8);
        list[n].type = r[18];
        int l = name_len(reinterpret_cast<char*>(r + 19));
        __builtin_memcpy(list[n].name, r + 19, l + 1);
        pos += load<uint16_t>(r + 16);
    }
    CHECK_EQ(n, 5); /* ., .., a, bb, ccc */

    test::section("getdents64 through int $0x80: the same bytes");
    CHECK_EQ(x64::sys_lseek(d.value(), 0, SEEK_SET), 0);
    CHECK(ia32::sys_getdents64(d.value(), buf2, sizeof(buf2)) == got);
    CHECK(__builtin_memcmp(buf, buf2, got.value()) == 0);

    test::section("getdents: compat_linux_dirent");
    CHECK_EQ(x64::sys_lseek(d.value(), 0, SEEK_SET), 0);
    SysResult g = ia32::sys_getdents(d.value(), buf2, sizeof(buf2));
    CHECK_OK(g);
    int i = 0;
    bool all_match = true;
    for (long pos = 0; pos < g.value(); i++) {
        unsigned char* r = buf2 + pos;
        uint16_t reclen = load<uint16_t>(r + 8);
        const char* name = reinterpret_cast<char*>(r + 10);
        int l = name_len(name);
        bool ok = i < n && load<uint32_t>(r) == static_cast<uint32_t>(list[i].ino) &&
                  load<uint32_t>(r + 4) == static_cast<uint32_t>(list[i].off) && name_eq(list[i].name, name, l) &&
                  r[reclen - 1] == list[i].type && reclen == ((10 + l + 2 + 3) & ~3);
        if (!ok) {
            println("entry ", i, " differs: ", name);
            all_match = false;
        }
        pos += reclen;
    }
    CHECK_EQ(i, n);
    CHECK(all_match);
    CHECK_EQ(ia32::sys_getdents(d.value(), buf2, sizeof(buf2)), 0); /* at the end */
    CHECK_EQ(x64::sys_lseek(d.value(), 0, SEEK_SET), 0);
    CHECK_EQ(ia32::sys_getdents(d.value(), buf2, 10), EINVAL);
    CHECK_EQ(ia32::sys_getdents(99, buf2, sizeof(buf2)), EBADF);
    CHECK_EQ(ia32::sys_getdents(d.value(), 0xfffff000UL, 4096), EFAULT);
    SysResult f = x64::sys_open("/tmp/d/a", O_RDONLY, 0);
    CHECK_EQ(ia32::sys_getdents(f.value(), buf2, sizeof(buf2)), ENOTDIR);

    test::section("readdir: one compat_old_linux_dirent a call");
    CHECK_EQ(x64::sys_lseek(d.value(), 0, SEEK_SET), 0);
    all_match = true;
    for (i = 0; i < n; i++) {
        __builtin_memset(buf2, 0xee, 300);
        SysResult r = ia32::sys_readdir(d.value(), buf2, 1);
        if (r.value() != 1) {
            println("readdir ", i, " = ", r);
            all_match = false;
            break;
        }
        uint16_t namlen = load<uint16_t>(buf2 + 8);
        const char* name = reinterpret_cast<char*>(buf2 + 10);
        uint32_t own = i ? static_cast<uint32_t>(list[i - 1].off) : 0;
        if (load<uint32_t>(buf2) != static_cast<uint32_t>(list[i].ino) || load<uint32_t>(buf2 + 4) != own ||
            namlen != name_len(list[i].name) || !name_eq(list[i].name, name, namlen)) {
            println("readdir entry ", i, " differs");
            all_match = false;
        }
    }
    CHECK(all_match);
    CHECK_EQ(ia32::sys_readdir(d.value(), buf2, 1), 0);
    CHECK_EQ(ia32::sys_readdir(99, buf2, 1), EBADF);
    return test::summary();
}
