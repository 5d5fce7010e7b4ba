/*
 * The device ioctls of every socket (Linux's net/core/dev_ioctl.c and, for
 * the IPv4 address ones, net/ipv4/devinet.c): SIOCGIFCONF lists the IPv4
 * addresses of the devices; SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFFLAGS,
 * SIOCGIFMTU, SIOCGIFMETRIC, SIOCGIFTXQLEN, SIOCGIFHWADDR and SIOCGIFMAP
 * read a device named in a struct ifreq (ENODEV if there is none); on an
 * AF_INET socket SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR and
 * SIOCGIFDSTADDR read its IPv4 address. The SIOCSIF* ones that change a
 * device need CAP_NET_ADMIN (EPERM); SIOCSIFFLAGS takes IFF_UP (a device
 * down routes nothing), the others are not done (EOPNOTSUPP). The big kernel lock protects the device list (include/net/netdevice.h).
 */
#include <linux/cred.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>

namespace {

constexpr unsigned SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914,
                   SIOCGIFADDR = 0x8915, SIOCSIFADDR = 0x8916, SIOCGIFDSTADDR = 0x8917, SIOCGIFBRDADDR = 0x8919,
                   SIOCGIFNETMASK = 0x891b, SIOCSIFNETMASK = 0x891c, SIOCGIFMETRIC = 0x891d,
                   SIOCGIFMTU = 0x8921, SIOCSIFMTU = 0x8922, SIOCGIFHWADDR = 0x8927, SIOCGIFINDEX = 0x8933,
                   SIOCGIFTXQLEN = 0x8942, SIOCGIFMAP = 0x8970;
constexpr int CAP_NET_ADMIN_ = 12;

struct sockaddr_k {
    u16 sa_family;
    char sa_data[14];
};
struct ifmap_k {
    unsigned long mem_start, mem_end;
    unsigned short base_addr;
    unsigned char irq, dma, port;
};
struct ifreq {
    char ifr_name[IFNAMSIZ];
    union {
        sockaddr_k addr;
        short flags;
        int ivalue;
        ifmap_k map;
        char pad[24];
    } u;
};
static_assert(sizeof(ifreq) == 40);
struct ifconf {
    int ifc_len;
    int pad;
    unsigned long ifc_buf;
};
static_assert(sizeof(ifconf) == 16);

sockaddr_k inet_sockaddr(u32 addr_be)
{
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = addr_be;
    sockaddr_k sa;
    memcpy(&sa, &sin, sizeof(sa));
    return sa;
}

Result<void> get_ifreq(unsigned long arg, ifreq& ifr)
{
    TRY(copy_from_user(reinterpret_cast<u8*>(&ifr), user_in_ptr<const u8>(arg), sizeof(ifr)));
    ifr.ifr_name[IFNAMSIZ - 1] = 0;
    if (char* colon = strchr(ifr.ifr_name, ':'))
        *colon = 0; /* an alias names its device */
    return {};
}

Result<long> put_ifreq(unsigned long arg, const ifreq& ifr)
{
    TRY(copy_to_user(user_out_ptr<u8>(arg), reinterpret_cast<const u8*>(&ifr), sizeof(ifr)));
    return 0;
}

/* SIOCGIFCONF: one ifreq per IPv4 address; with a null buffer, the length it needs. */
Result<long> dev_ifconf(unsigned long arg)
{
    ifconf ifc;
    TRY(copy_from_user(reinterpret_cast<u8*>(&ifc), user_in_ptr<const u8>(arg), sizeof(ifc)));
    int total = 0;
    list_for_each(pos, &dev_base_head) {
        net_device* dev = list_entry(pos, net_device, dev_list);
        if (!dev->ipv4_addr)
            continue;
        if (ifc.ifc_buf) {
            if (ifc.ifc_len - total < static_cast<int>(sizeof(ifreq)))
                break;
            ifreq ifr;
            memset(&ifr, 0, sizeof(ifr));
            strscpy(ifr.ifr_name, dev->name, sizeof(ifr.ifr_name));
            ifr.u.addr = inet_sockaddr(dev->ipv4_addr);
            TRY(put_ifreq(ifc.ifc_buf + static_cast<unsigned long>(total), ifr));
        }
        total += sizeof(ifreq);
    }
    ifc.ifc_len = total;
    TRY(copy_to_user(user_out_ptr<u8>(arg), reinterpret_cast<const u8*>(&ifc), sizeof(ifc)));
    return 0;
}

} // namespace

