/*
 * Result<T>: a value or a Linux errno, the C++ form of Linux's "negative means
 * error" convention. TRY(expr) returns the error from the enclosing function or
 * yields the value, like SerenityOS's TRY and Rust's `?`.
 */
#pragma once
#include <linux/errno.h>
#include <new>
#include <type_traits>
#include <utility>

template <typename T>
class [[nodiscard]] Result {
public:
    Result(const T& value) : ok_(true) { new (&value_) T(value); }
    Result(T&& value) : ok_(true) { new (&value_) T(std::move(value)); }
    Result(Errno err) : err_(err), ok_(false) {}
    Result(const Result& other) : ok_(other.ok_) { copy_from(other); }
    Result(Result&& other) : ok_(other.ok_)
    {
        if (ok_)
            new (&value_) T(std::move(other.value_));
        else
            err_ = other.err_;
    }
    Result& operator=(const Result& other)
    {
        if (this != &other) {
            destroy();
            ok_ = other.ok_;
            copy_from(other);
        }
        return *this;
    }
    ~Result() { destroy(); }

    constexpr bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    constexpr Errno error() const { return err_; }
    constexpr T& value() { return value_; }
    constexpr const T& value() const { return value_; }
    T release_value() { return std::move(value_); }
    T value_or(T fallback) const { return ok_ ? value_ : fallback; }

private:
    void copy_from(const Result& other)
    {
        if (ok_)
            new (&value_) T(other.value_);
        else
            err_ = other.err_;
    }
    void destroy()
    {
        if (ok_)
            value_.~T();
    }
    union {
        T value_;
        Errno err_;
    };
    bool ok_;
};

/* Result<void>: success or an errno. */
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Errno err) : err_(static_cast<int>(err)) {}
    constexpr bool ok() const { return err_ == 0; }
    explicit operator bool() const { return err_ == 0; }
    constexpr Errno error() const { return static_cast<Errno>(err_); }
    void release_value() const {}

private:
    int err_ = 0;
};

#define TRY(expr)                                  \
    ({                                             \
        auto _try_result = (expr);                 \
        if (!_try_result.ok()) [[unlikely]]        \
            return _try_result.error();            \
        _try_result.release_value();               \
    })
