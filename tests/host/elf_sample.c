/* A tiny static program whose headers tests/host/elf_test.cpp checks
 * (built with musl-gcc -static). */
static const char message[] = "hello from a static binary\n";
static char bss[8192];

int main(void)
{
    bss[sizeof bss - 1] = message[0];
    return bss[sizeof bss - 1] == 'h' ? 0 : 1;
}
