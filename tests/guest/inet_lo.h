/*
 * The net_inet_* tests' common start: `lo` up. Trapgate brings it up at boot;
 * the reference Linux's minimal init does not, and bringing it up there gives
 * it 127.0.0.1/8 and ::1 as Linux always does for a loopback device. Prints
 * nothing, so both kernels' outputs stay the same.
 */
#ifndef GUEST_INET_LO_H
#define GUEST_INET_LO_H
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((unused)) static void lo_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        printf("FAIL: no lo\n");
        return;
    }
    if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            printf("FAIL: lo stays down\n");
        usleep(100000); /* IPv6 takes ::1 at once, but be generous */
    }
    close(fd);
}
#endif
