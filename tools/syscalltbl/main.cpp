// syscalltbl: generates system call headers from a .tbl file at build time.
// See syscalltbl.h for the table format and usage[] for the command line.
#include "syscalltbl.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(syscalltbl::usage, stdout);
        return 0;
    }
    try {
        syscalltbl::run(syscalltbl::parse_args(args));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "syscalltbl: %s\n", e.what());
        return 1;
    }
    return 0;
}
