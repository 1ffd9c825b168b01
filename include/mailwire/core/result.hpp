// result<T>: a value or a parse_error, in the manner of std::expected (C++23), usable with
// -fno-exceptions. Accessing the wrong alternative is a programming error and aborts.
#pragma once

#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include <mailwire/core/error.hpp>

namespace mailwire {

template <class T>
class [[nodiscard]] result {
    static_assert(!std::is_reference_v<T>, "result<T&> is not supported");

public:
    using value_type = T;

    constexpr result(const T& v) : has_(true) { construct(v); }
    constexpr result(T&& v) : has_(true) { construct(std::move(v)); }
    constexpr result(parse_error e) noexcept : err_(e), has_(false) {}

    constexpr result(const result& o) : has_(o.has_) {
        if (has_) std::construct_at(&val_, o.val_);
        else err_ = o.err_;
    }
    constexpr result(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : has_(o.has_) {
        if (has_) std::construct_at(&val_, std::move(o.val_));
        else err_ = o.err_;
    }
    constexpr result& operator=(const result& o) {
        if (this != &o) { destroy(); has_ = o.has_; if (has_) std::construct_at(&val_, o.val_); else err_ = o.err_; }
        return *this;
    }
    constexpr result& operator=(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
        if (this != &o) { destroy(); has_ = o.has_; if (has_) std::construct_at(&val_, std::move(o.val_)); else err_ = o.err_; }
        return *this;
    }
    constexpr ~result() { destroy(); }

    constexpr bool has_value() const noexcept { return has_; }
    constexpr explicit operator bool() const noexcept { return has_; }

    constexpr T& value() & { check(); return val_; }
    constexpr const T& value() const& { check(); return val_; }
    constexpr T&& value() && { check(); return std::move(val_); }
    constexpr T& operator*() & { return value(); }
    constexpr const T& operator*() const& { return value(); }
    constexpr T&& operator*() && { return std::move(*this).value(); }
    constexpr T* operator->() { return &value(); }
    constexpr const T* operator->() const { return &value(); }

    /// The error; precondition: !has_value().
    constexpr const parse_error& error() const {
        if (has_) std::abort();
        return err_;
    }

    template <class U>
    constexpr T value_or(U&& fallback) const& {
        return has_ ? val_ : static_cast<T>(std::forward<U>(fallback));
    }

private:
    constexpr void check() const { if (!has_) std::abort(); }

    // g++ 12 at -O2 reports -Wmaybe-uninitialized when a std::variant whose active
    // alternative is smaller than its storage is copied in here (the copy moves the unused
    // padding too): a false positive, silenced for this one statement. Placement new rather
    // than construct_at so that the pragma's location is the one the warning names.
    template <class U>
    constexpr void construct(U&& v) {
        if (std::is_constant_evaluated()) {
            std::construct_at(&val_, std::forward<U>(v));
        } else {
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
            ::new (static_cast<void*>(&val_)) T(std::forward<U>(v));
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
        }
    }
    constexpr void destroy() noexcept { if (has_) std::destroy_at(&val_); }

    union {
        T val_;
        parse_error err_;
    };
    bool has_;
};

/// result<void>: success, or a parse_error.
template <>
class [[nodiscard]] result<void> {
public:
    using value_type = void;
    constexpr result() noexcept = default;
    constexpr result(parse_error e) noexcept : err_(e), has_(false) {}

    constexpr bool has_value() const noexcept { return has_; }
    constexpr explicit operator bool() const noexcept { return has_; }
    constexpr void value() const { if (!has_) std::abort(); }
    constexpr const parse_error& error() const {
        if (has_) std::abort();
        return err_;
    }

private:
    parse_error err_{};
    bool has_ = true;
};

/// Convenience: an error result, e.g. `return fail(errc::invalid_syntax, off, "SP");`.
constexpr parse_error fail(errc code, std::size_t offset, std::string_view expected) noexcept {
    return parse_error{code, offset, expected};
}

} // namespace mailwire
