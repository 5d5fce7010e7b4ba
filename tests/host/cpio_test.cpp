// Tests of lib/cpio (CpioReader over "newc" archives): archives written by the
// cpio tool and by hand (devices, padding, concatenation), and malformed input
// (truncations, corruption), read from buffers that end at an unmapped page so
// any read past the end crashes the test.
#include "lib/cpio.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// ---- Archives by hand ----

struct Spec {
    std::string name;
    uint32_t mode = 0100644;
    std::string data;
    uint32_t uid = 0, gid = 0, nlink = 1, mtime = 0, ino = 0;
    uint32_t rmajor = 0, rminor = 0;
    bool lower_hex = false;
};

// Appends one newc entry (header, name, data, each padded to 4 bytes from the
// start of `out`).
void add(std::string& out, const Spec& s)
{
    char h[111];
    std::snprintf(h, sizeof h,
                  s.lower_hex ? "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x"
                              : "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                  s.ino, s.mode, s.uid, s.gid, s.nlink, s.mtime, static_cast<uint32_t>(s.data.size()), 0u, 0u,
                  s.rmajor, s.rminor, static_cast<uint32_t>(s.name.size() + 1), 0u);
    out.append(h, 110);
    out.append(s.name);
    out.push_back('\0');
    out.resize((out.size() + 3) & ~size_t{3}, '\0');
    out.append(s.data);
    out.resize((out.size() + 3) & ~size_t{3}, '\0');
}

void add_trailer(std::string& out) { add(out, {.name = "TRAILER!!!", .mode = 0, .nlink = 1}); }

std::string archive(const std::vector<Spec>& specs, bool trailer = true)
{
    std::string out;
    for (auto& s : specs)
        add(out, s);
    if (trailer)
        add_trailer(out);
    return out;
}

// ---- Reading from a buffer followed by an unmapped page ----

class Guarded {
public:
    explicit Guarded(const std::string& bytes)
    {
        size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        size_t len = (bytes.size() + page - 1) / page * page;
        map_len_ = len + page;
        void* m = mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            std::abort();
        map_ = static_cast<uint8_t*>(m);
        if (mprotect(map_ + len, page, PROT_NONE) != 0)
            std::abort();
        data_ = map_ + len - bytes.size();
        std::memcpy(data_, bytes.data(), bytes.size());
        size_ = bytes.size();
    }
    ~Guarded() { munmap(map_, map_len_); }
    Guarded(const Guarded&) = delete;
    Guarded& operator=(const Guarded&) = delete;

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

private:
    uint8_t* map_;
    size_t map_len_;
    uint8_t* data_;
    size_t size_;
};

struct Got {
    std::string name;
    cpio_entry e; // e.name and e.data point into the buffer read: use name and data
    std::string data;
    size_t header_at; // offset of the entry's header
    size_t end;       // offset just past its data (unpadded)
};

struct Parse {
    std::vector<Got> entries;
    CpioStatus last;
};

// Every entry up to End or Malformed; checks that each lies inside the buffer.
Parse read_all(const Guarded& buf)
{
    Parse p{{}, CpioStatus::Malformed};
    CpioReader r(buf.data(), buf.size());
    const uint8_t* lo = buf.data();
    const uint8_t* hi = lo + buf.size();
    for (size_t steps = 0; steps <= buf.size() / 4 + 1; steps++) {
        cpio_entry e{};
        p.last = r.next(e);
        if (p.last != CpioStatus::Entry)
            return p;
        auto* name = reinterpret_cast<const uint8_t*>(e.name);
        EXPECT_TRUE(name >= lo + 110 && name < hi) << "name outside the buffer";
        EXPECT_TRUE(std::memchr(name, 0, static_cast<size_t>(hi - name))) << "name not terminated in the buffer";
        EXPECT_TRUE(e.data >= lo && e.data <= hi && e.size <= static_cast<size_t>(hi - e.data))
            << "data outside the buffer";
        if (::testing::Test::HasFailure())
            return p;
        size_t at = static_cast<size_t>(name - lo) - 110;
        size_t end = static_cast<size_t>(e.data - lo) + e.size;
        p.entries.push_back({e.name, e, std::string(reinterpret_cast<const char*>(e.data), e.size), at, end});
    }
    ADD_FAILURE() << "reader did not stop";
    return p;
}

Parse read_all(const std::string& bytes)
{
    Guarded g(bytes);
    return read_all(g);
}

std::vector<std::string> names(const Parse& p)
{
    std::vector<std::string> out;
    for (auto& g : p.entries)
        out.push_back(g.name);
    return out;
}

