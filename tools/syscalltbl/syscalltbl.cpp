#include "syscalltbl.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace syscalltbl {

const char usage[] =
    "usage: syscalltbl <mode> --abis ABI[,ABI...] --in TABLE --out FILE [options]\n"
    "\n"
    "modes:\n"
    "  uapi-header    '#define __NR_<name> <nr>' per call, then __NR_syscalls\n"
    "  dispatch-list  '__SYSCALL(<nr>, <entry point>)' per call\n"
    "  names-list     '__SYSCALL_NAME(<nr>, \"<name>\")' per call\n"
    "  native-list    '__SYSCALL_NATIVE(<entry point>)' once per entry point a call without a\n"
    "                 compat entry point uses (the i386 layout check, linux/syscalls.h)\n"
    "  user-wrappers  'TRAPGATE_WRAPPER(<name>, <nr>)' per call, in namespace trapgate::<prefix>\n"
    "\n"
    "options:\n"
    "  --abis LIST    abis to take from the table, comma separated (e.g. common,64)\n"
    "  --in TABLE     the .tbl file to read\n"
    "  --out FILE     the file to write (missing directories are created)\n"
    "  --guard NAME   uapi-header: include guard (default: made from the --out name)\n"
    "  --prefix NS    user-wrappers: namespace under trapgate:: (e.g. x64)\n"
    "  --compat       dispatch-list: use the compat entry point where a call has one\n";

namespace {

constexpr std::string_view blanks = " \t\r\v\f";

[[noreturn]] void fail(std::string_view source, int line, const std::string& msg)
{
    throw Error(std::string(source) + ":" + std::to_string(line) + ": " + msg);
}

bool is_word(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
    });
}

// Names end up as C identifiers (__NR_<name>, entry point symbols).
bool is_ident(std::string_view s)
{
    return is_word(s) && !std::isdigit(static_cast<unsigned char>(s[0]));
}

std::vector<std::string_view> split(std::string_view s, std::string_view seps)
{
    std::vector<std::string_view> fields;
    for (size_t i = s.find_first_not_of(seps); i != s.npos; i = s.find_first_not_of(seps, i)) {
        size_t end = std::min(s.find_first_of(seps, i), s.size());
        fields.push_back(s.substr(i, end - i));
        i = end;
    }
    return fields;
}

std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

std::string entry_point(const Entry& e, bool compat)
{
    if (compat && !e.compat.empty())
        return e.compat;
    return e.entry.empty() ? "sys_ni_syscall" : e.entry;
}

// "unistd_64.h" -> "_UNISTD_64_H"
std::string guard_from(std::string_view out)
{
    std::string name = std::filesystem::path(out).filename().string();
    std::string guard = "_";
    for (unsigned char c : name)
        guard += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
    return guard;
}

bool is_namespace(std::string_view ns)
{
    if (ns.empty())
        return false;
    for (size_t i = 0;;) {
        size_t end = std::min(ns.find("::", i), ns.size());
        if (!is_ident(ns.substr(i, end - i)))
            return false;
        if (end == ns.size())
            return true;
        i = end + 2;
    }
}

} // namespace

std::vector<Entry> parse(std::string_view text, std::string_view source)
{
    std::vector<Entry> table;
    int lineno = 0;
    while (!text.empty()) {
        size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == text.npos ? std::string_view() : text.substr(eol + 1);
        ++lineno;

        auto f = split(line.substr(0, line.find('#')), blanks);
        if (f.empty())
            continue;
        if (f.size() < 3)
            fail(source, lineno, "missing fields: want <number> <abi> <name> "
                                 "[<entry point> [<compat entry point> [noreturn]]]");
        if (f.size() > 6)
            fail(source, lineno, "too many fields (at most 6)");

        Entry e;
        e.line = lineno;
        auto [end, err] = std::from_chars(f[0].data(), f[0].data() + f[0].size(), e.nr);
        if (err == std::errc::result_out_of_range)
            fail(source, lineno, "syscall number " + quote(f[0]) + " is too large");
        if (err != std::errc() || end != f[0].data() + f[0].size())
            fail(source, lineno, "syscall number " + quote(f[0]) + " is not a number");
        if (!is_word(f[1]))
            fail(source, lineno, "bad abi " + quote(f[1]));
        if (!is_ident(f[2]))
            fail(source, lineno, "bad name " + quote(f[2]) + " (must be a C identifier)");
        e.abi = f[1];
        e.name = f[2];
        if (f.size() > 3) {
            if (!is_ident(f[3]))
                fail(source, lineno, "bad entry point " + quote(f[3]));
            e.entry = f[3];
        }
        if (f.size() > 4) {
            if (f[4] == "noreturn")
                fail(source, lineno, "noreturn goes in the 6th field; put '-' in the compat column");
            if (f[4] != "-" && !is_ident(f[4]))
                fail(source, lineno, "bad compat entry point " + quote(f[4]));
            if (f[4] != "-")
                e.compat = f[4];
        }
        if (f.size() > 5) {
            if (f[5] != "noreturn")
                fail(source, lineno, "6th field must be 'noreturn', not " + quote(f[5]));
            e.noreturn = true;
        }
        table.push_back(std::move(e));
    }
    return table;
}

