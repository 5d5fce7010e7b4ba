// Tests of tools/syscalltbl: the table parser, abi selection, the emitters
// (against golden files), the command line, and known facts of the real
// tables in arch/x86_64/entry/syscalls.
//
// Built with GOLDEN_DIR (tests/host/golden) and TBL_DIR
// (arch/x86_64/entry/syscalls) defined as string literals.
#include "syscalltbl.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef GOLDEN_DIR
#error "GOLDEN_DIR must name tests/host/golden"
#endif
#ifndef TBL_DIR
#error "TBL_DIR must name arch/x86_64/entry/syscalls"
#endif

using syscalltbl::Entry;
using syscalltbl::Error;
using syscalltbl::Mode;
using syscalltbl::Options;

namespace {

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<Entry> parse(std::string_view text)
{
    return syscalltbl::parse(text, "t.tbl");
}

std::vector<Entry> select(std::string_view text, const std::vector<std::string>& abis)
{
    return syscalltbl::select(parse(text), abis, "t.tbl");
}

// The message of the Error that `f` throws, or "" if it throws none.
template <typename F>
std::string error_of(F f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string parse_error(std::string_view text)
{
    return error_of([&] { parse(text); });
}

std::string select_error(std::string_view text, const std::vector<std::string>& abis)
{
    return error_of([&] { select(text, abis); });
}

Options options(Mode mode)
{
    Options opt;
    opt.mode = mode;
    opt.guard = "_T_H";
    opt.prefix = "x64";
    return opt;
}

std::string emit(std::string_view text, const std::vector<std::string>& abis, const Options& opt)
{
    return syscalltbl::emit(select(text, abis), opt, "t.tbl");
}

bool contains(const std::string& s, std::string_view part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

// ---- Parsing -------------------------------------------------------------

TEST(Parse, SkipsCommentsAndBlankLines)
{
    auto t = parse("# header\n"
                   "\n"
                   "   \t \n"
                   "0\tcommon\tread\t\t\tsys_read\n"
                   "  # an indented comment\n"
                   "1\tcommon\twrite\t\t\tsys_write\t# a trailing comment\n");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].nr, 0u);
    EXPECT_EQ(t[0].abi, "common");
    EXPECT_EQ(t[0].name, "read");
    EXPECT_EQ(t[0].entry, "sys_read");
    EXPECT_EQ(t[0].line, 4);
    EXPECT_EQ(t[1].name, "write");
    EXPECT_EQ(t[1].entry, "sys_write");
    EXPECT_EQ(t[1].line, 6);
}

TEST(Parse, AcceptsTabsSpacesCrlfAndNoFinalNewline)
{
    // Linux's own line for mseal mixes a space, a tab and two spaces.
    auto t = parse("462 \tcommon  mseal\t\t\tsys_mseal\r\n"
                   "463 common   setxattrat    sys_setxattrat");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].nr, 462u);
    EXPECT_EQ(t[0].abi, "common");
    EXPECT_EQ(t[0].name, "mseal");
    EXPECT_EQ(t[0].entry, "sys_mseal");
    EXPECT_EQ(t[1].nr, 463u);
    EXPECT_EQ(t[1].entry, "sys_setxattrat");
}

TEST(Parse, ReadsCompatColumn)
{
    auto t = parse("5\ti386\topen\t\t\tsys_open\t\t\tcompat_sys_open\n"
                   "3\ti386\tread\t\t\tsys_read\n");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].entry, "sys_open");
    EXPECT_EQ(t[0].compat, "compat_sys_open");
    EXPECT_FALSE(t[0].noreturn);
    EXPECT_EQ(t[1].compat, "");
}

TEST(Parse, DashMeansNoCompatAndNoreturnFollows)
{
    auto t = parse("60\tcommon\texit\t\t\tsys_exit\t\t\t-\t\t\tnoreturn\n");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].entry, "sys_exit");
    EXPECT_EQ(t[0].compat, "");
    EXPECT_TRUE(t[0].noreturn);
}

TEST(Parse, MissingEntryPointIsAReservedSlot)
{
    auto t = parse("174\t64\tcreate_module\n");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].nr, 174u);
    EXPECT_EQ(t[0].name, "create_module");
    EXPECT_EQ(t[0].entry, "");
    EXPECT_EQ(t[0].compat, "");
}

