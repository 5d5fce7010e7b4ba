/*
 * memfd_create and file seals (Linux's mm/memfd.c): an anonymous memory
 * file behind a descriptor, named "memfd:NAME" in /proc/PID/fd and maps,
 * which with MFD_ALLOW_SEALING takes seals: F_SEAL_SHRINK and F_SEAL_GROW
 * fix its size, F_SEAL_WRITE its contents (refused while a writable shared
 * mapping exists: EBUSY), F_SEAL_FUTURE_WRITE refuses new writers but keeps
 * existing mappings, and F_SEAL_SEAL the seals themselves. Any other
 * memory file (tmpfs) is born with F_SEAL_SEAL. The checks live where the
 * changes are made (fs/ramfs.cpp, mm/fadvise.cpp, mm/mmap.cpp); seals are
 * under the kernel lock, as the page cache they guard.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

constexpr unsigned MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2, MFD_HUGETLB = 0x4;
constexpr unsigned MFD_HUGE_SHIFT = 26, MFD_HUGE_MASK = 0x3f;
constexpr size_t MFD_NAME_MAX_LEN = NAME_MAX - 6; /* after "memfd:" */
constexpr unsigned F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;

bool is_memory_file(const file* f)
{
    return f->f_inode && S_ISREG(f->f_inode->i_mode) && f->f_inode->i_mapping_ok &&
           f->f_inode->i_fop == f->f_op && f->f_op == &ramfs_file_operations;
}

/* A shared mapping of i that is or may become writable (VM_MAYWRITE: made
 * through a writable descriptor, whatever its protection now), in any
 * address space: F_SEAL_WRITE may not be added then (EBUSY). Walks every
 * process's areas; sealing is rare. */
bool mapped_writable(const inode* i)
{
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!t->mm || !thread_group_leader(t))
            continue;
        for (vm_area_struct* v = t->mm->mmap; v; v = v->vm_next)
            if (v->vm_file == i && (v->vm_flags & VM_SHARED) && (v->vm_flags & VM_MAYWRITE))
                return true;
    }
    return false;
}

} // namespace

Result<size_t> memfd_write_allowed(const inode* i, loff_t pos, size_t len)
{
    unsigned seals = i->i_seals;
    if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
        return Errno::EPERM;
    if (!(seals & F_SEAL_GROW) || pos + static_cast<loff_t>(len) <= i->i_size)
        return len;
    /* Linux writes a page at a time and stops at the first whose end would
     * pass the size. */
    loff_t whole = i->i_size & ~static_cast<loff_t>(PAGE_SIZE - 1);
    if (pos >= whole)
        return Errno::EPERM;
    return static_cast<size_t>(whole - pos);
}

Result<void> memfd_resize_allowed(const inode* i, loff_t size)
{
    if ((i->i_seals & F_SEAL_SHRINK) && size < i->i_size)
        return Errno::EPERM;
    if ((i->i_seals & F_SEAL_GROW) && size > i->i_size)
        return Errno::EPERM;
    return {};
}

Result<long> memfd_fcntl(file* f, unsigned int cmd, unsigned long arg)
{
    if (!is_memory_file(f))
        return Errno::EINVAL;
    inode* i = f->f_inode;
    if (cmd == F_GET_SEALS)
        return static_cast<long>(i->i_seals);
    /* F_ADD_SEALS (Linux's memfd_add_seals, its order). */
    if (!(f->f_mode & FMODE_WRITE))
        return Errno::EPERM;
    unsigned seals = static_cast<unsigned>(arg);
    if (arg & ~static_cast<unsigned long>(F_ALL_SEALS))
        return Errno::EINVAL;
    if (i->i_seals & F_SEAL_SEAL)
        return Errno::EPERM;
    if ((seals & F_SEAL_WRITE) && !(i->i_seals & F_SEAL_WRITE) && mapped_writable(i))
        return Errno::EBUSY;
    i->i_seals |= seals;
    return 0;
}

SYSCALL_DEFINE2(memfd_create, user_in_ptr<const char>, uname, unsigned int, flags)
{
    if (flags & MFD_HUGETLB) {
        if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | (MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
            return Errno::EINVAL;
    } else if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
        return Errno::EINVAL;
    }
    char name[MFD_NAME_MAX_LEN + 8] = "memfd:";
    auto len = strncpy_from_user(name + 6, uname, MFD_NAME_MAX_LEN + 1);
    if (!len.ok())
        return len.error() == Errno::ENAMETOOLONG ? Errno::EINVAL : len.error();
    if (flags & MFD_HUGETLB)
        return Errno::EINVAL; /* no hugetlbfs here: Linux says the same without it */
    /* The descriptor first: with none free (EMFILE) no file is made. */
    int fd = TRY(get_unused_fd_flags((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0));
    auto f = shmem_file_open(name, O_RDWR | O_LARGEFILE);
    if (!f.ok()) {
        put_unused_fd(fd);
        return f.error();
    }
    if (flags & MFD_ALLOW_SEALING)
        f.value()->f_inode->i_seals = 0;
    fd_install(fd, f.value());
    return fd;
}
