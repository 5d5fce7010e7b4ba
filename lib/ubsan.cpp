/*
 * A minimal UBSan runtime for the kernel (-fsanitize=undefined in the checked
 * build, cmake/kernel.cmake). GCC instruments arithmetic, shifts, array
 * indexes, loads of bool/enum values, pointer arithmetic and so on, and calls
 * these __ubsan_handle_* entry points with a static description of the check
 * (the layouts below are the compiler's ABI, shared by GCC and Clang) and the
 * operands. Each one prints
 *     UBSAN: <kind> at <file>:<line>:<column>
 * with the operands, and panics (registers and backtrace): the checked build is
 * the test and fuzz build, where undefined behaviour is a bug to stop at.
 * This file itself is built without the sanitizer.
 */
#include <linux/printk.h>
#include <linux/string.h>

namespace {

struct source_location {
    const char* file;
    u32 line;
    u32 column;
};

struct type_descriptor {
    u16 kind; /* 0 integer, 1 float, 0xffff unknown */
    u16 info; /* integer: bit 0 signed, bits 1.. log2(bit width) */
    char name[1];
};

struct overflow_data {
    source_location loc;
    const type_descriptor* type;
};

struct type_mismatch_data_v1 {
    source_location loc;
    const type_descriptor* type;
    u8 log_alignment;
    u8 type_check_kind;
};

struct shift_out_of_bounds_data {
    source_location loc;
    const type_descriptor* lhs_type;
    const type_descriptor* rhs_type;
};

struct out_of_bounds_data {
    source_location loc;
    const type_descriptor* array_type;
    const type_descriptor* index_type;
};

struct invalid_value_data {
    source_location loc;
    const type_descriptor* type;
};

struct unreachable_data {
    source_location loc;
};

struct vla_bound_data {
    source_location loc;
    const type_descriptor* type;
};

struct nonnull_arg_data {
    source_location loc;
    source_location attr_loc;
    int arg_index;
};

struct nonnull_return_data {
    source_location attr_loc;
};

struct pointer_overflow_data {
    source_location loc;
};

struct invalid_builtin_data {
    source_location loc;
    u8 kind;
};

/* Set by the first report: a report from inside printk or panic (both are
 * instrumented) must not recurse. Written with interrupts in any state, read
 * only here; a second CPU racing in just prints less. */
bool reporting;

/* The path as given to the compiler, without the source tree's prefix. */
const char* short_file(const char* file)
{
    if (!file)
        return "?";
    const char* prefix = TRAPGATE_SOURCE_DIR;
    size_t n = strlen(prefix);
    return strncmp(file, prefix, n) == 0 ? file + n : file;
}

bool is_signed(const type_descriptor* t) { return t->kind == 0 && (t->info & 1); }

/* An operand as the handler receives it: inline when it fits in a pointer
 * (integers up to 64 bits), else a pointer to it. */
long value_of(const type_descriptor* t, unsigned long v)
{
    unsigned bits = t->kind == 0 ? 1u << (t->info >> 1) : 64;
    if (bits > 64)
        v = *reinterpret_cast<const unsigned long*>(v); /* low half of a 128-bit value */
    if (bits < 64 && is_signed(t)) {
        unsigned shift = 64 - bits;
        return static_cast<long>(v << shift) >> shift;
    }
    return static_cast<long>(v);
}

[[noreturn]] void report(const char* kind, const source_location& loc, const char* fmt = nullptr, ...)
    __attribute__((format(printf, 3, 4)));

[[noreturn]] void report(const char* kind, const source_location& loc, const char* fmt, ...)
{
    if (reporting)
        panic("UBSAN: %s (while reporting another)", kind);
    reporting = true;
    printk("UBSAN: %s at %s:%u:%u\n", kind, short_file(loc.file), loc.line, loc.column);
    if (fmt) {
        char buf[256];
        va_list args;
        va_start(args, fmt);
        vsnprintf(buf, sizeof(buf), fmt, args);
        va_end(args);
        printk("UBSAN: %s\n", buf);
    }
    panic("UBSAN: %s at %s:%u", kind, short_file(loc.file), loc.line);
}

void arithmetic(const overflow_data* d, const char* op, unsigned long lhs, unsigned long rhs)
{
    const char* kind = is_signed(d->type) ? "signed integer overflow" : "unsigned integer overflow";
    if (is_signed(d->type))
        report(kind, d->loc, "%ld %s %ld cannot be represented in type %s", value_of(d->type, lhs), op,
               value_of(d->type, rhs), d->type->name);
    report(kind, d->loc, "%lu %s %lu cannot be represented in type %s", lhs, op, rhs, d->type->name);
}

const char* const type_check_kinds[] = {
    "load of", "store to", "reference binding to", "member access within", "member call on",
    "constructor call on", "downcast of", "downcast of", "upcast of", "cast to virtual base of",
    "_Nonnull binding to", "dynamic operation on",
};

} // namespace