TEST(Parse, RejectsNonNumericNumber)
{
    EXPECT_EQ(parse_error("0 common read sys_read\nx1 common write sys_write\n"),
              "t.tbl:2: syscall number 'x1' is not a number");
    for (const char* bad : {"12a", "-1", "+1", "0x10", "1.5"}) {
        std::string line = std::string(bad) + " common read sys_read\n";
        EXPECT_TRUE(contains(parse_error(line), "t.tbl:1: syscall number")) << bad;
    }
    EXPECT_EQ(parse_error("99999999999999999999 common read sys_read\n"),
              "t.tbl:1: syscall number '99999999999999999999' is too large");
}

TEST(Parse, RejectsMissingFields)
{
    EXPECT_TRUE(contains(parse_error("\n\n0 common\n"), "t.tbl:3: missing fields"));
    EXPECT_TRUE(contains(parse_error("7\n"), "t.tbl:1: missing fields"));
    // A comment can hide fields, too.
    EXPECT_TRUE(contains(parse_error("0 common # read sys_read\n"), "t.tbl:1: missing fields"));
}

TEST(Parse, RejectsTooManyFields)
{
    EXPECT_EQ(parse_error("1 common exit sys_exit - noreturn extra\n"),
              "t.tbl:1: too many fields (at most 6)");
}

TEST(Parse, RejectsBadNoreturnColumn)
{
    EXPECT_EQ(parse_error("1 common exit sys_exit - noretrun\n"),
              "t.tbl:1: 6th field must be 'noreturn', not 'noretrun'");
    EXPECT_EQ(parse_error("1 common exit sys_exit noreturn\n"),
              "t.tbl:1: noreturn goes in the 6th field; put '-' in the compat column");
}

TEST(Parse, RejectsNamesThatAreNotIdentifiers)
{
    EXPECT_TRUE(contains(parse_error("1 common 2write sys_write\n"), "t.tbl:1: bad name '2write'"));
    EXPECT_TRUE(contains(parse_error("1 common wr-ite sys_write\n"), "t.tbl:1: bad name"));
    EXPECT_TRUE(contains(parse_error("1 common write sys.write\n"), "t.tbl:1: bad entry point"));
    EXPECT_TRUE(contains(parse_error("1 common write sys_write compat+\n"),
                         "t.tbl:1: bad compat entry point"));
    EXPECT_TRUE(contains(parse_error("1 com/mon write sys_write\n"), "t.tbl:1: bad abi"));
}

// ---- Selecting abis ------------------------------------------------------

const char mixed[] = "0\tcommon\tread\tsys_read\n"
                     "16\t64\tioctl\tsys_ioctl\n"
                     "514\tx32\tioctl\tcompat_sys_ioctl\n"
                     "1\tcommon\twrite\tsys_write\n";

TEST(Select, KeepsOnlyTheChosenAbis)
{
    auto native = select(mixed, {"common", "64"});
    ASSERT_EQ(native.size(), 3u);
    EXPECT_EQ(native[2].nr, 16u);
    EXPECT_EQ(native[2].entry, "sys_ioctl");

    auto x32 = select(mixed, {"common", "x32"});
    ASSERT_EQ(x32.size(), 3u);
    EXPECT_EQ(x32[2].nr, 514u);
    EXPECT_EQ(x32[2].entry, "compat_sys_ioctl");

    auto only64 = select(mixed, {"64"});
    ASSERT_EQ(only64.size(), 1u);
    EXPECT_EQ(only64[0].name, "ioctl");
}

TEST(Select, SortsByNumber)
{
    auto t = select(mixed, {"common", "64"});
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].nr, 0u);
    EXPECT_EQ(t[1].nr, 1u);
    EXPECT_EQ(t[2].nr, 16u);
}

TEST(Select, RejectsDuplicateNumbers)
{
    const char dup[] = "0 common read sys_read\n"
                       "1 common write sys_write\n"
                       "1 64 open sys_open\n";
    EXPECT_EQ(select_error(dup, {"common", "64"}),
              "t.tbl:3: duplicate syscall number 1 (also on line 2)");
}

TEST(Select, AllowsDuplicatesAcrossAbisNotChosenTogether)
{
    // Linux's generic table gives one number to a time32 and a 64 variant.
    const char split_abi[] = "243 time32 recvmmsg sys_recvmmsg_time32\n"
                             "243 64 recvmmsg sys_recvmmsg\n";
    EXPECT_EQ(select_error(split_abi, {"64"}), "");
    EXPECT_EQ(select_error(split_abi, {"time32"}), "");
    EXPECT_EQ(select_error(split_abi, {"time32", "64"}),
              "t.tbl:2: duplicate syscall number 243 (also on line 1)");
}

TEST(Select, RejectsDuplicateNames)
{
    EXPECT_EQ(select_error(mixed, {"common", "64", "x32"}),
              "t.tbl:3: duplicate name 'ioctl' (also on line 2)");
}

