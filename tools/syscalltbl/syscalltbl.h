// syscalltbl: reads a system call table in Linux's .tbl format and writes the
// headers the kernel and the user library are built from. The table is the
// only place a system call number is written down; everything else is
// generated from it, so the numbers cannot drift apart.
//
// Table format (arch/x86_64/entry/syscalls/*.tbl), one call per line:
//
//   <number> <abi> <name> [<entry point> [<compat entry point> [noreturn]]]
//
// Fields are separated by blanks (Linux uses tabs). '#' starts a comment,
// which runs to the end of the line. A compat entry of "-" means none.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace syscalltbl {

// Bad input or bad arguments. The message is ready to print as it stands,
// e.g. "syscall_64.tbl:12: syscall number 'x1' is not a number".
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Entry {
    unsigned nr = 0;
    std::string abi;
    std::string name;
    std::string entry;   // empty: reserved slot, dispatches to sys_ni_syscall
    std::string compat;  // empty: none
    bool noreturn = false;
    int line = 0;        // where it was read, for messages
};

// Parses a whole table. `source` names it in error messages.
std::vector<Entry> parse(std::string_view text, std::string_view source);

// The entries whose abi is in `abis`, sorted by number. Two of them with the
// same number or the same name are an error: they would clash in the headers.
std::vector<Entry> select(const std::vector<Entry>& table, const std::vector<std::string>& abis,
                          std::string_view source);

enum class Mode { uapi_header, dispatch_list, names_list, native_list, user_wrappers };

struct Options {
    Mode mode = Mode::uapi_header;
    std::vector<std::string> abis;
    std::string in;      // table to read
    std::string out;     // file to write
    std::string guard;   // uapi-header: include guard (default: from the out name)
    std::string prefix;  // user-wrappers: namespace under trapgate::
    bool compat = false; // dispatch-list: prefer the compat entry point
};

// Parses the command line (without argv[0]).
Options parse_args(const std::vector<std::string>& args);

// The generated file for `entries` (already selected). `table_name` goes into
// the first line, "generated from ...".
std::string emit(const std::vector<Entry>& entries, const Options& opt, std::string_view table_name);

// Reads opt.in, writes opt.out.
void run(const Options& opt);

extern const char usage[];

} // namespace syscalltbl