// ---- Archives by the cpio tool ----

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A temporary directory of files with known contents, modes and times.
class CpioTool : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        char tmpl[] = "/tmp/cpio_test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        spit(dir_ / "a", "x");
        spit(dir_ / "bb", "hello, world\n");
        spit(dir_ / "ccc", "");
        spit(dir_ / "dddd", "1234");
        fs::create_directory(dir_ / "dir");
        std::string big;
        for (int i = 0; i < 4099; i++)
            big.push_back(static_cast<char>('a' + i % 26));
        spit(dir_ / "dir" / "nested", big);
        fs::create_symlink("bb", dir_ / "link");
        chmod((dir_ / "a").c_str(), 0640);
        chmod((dir_ / "bb").c_str(), 0755);
        chmod((dir_ / "dir").c_str(), 0711);
        int t = 0;
        for (const char* f : {"a", "bb", "ccc", "dddd", "dir/nested", "dir"}) {
            timespec times[2] = {{1000000 + t, 0}, {1000000 + t, 0}};
            utimensat(AT_FDCWD, (dir_ / f).c_str(), times, AT_SYMLINK_NOFOLLOW);
            t += 7;
        }
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    // The archive cpio -o -H newc writes for these names, in this order.
    static std::string cpio(const std::vector<std::string>& list)
    {
        std::string text;
        for (auto& n : list)
            text += n + "\n";
        spit(dir_ / ".list", text);
        std::string cmd = "cd '" + dir_.string() + "' && cpio -o -H newc --quiet < .list > .out 2>/dev/null";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        return slurp(dir_ / ".out");
    }

    // Checks an entry against lstat of the file it came from.
    static void expect_matches(const Got& g)
    {
        SCOPED_TRACE(g.name);
        fs::path p = dir_ / g.name;
        struct stat st;
        ASSERT_EQ(lstat(p.c_str(), &st), 0);
        EXPECT_EQ(g.e.mode, st.st_mode);
        EXPECT_EQ(g.e.uid, st.st_uid);
        EXPECT_EQ(g.e.gid, st.st_gid);
        EXPECT_EQ(g.e.nlink, st.st_nlink);
        EXPECT_EQ(g.e.mtime, static_cast<uint32_t>(st.st_mtime));
        EXPECT_EQ(g.e.rdev_major, major(st.st_rdev));
        EXPECT_EQ(g.e.rdev_minor, minor(st.st_rdev));
        if (S_ISREG(st.st_mode))
            EXPECT_EQ(g.data, slurp(p));
        else if (S_ISLNK(st.st_mode))
            EXPECT_EQ(g.data, fs::read_symlink(p).string());
        else
            EXPECT_EQ(g.e.size, 0u);
    }

    static inline fs::path dir_;
};

const std::vector<std::string> kAll = {"a", "bb", "ccc", "dddd", "dir", "dir/nested", "link"};

// Every entry of a real archive comes back with the name, metadata and data of its file.
TEST_F(CpioTool, ReadsEveryEntry)
{
    Parse p = read_all(cpio(kAll));
    EXPECT_EQ(p.last, CpioStatus::End);
    ASSERT_EQ(names(p), kAll);
    for (auto& g : p.entries)
        expect_matches(g);
    EXPECT_EQ(p.entries[0].e.mode, 0100640u);
    EXPECT_EQ(p.entries[4].e.mode, 040711u);
    EXPECT_EQ(p.entries[6].e.mode & 0170000u, 0120000u);
    EXPECT_EQ(p.entries[6].data, "bb");
    EXPECT_EQ(p.entries[5].data.size(), 4099u);
}

// Entry data and names start 4-byte aligned, as newc requires.
TEST_F(CpioTool, DataIsAligned)
{
    std::string bytes = cpio(kAll);
    Guarded g(bytes);
    CpioReader r(g.data(), g.size());
    cpio_entry e;
    int n = 0;
    while (r.next(e) == CpioStatus::Entry) {
        EXPECT_EQ((e.data - g.data()) % 4, 0) << e.name;
        EXPECT_EQ((reinterpret_cast<const uint8_t*>(e.name) - g.data()) % 4, 2) << e.name; // after 110 bytes
        n++;
    }
    EXPECT_EQ(n, 7);
}