TEST(Select, RejectsAnAbiTheTableLacks)
{
    // A typo must not silently drop every common call.
    EXPECT_EQ(select_error(mixed, {"comon", "64"}), "t.tbl: no entries with abi 'comon'");
}

// ---- Emitting ------------------------------------------------------------

TEST(Emit, ReservedSlotIsNamedButDispatchesToNiSyscall)
{
    const char table[] = "184 common tuxcall\n";
    auto uapi = emit(table, {"common"}, options(Mode::uapi_header));
    EXPECT_TRUE(contains(uapi, "#define __NR_tuxcall 184\n"));
    EXPECT_TRUE(contains(emit(table, {"common"}, options(Mode::names_list)),
                         "__SYSCALL_NAME(184, \"tuxcall\")\n"));
    EXPECT_TRUE(contains(emit(table, {"common"}, options(Mode::dispatch_list)),
                         "__SYSCALL(184, sys_ni_syscall)\n"));
}

TEST(Emit, NativeListNamesEachNativelyServedEntryOnce)
{
    // The i386 layout check (linux/syscalls.h) needs the entry points a table
    // line without a compat entry uses: each once, none for reserved slots.
    const char table[] = "5 i386 open sys_open compat_sys_open\n"
                         "3 i386 read sys_read\n"
                         "18 i386 oldstat sys_stat\n"
                         "106 i386 stat sys_stat\n"
                         "17 i386 break\n"
                         "31 i386 stty sys_ni_syscall\n";
    EXPECT_EQ(emit(table, {"i386"}, options(Mode::native_list)),
              "/* Generated by syscalltbl from t.tbl. Do not edit. */\n"
              "__SYSCALL_NATIVE(sys_read)\n"
              "__SYSCALL_NATIVE(sys_stat)\n");
}

TEST(Emit, CompatEntryOnlyWhenAsked)
{
    const char table[] = "5 i386 open sys_open compat_sys_open\n"
                         "1 i386 exit sys_exit - noreturn\n"
                         "17 i386 break\n";
    auto opt = options(Mode::dispatch_list);
    EXPECT_EQ(emit(table, {"i386"}, opt), "/* Generated by syscalltbl from t.tbl. Do not edit. */\n"
                                          "__SYSCALL(1, sys_exit)\n"
                                          "__SYSCALL(5, sys_open)\n"
                                          "__SYSCALL(17, sys_ni_syscall)\n");
    opt.compat = true;
    EXPECT_EQ(emit(table, {"i386"}, opt), "/* Generated by syscalltbl from t.tbl. Do not edit. */\n"
                                          "__SYSCALL(1, sys_exit)\n"
                                          "__SYSCALL(5, compat_sys_open)\n"
                                          "__SYSCALL(17, sys_ni_syscall)\n");
}

TEST(Emit, SyscallCountIsHighestNumberPlusOne)
{
    auto uapi = emit("3 common read sys_read\n41 common socket sys_socket\n", {"common"},
                     options(Mode::uapi_header));
    EXPECT_TRUE(contains(uapi, "#define __NR_syscalls 42\n"));
}

TEST(Emit, IsReproducible)
{
    auto opt = options(Mode::uapi_header);
    EXPECT_EQ(emit(mixed, {"common", "64"}, opt), emit(mixed, {"common", "64"}, opt));
}

// ---- Golden files ----------------------------------------------------------

class Golden : public ::testing::Test {
protected:
    void check(Options opt, const std::string& golden)
    {
        std::string table = read_file(GOLDEN_DIR "/fixture.tbl");
        auto entries = syscalltbl::select(syscalltbl::parse(table, "fixture.tbl"),
                                          {"common", "64"}, "fixture.tbl");
        std::string got = syscalltbl::emit(entries, opt, "fixture.tbl");
        std::string want = read_file(GOLDEN_DIR "/" + golden);
        EXPECT_EQ(got, want) << "output differs from " << golden;
    }
};

TEST_F(Golden, UapiHeader)
{
    Options opt;
    opt.mode = Mode::uapi_header;
    opt.guard = "_FIXTURE_UNISTD_H";
    check(opt, "fixture_uapi.h");
}

TEST_F(Golden, DispatchList)
{
    Options opt;
    opt.mode = Mode::dispatch_list;
    check(opt, "fixture_dispatch.h");
}

TEST_F(Golden, DispatchListCompat)
{
    Options opt;
    opt.mode = Mode::dispatch_list;
    opt.compat = true;
    check(opt, "fixture_dispatch_compat.h");
}

