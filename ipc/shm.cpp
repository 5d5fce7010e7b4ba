/*
 * System V shared memory: shmget, shmat, shmdt, shmctl (Linux's ipc/shm.c).
 * A segment is an unnamed shmem inode (fs/ramfs.cpp's shmem_file_setup, as
 * MAP_SHARED|MAP_ANONYMOUS uses), so every attach maps the same page-cache
 * pages. The inode's vm operations (include/linux/mm.h) count the areas
 * mapping it: an area made by shmat, fork or a split opens (shm_nattch++,
 * atime, lpid), one removed by shmdt, munmap, exit or exec closes
 * (shm_nattch--, dtime, lpid); IPC_RMID of an attached segment marks it
 * SHM_DEST and the last close destroys it. Under ipc_lock (ipc/util.h);
 * address-space work is done with the lock dropped and the segment held by
 * a count in shm_nattch, as Linux's do_shmat does.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/mman.h>
#include "util.h"

namespace {

constexpr unsigned long SHMLBA = PAGE_SIZE;

struct shmid_kernel {
    kern_ipc_perm shm_perm;
    inode* shm_file;  /* a reference */
    key_t shm_name;   /* the key it was made with: its name in /proc/PID/maps */
    unsigned long shm_nattch;
    unsigned long shm_segsz;
    s64 shm_atim, shm_dtim, shm_ctim;
    pid_t shm_cprid, shm_lprid;
};
static_assert(offsetof(shmid_kernel, shm_perm) == 0);

shmid_kernel* shp_of(kern_ipc_perm* p) { return reinterpret_cast<shmid_kernel*>(p); }
unsigned long seg_pages(const shmid_kernel* shp) { return (shp->shm_segsz + PAGE_SIZE - 1) >> PAGE_SHIFT; }

/* Under ipc_lock: takes the segment out of the ids; the caller frees it
 * with shm_free once the lock is dropped. */
[[nodiscard]] shmid_kernel* shm_destroy(shmid_kernel* shp)
{
    ipc_ns.shm_tot -= seg_pages(shp);
    ipc_rmid(shm_ids, &shp->shm_perm);
    shp->shm_file->i_private = nullptr;
    return shp;
}

void shm_free(shmid_kernel* shp)
{
    if (!shp)
        return;
    iput(shp->shm_file);
    delete shp;
}

bool shm_may_destroy(const shmid_kernel* shp) { return shp->shm_nattch == 0 && (shp->shm_perm.mode & SHM_DEST); }

void shm_open(vm_area_struct* vma)
{
    spin_guard g(&ipc_lock);
    auto* shp = static_cast<shmid_kernel*>(vma->vm_file->i_private);
    if (!shp)
        return;
    shp->shm_atim = ipc_now();
    shp->shm_lprid = current->tgid;
    shp->shm_nattch++;
}

void shm_close(vm_area_struct* vma)
{
    shmid_kernel* to_free = nullptr;
    {
        spin_guard g(&ipc_lock);
        auto* shp = static_cast<shmid_kernel*>(vma->vm_file->i_private);
        if (!shp)
            return;
        shp->shm_lprid = current->tgid;
        shp->shm_dtim = ipc_now();
        shp->shm_nattch--;
        if (shm_may_destroy(shp))
            to_free = shm_destroy(shp);
    }
    shm_free(to_free);
}

/* "/SYSV0000abcd (deleted)": the segment's file on Linux's internal shm mount. */
bool shm_name(const inode* file, char* buf, size_t size)
{
    spin_guard g(&ipc_lock);
    auto* shp = static_cast<const shmid_kernel*>(file->i_private);
    if (!shp)
        return false;
    snprintf(buf, size, "/SYSV%08x (deleted)", static_cast<unsigned>(shp->shm_name));
    return true;
}

constexpr vm_operations_struct shm_vm_ops = {shm_open, shm_close, shm_name};