Result<long> dev_ioctl(unsigned cmd, unsigned long arg)
{
    if (((cmd >> 8) & 0xff) != 0x89)
        return Errno::ENOTTY;
    if (cmd == SIOCGIFCONF)
        return dev_ifconf(arg);
    ifreq ifr;
    switch (cmd) {
    case SIOCSIFFLAGS: {
        TRY(get_ifreq(arg, ifr));
        if (!capable(CAP_NET_ADMIN_))
            return Errno::EPERM;
        net_device* dev = dev_get_by_name(ifr.ifr_name);
        if (!dev)
            return Errno::ENODEV;
        /* Only IFF_UP changes here (lo's other flags are its nature). */
        unsigned up = static_cast<unsigned short>(ifr.u.flags) & IFF_UP;
        dev->flags = (dev->flags & ~(IFF_UP | IFF_RUNNING | IFF_LOWER_UP)) |
                     (up ? IFF_UP | IFF_RUNNING | IFF_LOWER_UP : 0);
        return 0;
    }
    case SIOCSIFADDR:
    case SIOCSIFNETMASK:
    case SIOCSIFMTU:
        TRY(get_ifreq(arg, ifr));
        if (!capable(CAP_NET_ADMIN_))
            return Errno::EPERM;
        return Errno::EOPNOTSUPP;
    case SIOCGIFNAME: {
        TRY(get_ifreq(arg, ifr));
        net_device* dev = dev_get_by_index(ifr.u.ivalue);
        if (!dev)
            return Errno::ENODEV;
        strscpy(ifr.ifr_name, dev->name, sizeof(ifr.ifr_name));
        return put_ifreq(arg, ifr);
    }
    case SIOCGIFFLAGS:
    case SIOCGIFMETRIC:
    case SIOCGIFMTU:
    case SIOCGIFHWADDR:
    case SIOCGIFINDEX:
    case SIOCGIFTXQLEN:
    case SIOCGIFMAP:
        break;
    default:
        return Errno::ENOTTY;
    }
    TRY(get_ifreq(arg, ifr));
    net_device* dev = dev_get_by_name(ifr.ifr_name);
    if (!dev)
        return Errno::ENODEV;
    memset(&ifr.u, 0, sizeof(ifr.u));
    switch (cmd) {
    case SIOCGIFFLAGS: ifr.u.flags = static_cast<short>(dev->flags & 0xffff); break;
    case SIOCGIFMETRIC: ifr.u.ivalue = 0; break;
    case SIOCGIFMTU: ifr.u.ivalue = static_cast<int>(dev->mtu); break;
    case SIOCGIFHWADDR: ifr.u.addr.sa_family = dev->type; break; /* lo's address: six zeroes */
    case SIOCGIFINDEX: ifr.u.ivalue = dev->ifindex; break;
    case SIOCGIFTXQLEN: ifr.u.ivalue = static_cast<int>(dev->tx_queue_len); break;
    case SIOCGIFMAP: break;
    }
    return put_ifreq(arg, ifr);
}

Result<long> devinet_ioctl(unsigned cmd, unsigned long arg)
{
    switch (cmd) {
    case SIOCGIFADDR:
    case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFDSTADDR:
        break;
    default:
        return Errno::ENOTTY;
    }
    ifreq ifr;
    TRY(get_ifreq(arg, ifr));
    net_device* dev = dev_get_by_name(ifr.ifr_name);
    if (!dev)
        return Errno::ENODEV;
    if (!dev->ipv4_addr)
        return Errno::EADDRNOTAVAIL;
    memset(&ifr.u, 0, sizeof(ifr.u));
    switch (cmd) {
    case SIOCGIFADDR: ifr.u.addr = inet_sockaddr(dev->ipv4_addr); break;
    case SIOCGIFBRDADDR: ifr.u.addr = inet_sockaddr(0); break; /* lo has no broadcast address */
    case SIOCGIFNETMASK: ifr.u.addr = inet_sockaddr(dev->ipv4_mask); break;
    case SIOCGIFDSTADDR: ifr.u.addr = inet_sockaddr(dev->ipv4_addr); break;
    }
    return put_ifreq(arg, ifr);
}
