/*
 * Network devices and the packets they carry (Linux's net/core/dev.c,
 * net/core/skbuff.c, drivers/net/loopback.c): the device list, `lo`, the
 * receive backlog, and sk_buff allocation and ownership.
 *
 * lo is the only device: registered at boot with index 1, up, MTU 65536,
 * 127.0.0.1/8 and ::1/128. Its transmit counts the packet both ways and
 * hands it to netif_rx, whose backlog is drained by the outermost call so
 * a protocol answering a packet (a SYN's SYN-ACK) never runs inside its own
 * receive: each packet is delivered whole before the next, in order.
 *
 * Locking: the big kernel lock protects the device list, the counters and
 * the backlog (include/linux/net.h). Nothing here sleeps.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>

list_head dev_base_head;
net_device loopback_dev;

namespace {

list_head backlog;     /* sk_buff.list: received, not yet delivered (the BKL) */
bool backlog_draining; /* an outer netif_rx is delivering: add to the backlog and return */

void loopback_xmit(sk_buff* skb, net_device* dev)
{
    size_t bytes = skb->len + skb_header_len(skb);
    dev->stats.tx_packets++;
    dev->stats.tx_bytes += bytes;
    netif_rx(skb, dev);
}

const net_device_ops loopback_ops = {.ndo_start_xmit = loopback_xmit};

} // namespace

void net_dev_init()
{
    dev_base_head.init();
    backlog.init();
    net_device* lo = &loopback_dev;
    memset(lo, 0, sizeof(*lo));
    strscpy(lo->name, "lo", sizeof(lo->name));
    lo->ifindex = 1;
    lo->flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP;
    lo->mtu = LOOPBACK_MTU;
    lo->tx_queue_len = 1000;
    lo->type = ARPHRD_LOOPBACK;
    lo->ipv4_addr = htonl(INADDR_LOOPBACK);
    lo->ipv4_mask = htonl(0xff000000);
    lo->ipv6_addr[15] = 1;
    lo->ipv6_prefix = 128;
    lo->netdev_ops = &loopback_ops;
    lo->dev_list.init();
    dev_base_head.add_tail(&lo->dev_list);
}

net_device* dev_get_by_index(int ifindex)
{
    list_for_each(pos, &dev_base_head) {
        net_device* dev = list_entry(pos, net_device, dev_list);
        if (dev->ifindex == ifindex)
            return dev;
    }
    return nullptr;
}

net_device* dev_get_by_name(const char* name)
{
    list_for_each(pos, &dev_base_head) {
        net_device* dev = list_entry(pos, net_device, dev_list);
        if (!strncmp(dev->name, name, IFNAMSIZ))
            return dev;
    }
    return nullptr;
}

void dev_queue_xmit(sk_buff* skb, net_device* dev)
{
    if (!(dev->flags & IFF_UP)) {
        dev->stats.tx_dropped++;
        kfree_skb(skb);
        return;
    }
    dev->netdev_ops->ndo_start_xmit(skb, dev);
}

void netif_rx(sk_buff* skb, net_device* dev)
{
    dev->stats.rx_packets++;
    dev->stats.rx_bytes += skb->len + skb_header_len(skb);
    backlog.add_tail(&skb->list);
    if (backlog_draining)
        return;
    backlog_draining = true;
    while (!backlog.empty()) {
        sk_buff* next = list_entry(backlog.next, sk_buff, list);
        list_head::del(&next->list);
        ip_rcv(next);
    }
    backlog_draining = false;
}

/* ---- sk_buff ---- */

sk_buff* alloc_skb(size_t len)
{
    auto* skb = static_cast<sk_buff*>(kmalloc(sizeof(sk_buff) + len));
    if (!skb)
        return nullptr;
    memset(skb, 0, sizeof(*skb));
    skb->list.init();
    skb->len = len;
    skb->truesize = len + sizeof(sk_buff) + 256; /* what a packet costs beyond its bytes */
    return skb;
}

void skb_set_owner_w(sk_buff* skb, sock* sk)
{
    skb->owner = sk;
    sock_hold(sk);
    sk->sk_wmem_alloc += static_cast<int>(skb->truesize);
}

void kfree_skb(sk_buff* skb)
{
    if (sock* sk = skb->owner) {
        sk->sk_wmem_alloc -= static_cast<int>(skb->truesize);
        wake_up(&sk->sk_wq); /* room for its writer */
        sock_put(sk);
    }
    kfree(skb);
}

void skb_queue_purge(list_head* q)
{
    while (!q->empty()) {
        sk_buff* skb = list_entry(q->next, sk_buff, list);
        list_head::del(&skb->list);
        kfree_skb(skb);
    }
}

size_t skb_header_len(const sk_buff* skb)
{
    size_t ip = skb->family == AF_INET6 ? 40 : 20;
    size_t l4 = skb->protocol == IPPROTO_TCP ? 32 : 8; /* TCP with the timestamp option */
    return 14 + ip + l4; /* lo carries an Ethernet header too */
}