std::vector<Entry> select(const std::vector<Entry>& table, const std::vector<std::string>& abis,
                          std::string_view source)
{
    // A misspelt abi would silently drop calls, so each must be in the table.
    for (auto& abi : abis) {
        if (std::none_of(table.begin(), table.end(), [&](const Entry& e) { return e.abi == abi; }))
            throw Error(std::string(source) + ": no entries with abi " + quote(abi));
    }

    std::vector<Entry> chosen;
    for (auto& e : table) {
        if (std::find(abis.begin(), abis.end(), e.abi) != abis.end())
            chosen.push_back(e);
    }
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const Entry& a, const Entry& b) { return a.nr < b.nr; });

    std::map<std::string_view, const Entry*> names;
    for (size_t i = 0; i < chosen.size(); i++) {
        const Entry& e = chosen[i];
        if (i > 0 && chosen[i - 1].nr == e.nr) {
            fail(source, e.line, "duplicate syscall number " + std::to_string(e.nr) +
                                     " (also on line " + std::to_string(chosen[i - 1].line) + ")");
        }
        auto [it, fresh] = names.emplace(e.name, &e);
        if (!fresh) {
            const Entry& other = *it->second;
            const Entry& later = other.line > e.line ? other : e;
            const Entry& earlier = other.line > e.line ? e : other;
            fail(source, later.line, "duplicate name " + quote(e.name) + " (also on line " +
                                         std::to_string(earlier.line) + ")");
        }
    }
    return chosen;
}

Options parse_args(const std::vector<std::string>& args)
{
    if (args.empty())
        throw Error("no mode given\n" + std::string(usage));

    Options opt;
    const std::string& mode = args[0];
    if (mode == "uapi-header")
        opt.mode = Mode::uapi_header;
    else if (mode == "dispatch-list")
        opt.mode = Mode::dispatch_list;
    else if (mode == "names-list")
        opt.mode = Mode::names_list;
    else if (mode == "native-list")
        opt.mode = Mode::native_list;
    else if (mode == "user-wrappers")
        opt.mode = Mode::user_wrappers;
    else
        throw Error("unknown mode " + quote(mode) + "\n" + usage);

    bool have_abis = false;
    for (size_t i = 1; i < args.size(); i++) {
        std::string flag = args[i];
        std::string value;
        bool inline_value = false;
        if (size_t eq = flag.find('='); flag.starts_with("--") && eq != flag.npos) {
            value = flag.substr(eq + 1);
            flag.resize(eq);
            inline_value = true;
        }
        auto need_value = [&]() -> std::string {
            if (inline_value)
                return value;
            if (i + 1 == args.size())
                throw Error(flag + " needs a value");
            return args[++i];
        };
        auto only_in = [&](Mode m, const char* m_name) {
            if (opt.mode != m)
                throw Error(flag + " only applies to " + m_name);
        };

        if (flag == "--abis") {
            opt.abis.clear();
            std::string list = need_value();
            for (auto abi : split(list, ","))
                opt.abis.emplace_back(abi);
            if (opt.abis.empty() || list.front() == ',' || list.back() == ',' ||
                list.find(",,") != list.npos)
                throw Error("--abis: bad list " + quote(list));
            have_abis = true;
        } else if (flag == "--in") {
            opt.in = need_value();
        } else if (flag == "--out") {
            opt.out = need_value();
        } else if (flag == "--guard") {
            only_in(Mode::uapi_header, "uapi-header");
            opt.guard = need_value();
            if (!is_ident(opt.guard))
                throw Error("--guard: " + quote(opt.guard) + " is not a C identifier");
        } else if (flag == "--prefix") {
            only_in(Mode::user_wrappers, "user-wrappers");
            opt.prefix = need_value();
            if (!is_namespace(opt.prefix))
                throw Error("--prefix: " + quote(opt.prefix) + " is not a namespace name");
        } else if (flag == "--compat" && !inline_value) {
            only_in(Mode::dispatch_list, "dispatch-list");
            opt.compat = true;
        } else {
            throw Error("unknown option " + quote(args[i]) + "\n" + usage);
        }
    }

    if (!have_abis)
        throw Error("missing --abis");
    if (opt.in.empty())
        throw Error("missing --in");
    if (opt.out.empty())
        throw Error("missing --out");
    if (opt.mode == Mode::user_wrappers && opt.prefix.empty())
        throw Error("user-wrappers needs --prefix");
    if (opt.mode == Mode::uapi_header && opt.guard.empty())
        opt.guard = guard_from(opt.out);
    return opt;
}

