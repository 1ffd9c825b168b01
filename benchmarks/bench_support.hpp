// Benchmark support: a global allocation counter, a deterministic generator and a timer
// that reports the median of several runs as MiB/s (2^20 bytes per second) and
// messages/s. Benchmarks measure and print; they do not pass or fail on timings.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

inline std::atomic<std::uint64_t> allocations{0};

/// splitmix64: small, fast, deterministic for a given seed.
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [lo, hi].
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + next() % (hi - lo + 1); }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(next() % v.size())]; }

private:
    std::uint64_t state_;
};

struct measurement {
    double seconds = 0;            ///< median wall time of one pass
    std::size_t bytes = 0;         ///< input bytes per pass
    std::size_t messages = 0;      ///< messages per pass
    std::uint64_t allocations = 0; ///< heap allocations in the last (steady-state) pass
};

/// Runs `pass` (which returns the number of messages it handled) `runs` times after one
/// warm-up pass; reports the median time and the allocations of the final pass.
template <class Pass>
measurement measure(std::size_t bytes, int runs, Pass&& pass) {
    (void)pass(); // warm-up: caches, and storage a caller reuses across messages
    std::vector<double> times;
    measurement m;
    m.bytes = bytes;
    for (int i = 0; i < runs; ++i) {
        const auto before = allocations.load(std::memory_order_relaxed);
        const auto t0 = std::chrono::steady_clock::now();
        m.messages = pass();
        const auto t1 = std::chrono::steady_clock::now();
        m.allocations = allocations.load(std::memory_order_relaxed) - before;
        times.push_back(std::chrono::duration<double>(t1 - t0).count());
    }
    std::sort(times.begin(), times.end());
    m.seconds = times[times.size() / 2];
    return m;
}

/// measure() for two passes over the same input, run alternately (a, b, a, b, ...) so that
/// a slow spell of a shared machine lands on both alike; for figures that are compared.
template <class PassA, class PassB>
std::pair<measurement, measurement> measure_alternating(std::size_t bytes, int runs, PassA&& a, PassB&& b) {
    (void)a(); // warm-up, as in measure()
    (void)b();
    std::vector<double> times[2];
    measurement m[2];
    for (int i = 0; i < runs; ++i)
        for (int k = 0; k < 2; ++k) {
            const auto before = allocations.load(std::memory_order_relaxed);
            const auto t0 = std::chrono::steady_clock::now();
            m[k].messages = k == 0 ? a() : b();
            const auto t1 = std::chrono::steady_clock::now();
            m[k].allocations = allocations.load(std::memory_order_relaxed) - before;
            times[k].push_back(std::chrono::duration<double>(t1 - t0).count());
        }
    for (int k = 0; k < 2; ++k) {
        std::sort(times[k].begin(), times[k].end());
        m[k].seconds = times[k][times[k].size() / 2];
        m[k].bytes = bytes;
    }
    return {m[0], m[1]};
}

inline void report(std::string_view name, const measurement& m) {
    const double mb = static_cast<double>(m.bytes) / (1024.0 * 1024.0);
    std::printf("%-44.*s %9.1f MiB/s %12.0f msg/s %8.3f allocs/msg  (%zu msgs, %.1f MiB)\n",
                static_cast<int>(name.size()), name.data(), mb / m.seconds,
                static_cast<double>(m.messages) / m.seconds,
                m.messages ? static_cast<double>(m.allocations) / static_cast<double>(m.messages) : 0.0,
                m.messages, mb);
}

/// Keeps a value alive so the optimizer cannot drop the work that produced it.
template <class T>
inline void keep(const T& value) {
    asm volatile("" : : "g"(&value) : "memory");
}

} // namespace bench

// Count every heap allocation in the process. Defined in exactly one translation unit per
// benchmark program: include this header from the .cpp with main() only.
void* operator new(std::size_t n) {
    bench::allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    std::abort();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