TEST_F(Golden, NamesList)
{
    Options opt;
    opt.mode = Mode::names_list;
    check(opt, "fixture_names.h");
}

TEST_F(Golden, UserWrappers)
{
    Options opt;
    opt.mode = Mode::user_wrappers;
    opt.prefix = "x64";
    check(opt, "fixture_wrappers.h");
}

// ---- Command line ----------------------------------------------------------

TEST(Args, ParsesAFullCommandLine)
{
    auto opt = syscalltbl::parse_args({"dispatch-list", "--abis", "common,64", "--in", "a.tbl",
                                       "--out", "gen/b.h", "--compat"});
    EXPECT_EQ(opt.mode, Mode::dispatch_list);
    EXPECT_EQ(opt.abis, (std::vector<std::string>{"common", "64"}));
    EXPECT_EQ(opt.in, "a.tbl");
    EXPECT_EQ(opt.out, "gen/b.h");
    EXPECT_TRUE(opt.compat);
}

TEST(Args, AcceptsEqualsForm)
{
    auto opt = syscalltbl::parse_args(
        {"user-wrappers", "--abis=i386", "--in=t.tbl", "--out=w.h", "--prefix=i386"});
    EXPECT_EQ(opt.mode, Mode::user_wrappers);
    EXPECT_EQ(opt.abis, (std::vector<std::string>{"i386"}));
    EXPECT_EQ(opt.prefix, "i386");
}

TEST(Args, GuardDefaultsToTheOutputName)
{
    auto opt = syscalltbl::parse_args(
        {"uapi-header", "--abis", "common,64", "--in", "t.tbl", "--out", "gen/asm/unistd_64.h"});
    EXPECT_EQ(opt.guard, "_UNISTD_64_H");
    opt = syscalltbl::parse_args({"uapi-header", "--abis", "common", "--in", "t.tbl", "--out",
                                  "u.h", "--guard", "_ASM_UNISTD_64_H"});
    EXPECT_EQ(opt.guard, "_ASM_UNISTD_64_H");
}

TEST(Args, RejectsBadCommandLines)
{
    auto error = [](std::vector<std::string> args) {
        return error_of([&] { syscalltbl::parse_args(args); });
    };
    const std::vector<std::string> io = {"--abis", "common", "--in", "t.tbl", "--out", "o.h"};
    auto with = [&](std::string mode, std::vector<std::string> more) {
        std::vector<std::string> args = {mode};
        args.insert(args.end(), io.begin(), io.end());
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };

    EXPECT_TRUE(contains(error({}), "no mode given"));
    EXPECT_TRUE(contains(error({"header"}), "unknown mode 'header'"));
    EXPECT_TRUE(contains(error(with("names-list", {"--bogus"})), "unknown option '--bogus'"));
    EXPECT_EQ(error({"names-list", "--in", "t.tbl", "--out", "o.h"}), "missing --abis");
    EXPECT_EQ(error({"names-list", "--abis", "common", "--out", "o.h"}), "missing --in");
    EXPECT_EQ(error({"names-list", "--abis", "common", "--in", "t.tbl"}), "missing --out");
    EXPECT_EQ(error({"names-list", "--abis", "common", "--in"}), "--in needs a value");
    EXPECT_EQ(error(with("names-list", {"--abis", "common,,64"})), "--abis: bad list 'common,,64'");
    EXPECT_EQ(error(with("uapi-header", {"--compat"})), "--compat only applies to dispatch-list");
    EXPECT_EQ(error(with("names-list", {"--guard", "_X_H"})), "--guard only applies to uapi-header");
    EXPECT_EQ(error(with("uapi-header", {"--guard", "1x"})), "--guard: '1x' is not a C identifier");
    EXPECT_EQ(error(with("dispatch-list", {"--prefix", "x64"})),
              "--prefix only applies to user-wrappers");
    EXPECT_EQ(error(with("user-wrappers", {})), "user-wrappers needs --prefix");
    EXPECT_EQ(error(with("user-wrappers", {"--prefix", "x-64"})),
              "--prefix: 'x-64' is not a namespace name");
}

TEST(Run, WritesTheFileAndCreatesDirectories)
{
    auto dir = std::filesystem::temp_directory_path() / "syscalltbl_test";
    std::filesystem::remove_all(dir);
    auto opt = syscalltbl::parse_args({"names-list", "--abis", "common,64", "--in",
                                       GOLDEN_DIR "/fixture.tbl", "--out",
                                       (dir / "sub" / "names.h").string()});
    syscalltbl::run(opt);
    EXPECT_EQ(read_file((dir / "sub" / "names.h").string()),
              read_file(GOLDEN_DIR "/fixture_names.h"));
    std::filesystem::remove_all(dir);
}

