/* The lock-order checker: include/linux/lockdep.h says what it does. */
#ifdef CONFIG_DEBUG_KERNEL
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <linux/kallsyms.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/spinlock.h>

namespace {

constexpr int MAX_CLASSES = 64;
constexpr int MAX_HELD = 16;
constexpr int MAX_EDGES = 256;
constexpr int STACK_DEPTH = 8;

struct lock_class {
    const char* name;
    u64 after; /* bit j: class j was taken while this one was held */
};

struct edge {
    u8 from, to;
    unsigned long stack[STACK_DEPTH]; /* where `to` was first taken under `from` */
};

/* The graph. Guarded by graph_lock, a bare flag the checker does not track;
 * every caller has interrupts off (spinlocks are taken so). */
volatile u32 graph_lock;
lock_class classes[MAX_CLASSES];
int nr_classes;
edge edges[MAX_EDGES];
int nr_edges;
bool reported; /* one report: the panic follows */

/* Each CPU's held spinlocks (a spinlock is held with interrupts off, so a
 * CPU's list is only ever touched by that CPU). */
struct held_locks {
    spinlock_t* lock[MAX_HELD];
    int depth;
};
held_locks held[NR_CPUS];

void graph_enter()
{
    while (__atomic_exchange_n(&graph_lock, 1u, __ATOMIC_ACQUIRE))
        cpu_relax();
}

void graph_leave() { __atomic_store_n(&graph_lock, 0u, __ATOMIC_RELEASE); }

/* The lock's class, found or made by name; -1 when the table is full. */
int class_of(spinlock_t* lock)
{
    if (lock->lockdep_class)
        return lock->lockdep_class - 1;
    for (int i = 0; i < nr_classes; i++)
        if (classes[i].name == lock->name) {
            lock->lockdep_class = static_cast<u8>(i + 1);
            return i;
        }
    if (nr_classes == MAX_CLASSES)
        return -1;
    classes[nr_classes] = {lock->name, 0};
    lock->lockdep_class = static_cast<u8>(nr_classes + 1);
    return nr_classes++;
}

void save_stack(unsigned long* out)
{
    auto fp = reinterpret_cast<unsigned long>(__builtin_frame_address(0));
    for (int i = 0; i < STACK_DEPTH; i++) {
        out[i] = 0;
        if (fp < PAGE_OFFSET || (fp & 7))
            continue;
        auto* frame = reinterpret_cast<unsigned long*>(fp);
        out[i] = frame[1];
        fp = frame[0];
    }
}

void print_stack(const unsigned long* stack)
{
    for (int i = 0; i < STACK_DEPTH && stack[i]; i++) {
        char sym[128];
        kallsyms_lookup(stack[i], sym, sizeof(sym));
        printk("    [<%016lx>] %s\n", stack[i], sym);
    }
}

const edge* find_edge(int from, int to)
{
    for (int i = 0; i < nr_edges; i++)
        if (edges[i].from == from && edges[i].to == to)
            return &edges[i];
    return nullptr;
}

/* A path from `from` to `to` in the graph, into path[] (classes, `from`
 * first); its length, or 0. Depth-first, each class visited once. */
int find_path(int from, int to, int* path, int len, u64& seen)
{
    path[len++] = from;
    if (from == to)
        return len;
    seen |= 1ULL << from;
    for (u64 next = classes[from].after & ~seen; next; next &= next - 1) {
        int c = __builtin_ctzll(next);
        if (int n = find_path(c, to, path, len, seen))
            return n;
    }
    return 0;
}

[[noreturn]] void report_cycle(int held_class, int taken_class, const int* path, int n)
{
    reported = true;
    printk("\nlockdep: possible deadlock: lock order inversion\n");
    printk("  %s taken while holding %s, here:\n", classes[taken_class].name, classes[held_class].name);
    unsigned long now[STACK_DEPTH];
    save_stack(now);
    print_stack(now);
    printk("  but before, the other order:");
    for (int i = 0; i < n; i++)
        printk("%s %s", i ? " ->" : "", classes[path[i]].name);
    printk("\n");
    for (int i = 0; i + 1 < n; i++) {
        printk("  %s taken while holding %s at:\n", classes[path[i + 1]].name, classes[path[i]].name);
        if (const edge* e = find_edge(path[i], path[i + 1]))
            print_stack(e->stack);
    }
    graph_leave();
    panic("lockdep: lock order inversion between %s and %s", classes[held_class].name, classes[taken_class].name);
}

void add_edge(int from, int to)
{
    if (classes[from].after & (1ULL << to))
        return;
    int path[MAX_CLASSES];
    u64 seen = 0;
    if (int n = find_path(to, from, path, 0, seen))
        report_cycle(from, to, path, n);
    classes[from].after |= 1ULL << to;
    if (nr_edges < MAX_EDGES) {
        edge& e = edges[nr_edges++];
        e.from = static_cast<u8>(from);
        e.to = static_cast<u8>(to);
        save_stack(e.stack);
    }
}

} // namespace

void lockdep_acquired(spinlock_t* lock, bool trylock)
{
    if (reported)
        return;
    held_locks& h = held[smp_processor_id()];
    graph_enter();
    int to = class_of(lock);
    if (to >= 0 && !trylock) {
        for (int i = 0; i < h.depth; i++) {
            int from = class_of(h.lock[i]);
            if (from >= 0 && from != to)
                add_edge(from, to);
        }
    }
    graph_leave();
    if (h.depth < MAX_HELD)
        h.lock[h.depth++] = lock;
}

void lockdep_release(spinlock_t* lock)
{
    held_locks& h = held[smp_processor_id()];
    for (int i = h.depth - 1; i >= 0; i--)
        if (h.lock[i] == lock) {
            for (int j = i; j + 1 < h.depth; j++)
                h.lock[j] = h.lock[j + 1];
            h.depth--;
            return;
        }
}

void lockdep_assert_no_spinlocks(const char* what)
{
    if (reported)
        return;
    u64 flags = local_irq_save();
    held_locks& h = held[smp_processor_id()];
    if (h.depth) {
        reported = true;
        panic("lockdep: %s with spinlock %s held", what, h.lock[h.depth - 1]->name);
    }
    local_irq_restore(flags);
}
#endif
