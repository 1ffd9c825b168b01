// A FIFO queue on one reusable array: after it has grown to the longest queue seen, pushing
// and popping allocate nothing (std::deque allocates and frees blocks as it moves along).
// The framers' queues of awaited replies use it, so a long-lived connection runs with zero
// heap allocations in steady state.
#pragma once

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace mailwire {

template <class T>
class ring_queue {
public:
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return slots_.size(); }

    T& front() noexcept { return slots_[head_]; }
    const T& front() const noexcept { return slots_[head_]; }
    /// The i-th element from the front (0 <= i < size()).
    T& operator[](std::size_t i) noexcept { return slots_[wrap(head_ + i)]; }
    const T& operator[](std::size_t i) const noexcept { return slots_[wrap(head_ + i)]; }

    void push_back(T value) {
        if (size_ == slots_.size()) grow();
        slots_[wrap(head_ + size_)] = std::move(value);
        ++size_;
    }
    /// Precondition: !empty().
    void pop_front() {
        slots_[head_] = T{}; // drop what the element holds now, not when its slot is reused
        head_ = wrap(head_ + 1);
        --size_;
    }
    void clear() {
        while (!empty()) pop_front();
        head_ = 0;
    }

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;

        const_iterator() noexcept = default;
        const_iterator(const ring_queue* q, std::size_t i) noexcept : q_(q), i_(i) {}
        const T& operator*() const noexcept { return (*q_)[i_]; }
        const T* operator->() const noexcept { return &(*q_)[i_]; }
        const_iterator& operator++() noexcept { ++i_; return *this; }
        const_iterator operator++(int) noexcept { auto t = *this; ++i_; return t; }
        friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept { return a.i_ == b.i_; }

    private:
        const ring_queue* q_ = nullptr;
        std::size_t i_ = 0;
    };
    const_iterator begin() const noexcept { return {this, 0}; }
    const_iterator end() const noexcept { return {this, size_}; }

private:
    std::size_t wrap(std::size_t i) const noexcept { return slots_.empty() ? 0 : i % slots_.size(); }
    void grow() {
        std::vector<T> bigger(slots_.empty() ? 8 : slots_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
        slots_ = std::move(bigger);
        head_ = 0;
    }

    std::vector<T> slots_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace mailwire