Result<int> newseg(const ipc_params& p)
{
    size_t size = p.extra;
    size_t numpages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (size < SHMMIN || size > ipc_ns.shm_ctlmax)
        return Errno::EINVAL;
    if ((numpages << PAGE_SHIFT) < size)
        return Errno::ENOSPC;
    if (ipc_ns.shm_tot + numpages < ipc_ns.shm_tot || ipc_ns.shm_tot + numpages > ipc_ns.shm_ctlall)
        return Errno::ENOSPC;
    if (p.flg & SHM_HUGETLB)
        return Errno::ENOMEM; /* no huge pages are reserved here (Linux with nr_hugepages = 0) */
    auto* shp = new shmid_kernel{};
    if (!shp)
        return Errno::ENOMEM;
    auto file = shmem_file_setup(size);
    if (!file.ok()) {
        delete shp;
        return file.error();
    }
    shp->shm_file = file.value();
    shp->shm_name = p.key;
    shp->shm_segsz = size;
    shp->shm_ctim = ipc_now();
    shp->shm_cprid = current->tgid;
    Result<int> id = Errno::ENOSPC;
    {
        spin_guard g(&ipc_lock);
        shm_ids.limit = ipc_ns.shm_ctlmni;
        id = ipc_addid(shm_ids, &shp->shm_perm, p.key, p.flg & S_IRWXUGO);
        if (id.ok()) {
            ipc_ns.shm_tot += numpages;
            shp->shm_file->i_ino = static_cast<unsigned long>(id.value());
            shp->shm_file->i_private = shp;
            shp->shm_file->i_vm_ops = &shm_vm_ops;
        }
    }
    if (!id.ok())
        shm_free(shp);
    return id;
}

Result<void> shm_more_checks(kern_ipc_perm* perm, const ipc_params& p)
{
    if (shp_of(perm)->shm_segsz < p.extra)
        return Errno::EINVAL;
    return {};
}

constexpr ipc_ops shm_ops = {newseg, shm_more_checks};

/* Maps the segment's file as mmap(addr, size, prot, MAP_SHARED [| MAP_FIXED]) would. */
Result<unsigned long> shm_mmap(inode* file, unsigned long addr, unsigned long size, unsigned long prot, bool fixed,
                               bool rdonly)
{
    mm_struct* mm = current->mm;
    unsigned long len = PAGE_ALIGN(size);
    if (!len || len > TASK_SIZE)
        return Errno::ENOMEM;
    if (!fixed) {
        addr = get_unmapped_area(mm, len);
        if (!addr)
            return Errno::ENOMEM;
    }
    TRY(check_user_range(addr, len, Errno::ENOMEM));
    if (addr < MMAP_MIN_ADDR && !capable(CAP_SYS_RAWIO))
        return Errno::EPERM;
    if (!may_expand_vm(mm, len))
        return Errno::ENOMEM;
    unsigned long vm_flags = calc_vm_prot_bits(prot) | VM_MAY_ALL | VM_SHARED;
    if (rdonly)
        vm_flags &= ~VM_MAYWRITE; /* the segment was opened read-only */
    TRY(mmap_region(mm, addr, len, vm_flags, file, 0));
    return addr;
}

Result<unsigned long> do_shmat(int shmid, unsigned long addr, int shmflg)
{
    if (shmid < 0)
        return Errno::EINVAL;
    bool fixed = false;
    if (addr) {
        if (addr & (SHMLBA - 1)) {
            if (!(shmflg & SHM_RND))
                return Errno::EINVAL;
            addr &= ~(SHMLBA - 1);
            if (!addr && (shmflg & SHM_REMAP))
                return Errno::EINVAL;
        }
        fixed = true;
    } else if (shmflg & SHM_REMAP) {
        return Errno::EINVAL;
    }
    unsigned long prot = PROT_READ;
    int acc_mode = S_IRUGO;
    if (!(shmflg & SHM_RDONLY)) {
        prot |= PROT_WRITE;
        acc_mode |= S_IWUGO;
    }
    if (shmflg & SHM_EXEC) {
        prot |= PROT_EXEC;
        acc_mode |= S_IXUGO;
    }
    inode* file;
    unsigned long size;
    {
        spin_guard g(&ipc_lock);
        shmid_kernel* shp = shp_of(TRY(ipc_obtain_object_check(shm_ids, shmid)));
        if (ipcperms(&shp->shm_perm, acc_mode))
            return Errno::EACCES;
        shp->shm_nattch++; /* keeps it while the lock is dropped */
        file = shp->shm_file;
        ihold(file);
        size = shp->shm_segsz;
    }
    Result<unsigned long> r = Errno::EINVAL;
    if (fixed && !(shmflg & SHM_REMAP) && (addr + size < addr || !range_is_free(current->mm, addr, addr + size)))
        r = Errno::EINVAL;
    else
        r = shm_mmap(file, addr, size, prot, fixed, shmflg & SHM_RDONLY);
    shmid_kernel* to_free = nullptr;
    {
        spin_guard g(&ipc_lock);
        auto* shp = static_cast<shmid_kernel*>(file->i_private);
        shp->shm_nattch--;
        if (shm_may_destroy(shp))
            to_free = shm_destroy(shp);
    }
    shm_free(to_free);
    iput(file);
    return r;
}

