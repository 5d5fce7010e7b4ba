/*
 * The tracer's signal lines: "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER,
 * si_pid=1, si_uid=0} ---" when a signal is taken off the queue for delivery
 * (kernel/signal.cpp, do_signal), as strace prints a signal-delivery stop.
 */
#include <linux/signal_types.h>
#include <linux/trace.h>

void trace_print_signal(TraceBuffer& out, int sig);
/* Writes one whole line among the calls' lines (kernel/trace.cpp). */
void trace_write_event(const char* text);

namespace {

struct CodeName {
    int code;
    const char* name;
};

const CodeName generic_codes[] = {{0, "SI_USER"}, {0x80, "SI_KERNEL"}, {-1, "SI_QUEUE"}, {-2, "SI_TIMER"},
                                  {-3, "SI_MESGQ"}, {-4, "SI_ASYNCIO"}, {-5, "SI_SIGIO"}, {-6, "SI_TKILL"}};
const CodeName chld_codes[] = {{1, "CLD_EXITED"}, {2, "CLD_KILLED"}, {3, "CLD_DUMPED"},
                               {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"}};
const CodeName segv_codes[] = {{1, "SEGV_MAPERR"}, {2, "SEGV_ACCERR"}, {3, "SEGV_BNDERR"}, {4, "SEGV_PKUERR"}};
const CodeName bus_codes[] = {{1, "BUS_ADRALN"}, {2, "BUS_ADRERR"}, {3, "BUS_OBJERR"}};
const CodeName ill_codes[] = {{1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"}, {4, "ILL_ILLTRP"},
                              {5, "ILL_PRVOPC"}, {6, "ILL_PRVREG"}, {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}};
const CodeName fpe_codes[] = {{1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"}, {4, "FPE_FLTOVF"},
                              {5, "FPE_FLTUND"}, {6, "FPE_FLTRES"}, {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}};
const CodeName trap_codes[] = {{1, "TRAP_BRKPT"}, {2, "TRAP_TRACE"}};

template <size_t N>
const char* code_name(const CodeName (&names)[N], int code)
{
    for (auto& n : names)
        if (n.code == code)
            return n.name;
    return nullptr;
}

bool is_fault(int sig) { return sig == 4 || sig == 5 || sig == 7 || sig == 8 || sig == 11; }

} // namespace

void trace_signal(int sig, const siginfo_t& info)
{
    char buf[256];
    TraceBuffer out(buf, sizeof(buf));
    out.append("--- ");
    trace_print_signal(out, sig);
    out.append(" {si_signo=");
    trace_print_signal(out, info.si_signo);
    int code = info.si_code;
    const char* name = code_name(generic_codes, code);
    bool specific = !name && code > 0;
    if (specific) {
        name = sig == 17   ? code_name(chld_codes, code)
               : sig == 11 ? code_name(segv_codes, code)
               : sig == 7  ? code_name(bus_codes, code)
               : sig == 4  ? code_name(ill_codes, code)
               : sig == 8  ? code_name(fpe_codes, code)
               : sig == 5  ? code_name(trap_codes, code)
                           : nullptr;
    }
    if (name)
        out.appendf(", si_code=%s", name);
    else
        out.appendf(", si_code=%d", code);
    if (code == 0 || code == -6 || code == -1) {
        out.appendf(", si_pid=%d, si_uid=%u", info.kill.pid, info.kill.uid);
        if (code == -1)
            out.appendf(", si_value={int=%d, ptr=0x%lx}", static_cast<int>(info.timer.value),
                        static_cast<unsigned long>(info.timer.value));
    } else if (code == -2) {
        out.appendf(", si_timerid=0x%x, si_overrun=%d", info.timer.tid, info.timer.overrun);
    } else if (sig == 17 && specific) {
        out.appendf(", si_pid=%d, si_uid=%u, si_status=", info.sigchld.pid, info.sigchld.uid);
        if (code == 1)
            out.appendf("%d", info.sigchld.status);
        else
            trace_print_signal(out, info.sigchld.status);
        out.appendf(", si_utime=%ld, si_stime=%ld", info.sigchld.utime, info.sigchld.stime);
    } else if (is_fault(sig) && (specific || code == 0x80)) {
        out.append(", si_addr=");
        trace_print_pointer(out, info.sigfault.addr);
    }
    out.append("} ---");
    trace_write_event(out.str());
}
