/*
 * lo as programs see it: SIOCGIFCONF (its 127.0.0.1, the length with no
 * buffer), SIOCGIFFLAGS (IFF_UP | IFF_LOOPBACK | IFF_RUNNING), SIOCGIFINDEX
 * and if_nametoindex (musl asks an AF_UNIX socket), SIOCGIFNAME and
 * if_indextoname, SIOCGIFADDR/NETMASK, SIOCGIFMTU, ENODEV for a name nobody
 * has, EFAULT for a bad ifreq, EPERM for SIOCSIFFLAGS without privilege, and
 * /proc/net/tcp, udp and dev in Linux's layout (headers, a listener's line).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "inet_lo.h"
#include "musl_check.h"

static void show_lines(const char *path, const char *match, int max_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL: %s\n", path);
        failures++;
        return;
    }
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        if (n++ == 0 || (match && strstr(line, match))) {
            size_t l = strlen(line);
            /* /proc/net/udp's first column is a hash bucket: Linux salts it per boot. */
            const char *from = n > 1 && strstr(path, "udp") ? strchr(line, ':') + 1 : line;
            printf("%s: [%.*s] %zu\n", path, max_len, from, l);
        }
    }
    fclose(f);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    lo_up();
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    char buf[40 * 8];
    struct ifconf ifc;

    SECTION("SIOCGIFCONF");
    ifc.ifc_len = 0;
    ifc.ifc_buf = NULL;
    EQ(ioctl(s, SIOCGIFCONF, &ifc), 0);
    EQ(ifc.ifc_len, sizeof(struct ifreq));
    ifc.ifc_len = sizeof(buf);
    ifc.ifc_buf = buf;
    EQ(ioctl(s, SIOCGIFCONF, &ifc), 0);
    EQ(ifc.ifc_len, sizeof(struct ifreq));
    struct ifreq *r = (struct ifreq *)buf;
    printf("name %s family %d addr %s\n", r->ifr_name, r->ifr_addr.sa_family,
           inet_ntoa(((struct sockaddr_in *)&r->ifr_addr)->sin_addr));
    ifc.ifc_len = 10;
    EQ(ioctl(s, SIOCGIFCONF, &ifc), 0);
    EQ(ifc.ifc_len, 0);

    SECTION("SIOCGIF*");
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    EQ(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
    EQ(ifr.ifr_flags, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    EQ(ioctl(s, SIOCGIFINDEX, &ifr), 0);
    EQ(ifr.ifr_ifindex, 1);
    EQ(ioctl(s, SIOCGIFMTU, &ifr), 0);
    EQ(ifr.ifr_mtu, 65536);
    EQ(ioctl(s, SIOCGIFADDR, &ifr), 0);
    printf("addr %s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr));
    EQ(ioctl(s, SIOCGIFNETMASK, &ifr), 0);
    printf("netmask %s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr));
    EQ(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
    EQ(ifr.ifr_hwaddr.sa_family, 772);
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_ifindex = 1;
    EQ(ioctl(s, SIOCGIFNAME, &ifr), 0);
    printf("index 1 is %s\n", ifr.ifr_name);
    ifr.ifr_ifindex = 77;
    ERR(ioctl(s, SIOCGIFNAME, &ifr), ENODEV);
    strcpy(ifr.ifr_name, "nosuch0");
    ERR(ioctl(s, SIOCGIFFLAGS, &ifr), ENODEV);
    ERR(ioctl(s, SIOCGIFADDR, &ifr), ENODEV);
    ERR(ioctl(s, SIOCGIFFLAGS, NULL), EFAULT);
    EQ(if_nametoindex("lo"), 1);
    EQ(if_nametoindex("nosuch0"), 0);
    char name[IF_NAMESIZE];
    TRUE(if_indextoname(1, name) && !strcmp(name, "lo"));
    int u = socket(AF_UNIX, SOCK_DGRAM, 0);
    strcpy(ifr.ifr_name, "lo");
    EQ(ioctl(u, SIOCGIFINDEX, &ifr), 0);
    EQ(ifr.ifr_ifindex, 1);
    close(u);
    int one = 1;
    int t = socket(AF_INET, SOCK_STREAM, 0);
    ERR(ioctl(t, SIOCATMARK, NULL), EFAULT);
    EQ(ioctl(t, SIOCATMARK, &one), 0);
    EQ(one, 0);
    ERR(ioctl(s, SIOCATMARK, &one), ENOTTY);
    close(t);
    pid_t pid = fork();
    if (pid == 0) {
        setuid(65534);
        strcpy(ifr.ifr_name, "lo");
        ifr.ifr_flags = IFF_UP;
        ERR(ioctl(s, SIOCSIFFLAGS, &ifr), EPERM);
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int st;
    waitpid(pid, &st, 0);
    EQ(st, 0);

    SECTION("/proc/net");
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL); /* where nobody mounted it */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(4660); /* 0x1234 */
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    EQ(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
    EQ(listen(l, 3), 0);
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    a.sin_port = htons(4661);
    EQ(bind(d, (struct sockaddr *)&a, sizeof(a)), 0);
    show_lines("/proc/net/tcp", "0100007F:1234", 36);
    show_lines("/proc/net/udp", "0100007F:1235", 37);
    show_lines("/proc/net/dev", "lo:", 7);
    show_lines("/proc/net/tcp6", NULL, 500);
    close(l);
    close(d);
    close(s);
    return summary();
}
