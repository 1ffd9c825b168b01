#include <mailwire/core/ring_queue.hpp>

#include <string>
#include <vector>

#include "support/catch.hpp"

TEST_CASE("ring_queue is FIFO across wrap-around and growth", "[ring_queue]") {
    mailwire::ring_queue<int> q;
    CHECK(q.empty());
    int next_in = 0, next_out = 0;
    // Interleave pushes and pops so the head wraps many times while the queue grows.
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < round % 13 + 1; ++i) q.push_back(next_in++);
        for (int i = 0; i < round % 7 + 1 && !q.empty(); ++i) {
            CHECK(q.front() == next_out++);
            q.pop_front();
        }
        CHECK(q.size() == static_cast<std::size_t>(next_in - next_out));
    }
    std::vector<int> seen(q.begin(), q.end());
    REQUIRE(seen.size() == q.size());
    for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == next_out + static_cast<int>(i));
    q.clear();
    CHECK(q.empty());
}

TEST_CASE("ring_queue stops growing once it has held its longest queue", "[ring_queue]") {
    mailwire::ring_queue<std::string> q;
    for (int i = 0; i < 20; ++i) q.push_back(std::string(40, 'x'));
    while (!q.empty()) q.pop_front();
    const auto cap = q.capacity();
    for (int cycle = 0; cycle < 1000; ++cycle) {
        for (int i = 0; i < 20; ++i) q.push_back("short");
        while (!q.empty()) q.pop_front();
    }
    CHECK(q.capacity() == cap);
}