bool is_shm_vma(const vm_area_struct* v) { return v->vm_file && v->vm_file->i_vm_ops == &shm_vm_ops; }

} // namespace

/* The ctl commands' bodies, shared with the i386 entry points (ipc/compat_ipc_ctl.cpp). */
Result<long> shmctl_stat(int shmid, int cmd, shmid64_ds* out)
{
    *out = {};
    spin_guard g(&ipc_lock);
    kern_ipc_perm* perm = TRY(cmd == SHM_STAT || cmd == SHM_STAT_ANY ? ipc_obtain_object_idr(shm_ids, shmid)
                                                                     : ipc_obtain_object_check(shm_ids, shmid));
    if (cmd != SHM_STAT_ANY && ipcperms(perm, S_IRUGO))
        return Errno::EACCES;
    shmid_kernel* shp = shp_of(perm);
    kernel_to_ipc64_perm(perm, &out->shm_perm);
    out->shm_segsz = shp->shm_segsz;
    out->shm_atime = shp->shm_atim;
    out->shm_dtime = shp->shm_dtim;
    out->shm_ctime = shp->shm_ctim;
    out->shm_cpid = shp->shm_cprid;
    out->shm_lpid = shp->shm_lprid;
    out->shm_nattch = shp->shm_nattch;
    return cmd == IPC_STAT ? 0 : perm->id;
}

static unsigned long resident_pages(const inode* i)
{
    unsigned long n = 0;
    for (unsigned long k = 0; k < i->i_pages_cap; k++)
        if (i->i_pages[k])
            n++;
    return n;
}

Result<long> shmctl_down(int shmid, int cmd, const shmid64_ds* in)
{
    shmid_kernel* to_free = nullptr;
    {
        spin_guard g(&ipc_lock);
        shmid_kernel* shp = shp_of(TRY(ipcctl_obtain_check(shm_ids, shmid)));
        if (cmd == IPC_SET) {
            TRY(ipc_update_perm(in->shm_perm, &shp->shm_perm));
            shp->shm_ctim = ipc_now();
        } else if (shp->shm_nattch) {
            /* Still attached: gone when the last attach goes, found by id till then, no more by key. */
            shp->shm_perm.mode |= SHM_DEST;
            ipc_set_key_private(shm_ids, &shp->shm_perm);
        } else {
            to_free = shm_destroy(shp);
        }
    }
    shm_free(to_free);
    return 0;
}

Result<long> shmctl_do_lock(int shmid, int cmd)
{
    spin_guard g(&ipc_lock);
    shmid_kernel* shp = shp_of(TRY(ipc_obtain_object_check(shm_ids, shmid)));
    if (!capable(CAP_IPC_LOCK)) {
        uid_t euid = current_cred()->euid;
        if (euid != shp->shm_perm.uid && euid != shp->shm_perm.cuid)
            return Errno::EPERM;
        if (cmd == SHM_LOCK && !rlimit(RLIMIT_MEMLOCK))
            return Errno::EPERM;
    }
    if (cmd == SHM_LOCK) {
        /* Pages are never swapped here: locking only checks the limit and marks it. */
        unsigned long limit = rlimit(RLIMIT_MEMLOCK);
        if (!capable(CAP_IPC_LOCK) && limit != RLIM_INFINITY && seg_pages(shp) > (limit >> PAGE_SHIFT))
            return Errno::ENOMEM;
        shp->shm_perm.mode |= SHM_LOCKED;
    } else {
        shp->shm_perm.mode &= ~SHM_LOCKED;
    }
    return 0;
}

SYSCALL_DEFINE3(shmget, key_t, key, size_t, size, int, shmflg)
{
    return ipcget(shm_ids, shm_ops, ipc_params{key, shmflg, size});
}

SYSCALL_DEFINE3(shmat, int, shmid, unsigned long, shmaddr, int, shmflg)
{
    return do_shmat(shmid, shmaddr, shmflg);
}

/* i386: the address below 4 GiB (get_unmapped_area for an int $0x80 call). */
COMPAT_SYSCALL_DEFINE3(shmat, int, shmid, compat_uptr_t, shmaddr, int, shmflg)
{
    return do_shmat(shmid, shmaddr, shmflg);
}

