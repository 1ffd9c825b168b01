#ifndef MAILWIRE_TESTS_SUPPORT_SMALL_STACK_HPP
#define MAILWIRE_TESTS_SUPPORT_SMALL_STACK_HPP

// Runs a function on a thread with a small stack of its own, as server thread pools give
// their workers, and says how much of that stack it used. The stack is painted with a
// pattern first; the deepest overwritten byte tells the use. An overflow crashes the test
// (SIGSEGV on the guard page), which is what such a test is there to catch.
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <functional>

namespace mailwire_test {

struct stack_run {
    bool ran = false;          ///< the thread was created and joined
    std::size_t used = 0;      ///< bytes of the stack the function touched (an upper bound)
};

inline stack_run run_on_small_stack(std::size_t size, const std::function<void()>& fn) {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    size = (size + page - 1) / page * page;
    // A guard page below the stack turns an overflow into a crash, never a silent overwrite.
    void* mem = mmap(nullptr, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return {};
    auto* base = static_cast<unsigned char*>(mem);
    mprotect(base, page, PROT_NONE);
    unsigned char* stack = base + page;
    std::memset(stack, 0xA5, size);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, size);
    struct ctx_t { const std::function<void()>* fn; } ctx{&fn};
    pthread_t t;
    stack_run r;
    if (pthread_create(&t, &attr, [](void* p) -> void* { (*static_cast<ctx_t*>(p)->fn)(); return nullptr; }, &ctx) == 0) {
        pthread_join(t, nullptr);
        r.ran = true;
        std::size_t untouched = 0; // the stack grows down: count painted bytes from the bottom
        while (untouched < size && stack[untouched] == 0xA5) ++untouched;
        r.used = size - untouched;
    }
    pthread_attr_destroy(&attr);
    munmap(mem, size + page);
    return r;
}

} // namespace mailwire_test

#endif
