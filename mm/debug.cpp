/*
 * The kernel's checks on itself (CONFIG_DEBUG_KERNEL): the reports of a
 * corrupted list, a recursive spinlock and a poison pattern that was
 * overwritten, and "debug_selftest=WHAT" on the command line, which breaks
 * one of those rules on purpose after boot so the tests can see each check
 * fire (tests/guest/manifest.d/kern.toml).
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

bool debug_poisoning = debug_kernel;

const u8* memchr_inv(const void* p, u8 pattern, size_t len)
{
    auto* b = static_cast<const u8*>(p);
    u64 word = 0x0101010101010101ULL * pattern;
    size_t i = 0;
    /* Word at a time where aligned: a freed 2 KiB object is 255 compares. */
    for (; i < len && (reinterpret_cast<unsigned long>(b + i) & 7); i++)
        if (b[i] != pattern)
            return b + i;
    for (; i + 8 <= len; i += 8)
        if (*reinterpret_cast<const u64*>(b + i) != word)
            break;
    for (; i < len; i++)
        if (b[i] != pattern)
            return b + i;
    return nullptr;
}

void spin_lock_recursion(const spinlock_t* lock)
{
    panic("spinlock recursion: %s already held on this CPU", lock->name);
}

void list_add_corruption(const list_head* n, const list_head* prev, const list_head* next)
{
    if (n == prev || n == next)
        panic("list_add double add: new=%p, prev=%p, next=%p", n, prev, next);
    panic("list_add corruption: prev=%p, prev->next=%p, next=%p, next->prev=%p", prev, prev->next, next, next->prev);
}

void list_del_corruption(const list_head* n)
{
    if (n->next == LIST_POISON1 || n->prev == LIST_POISON2)
        panic("list_del corruption: %p is already deleted (double list_del): next=%p, prev=%p", n, n->next, n->prev);
    if (n->prev->next != n)
        panic("list_del corruption: prev->next should be %p, but was %p (prev=%p)", n, n->prev->next, n->prev);
    panic("list_del corruption: next->prev should be %p, but was %p (next=%p)", n, n->next->prev, n->next);
}

namespace {

struct selftest_node {
    list_head link;
    int value;
};

__attribute__((noinline)) void selftest_slab_use_after_free()
{
    auto* obj = static_cast<u64*>(kmalloc(64));
    pr_info("debug_selftest: writing to a kmalloc-64 object after kfree\n");
    kfree(obj);
    static_cast<volatile u64*>(obj)[3] = 0x1234; /* the bug */
    /* The next kmalloc-64 allocations reach the object again and check it. */
    for (int i = 0; i < 64; i++)
        (void)kmalloc(64);
    panic("debug_selftest: the write after free went unnoticed");
}

__attribute__((noinline)) void selftest_page_use_after_free()
{
    page* p = alloc_page();
    auto* mem = static_cast<u8*>(page_address(p));
    pr_info("debug_selftest: writing to a page after its last put_page\n");
    put_page(p);
    static_cast<volatile u8*>(mem)[100] = 1; /* the bug */
    /* Allocate until the page comes back (the allocator checks it then). */
    for (u64 n = nr_free_pages() + 1; n; n--)
        if (alloc_page() == p)
            break;
    panic("debug_selftest: the write after free went unnoticed");
}

__attribute__((noinline)) void selftest_double_list_del()
{
    list_head head;
    selftest_node a{}, b{};
    head.add_tail(&a.link);
    head.add_tail(&b.link);
    pr_info("debug_selftest: deleting a list node twice\n");
    list_del(&a.link);
    list_del(&a.link); /* the bug */
    panic("debug_selftest: the double list_del went unnoticed");
}

__attribute__((noinline)) void selftest_page_refcount()
{
    page* p = alloc_page();
    pr_info("debug_selftest: dropping a page reference nobody holds\n");
    get_page(p);
    put_page(p);
    put_page(p);
    put_page(p); /* the bug: one put more than gets */
    panic("debug_selftest: the refcount underflow went unnoticed");
}

/* The checks every counted kernel object (file, inode, cred, signal_struct)
 * goes through, on an object of its own. */
__attribute__((noinline)) void selftest_refcount()
{
    struct counted {
        int count;
    } obj{1};
    pr_info("debug_selftest: dropping a reference nobody holds\n");
    if (refcount_dec_and_test(obj.count, "selftest object", &obj))
        (void)refcount_dec_and_test(obj.count, "selftest object", &obj); /* the bug */
    panic("debug_selftest: the refcount underflow went unnoticed");
}

} // namespace

/* Two locks taken in both orders, one after the other: never a deadlock on
 * one CPU, but two CPUs doing each at once would be; lockdep reports it. */
void selftest_lockdep()
{
    static spinlock_t a("selftest_lock_a"), b("selftest_lock_b");
    pr_info("debug_selftest: taking selftest_lock_a then selftest_lock_b, then the other way\n");
    u64 flags = spin_lock_irqsave(&a);
    spin_lock(&b);
    spin_unlock(&b);
    spin_unlock_irqrestore(&a, flags);
    flags = spin_lock_irqsave(&b);
    spin_lock(&a);
    spin_unlock(&a);
    spin_unlock_irqrestore(&b, flags);
    pr_info("debug_selftest: lockdep said nothing\n");
}

void run_debug_selftest(const char* what)
{
    if (!debug_kernel) {
        pr_info("debug_selftest: not a debug build (TRAPGATE_DEBUG=OFF)\n");
        return;
    }
    if (!strcmp(what, "slab_uaf"))
        selftest_slab_use_after_free();
    else if (!strcmp(what, "page_uaf"))
        selftest_page_use_after_free();
    else if (!strcmp(what, "list_del"))
        selftest_double_list_del();
    else if (!strcmp(what, "page_refcount"))
        selftest_page_refcount();
    else if (!strcmp(what, "refcount"))
        selftest_refcount();
    else if (!strcmp(what, "lockdep"))
        selftest_lockdep();
    else
        printk("debug_selftest: unknown test '%s'\n", what);
}

void refcount_error(const char* what, const void* obj, const char* how, long count)
{
    panic("refcount %s: %s %p (count %ld)", how, what, obj, count);
}
