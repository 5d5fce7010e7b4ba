/* Who may look into another process (kernel/ptrace.cpp): Linux's
 * ptrace_may_access, used by /proc/PID files, pidfd_getfd, kcmp and
 * process_vm_readv/writev. */
#pragma once

struct task_struct;

/* Linux's PTRACE_MODE_* bits: read or attach, and whose ids are compared,
 * the caller's file-system ids (FSCREDS: /proc) or its real ids (REALCREDS:
 * system calls). */
constexpr unsigned PTRACE_MODE_READ = 0x01, PTRACE_MODE_ATTACH = 0x02, PTRACE_MODE_FSCREDS = 0x08,
                   PTRACE_MODE_REALCREDS = 0x10;
constexpr unsigned PTRACE_MODE_READ_FSCREDS = PTRACE_MODE_READ | PTRACE_MODE_FSCREDS;
constexpr unsigned PTRACE_MODE_READ_REALCREDS = PTRACE_MODE_READ | PTRACE_MODE_REALCREDS;
constexpr unsigned PTRACE_MODE_ATTACH_REALCREDS = PTRACE_MODE_ATTACH | PTRACE_MODE_REALCREDS;

/* The caller may: it is the same process, or its ids are all of the
 * target's and the target is dumpable, or it has CAP_SYS_PTRACE. */
[[nodiscard]] bool ptrace_may_access(task_struct* t, unsigned mode);