/* The entry points: extern "C", names and arguments fixed by the compiler. */
extern "C" {

void __ubsan_handle_add_overflow(const overflow_data* d, unsigned long a, unsigned long b)
{
    arithmetic(d, "+", a, b);
}

void __ubsan_handle_sub_overflow(const overflow_data* d, unsigned long a, unsigned long b)
{
    arithmetic(d, "-", a, b);
}

void __ubsan_handle_mul_overflow(const overflow_data* d, unsigned long a, unsigned long b)
{
    arithmetic(d, "*", a, b);
}

void __ubsan_handle_negate_overflow(const overflow_data* d, unsigned long old)
{
    report("signed integer overflow", d->loc, "negation of %ld cannot be represented in type %s",
           value_of(d->type, old), d->type->name);
}

void __ubsan_handle_divrem_overflow(const overflow_data* d, unsigned long lhs, unsigned long rhs)
{
    if (value_of(d->type, rhs) == 0)
        report("division by zero", d->loc);
    report("signed integer overflow", d->loc, "%ld / %ld cannot be represented in type %s",
           value_of(d->type, lhs), value_of(d->type, rhs), d->type->name);
}

void __ubsan_handle_shift_out_of_bounds(const shift_out_of_bounds_data* d, unsigned long lhs, unsigned long rhs)
{
    long r = value_of(d->rhs_type, rhs);
    long l = value_of(d->lhs_type, lhs);
    if (r < 0)
        report("shift out of bounds", d->loc, "shift exponent %ld is negative", r);
    if (is_signed(d->lhs_type) && l < 0)
        report("shift out of bounds", d->loc, "left shift of negative value %ld", l);
    report("shift out of bounds", d->loc, "shift of %ld by %ld places in type %s", l, r, d->lhs_type->name);
}

void __ubsan_handle_out_of_bounds(const out_of_bounds_data* d, unsigned long index)
{
    report("array index out of bounds", d->loc, "index %ld is out of range for type %s",
           value_of(d->index_type, index), d->array_type->name);
}

void __ubsan_handle_type_mismatch_v1(const type_mismatch_data_v1* d, unsigned long ptr)
{
    const char* what = d->type_check_kind < ARRAY_SIZE(type_check_kinds) ? type_check_kinds[d->type_check_kind]
                                                                           : "access to";
    if (!ptr)
        report("null pointer dereference", d->loc, "%s null pointer of type %s", what, d->type->name);
    unsigned long align = 1UL << d->log_alignment;
    if (d->log_alignment && (ptr & (align - 1)))
        report("misaligned access", d->loc, "%s misaligned address %lx for type %s (%lu-byte alignment)", what,
               ptr, d->type->name, align);
    report("object size mismatch", d->loc, "%s address %lx with insufficient space for an object of type %s",
           what, ptr, d->type->name);
}

void __ubsan_handle_load_invalid_value(const invalid_value_data* d, unsigned long v)
{
    report("invalid value", d->loc, "load of value %ld is not valid for type %s", value_of(d->type, v),
           d->type->name);
}

void __ubsan_handle_builtin_unreachable(const unreachable_data* d)
{
    report("unreachable code reached", d->loc);
}

void __ubsan_handle_missing_return(const unreachable_data* d)
{
    report("missing return", d->loc, "execution reached the end of a value-returning function");
}

void __ubsan_handle_vla_bound_not_positive(const vla_bound_data* d, unsigned long bound)
{
    report("variable-length array bound not positive", d->loc, "bound %ld", value_of(d->type, bound));
}

void __ubsan_handle_nonnull_arg(const nonnull_arg_data* d)
{
    report("null argument", d->loc, "null pointer passed as argument %d, declared never null", d->arg_index);
}

void __ubsan_handle_nonnull_return_v1(const nonnull_return_data*, const source_location* loc)
{
    report("null return", *loc, "null pointer returned from a function declared never to return null");
}

void __ubsan_handle_pointer_overflow(const pointer_overflow_data* d, unsigned long base, unsigned long result)
{
    report("pointer overflow", d->loc, "pointer arithmetic on %lx overflowed to %lx", base, result);
}

void __ubsan_handle_invalid_builtin(const invalid_builtin_data* d)
{
    report("invalid builtin", d->loc, "%s of zero", d->kind == 0 ? "ctz()" : "clz()");
}

} // extern "C"