std::string emit(const std::vector<Entry>& entries, const Options& opt, std::string_view table_name)
{
    // One fixed header line and no timestamps: same table, same bytes.
    std::ostringstream s;
    s << "/* Generated by syscalltbl from " << table_name << ". Do not edit. */\n";

    switch (opt.mode) {
    case Mode::uapi_header: {
        if (opt.guard.empty())
            throw Error("uapi-header needs an include guard");
        unsigned count = entries.empty() ? 0 : entries.back().nr + 1;
        s << "#ifndef " << opt.guard << "\n#define " << opt.guard << "\n\n";
        for (auto& e : entries)
            s << "#define __NR_" << e.name << " " << e.nr << "\n";
        s << "\n#define __NR_syscalls " << count << "\n\n#endif /* " << opt.guard << " */\n";
        break;
    }
    case Mode::dispatch_list:
        for (auto& e : entries)
            s << "__SYSCALL(" << e.nr << ", " << entry_point(e, opt.compat) << ")\n";
        break;
    case Mode::names_list:
        for (auto& e : entries)
            s << "__SYSCALL_NAME(" << e.nr << ", \"" << e.name << "\")\n";
        break;
    case Mode::native_list: {
        // Each once (a repeated definition would not compile), sys_ni_syscall
        // and reserved slots left out: they have no handler to check.
        std::vector<std::string> seen;
        for (auto& e : entries) {
            if (!e.compat.empty() || e.entry.empty() || e.entry == "sys_ni_syscall" ||
                std::find(seen.begin(), seen.end(), e.entry) != seen.end())
                continue;
            seen.push_back(e.entry);
            s << "__SYSCALL_NATIVE(" << e.entry << ")\n";
        }
        break;
    }
    case Mode::user_wrappers:
        if (opt.prefix.empty())
            throw Error("user-wrappers needs a namespace prefix");
        s << "namespace trapgate::" << opt.prefix << " {\n";
        for (auto& e : entries)
            s << "TRAPGATE_WRAPPER(" << e.name << ", " << e.nr << ")\n";
        s << "}\n";
        break;
    }
    return s.str();
}

void run(const Options& opt)
{
    std::ifstream in(opt.in, std::ios::binary);
    if (!in)
        throw Error("cannot read " + opt.in + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();

    auto entries = select(parse(text.str(), opt.in), opt.abis, opt.in);
    // Only the file name: the output must not depend on where the tree lives.
    std::string result = emit(entries, opt, std::filesystem::path(opt.in).filename().string());

    std::filesystem::path out(opt.out);
    if (out.has_parent_path())
        std::filesystem::create_directories(out.parent_path());
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file << result;
    file.close();
    if (!file)
        throw Error("cannot write " + opt.out);
}

} // namespace syscalltbl
