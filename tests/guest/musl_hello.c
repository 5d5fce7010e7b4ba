/*
 * musl_hello: a static musl program as the first process. Pins down what
 * Linux gives init: argc/argv from the kernel command line after "--" (a
 * quoted argument may hold spaces), argv[0] the program's path, and the
 * environment HOME=/ and TERM=linux (init/main.c: envp_init). Only HOME and
 * TERM are printed, as other variables depend on the boot command line.
 * The manifest passes the arguments "alpha" and "beta gamma".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
    int failed = 0;
    printf("hello, world\n");
    printf("argc = %d\n", argc);
    const char *base = strrchr(argv[0], '/');
    printf("argv[0] ends in /musl_hello: %s\n", base && strcmp(base, "/musl_hello") == 0 ? "yes" : "no");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    printf("argv[argc] == NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
    printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");

    const char *home = getenv("HOME"), *term = getenv("TERM");
    printf("HOME = %s\n", home ? home : "(unset)");
    printf("TERM = %s\n", term ? term : "(unset)");
    int seen_home = 0, seen_term = 0;
    for (char **e = envp; *e; e++) {
        seen_home |= strcmp(*e, "HOME=/") == 0;
        seen_term |= strcmp(*e, "TERM=linux") == 0;
    }
    if (!seen_home || !seen_term) {
        printf("FAIL: HOME=/ and TERM=linux should be in envp\n");
        failed = 1;
    }
    if (argc != 3 || strcmp(argv[1], "alpha") != 0 || strcmp(argv[2], "beta gamma") != 0) {
        printf("FAIL: expected the arguments alpha and \"beta gamma\"\n");
        failed = 1;
    }
    printf("getpid() = %d, getppid() = %d\n", (int)getpid(), (int)getppid());
    return failed;
}
