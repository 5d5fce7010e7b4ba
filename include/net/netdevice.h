/*
 * Network devices (net/core/dev.cpp, Linux's net/core/dev.c): a net_device
 * has a name, an index, flags, an MTU, counters and a transmit routine; the
 * protocols hand it sk_buffs and it hands received ones to netif_rx(), which
 * queues them on the backlog and delivers them to the protocol they carry
 * (ip_rcv). The only device is `lo` (net/core/loopback.cpp), whose transmit
 * is a receive: a real device would sit under the same calls.
 *
 * Locking: the big kernel lock protects the device list, the counters and
 * the backlog (include/linux/net.h); netif_rx runs in the sender's context.
 */
#pragma once
#include <linux/list.h>
#include <linux/result.h>
#include <linux/types.h>

struct sk_buff;

constexpr int IFNAMSIZ = 16;
constexpr unsigned IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40,
                   IFF_LOWER_UP = 0x10000;
constexpr unsigned short ARPHRD_LOOPBACK = 772;

struct net_device_stats {
    u64 rx_packets, tx_packets, rx_bytes, tx_bytes;
    u64 rx_errors, tx_errors, rx_dropped, tx_dropped;
};

struct net_device;
struct net_device_ops {
    /* Takes the skb (and frees it, or hands it on). */
    void (*ndo_start_xmit)(sk_buff* skb, net_device* dev);
};

struct net_device {
    char name[IFNAMSIZ];
    int ifindex;
    unsigned flags; /* IFF_* */
    unsigned mtu;
    unsigned tx_queue_len;
    unsigned short type; /* ARPHRD_* */
    u32 ipv4_addr, ipv4_mask; /* network order: the one IPv4 address (Linux's in_device list) */
    u8 ipv6_addr[16];         /* the one IPv6 address */
    unsigned ipv6_prefix;
    net_device_stats stats;
    const net_device_ops* netdev_ops;
    list_head dev_list;   /* on the device list (dev_base_head) */
};

/* The device list, in index order. */
extern list_head dev_base_head;
extern net_device loopback_dev;

/* Registers the devices at boot (init/main.cpp): lo, up, 127.0.0.1/8 and ::1/128. */
void net_dev_init();
net_device* dev_get_by_index(int ifindex);
net_device* dev_get_by_name(const char* name);
/* Transmits skb on dev (Linux's dev_queue_xmit); the device owns it then. */
void dev_queue_xmit(sk_buff* skb, net_device* dev);
/* A received packet (Linux's netif_rx): queued on the backlog, delivered
 * once the outermost call drains it, so a protocol answering a packet never
 * runs inside its own receive. */
void netif_rx(sk_buff* skb, net_device* dev);

/* The socket ioctls on devices (net/core/dev_ioctl.cpp): SIOCGIFCONF and
 * SIOCGIF* for every socket family; ENOTTY for any other command. */
Result<long> dev_ioctl(unsigned cmd, unsigned long arg);
/* SIOCGIFADDR/NETMASK/BRDADDR/DSTADDR (AF_INET sockets only, Linux's devinet_ioctl). */
Result<long> devinet_ioctl(unsigned cmd, unsigned long arg);
