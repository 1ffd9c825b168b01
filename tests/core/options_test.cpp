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

std::string nested(std::string_view before, std::size_t n, std::string_view inside, std::string_view after) {
    return std::string(before) + repeat("(", n) + std::string(inside) + repeat(")", n) + std::string(after);
}

// Each input nests `depth` levels (as max_depth counts them) through one rule that reads
// nested data: every such rule, each reached from a command or a response.
const deep_case deep_cases[] = {
    {"BODYSTRUCTURE multipart", false, true, [](std::size_t d) { // the FETCH list is a level
         return "* 1 FETCH (BODYSTRUCTURE " + repeat("(", d - 1) + "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)" +
                repeat(" \"MIXED\")", d - 2) + ")\r\n"; }},
    {"BODYSTRUCTURE message/rfc822", false, true, [](std::size_t d) {
         return "* 1 FETCH (BODYSTRUCTURE " +
                repeat("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 1 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ", d - 2) +
                "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)" + repeat(" 1)", d - 2) + ")\r\n"; }},
    {"body extension", false, true, [](std::size_t d) {
         return "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL " +
                repeat("(", d - 2) + "1" + repeat(")", d - 2) + "))\r\n"; }},
    {"generic values", false, true, [](std::size_t d) { return "* XFOO " + repeat("(", d) + "1" + repeat(")", d) + "\r\n"; }},
    {"FETCH item of no known kind", false, true, [](std::size_t d) { return nested("* 1 FETCH (X-FOO ", d - 1, "1", ")\r\n"); }},
    {"LIST extended data", false, true, [](std::size_t d) { return nested("* LIST () \"/\" INBOX (X ", d - 1, "1", ")\r\n"); }},
    {"THREAD", false, true, [](std::size_t d) { return "* THREAD " + thread_list(d) + "\r\n"; }},
    {"ID", false, false, [](std::size_t d) { return "* ID (\"a\" " + repeat("(", d - 1) + "1" + repeat(")", d - 1) + ")\r\n"; }},
    {"SEARCH parentheses", true, true, [](std::size_t d) { return "a SEARCH " + repeat("(", d) + "ALL" + repeat(")", d) + "\r\n"; }},
    {"SEARCH NOT", true, true, [](std::size_t d) { return "a SEARCH " + repeat("NOT ", d) + "ALL\r\n"; }},
    {"SEARCH OR", true, true, [](std::size_t d) { return "a SEARCH " + repeat("OR ALL ", d) + "ALL\r\n"; }},
    {"SEARCH FUZZY", true, true, [](std::size_t d) { return "a SEARCH " + repeat("FUZZY ", d) + "ALL\r\n"; }},
    {"UID SORT search keys", true, true, [](std::size_t d) { return "a UID SORT (DATE) UTF-8 " + repeat("NOT ", d) + "ALL\r\n"; }},
    {"SEARCH RETURN option value", true, true, [](std::size_t d) { return nested("a SEARCH RETURN (X-Y ", d, "a", ") ALL\r\n"); }},
    {"FETCH modifier value", true, true, [](std::size_t d) { return nested("a FETCH 1 (FLAGS) (X-Y ", d, "1", ")\r\n"); }},
    {"STORE modifier value", true, true, [](std::size_t d) { return nested("a STORE 1 (X-Y ", d - 1, "1", ") +FLAGS (\\Seen)\r\n"); }},
    {"APPEND extension value", true, true, [](std::size_t d) { return nested("a APPEND INBOX X-Y ", d, "1", " {1+}\r\nx\r\n"); }},
    {"command of no known kind", true, true, [](std::size_t d) { return nested("a XCMD ", d, "x", "\r\n"); }},
    {"SELECT parameters", true, true, [](std::size_t d) {
         return "a SELECT INBOX (X " + repeat("(", d - 1) + "1" + repeat(")", d - 1) + ")\r\n"; }},
};