// Two archives back to back (each zero-padded to 512 bytes by cpio) read as one.
TEST_F(CpioTool, ConcatenatedArchives)
{
    std::string one = cpio({"a", "bb"});
    std::string two = cpio({"dir", "dir/nested", "link"});
    ASSERT_EQ(one.size() % 512, 0u);
    Parse p = read_all(one + two);
    EXPECT_EQ(p.last, CpioStatus::End);
    EXPECT_EQ(names(p), (std::vector<std::string>{"a", "bb", "dir", "dir/nested", "link"}));
    for (auto& g : p.entries)
        expect_matches(g);
}

// Device nodes carry their major and minor numbers (needs mknod; skipped without).
TEST_F(CpioTool, DeviceNodes)
{
    if (mknod((dir_ / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0 ||
        mknod((dir_ / "loop").c_str(), S_IFBLK | 0660, makedev(7, 300)) != 0)
        GTEST_SKIP() << "mknod not permitted";
    Parse p = read_all(cpio({"null", "loop"}));
    for (auto& g : p.entries)
        expect_matches(g);
    fs::remove(dir_ / "null");
    fs::remove(dir_ / "loop");
    ASSERT_EQ(names(p), (std::vector<std::string>{"null", "loop"}));
    EXPECT_EQ(p.entries[0].e.rdev_major, 1u);
    EXPECT_EQ(p.entries[0].e.rdev_minor, 3u);
    EXPECT_EQ(p.entries[1].e.rdev_major, 7u);
    EXPECT_EQ(p.entries[1].e.rdev_minor, 300u);
}

// Cutting a real archive anywhere yields the entries wholly before the cut,
// then End if the cut falls between entries and Malformed if inside one.
TEST_F(CpioTool, EveryTruncation)
{
    std::string full = cpio(kAll);
    Parse whole = read_all(full);
    ASSERT_EQ(whole.entries.size(), kAll.size());
    // The trailer follows the last entry; zeros follow the trailer.
    size_t trailer_at = (whole.entries.back().end + 3) & ~size_t{3};
    size_t trailer_end = (trailer_at + 110 + sizeof("TRAILER!!!") + 3) & ~size_t{3};
    ASSERT_EQ(full.compare(trailer_at, 6, "070701"), 0);

    for (size_t cut = 0; cut <= full.size(); cut++) {
        SCOPED_TRACE("cut at " + std::to_string(cut));
        size_t complete = 0; // entries wholly before the cut
        while (complete < whole.entries.size() && whole.entries[complete].end <= cut)
            complete++;
        bool between = complete == whole.entries.size() ? (cut <= trailer_at || cut >= trailer_end)
                                                        : cut <= whole.entries[complete].header_at;
        Parse p = read_all(full.substr(0, cut));
        ASSERT_EQ(p.entries.size(), complete);
        for (size_t i = 0; i < complete; i++)
            ASSERT_EQ(p.entries[i].data, whole.entries[i].data);
        ASSERT_EQ(p.last, between ? CpioStatus::End : CpioStatus::Malformed);
    }
}

// ---- Hand-made archives ----

// Names of every length mod 4 (so every amount of name padding) and data of every length mod 4.
TEST(Cpio, NamePadding)
{
    std::vector<Spec> specs;
    std::vector<std::string> want;
    for (int n = 1; n <= 8; n++) {
        std::string name(static_cast<size_t>(n), static_cast<char>('a' + n));
        specs.push_back({.name = name, .data = std::string(static_cast<size_t>(n - 1), static_cast<char>('0' + n))});
        want.push_back(name);
    }
    Parse p = read_all(archive(specs));
    EXPECT_EQ(p.last, CpioStatus::End);
    ASSERT_EQ(names(p), want);
    for (size_t i = 0; i < specs.size(); i++)
        EXPECT_EQ(p.entries[i].data, specs[i].data) << i;
}

// Every header field lands in the right member, in either hex case.
TEST(Cpio, HeaderFields)
{
    for (bool lower : {false, true}) {
        Spec s{.name = "dev/tty0", .mode = 020620, .uid = 0x1234abcd, .gid = 0xfedc, .nlink = 3,
               .mtime = 0x5f5e0ff1, .ino = 77, .rmajor = 0xabc, .rminor = 0xdef01, .lower_hex = lower};
        Parse p = read_all(archive({s}));
        ASSERT_EQ(p.entries.size(), 1u);
        const cpio_entry& e = p.entries[0].e;
        EXPECT_EQ(p.entries[0].name, "dev/tty0");
        EXPECT_EQ(e.mode, 020620u);
        EXPECT_EQ(e.uid, 0x1234abcdu);
        EXPECT_EQ(e.gid, 0xfedcu);
        EXPECT_EQ(e.nlink, 3u);
        EXPECT_EQ(e.mtime, 0x5f5e0ff1u);
        EXPECT_EQ(e.rdev_major, 0xabcu);
        EXPECT_EQ(e.rdev_minor, 0xdef01u);
        EXPECT_EQ(e.size, 0u);
    }
}

// A directory, a symlink, a block device and an empty file side by side.
TEST(Cpio, Kinds)
{
    Parse p = read_all(archive({{.name = "etc", .mode = 040755, .nlink = 2},
                                {.name = "etc/motd", .mode = 0100644, .data = ""},
                                {.name = "sh", .mode = 0120777, .data = "/bin/busybox"},
                                {.name = "sda1", .mode = 060660, .rmajor = 8, .rminor = 1}}));
    EXPECT_EQ(p.last, CpioStatus::End);
    ASSERT_EQ(names(p), (std::vector<std::string>{"etc", "etc/motd", "sh", "sda1"}));
    EXPECT_EQ(p.entries[0].e.nlink, 2u);
    EXPECT_EQ(p.entries[1].e.size, 0u);
    EXPECT_EQ(p.entries[2].data, "/bin/busybox");
    EXPECT_EQ(p.entries[3].e.mode, 060660u);
    EXPECT_EQ(p.entries[3].e.rdev_major, 8u);
    EXPECT_EQ(p.entries[3].e.rdev_minor, 1u);
}

// Nothing after the trailer of the last archive is read; End stays End.
TEST(Cpio, TrailerEnds)
{
    std::string bytes = archive({{.name = "a", .data = "1"}});
    bytes += std::string(64, '\0');
    Guarded g(bytes);
    CpioReader r(g.data(), g.size());
    cpio_entry e;
    ASSERT_EQ(r.next(e), CpioStatus::Entry);
    EXPECT_EQ(r.next(e), CpioStatus::End);
    EXPECT_EQ(r.next(e), CpioStatus::End);
}

// An empty buffer, all zeros, or a lone trailer hold no entries.
TEST(Cpio, EmptyInputs)
{
    EXPECT_EQ(read_all(std::string()).last, CpioStatus::End);
    EXPECT_EQ(read_all(std::string(1024, '\0')).last, CpioStatus::End);
    Parse p = read_all(archive({}));
    EXPECT_EQ(p.last, CpioStatus::End);
    EXPECT_TRUE(p.entries.empty());
}

// Without a trailer the data's end is the archive's end.
TEST(Cpio, NoTrailer)
{
    Parse p = read_all(archive({{.name = "x", .data = "abc"}, {.name = "y", .data = "de"}}, false));
    EXPECT_EQ(p.last, CpioStatus::End);
    EXPECT_EQ(names(p), (std::vector<std::string>{"x", "y"}));
    // The last entry's padding may be missing too: data may end at the buffer's end.
    std::string bytes = archive({{.name = "x", .data = "abc"}}, false);
    p = read_all(bytes.substr(0, bytes.size() - 1));
    EXPECT_EQ(p.last, CpioStatus::End);
    ASSERT_EQ(p.entries.size(), 1u);
    EXPECT_EQ(p.entries[0].data, "abc");
}

// Concatenated archives with zero padding (none, 4, 512 bytes) in between are all read.
TEST(Cpio, ConcatenatedWithPadding)
{
    for (size_t pad : {0, 4, 512}) {
        std::string bytes = archive({{.name = "first", .data = "1"}}) + std::string(pad, '\0') +
                            archive({{.name = "second", .data = "22"}}) + archive({{.name = "third"}});
        Parse p = read_all(bytes);
        EXPECT_EQ(p.last, CpioStatus::End) << pad;
        ASSERT_EQ(names(p), (std::vector<std::string>{"first", "second", "third"})) << pad;
        EXPECT_EQ(p.entries[1].data, "22");
    }
}

// Zero padding that leaves the next header off a 4-byte boundary must not yield
// shifted data (Linux's initramfs rejects it as "broken padding").
// DISABLED: lib/cpio.cpp aligns name and data to 4 from the buffer start, not
// from the header, and returns "\0\0el" for "else" here (see the report).
TEST(Cpio, MisalignedPaddingNotMisread)
{
    std::string bytes = archive({{.name = "a", .data = "1"}}) + std::string(2, '\0');
    std::string second;
    add(second, {.name = "bc", .data = "else"}); // aligned relative to its own header
    add_trailer(second);
    Parse p = read_all(bytes + second);
    if (p.last == CpioStatus::Malformed && p.entries.size() <= 1)
        return; // rejected: fine
    ASSERT_EQ(names(p), (std::vector<std::string>{"a", "bc"}));
    EXPECT_EQ(p.entries[1].data, "else");
}

// Padding is skipped by position, as Linux does: its bytes need not be zero.
TEST(Cpio, PaddingSkippedByPosition)
{
    std::string bytes = archive({{.name = "ab", .data = "c"}, {.name = "d", .data = "efg"}});
    // "ab\0" ends at 113: 3 bytes of name padding; "c" ends at 117: 3 bytes of data padding.
    ASSERT_EQ(bytes.substr(113, 3), std::string(3, '\0'));
    ASSERT_EQ(bytes.substr(117, 3), std::string(3, '\0'));
    bytes.replace(113, 3, "xyz");
    bytes.replace(117, 3, "XYZ");
    Parse p = read_all(bytes);
    EXPECT_EQ(p.last, CpioStatus::End);
    ASSERT_EQ(names(p), (std::vector<std::string>{"ab", "d"}));
    EXPECT_EQ(p.entries[0].data, "c");
    EXPECT_EQ(p.entries[1].data, "efg");
}

// Headers that are not newc, have bad hex, or whose name or data overrun the buffer are Malformed.
TEST(Cpio, MalformedHeaders)
{
    std::string good = archive({{.name = "file", .data = "data"}});
    auto expect_bad = [](std::string bytes, const char* what) {
        Parse p = read_all(bytes);
        EXPECT_EQ(p.last, CpioStatus::Malformed) << what;
        EXPECT_TRUE(p.entries.empty()) << what;
    };
    auto with = [&](size_t at, const std::string& s) {
        std::string b = good;
        b.replace(at, s.size(), s);
        return b;
    };
    ASSERT_EQ(read_all(good).last, CpioStatus::End);
    expect_bad(with(0, "070707"), "odc magic");
    expect_bad(with(0, "X"), "garbage first byte");
    expect_bad(with(6 + 8 * 1 + 3, "g"), "non-hex in mode");
    expect_bad(with(6 + 8 * 6, " "), "space in filesize");
    expect_bad(with(6 + 8 * 12 + 7, "-"), "non-hex in check");
    expect_bad(with(6 + 8 * 11, "00000000"), "namesize 0");
    expect_bad(with(6 + 8 * 11, "00000004"), "name not NUL-terminated");
    expect_bad(with(6 + 8 * 11, "FFFFFFFF"), "namesize past the end");
    expect_bad(with(6 + 8 * 6, "FFFFFFFF"), "filesize past the end");
    expect_bad(with(6 + 8 * 6, "00000081"), "filesize one past the end");
    expect_bad(good.substr(0, 109), "short header");
    expect_bad(std::string("\0\0\0\0", 4) + "garbage" + std::string(200, 'z'), "garbage after zeros");
}

// A bad second entry still yields the first one, then Malformed, and Malformed stays Malformed.
TEST(Cpio, MalformedAfterGoodEntry)
{
    std::string bytes = archive({{.name = "ok", .data = "fine"}}, false) + std::string(120, '7');
    Guarded g(bytes);
    CpioReader r(g.data(), g.size());
    cpio_entry e;
    ASSERT_EQ(r.next(e), CpioStatus::Entry);
    EXPECT_STREQ(e.name, "ok");
    EXPECT_EQ(r.next(e), CpioStatus::Malformed);
    EXPECT_EQ(r.next(e), CpioStatus::Malformed);
}

// Random cuts and byte corruption (seeded) never read outside the buffer or loop forever.
TEST(Cpio, RandomDamage)
{
    std::string base;
    for (int i = 0; i < 12; i++)
        add(base, {.name = "f" + std::to_string(i), .data = std::string(static_cast<size_t>(i * 37 % 50), 'q')});
    add_trailer(base);
    base += archive({{.name = "z", .mode = 040755}});
    std::mt19937 rng(12345);
    for (int round = 0; round < 3000; round++) {
        std::string b = base.substr(0, std::uniform_int_distribution<size_t>(0, base.size())(rng));
        int flips = std::uniform_int_distribution<int>(0, 4)(rng);
        for (int i = 0; i < flips && !b.empty(); i++) {
            size_t at = std::uniform_int_distribution<size_t>(0, b.size() - 1)(rng);
            const char choices[] = "0123456789abcdefF\0\xff";
            b[at] = choices[std::uniform_int_distribution<size_t>(0, sizeof choices - 1)(rng)];
        }
        Parse p = read_all(b);
        ASSERT_FALSE(::testing::Test::HasFailure()) << "round " << round;
        ASSERT_LE(p.entries.size(), 14u);
    }
}

} // namespace
