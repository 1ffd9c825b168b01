#include <mailwire/core/options.hpp>

#include "support/catch.hpp"

TEST_CASE("default options are strict and bounded", "[options]") {
    constexpr mailwire::parse_options o;
    CHECK(o.strict());
    CHECK_FALSE(o.lenient());
    // RFC 2449 section 4's POP3 limits are the defaults.
    CHECK(o.pop3_max_command_line == 255);
    CHECK(o.pop3_max_argument == 40);
    CHECK(o.pop3_max_response_line == 512);
    // Every limit is finite.
    CHECK(o.max_line > 0);
    CHECK(o.max_literal > 0);
    CHECK(o.max_depth > 0);
    CHECK(o.max_list > 0);
    CHECK(o.max_message >= o.max_literal);
    CHECK(mailwire::parse_options::make_lenient().lenient());
}

// ---- max_depth_ceiling: every recursive rule, at the ceiling, on a 256 KiB stack ------------

#include <mailwire/imap.hpp>

#include <string>

#include <fmt/format.h>

#include "support/small_stack.hpp"

namespace {

using mailwire::errc;
using mailwire::max_depth_ceiling;
using mailwire::parse_options;

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

struct deep_case {
    const char* name;
    bool command; // parsed with parse_command, else parse_response
    bool valid;   // valid at any depth (else refused by a later check, never by a limit)
    std::string (*make)(std::size_t depth);
};

std::string thread_list(std::size_t d) { // thread-nested = 2*thread-list: "(1 (2)" T(d-1) ")"
    return repeat("(1 (2)", d - 1) + "(1)" + repeat(")", d - 1);
}

// Each input nests `depth` levels (as max_depth counts them) through one recursive rule.
const deep_case deep_cases[] = {
    {"BODYSTRUCTURE multipart", false, true, [](std::size_t d) { // the FETCH list is a level
         return "* 1 FETCH (BODYSTRUCTURE " + repeat("(", d - 1) + "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)" +
                repeat(" \"MIXED\")", d - 2) + ")\r\n"; }},
    {"body extension", false, true, [](std::size_t d) {
         return "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL " +
                repeat("(", d - 2) + "1" + repeat(")", d - 2) + "))\r\n"; }},
    {"generic values", false, true, [](std::size_t d) { return "* XFOO " + repeat("(", d) + "1" + repeat(")", d) + "\r\n"; }},
    {"THREAD", false, true, [](std::size_t d) { return "* THREAD " + thread_list(d) + "\r\n"; }},
    {"ID", false, false, [](std::size_t d) { return "* ID (\"a\" " + repeat("(", d - 1) + "1" + repeat(")", d - 1) + ")\r\n"; }},
    {"SEARCH parentheses", true, true, [](std::size_t d) { return "a SEARCH " + repeat("(", d) + "ALL" + repeat(")", d) + "\r\n"; }},
    {"SEARCH NOT", true, true, [](std::size_t d) { return "a SEARCH " + repeat("NOT ", d) + "ALL\r\n"; }},
    {"SELECT parameters", true, true, [](std::size_t d) {
         return "a SELECT INBOX (X " + repeat("(", d - 1) + "1" + repeat(")", d - 1) + ")\r\n"; }},
};

// Parses `msg` with max_depth as given; the outcome as text, to compare and print.
std::string outcome(const deep_case& c, const std::string& msg, std::size_t max_depth, bool write) {
    parse_options o;
    o.max_depth = max_depth;
    o.max_line = msg.size();
    auto judge = [&](const auto& r) -> std::string {
        if (!r) return fmt::format("{}@{}", mailwire::to_string(r.error().code), r.error().offset);
        if (write) {
            auto w = mailwire::to_wire(*r);
            if (!w) return "unwritable";
            if (*w != msg) return "written differently";
            (void)fmt::format("{:v}", *r);
        }
        return "ok";
    };
    if (c.command) {
        mailwire::imap::command_storage st;
        return judge(mailwire::imap::parse_command(msg, st, o));
    }
    mailwire::imap::response_storage st;
    return judge(mailwire::imap::parse_response(msg, st, o));
}

} // namespace

// The stack a thread pool might give its workers. Sanitizer builds have far larger frames
// (ASan: about 7 KiB per search-key level); they run the same inputs on 2 MiB and report
// what they used.
#if defined(__SANITIZE_ADDRESS__)
#define MAILWIRE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MAILWIRE_TEST_ASAN 1
#endif
#endif
#ifdef MAILWIRE_TEST_ASAN
constexpr std::size_t deep_stack_size = 2 * 1024 * 1024;
#else
constexpr std::size_t deep_stack_size = 256 * 1024;
#endif

TEST_CASE("max_depth_ceiling: any max_depth is safe, every recursive rule at the ceiling runs on a small stack", "[options][depth]") {
    STATIC_REQUIRE(parse_options{}.depth_limit() == parse_options{}.max_depth);
    parse_options raised;
    raised.max_depth = SIZE_MAX;
    CHECK(raised.depth_limit() == max_depth_ceiling);
    for (const auto& c : deep_cases) {
        INFO(c.name);
        const std::string at = c.make(max_depth_ceiling);
        const std::string above = c.make(max_depth_ceiling + 1);
        const std::string far_above = c.make(30000);
        std::string got_at, got_above, got_far;
        const auto run = mailwire_test::run_on_small_stack(deep_stack_size, [&] {
            got_at = outcome(c, at, SIZE_MAX, c.valid);        // parsed, written back, dumped
            got_above = outcome(c, above, SIZE_MAX, false);   // one level more: refused
            got_far = outcome(c, far_above, SIZE_MAX, false); // what used to overflow the stack
        });
        REQUIRE(run.ran);
        if (c.valid) CHECK(got_at == "ok");
        else CHECK(got_at.rfind("limit_exceeded@", 0) != 0);
        CHECK(got_above.rfind("limit_exceeded@", 0) == 0);
        CHECK(got_far.rfind("limit_exceeded@", 0) == 0);
        CHECK(run.used < deep_stack_size);
        fmt::print("max_depth_ceiling {}: {} used {} of {} bytes of stack\n", max_depth_ceiling, c.name, run.used, deep_stack_size);
        // At the default limit the same input is refused; at the default depth it is read.
        CHECK(outcome(c, at, parse_options{}.max_depth, false).rfind("limit_exceeded@", 0) == 0);
        if (c.valid) CHECK(outcome(c, c.make(parse_options{}.max_depth), parse_options{}.max_depth, true) == "ok");
    }
}