TEST(Run, ReportsAMissingTable)
{
    Options opt = options(Mode::names_list);
    opt.abis = {"common"};
    opt.in = "/nonexistent/x.tbl";
    opt.out = "/nonexistent/x.h";
    EXPECT_TRUE(contains(error_of([&] { syscalltbl::run(opt); }), "cannot read /nonexistent/x.tbl"));
}

// ---- The real tables -------------------------------------------------------

class RealTable : public ::testing::Test {
protected:
    static std::vector<Entry> load(const char* file, const std::vector<std::string>& abis)
    {
        std::string path = std::string(TBL_DIR) + "/" + file;
        return syscalltbl::select(syscalltbl::parse(read_file(path), path), abis, path);
    }

    static unsigned nr(const std::vector<Entry>& t, std::string_view name)
    {
        auto it = std::find_if(t.begin(), t.end(), [&](const Entry& e) { return e.name == name; });
        EXPECT_NE(it, t.end()) << name << " missing";
        return it == t.end() ? ~0u : it->nr;
    }
};

TEST_F(RealTable, X86_64KnownNumbers)
{
    auto t = load("syscall_64.tbl", {"common", "64"});
    EXPECT_EQ(nr(t, "read"), 0u);
    EXPECT_EQ(nr(t, "write"), 1u);
    EXPECT_EQ(nr(t, "open"), 2u);
    EXPECT_EQ(nr(t, "exit"), 60u);
    EXPECT_EQ(nr(t, "openat"), 257u);
    EXPECT_EQ(nr(t, "exit_group"), 231u);
    EXPECT_EQ(nr(t, "epoll_pwait2"), 441u);
    EXPECT_EQ(nr(t, "rseq_slice_yield"), 471u);
    EXPECT_EQ(nr(t, "get_cpus"), 1000u);
    EXPECT_EQ(nr(t, "get_cpus_online"), 1001u);
    EXPECT_EQ(t.back().name, "get_cpus_online");
}

TEST_F(RealTable, X86_64Entries)
{
    auto t = load("syscall_64.tbl", {"common", "64"});
    auto at = [&](unsigned n) {
        auto it = std::find_if(t.begin(), t.end(), [&](const Entry& e) { return e.nr == n; });
        return it == t.end() ? Entry{} : *it;
    };
    EXPECT_EQ(at(5).entry, "sys_newfstat");
    EXPECT_TRUE(at(60).noreturn);
    EXPECT_EQ(at(184).entry, ""); // tuxcall: reserved slot
    EXPECT_EQ(at(1000).entry, "sys_get_cpus");
    EXPECT_EQ(at(1001).entry, "sys_get_cpus_online");
}

TEST_F(RealTable, X32RangeIsOnlyX32)
{
    auto t = load("syscall_64.tbl", {"x32"});
    ASSERT_EQ(t.size(), 36u);
    EXPECT_EQ(t.front().nr, 512u);
    EXPECT_EQ(t.back().nr, 547u);
    // x32 programs see common + x32 with no clashes.
    EXPECT_NO_THROW(load("syscall_64.tbl", {"common", "x32"}));
}

TEST_F(RealTable, I386KnownNumbers)
{
    auto t = load("syscall_32.tbl", {"i386"});
    EXPECT_EQ(nr(t, "restart_syscall"), 0u);
    EXPECT_EQ(nr(t, "exit"), 1u);
    EXPECT_EQ(nr(t, "open"), 5u);
    EXPECT_EQ(nr(t, "getppid"), 64u);
    EXPECT_EQ(nr(t, "socketcall"), 102u);
    EXPECT_EQ(nr(t, "rseq_slice_yield"), 471u);
    EXPECT_EQ(nr(t, "get_cpus"), 1000u);
    EXPECT_EQ(nr(t, "get_cpus_online"), 1001u);
    EXPECT_EQ(t.back().name, "get_cpus_online");
}

TEST_F(RealTable, I386CompatEntries)
{
    auto t = load("syscall_32.tbl", {"i386"});
    auto at = [&](unsigned n) {
        auto it = std::find_if(t.begin(), t.end(), [&](const Entry& e) { return e.nr == n; });
        return it == t.end() ? Entry{} : *it;
    };
    EXPECT_EQ(at(5).compat, "compat_sys_open");
    EXPECT_EQ(at(3).compat, "");
    EXPECT_TRUE(at(252).noreturn); // exit_group
    EXPECT_EQ(at(17).entry, "");   // break: reserved slot
}