// Parses `msg` with max_depth as given; the outcome as text, to compare and print. With
// `write`, what parsed is also checked (check_writable, inside to_wire), written back
// (byte for byte), dumped ({:v}), parsed again from what was written and compared (==).
template <class Storage, class Parse>
std::string judge(const std::string& msg, const parse_options& o, bool write, Parse parse) {
    Storage st, again;
    auto r = parse(msg, st, o);
    if (!r) return fmt::format("{}@{}", mailwire::to_string(r.error().code), r.error().offset);
    if (!write) return "ok";
    auto w = mailwire::to_wire(*r);
    if (!w) return "unwritable: " + std::string(w.error().expected);
    if (*w != msg) return "written differently";
    if (fmt::format("{:v}", *r).empty()) return "no dump";
    auto back = parse(*w, again, o);
    if (!back) return "written bytes do not parse";
    if (!(*back == *r)) return "parsed back unequal";
    return "ok";
}
std::string outcome(const deep_case& c, const std::string& msg, std::size_t max_depth, bool write) {
    parse_options o;
    o.max_depth = max_depth;
    o.max_line = msg.size();
    if (c.command)
        return judge<mailwire::imap::command_storage>(msg, o, write, [](const std::string& m, auto& st, const parse_options& p) {
            return mailwire::imap::parse_command(m, st, p);
        });
    return judge<mailwire::imap::response_storage>(msg, o, write, [](const std::string& m, auto& st, const parse_options& p) {
        return mailwire::imap::parse_response(m, st, p);
    });
}

} // namespace

// The stack a thread pool might give its workers, in every build: the nested rules are
// loops over a fixed array of at most max_depth_ceiling levels, so their stack use does
// not grow with the depth, even with ASan's -O0 frames.
constexpr std::size_t deep_stack_size = 256 * 1024;

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
        // Refused at the "(" (or NOT / OR / FUZZY) that opens level max_depth_ceiling + 1:
        // the same offset as with max_depth at the ceiling.
        CHECK(got_above.rfind("limit_exceeded@", 0) == 0);
        CHECK(got_above == outcome(c, above, max_depth_ceiling, false));
        if (got_above.rfind("limit_exceeded@", 0) == 0) {
            const std::size_t at_byte = std::stoul(got_above.substr(std::string_view("limit_exceeded@").size()));
            REQUIRE(at_byte < above.size());
            CHECK(std::string_view("(NOF").find(above[at_byte]) != std::string_view::npos);
        }
        CHECK(got_far.rfind("limit_exceeded@", 0) == 0);
        CHECK(got_far == outcome(c, far_above, max_depth_ceiling, false));
        // Well under the stack, with room to spare for the caller's own frames.
        CHECK(run.used < deep_stack_size / 2);
        fmt::print("max_depth_ceiling {}: {} used {} of {} bytes of stack\n", max_depth_ceiling, c.name, run.used, deep_stack_size);
        // At the default limit the same input is refused; at the default depth it is read.
        CHECK(outcome(c, at, parse_options{}.max_depth, false).rfind("limit_exceeded@", 0) == 0);
        if (c.valid) CHECK(outcome(c, c.make(parse_options{}.max_depth), parse_options{}.max_depth, true) == "ok");
    }
}

TEST_CASE("max_depth_ceiling: generic values nested deeper, built by hand, are refused by check_writable on a small stack", "[options][depth]") {
    using mailwire::imap::value_list;
    // 100,000 levels, which no parse makes (value_list::make takes any text).
    const std::string text = nested("", 100000, "1", "");
    const value_list deep = value_list::make(text, mailwire::parse_mode::lenient);
    bool refused = false, format_refused = false, equal = false;
    std::size_t refused_at = 0;
    std::string dump;
    const auto run = mailwire_test::run_on_small_stack(deep_stack_size, [&] {
        auto ok = check_writable(deep);
        refused = !ok && ok.error().code == errc::unsafe_value;
        if (!ok) refused_at = ok.error().offset;
        try {
            (void)fmt::format("{}", deep);
        } catch (const fmt::format_error&) {
            format_refused = true;
        }
        dump = fmt::format("{:v}", deep); // the dump shows any value, without recursion
        equal = deep == deep;
    });
    REQUIRE(run.ran);
    CHECK(refused);
    CHECK(refused_at == max_depth_ceiling); // the "(" that opens level max_depth_ceiling + 1
    CHECK(format_refused);
    CHECK(dump == text);
    CHECK(equal);
    CHECK(run.used < deep_stack_size / 2);
}
