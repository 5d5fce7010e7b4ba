/*
 * Credentials and capabilities. A process has real, effective, saved and
 * file-system ids; capable() is the one privilege check. As on Linux, root's
 * power is its capability sets: they fill when the effective uid becomes 0 and
 * empty when it leaves 0 (the setuid rules in kernel/sys.cpp apply that).
 */
#pragma once
#include <linux/types.h>
#include <uapi/linux/capability.h>

struct cred {
    int usage;
    uid_t uid, euid, suid, fsuid;
    gid_t gid, egid, sgid, fsgid;
    int ngroups;
    gid_t groups[32];
    u64 cap_permitted;
    u64 cap_effective;
};

extern cred root_cred;

/* The current task's credentials. */
const cred* current_cred();
/* A private copy to change and then install with commit_creds(). */
cred* prepare_creds();
void commit_creds(cred* new_cred);
cred* get_cred(cred* c);
void put_cred(cred* c);

/* Does the current task hold this capability? */
[[nodiscard]] bool capable(int cap);
/* execve: the program's set-id bits and root's capability rules, computed into
 * new_cred (true: a privilege-raising exec), then installed (kernel/cred.cpp). */
struct inode;
[[nodiscard]] bool exec_compute_creds(cred* new_cred, const inode* program);
void exec_commit_creds(cred* new_cred, bool secureexec, bool readable);
bool in_group_p(gid_t gid);

constexpr u64 CAP_FULL_SET = (1ULL << (CAP_LAST_CAP + 1)) - 1;
