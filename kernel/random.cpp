/* Kernel randomness and getrandom(2). Seeded from RDRAND (when present) and the TSC. */
#include <asm/processor.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

u64 state;
bool seeded;

bool rdrand(u64& v)
{
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
    return ok;
}

void seed()
{
    state = rdtsc() * 0x9e3779b97f4a7c15ULL;
    u64 hw;
    if (boot_cpu.rdrand && rdrand(hw))
        state ^= hw;
    seeded = true;
}

/* splitmix64: small, fast, good statistical quality. */
u64 next()
{
    if (!seeded)
        seed();
    u64 z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    u64 hw;
    if (boot_cpu.rdrand && rdrand(hw))
        z ^= hw;
    return z;
}

constexpr unsigned GRND_NONBLOCK = 0x0001, GRND_RANDOM = 0x0002, GRND_INSECURE = 0x0004;

} // namespace

u64 get_random_u64() { return next(); }

void get_random_bytes(void* buf, size_t n)
{
    auto* out = static_cast<u8*>(buf);
    while (n) {
        u64 v = next();
        size_t chunk = min(n, sizeof(v));
        memcpy(out, &v, chunk);
        out += chunk;
        n -= chunk;
    }
}

SYSCALL_DEFINE3(getrandom, user_out_ptr<char>, buf, size_t, count, unsigned int, flags)
{
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return Errno::EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
        return Errno::EINVAL;
    count = min<size_t>(count, 0x7fffffff);
    size_t done = 0;
    u8 chunk[256];
    while (done < count) {
        size_t n = min(count - done, sizeof(chunk));
        get_random_bytes(chunk, n);
        if (!copy_to_user(buf.cast<u8>() + done, chunk, n).ok())
            return done ? SyscallResult(done) : SyscallResult(Errno::EFAULT);
        done += n;
    }
    return done;
}
