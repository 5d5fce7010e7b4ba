// Turns `nm -n vmlinux` into the kernel's symbol table (an assembly file for
// section .kallsyms): sorted text addresses and their demangled names, which
// kernel/kallsyms.cpp searches to print backtraces. Empty input gives an
// empty table (the first link).
#include <cxxabi.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main()
{
    struct Symbol {
        unsigned long long addr;
        std::string name;
    };
    std::vector<Symbol> symbols;
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string addr, type, name;
        if (!(in >> addr >> type >> name) || type.size() != 1)
            continue;
        char t = type[0];
        if (t != 't' && t != 'T' && t != 'W' && t != 'w')
            continue;
        unsigned long long a = std::strtoull(addr.c_str(), nullptr, 16);
        if (a < 0xffffffff80000000ULL)
            continue;
        int status = 0;
        char* demangled = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
        symbols.push_back({a, status == 0 ? demangled : name});
        std::free(demangled);
    }
    std::printf("\t.section .kallsyms, \"a\"\n\t.balign 8\n\t.globl kallsyms_num, kallsyms_addresses, kallsyms_names\n");
    std::printf("kallsyms_num:\n\t.quad %zu\nkallsyms_addresses:\n", symbols.size());
    for (auto& s : symbols)
        std::printf("\t.quad 0x%llx\n", s.addr);
    std::printf("kallsyms_names:\n");
    for (auto& s : symbols) {
        std::string escaped;
        for (char c : s.name) {
            if (c == '"' || c == '\\')
                escaped += '\\';
            escaped += c;
        }
        std::printf("\t.asciz \"%s\"\n", escaped.c_str());
    }
    return 0;
}
