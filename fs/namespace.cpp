/* Mounts: one tree of vfsmounts, rooted at the ramfs the initramfs fills. */
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

vfsmount* root_mnt;
list_head mount_list;

Result<vfsmount*> vfs_mount(super_block* sb, const path* mountpoint, const char* devname)
{
    auto* m = static_cast<vfsmount*>(kzalloc(sizeof(vfsmount)));
    if (!m)
        return Errno::ENOMEM;
    m->mnt_sb = sb;
    m->mnt_root = dget(sb->s_root);
    m->mnt_list.init();
    strscpy(m->mnt_devname, devname, sizeof(m->mnt_devname));
    if (mountpoint) {
        if (mountpoint->dentry->d_mounted) {
            kfree(m);
            return Errno::EBUSY;
        }
        m->mnt_parent = mountpoint->mnt;
        m->mnt_mountpoint = dget(mountpoint->dentry);
        mountpoint->dentry->d_mounted = m;
    } else {
        m->mnt_parent = m;
        m->mnt_mountpoint = m->mnt_root;
    }
    mount_list.add_tail(&m->mnt_list);
    return m;
}

bool follow_mount(path& p)
{
    bool crossed = false;
    while (p.dentry->d_mounted) {
        vfsmount* m = p.dentry->d_mounted;
        dentry* root = dget(m->mnt_root);
        dput(p.dentry);
        p = path{m, root};
        crossed = true;
    }
    return crossed;
}

void init_rootfs()
{
    super_block* sb = ramfs_get_sb();
    if (!sb)
        panic("no memory for the root file system");
    auto m = vfs_mount(sb, nullptr, "rootfs");
    if (!m.ok())
        panic("cannot mount the root file system");
    root_mnt = m.value();
}
