/*
 * Credentials and capabilities. A process has real, effective, saved and
 * file-system ids; capable() is the one privilege check. As on Linux, root's
 * power is its capability sets: they fill when the effective uid becomes 0 and
 * empty when it leaves 0, unless the securebits say otherwise; the rules are
 * Linux's commoncap (security/commoncap.cpp), capget/capset are in
 * kernel/capability.cpp.
 */
#pragma once
#include <linux/result.h>
#include <linux/types.h>
#include <uapi/linux/capability.h>

/* The supplementary groups (setgroups), sorted, shared by the credentials
 * copied from each other until a setgroups makes new ones (Linux's
 * group_info); up to NGROUPS_MAX. */
struct group_info {
    int usage;
    int ngroups;
    gid_t gid[];
};
constexpr int NGROUPS_MAX = 65536;

struct cred {
    int usage;
    uid_t uid, euid, suid, fsuid;
    gid_t gid, egid, sgid, fsgid;
    struct group_info* group_info;
    unsigned int securebits; /* SECURE_* flags and their locks */
    u64 cap_inheritable;     /* kept across exec, for programs that may inherit */
    u64 cap_permitted;       /* the most effective may hold */
    u64 cap_effective;       /* what capable() checks */
    u64 cap_bset;            /* the bounding set: what an exec may grant */
    u64 cap_ambient;         /* kept across an exec of an unprivileged program */
    /* Keyrings (security/keys/, docs/keys.md), a reference each, under key_lock
     * while taken or dropped: */
    struct key* thread_keyring;   /* KEY_SPEC_THREAD_KEYRING: not inherited */
    struct key* process_keyring;  /* KEY_SPEC_PROCESS_KEYRING: the process's threads */
    struct key* session_keyring;  /* KEY_SPEC_SESSION_KEYRING: inherited, kept across exec */
    struct key* request_key_auth; /* never set: no request-key upcall here */
    unsigned char jit_keyring;    /* KEYCTL_SET_REQKEY_KEYRING's choice */
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
/* A new group list of n groups (usage 1), or null; set_groups sorts it in. */
group_info* groups_alloc(int n);
void set_groups(cred* c, group_info* gi);
void put_group_info(group_info* gi);

constexpr u64 CAP_FULL_SET = (1ULL << (CAP_LAST_CAP + 1)) - 1;
constexpr bool cap_valid(unsigned long cap) { return cap <= CAP_LAST_CAP; }

/* security/commoncap.cpp: Linux's rules for the capability sets. */
/* After a change of the real/effective/saved uids (setuid, setreuid, setresuid). */
void cap_emulate_setxuid(cred* now, const cred* old);
/* After a change of the file-system uid (setfsuid). */
void cap_task_fix_setfsuid(cred* now, const cred* old);
/* execve of a file without file capabilities: the new sets in n (its ids
 * already set from the file's set-id bits); true if the exec raises privilege
 * (AT_SECURE). */
[[nodiscard]] bool cap_bprm_creds(cred* n, const cred* old, bool no_new_privs);
/* The new sets capset asks for, checked against the old ones. */
[[nodiscard]] Result<void> cap_capset(cred* n, const cred* old, u64 effective, u64 inheritable, u64 permitted);
/* prctl's capability options (EINVAL for any other option). */
[[nodiscard]] Result<long> cap_task_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
                                  unsigned long arg5);
