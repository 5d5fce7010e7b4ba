/*
 * compat_ipc: System V IPC through int $0x80.
 *   - ipc(2) (117): SEMGET, SEMOP, SEMTIMEDOP (no timeout), MSGGET, MSGSND
 *     and MSGRCV with i386's compat_msgbuf (a 32-bit mtype), MSGRCV's old
 *     version 0 (buffer and type in a struct), SHMGET, SHMAT (the address
 *     stored through the third argument, below 4 GiB), SHMDT; an unknown
 *     call is ENOSYS.
 *   - msgsnd (400), msgrcv (401), shmat (397): the same layouts directly.
 * The IDs are removed through the x86-64 calls.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

constexpr int IPC_CREAT = 01000, IPC_NOWAIT = 04000, IPC_RMID = 0;
constexpr int SEMOP = 1, SEMGET = 2, SEMTIMEDOP = 4, MSGSND = 11, MSGRCV = 12, MSGGET = 13, SHMAT = 21, SHMDT = 22,
              SHMGET = 23;

struct sembuf_ {
    unsigned short num;
    short op, flg;
};
struct msgbuf32 {
    int32_t mtype;
    char text[16];
};
struct kludge {
    uint32_t msgp;
    int32_t msgtyp;
};

static sembuf_ sb;
static msgbuf32 mb, rb;
static kludge k;
static uint32_t raddr;

static uint32_t a32(const void* p) { return static_cast<uint32_t>(reinterpret_cast<unsigned long>(p)); }

int main(int, char**, char**)
{
    test::section("semaphores");
    SysResult sem = ia32::sys_ipc(SEMGET, 0, 1, IPC_CREAT | 0600, 0, 0);
    CHECK_OK(sem);
    sb = {0, 1, 0};
    CHECK_EQ(ia32::sys_ipc(SEMOP, sem.value(), 1, 0, &sb, 0), 0);
    sb = {0, -1, IPC_NOWAIT};
    CHECK_EQ(ia32::sys_ipc(SEMTIMEDOP, sem.value(), 1, 0, &sb, 0), 0);
    CHECK_EQ(ia32::sys_ipc(SEMOP, sem.value(), 1, 0, &sb, 0), EAGAIN);
    CHECK_EQ(x64::sys_semctl(sem.value(), 0, IPC_RMID, 0), 0);

    test::section("messages: compat_msgbuf");
    SysResult q = ia32::sys_ipc(MSGGET, 0, IPC_CREAT | 0600, 0, 0, 0);
    CHECK_OK(q);
    mb.mtype = 7;
    __builtin_memcpy(mb.text, "hello", 6);
    CHECK_EQ(ia32::sys_ipc(MSGSND, q.value(), 6, 0, &mb, 0), 0);
    CHECK_EQ(ia32::sys_ipc(MSGRCV | (1 << 16), q.value(), 16, 0, &rb, 0), 6);
    CHECK_EQ(rb.mtype, 7);
    CHECK_STR(rb.text, "hello");
    mb.mtype = 9;
    CHECK_EQ(ia32::sys_msgsnd(q.value(), &mb, 6, 0), 0);
    rb = {};
    k = {a32(&rb), 9};
    CHECK_EQ(ia32::sys_ipc(MSGRCV, q.value(), 16, 0, &k, 0), 6); /* version 0 */
    CHECK_EQ(rb.mtype, 9);
    CHECK_EQ(ia32::sys_msgsnd(q.value(), &mb, 6, 0), 0);
    rb = {};
    CHECK_EQ(ia32::sys_msgrcv(q.value(), &rb, 16, 0, IPC_NOWAIT), 6);
    CHECK(rb.mtype == 9 && rb.text[4] == 'o');
    CHECK_EQ(ia32::sys_msgrcv(q.value(), &rb, 16, 0, IPC_NOWAIT), ENOMSG);
    CHECK_EQ(ia32::sys_ipc(MSGRCV, q.value(), 16, 0, 0, 0), EINVAL);
    CHECK_EQ(ia32::sys_ipc(MSGRCV, -1, 16, 0, &k, 0), EINVAL);
    CHECK_EQ(x64::sys_msgctl(q.value(), IPC_RMID, 0), 0);

    test::section("shared memory: addresses below 4 GiB");
    SysResult shm = ia32::sys_ipc(SHMGET, 0, 4096, IPC_CREAT | 0600, 0, 0);
    CHECK_OK(shm);
    CHECK_EQ(ia32::sys_ipc(SHMAT, shm.value(), 0, &raddr, 0, 0), 0);
    CHECK(raddr != 0 && !(raddr & 4095));
    *reinterpret_cast<volatile char*>(static_cast<unsigned long>(raddr)) = 's';
    SysResult direct = ia32::sys_shmat(shm.value(), 0, 0);
    CHECK(direct.ok() && static_cast<unsigned long>(direct.value()) < 0x100000000UL);
    CHECK_EQ(*reinterpret_cast<volatile char*>(direct.value()), 's');
    CHECK_EQ(ia32::sys_ipc(SHMDT, 0, 0, 0, static_cast<unsigned long>(raddr), 0), 0);
    CHECK_EQ(ia32::sys_shmdt(direct.value()), 0);
    CHECK_EQ(ia32::sys_ipc(SHMAT, shm.value(), 0, 0xfffff000UL, 0, 0), EFAULT);
    CHECK_EQ(x64::sys_shmctl(shm.value(), IPC_RMID, 0), 0);

    test::section("unknown calls");
    CHECK_EQ(ia32::sys_ipc(99, 0, 0, 0, 0, 0), ENOSYS);
    return test::summary();
}
