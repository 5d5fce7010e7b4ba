/*
 * Garbage collection of keys (Linux's security/keys/gc.c). A key whose last
 * reference goes is freed at once (key_put); what the collector still does
 * is unlink dead keys from the keyrings holding them: invalidated keys at
 * the next pass, revoked ones gc_delay seconds after the revocation, expired
 * ones (negative keys included) twice gc_delay after they expired, counted
 * from a limit gc_delay in the past: what Linux 6.1 does in the reference
 * QEMU (with gc_delay 1 a revoked key leaves its keyring within the second,
 * one that expired two seconds later). There is no kernel thread: the keyring calls and
 * /proc/keys run a pass when one is due (key_gc_maybe), which is when Linux's
 * timer would have fired or later, never earlier.
 */
#include "internal.h"

unsigned key_gc_delay = 5 * 60;
unsigned persistent_keyring_expiry = 3 * 24 * 3600;

namespace {

s64 key_gc_next = TIME64_MAX; /* when a pass is due, under key_lock */

} // namespace

void key_schedule_gc(s64 gc_at)
{
    rec_spin_guard g(&key_lock);
    if (gc_at < key_gc_next)
        key_gc_next = gc_at;
}

void key_schedule_gc_links()
{
    rec_spin_guard g(&key_lock);
    key_gc_next = 0;
}

void key_gc_maybe()
{
    rec_spin_guard g(&key_lock);
    s64 now = key_now();
    if (now < key_gc_next)
        return;
    s64 limit = now > static_cast<s64>(key_gc_delay) ? now - key_gc_delay : key_gc_delay;
    key_gc_next = TIME64_MAX;
    /* Each key is pinned while its links go, and the next one before it is
     * let go: dropping links (and a last reference) may free other keys. */
    rb_node* first = rb_first(&key_serial_tree);
    key* k = first ? key_get(rb_entry(first, key, serial_node)) : nullptr;
    while (k) {
        if (k->type == &key_type_keyring)
            keyring_gc(k, now, limit);
        if (k->expiry != TIME64_MAX) {
            s64 dead_at = k->revoked_at ? k->revoked_at + static_cast<s64>(key_gc_delay)
                                        : k->expiry + 2 * static_cast<s64>(key_gc_delay);
            if (dead_at > now && dead_at < key_gc_next)
                key_gc_next = dead_at;
        }
        rb_node* nn = rb_next(&k->serial_node);
        key* next = nn ? key_get(rb_entry(nn, key, serial_node)) : nullptr;
        key_put(k);
        k = next;
    }
}