SYSCALL_DEFINE1(shmdt, unsigned long, addr)
{
    mm_struct* mm = current->mm;
    if (addr & ~PAGE_MASK)
        return Errno::EINVAL;
    /* The attach that starts at addr (an area whose file offset says it
     * begins there), then its other pieces within the segment's size. */
    Result<long> r = Errno::EINVAL;
    inode* file = nullptr;
    unsigned long size = 0;
    vm_area_struct* vma = find_vma(mm, addr);
    while (vma) {
        vm_area_struct* next = vma->vm_next;
        if (is_shm_vma(vma) && (vma->vm_start - addr) / PAGE_SIZE == vma->vm_pgoff) {
            file = vma->vm_file;
            size = static_cast<unsigned long>(file->i_size);
            (void)do_munmap(mm, vma->vm_start, vma->vm_end - vma->vm_start);
            r = 0;
            vma = next;
            break;
        }
        vma = next;
    }
    size = PAGE_ALIGN(size);
    while (vma && static_cast<long>(vma->vm_end - addr) <= static_cast<long>(size)) {
        vm_area_struct* next = vma->vm_next;
        if (is_shm_vma(vma) && (vma->vm_start - addr) / PAGE_SIZE == vma->vm_pgoff && vma->vm_file == file)
            (void)do_munmap(mm, vma->vm_start, vma->vm_end - vma->vm_start);
        vma = next;
    }
    return r;
}

long shmctl_ipc_info(shminfo64* info)
{
    *info = {};
    info->shmmni = info->shmseg = static_cast<u64>(ipc_ns.shm_ctlmni);
    info->shmmax = ipc_ns.shm_ctlmax;
    info->shmall = ipc_ns.shm_ctlall;
    info->shmmin = SHMMIN;
    spin_guard g(&ipc_lock);
    int max_idx = ipc_get_maxidx(shm_ids);
    return max_idx < 0 ? 0 : max_idx;
}

long shmctl_shm_info(shm_info* info)
{
    *info = {};
    spin_guard g(&ipc_lock);
    info->used_ids = shm_ids.in_use;
    for (kern_ipc_perm* p = ipc_next_from(shm_ids, 0); p; p = ipc_next_from(shm_ids, p->idx + 1))
        info->shm_rss += resident_pages(shp_of(p)->shm_file);
    info->shm_tot = ipc_ns.shm_tot;
    int max_idx = ipc_get_maxidx(shm_ids);
    return max_idx < 0 ? 0 : max_idx;
}

SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, unsigned long, buf)
{
    if (cmd < 0 || shmid < 0)
        return Errno::EINVAL;
    switch (cmd) {
    case IPC_INFO: {
        shminfo64 info;
        long r = shmctl_ipc_info(&info);
        TRY(copy_to_user(user_out_ptr<shminfo64>(buf), &info));
        return r;
    }
    case SHM_INFO: {
        shm_info info;
        long r = shmctl_shm_info(&info);
        TRY(copy_to_user(user_out_ptr<shm_info>(buf), &info));
        return r;
    }
    case SHM_STAT:
    case SHM_STAT_ANY:
    case IPC_STAT: {
        shmid64_ds ds;
        long r = TRY(shmctl_stat(shmid, cmd, &ds));
        TRY(copy_to_user(user_out_ptr<shmid64_ds>(buf), &ds));
        return r;
    }
    case IPC_SET: {
        shmid64_ds ds;
        TRY(copy_from_user(&ds, user_in_ptr<const shmid64_ds>(buf)));
        return shmctl_down(shmid, cmd, &ds);
    }
    case IPC_RMID:
        return shmctl_down(shmid, cmd, nullptr);
    case SHM_LOCK:
    case SHM_UNLOCK:
        return shmctl_do_lock(shmid, cmd);
    default:
        return Errno::EINVAL;
    }
}

/* /proc/sysvipc/shm: one segment (under ipc_lock). */
#include "../fs/proc/internal.h"
void sysvipc_shm_show(procfs::seqbuf& m, kern_ipc_perm* perm)
{
    shmid_kernel* shp = shp_of(perm);
    m.printf("%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu %21lu\n", perm->key,
             perm->id, perm->mode, shp->shm_segsz, shp->shm_cprid, shp->shm_lprid, shp->shm_nattch, perm->uid,
             perm->gid, perm->cuid, perm->cgid, static_cast<unsigned long long>(shp->shm_atim),
             static_cast<unsigned long long>(shp->shm_dtim), static_cast<unsigned long long>(shp->shm_ctim),
             resident_pages(shp->shm_file) << PAGE_SHIFT, 0UL);
}
