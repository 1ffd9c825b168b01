// command_storage: where a parsed command's lists live, reused from command to command.
//
// A command's list-valued fields (ENABLE's capabilities, STATUS items, LIST patterns and
// options, APPEND messages, ID pairs, generic tokens, ...) are std::spans. Parsing puts
// their elements in a command_storage the caller passes in; the next parse_command() with
// the same storage clears it and reuses its memory: its vectors are cleared, never freed,
// so once they have grown to the working size, parsing allocates nothing at all.
//
// Each element type has a pool. A list is built on the pool's scratch stack (so lists of
// the same type may nest) and, once complete, copied into a block that never reallocates
// while the storage is in use; a span into a block therefore stays valid until the storage
// is cleared (next parse), whatever is parsed after it. Blocks are kept across clear().
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <tuple>
#include <vector>

#include <mailwire/core/error.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/command/types.hpp>

namespace mailwire::imap {

namespace detail {

/// Stable storage for lists of T; see the comment at the top of this file.
template <class T>
class pool {
public:
    /// Where the list being built starts on the scratch stack.
    std::size_t mark() const noexcept { return scratch_.size(); }
    /// Elements pushed since `m`.
    std::size_t count(std::size_t m) const noexcept { return scratch_.size() - m; }
    void push(const T& v) { scratch_.push_back(v); }
    /// Drops the elements pushed since `m` (a failed or abandoned list).
    void drop(std::size_t m) noexcept { scratch_.resize(m); }

    /// Moves the elements pushed since `m` into a stable block and returns them.
    std::span<const T> commit(std::size_t m) {
        const std::size_t n = scratch_.size() - m;
        if (n == 0) return {};
        while (block_ < blocks_.size() && blocks_[block_].capacity() - blocks_[block_].size() < n) ++block_;
        if (block_ == blocks_.size()) {
            const std::size_t last = blocks_.empty() ? 0 : blocks_.back().capacity();
            blocks_.emplace_back();
            blocks_.back().reserve(std::max<std::size_t>({n, 2 * last, 32}));
        }
        std::vector<T>& b = blocks_[block_];
        const std::size_t at = b.size();
        // Within capacity: no reallocation, so earlier spans into `b` stay valid.
        b.insert(b.end(), scratch_.begin() + static_cast<std::ptrdiff_t>(m), scratch_.end());
        scratch_.resize(m);
        return std::span<const T>(b.data() + at, n);
    }

    void clear() noexcept {
        for (auto& b : blocks_) b.clear();
        block_ = 0;
        scratch_.clear();
    }

    /// Elements the pool holds memory for (scratch and blocks), for tests and tuning.
    std::size_t capacity() const noexcept {
        std::size_t c = scratch_.capacity();
        for (const auto& b : blocks_) c += b.capacity();
        return c;
    }

private:
    std::vector<T> scratch_;
    std::vector<std::vector<T>> blocks_;
    std::size_t block_ = 0;
};

} // namespace detail

/// Caller-owned, reusable storage for the lists of parsed commands. Not copyable (spans
/// point into it); movable only while no parsed command refers to it. One storage per
/// thread; parse_command() clears it first, which ends the life of the previous command's
/// spans.
class command_storage {
public:
    command_storage() = default;
    command_storage(const command_storage&) = delete;
    command_storage& operator=(const command_storage&) = delete;
    command_storage(command_storage&&) = default;
    command_storage& operator=(command_storage&&) = default;

    /// Forgets every list (their spans become invalid) and keeps the memory.
    void clear() noexcept {
        std::apply([](auto&... p) { (p.clear(), ...); }, pools_);
        search_.clear();
        fetch_.clear();
    }

    /// The pool for element type T.
    template <class T>
    detail::pool<T>& pool() noexcept { return std::get<detail::pool<T>>(pools_); }

    /// Where SEARCH, SORT and THREAD put their search keys (search_key.hpp's reusable
    /// search_program) and FETCH its items (fetch_att.hpp's fetch_arguments): one of
    /// each per command.
    search_arguments& search_args() noexcept { return search_; }
    fetch_arguments& fetch_args() noexcept { return fetch_; }

    /// Elements held memory for, over all pools (grows to the working size, then stays).
    std::size_t capacity() const noexcept {
        std::size_t c = search_.program.nodes.capacity() + fetch_.items.atts.capacity();
        std::apply([&](const auto&... p) { ((c += p.capacity()), ...); }, pools_);
        return c;
    }

private:
    search_arguments search_;
    fetch_arguments fetch_;
    std::tuple<detail::pool<token>, detail::pool<atom>, detail::pool<string_value>, detail::pool<flag>,
               detail::pool<mailbox_attr>, detail::pool<extension_item>, detail::pool<status_att>,
               detail::pool<select_param>, detail::pool<create_param>, detail::pool<list_select_opt>,
               detail::pool<list_return_opt>, detail::pool<append_message>, detail::pool<store_modifier>,
               detail::pool<id_param>, detail::pool<quota_resource>, detail::pool<metadata_option>,
               detail::pool<metadata_entry_value>, detail::pool<sort_criterion>>
        pools_;
};

namespace detail {

/// A list under construction in a command_storage: push elements (each checked against
/// parse_options::max_list), then commit() for the span. Abandoned (destroyed without
/// commit) it drops what it pushed, so a failed sub-rule leaves the scratch stack clean.
template <class T>
class list_builder {
public:
    list_builder(command_storage& st, const parse_options& opts) noexcept
        : pool_(st.pool<T>()), mark_(pool_.mark()), max_(opts.max_list) {}
    list_builder(const list_builder&) = delete;
    list_builder& operator=(const list_builder&) = delete;
    ~list_builder() {
        if (!done_) pool_.drop(mark_);
    }

    /// Whether another element fits: limit_exceeded at `s`'s offset (where the element
    /// beyond max_list starts) when the list is full. Called before each element.
    result<void> room(const scanner& s) const {
        if (pool_.count(mark_) >= max_) return s.error(errc::limit_exceeded, "list within max_list");
        return {};
    }
    /// Appends `v` (limit_exceeded at `s`'s offset if room() was not asked and the list
    /// is full).
    result<void> push(const T& v, const scanner& s) {
        if (pool_.count(mark_) >= max_) return s.error(errc::limit_exceeded, "list within max_list");
        pool_.push(v);
        return {};
    }
    std::size_t size() const noexcept { return pool_.count(mark_); }
    std::span<const T> commit() {
        done_ = true;
        return pool_.commit(mark_);
    }

private:
    detail::pool<T>& pool_;
    std::size_t mark_;
    std::size_t max_;
    bool done_ = false;
};

} // namespace detail

} // namespace mailwire::imap
