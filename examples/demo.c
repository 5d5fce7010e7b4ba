/*
 * What `./trapgate run` boots into (until the busybox shell takes over):
 * a few system calls shown on the console, then an echo loop on the terminal
 * line discipline. "exit" or Ctrl-D powers the machine off.
 */
#include <asm/unistd_64.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
    struct utsname u;
    uname(&u);
    printf("Welcome to Trapgate: %s %s %s\n", u.sysname, u.release, u.machine);
    printf("pid %d, uid %d, %ld CPUs (get_cpus, system call %d)\n", getpid(), getuid(),
           syscall(__NR_get_cpus), __NR_get_cpus);
    printf("Type a line and it comes back; \"exit\" or Ctrl-D powers off.\n");
    char line[256];
    for (;;) {
        printf("trapgate> ");
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin))
            break;
        line[strcspn(line, "\n")] = 0;
        if (!strcmp(line, "exit"))
            break;
        printf("you said: %s\n", line);
    }
    printf("\npowering off\n");
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}
