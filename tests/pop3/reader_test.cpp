// Tests for include/mailwire/pop3/reader.hpp: response_reader (client side) and
// command_reader (server side). Every stream is fed whole, at every split point, byte by byte
// and (for the short ones) at every pair of split points, and must give the same frames,
// errors and unconsumed remainder each time.
#include <mailwire/pop3/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "support/allocations.hpp" // the largest single allocation, to show what a reader holds
#include "support/catch.hpp"

namespace {

namespace p3 = mailwire::pop3;
using mailwire::errc;
using mailwire::parse_options;

std::string escaped(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// ---- response_reader harness -----------------------------------------------------------

using expectation = std::variant<p3::command, p3::frame_kind>;

struct outcome {
    std::vector<std::string> events; // one per frame or error, in order
    std::vector<std::string> frames; // the bytes of each frame
    std::string leftover;            // what feed() did not consume
    bool halted = false;
    bool zero_after_halt = true;     // every feed() after the halt consumed nothing

    friend bool operator==(const outcome&, const outcome&) = default;
};

std::string describe(const p3::frame& f) {
    return fmt::format("{} {} {} @{} answers={} [{}]", p3::to_string(f.kind), p3::to_string(f.status),
                       f.multi_line ? "multi" : "single", f.offset,
                       f.answers ? std::string(p3::command_name(*f.answers)) : std::string("-"), escaped(f.bytes));
}

std::string describe(const mailwire::parse_error& e) {
    return fmt::format("error {} @{} {}", mailwire::to_string(e.code), e.offset, e.expected);
}

// Feeds `input` cut at `cuts` (sorted, may repeat), draining next() after every feed.
outcome run(std::string_view input, const std::vector<expectation>& queue, const std::vector<std::size_t>& cuts,
            const parse_options& opts = {}, p3::expect_greeting g = p3::expect_greeting::yes) {
    p3::response_reader r(opts, g);
    for (const auto& e : queue) std::visit([&](const auto& x) { r.expect_reply(x); }, e);
    outcome out;
    auto drain = [&] {
        for (;;) {
            auto f = r.next();
            if (!f) {
                if (f.error().code == errc::need_more || f.error().code == errc::unexpected_response) {
                    if (f.error().code == errc::unexpected_response) {
                        const std::string ev = describe(f.error());
                        if (out.events.empty() || out.events.back() != ev) out.events.push_back(ev);
                    }
                    return;
                }
                out.events.push_back(describe(f.error()));
                continue;
            }
            out.events.push_back(describe(*f));
            out.frames.emplace_back(f->bytes);
        }
    };
    std::size_t start = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(input.size());
    for (std::size_t end : ends) {
        const std::string_view chunk = input.substr(start, end - start);
        const std::size_t n = r.feed(chunk);
        if (out.halted) {
            if (n != 0) out.zero_after_halt = false;
        } else if (n < chunk.size()) {
            out.halted = true;
            out.leftover = std::string(input.substr(start + n));
        }
        drain();
        start = end;
    }
    if (r.halted() != out.halted) out.zero_after_halt = false; // halted() must agree
    return out;
}

struct split_report {
    outcome whole;
    std::size_t runs = 0;
    std::size_t mismatches = 0;
    std::string first_mismatch;
};

// The whole input, every single split, byte by byte, and every pair of splits when the
// input is at most `pairs_up_to` octets long (a stride otherwise).
split_report every_split(std::string_view input, const std::vector<expectation>& queue, const parse_options& opts = {},
                         p3::expect_greeting g = p3::expect_greeting::yes, std::size_t pairs_up_to = 320) {
    split_report rep;
    rep.whole = run(input, queue, {}, opts, g);
    auto check = [&](const std::vector<std::size_t>& cuts) {
        ++rep.runs;
        if (run(input, queue, cuts, opts, g) == rep.whole) return;
        if (rep.mismatches++ == 0) {
            std::string c;
            for (std::size_t x : cuts) c += fmt::format("{} ", x);
            rep.first_mismatch = "cuts: " + c;
        }
    };
    const std::size_t n = input.size();
    for (std::size_t i = 0; i <= n; ++i) check({i});
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i < n; ++i) bytes.push_back(i);
    check(bytes);
    const std::size_t stride = n <= pairs_up_to ? 1 : n / pairs_up_to + 1; // pairs_up_to > 0
    for (std::size_t i = 0; i <= n; i += stride)
        for (std::size_t j = i; j <= n; ++j) check({i, j});
    return rep;
}

#define CHECK_EVERY_SPLIT(rep)                 \
    do {                                       \
        INFO((rep).first_mismatch);            \
        CHECK((rep).mismatches == 0);          \
        CHECK((rep).runs > 0);                 \
    } while (0)

std::string concat(const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += p;
    return s;
}

p3::command cmd(p3::command c) { return c; }

// A pipelined session in the shape of RFC 1939 §10 (with USER/PASS instead of APOP, and
// UIDL, TOP, LIST msg and CAPA added): a RETR whose message is dot-stuffed (RFC 1939 §3).
const std::string greeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
const std::string r_user = "+OK mrose is a real hoopy frood\r\n";
const std::string r_pass = "+OK mrose's maildrop has 2 messages (320 octets)\r\n";
const std::string r_stat = "+OK 2 320\r\n";
const std::string r_list = "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n";
const std::string r_uidl = "+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n";
const std::string r_retr = "+OK 120 octets\r\nSubject: dots\r\n\r\n..leading dot\r\n...\r\n..\r\n.\r.\r\nend\r\n.\r\n";
const std::string r_top = "+OK\r\nSubject: dots\r\n\r\n.\r\n";
const std::string r_list1 = "+OK 1 120\r\n";
const std::string r_capa = "+OK Capability list follows\r\nTOP\r\nUSER\r\nPIPELINING\r\nUIDL\r\n.\r\n";
const std::string r_quit = "+OK dewey POP3 server signing off (maildrop empty)\r\n";

std::vector<expectation> pipelined_queue() {
    return {cmd(p3::user{"mrose"}),  cmd(p3::pass{"secret"}), cmd(p3::stat{}), cmd(p3::list{}),
            cmd(p3::uidl{}),         cmd(p3::retr{1}),        cmd(p3::top{1, 0}), cmd(p3::list{1}),
            cmd(p3::capa{}),         cmd(p3::quit{})};
}

std::string read_vector(const char* name) {
    std::ifstream in(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/pop3/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

// ---- frame kinds -------------------------------------------------------------------------

TEST_CASE("frame_kind_for: only the command and its arguments decide (RFC 1939 §5 and §7, RFC 2449 §5, RFC 6856 §3)", "[pop3][reader]") {
    using K = p3::frame_kind;
    CHECK(p3::frame_kind_for(p3::list{}) == K::multi_line_if_ok);
    CHECK(p3::frame_kind_for(p3::list{1}) == K::single_line);
    CHECK(p3::frame_kind_for(p3::uidl{}) == K::multi_line_if_ok);
    CHECK(p3::frame_kind_for(p3::uidl{2}) == K::single_line);
    CHECK(p3::frame_kind_for(p3::lang{}) == K::multi_line_if_ok);
    CHECK(p3::frame_kind_for(p3::lang{"es"}) == K::single_line);
    CHECK(p3::frame_kind_for(p3::retr{1}) == K::multi_line_if_ok);
    CHECK(p3::frame_kind_for(p3::top{1, 0}) == K::multi_line_if_ok);
    CHECK(p3::frame_kind_for(p3::capa{}) == K::multi_line_if_ok);
    CHECK(p3::frame_kind_for(p3::stls{}) == K::stls);
    CHECK(p3::frame_kind_for(p3::auth{"PLAIN", std::nullopt}) == K::auth);
    for (const p3::command& c : {cmd(p3::user{"a"}), cmd(p3::pass{"b"}), cmd(p3::apop{"a", "c4c9334bac560ecc979e58001b3e22fb"}),
                                 cmd(p3::stat{}), cmd(p3::dele{1}), cmd(p3::noop{}), cmd(p3::rset{}), cmd(p3::quit{}),
                                 cmd(p3::utf8{}), cmd(p3::extension{"XTND", "XMIT"})}) {
        INFO(p3::command_name(c));
        CHECK(p3::frame_kind_for(c) == K::single_line);
    }
    CHECK(p3::is_multi_line(K::multi_line_if_ok, p3::frame_status::ok));
    CHECK_FALSE(p3::is_multi_line(K::multi_line_if_ok, p3::frame_status::err));
    CHECK_FALSE(p3::is_multi_line(K::single_line, p3::frame_status::ok));
    CHECK_FALSE(p3::is_multi_line(K::greeting, p3::frame_status::ok));
    CHECK_FALSE(p3::is_multi_line(K::auth, p3::frame_status::continuation));
    CHECK_FALSE(p3::is_multi_line(K::stls, p3::frame_status::ok));
    STATIC_REQUIRE(p3::frame_kind_for(p3::command{p3::list{}}) == K::multi_line_if_ok);
}

// ---- response_reader: pipelining ---------------------------------------------------------

TEST_CASE("response_reader: pipelined session, every chunking gives the same frames (RFC 2449 §6.6)", "[pop3][reader]") {
    const std::string input = greeting + r_user + r_pass + r_stat + r_list + r_uidl + r_retr + r_top + r_list1 + r_capa + r_quit;
    const auto rep = every_split(input, pipelined_queue(), {}, p3::expect_greeting::yes, 1000);
    CHECK_EVERY_SPLIT(rep);
    const outcome& o = rep.whole;
    REQUIRE(o.frames.size() == 11);
    CHECK(o.frames == std::vector<std::string>{greeting, r_user, r_pass, r_stat, r_list, r_uidl, r_retr, r_top, r_list1, r_capa, r_quit});
    CHECK(concat(o.frames) == input);
    CHECK(o.leftover.empty());
    CHECK_FALSE(o.halted);
    CHECK(o.events[0] == "greeting +OK single @0 answers=- [" + escaped(greeting) + "]");
    CHECK(o.events[4] == fmt::format("multi_line_if_ok +OK multi @{} answers=LIST [{}]",
                                     greeting.size() + r_user.size() + r_pass.size() + r_stat.size(), escaped(r_list)));
    CHECK(o.events[7].rfind("multi_line_if_ok +OK multi", 0) == 0);  // TOP
    CHECK(o.events[8].rfind("single_line +OK single", 0) == 0);      // LIST 1
    CHECK(o.events[9].find("answers=CAPA") != std::string::npos);
}

TEST_CASE("response_reader: frame fields, first_line() and body()", "[pop3][reader]") {
    p3::response_reader r;
    for (const auto& e : pipelined_queue()) std::visit([&](const auto& x) { r.expect_reply(x); }, e);
    CHECK(r.awaiting() == 11);
    const std::string input = greeting + r_user + r_pass + r_stat + r_list + r_uidl + r_retr;
    REQUIRE(r.feed(input) == input.size());
    // All frames of one feed stay valid together.
    std::vector<p3::frame> got;
    for (auto f = r.next(); f; f = r.next()) got.push_back(*f);
    REQUIRE(got.size() == 7);
    CHECK(r.awaiting() == 4);
    CHECK(got[0].kind == p3::frame_kind::greeting);
    CHECK_FALSE(got[0].answers.has_value());
    CHECK(got[0].first_line() == greeting);
    CHECK(got[0].body().empty());
    CHECK(got[1].answers == std::optional<p3::command>(p3::user{"mrose"}));
    CHECK(got[4].multi_line);
    CHECK(got[4].first_line() == "+OK 2 messages (320 octets)\r\n");
    CHECK(got[4].body() == "1 120\r\n2 200\r\n");
    CHECK(got[5].body() == "1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n");
    // Dot-stuffed lines stay stuffed in the frame: "..", "..." and ".\r." are not the end.
    CHECK(got[6].body() == "Subject: dots\r\n\r\n..leading dot\r\n...\r\n..\r\n.\r.\r\nend\r\n");
    CHECK(got[6].answers == std::optional<p3::command>(p3::retr{1}));
    CHECK(got[6].offset == input.size() - r_retr.size());
    std::string all;
    for (const auto& f : got) all += f.bytes;
    CHECK(all == input);
    auto more = r.next();
    REQUIRE_FALSE(more);
    CHECK(more.error().code == errc::need_more);
    CHECK(more.error().offset == input.size());
    CHECK(r.consumed() == input.size());
}

TEST_CASE("response_reader: a -ERR to LIST is one line although LIST has no argument (RFC 1939 §3)", "[pop3][reader]") {
    const std::string err = "-ERR no such message\r\n";
    // Were the -ERR taken as multi-line, the +OK below would be swallowed into it.
    const std::string input = "+OK ready\r\n" + err + "+OK 1 120\r\n";
    const auto rep = every_split(input, {cmd(p3::list{}), cmd(p3::list{1})});
    CHECK_EVERY_SPLIT(rep);
    REQUIRE(rep.whole.events.size() == 3);
    CHECK(rep.whole.events[1] == "multi_line_if_ok -ERR single @11 answers=LIST [-ERR no such message\\r\\n]");
    CHECK(rep.whole.frames[2] == "+OK 1 120\r\n");
    // Same for RETR, TOP, UIDL, CAPA, LANG.
    for (const p3::command& c : {cmd(p3::retr{9}), cmd(p3::top{9, 0}), cmd(p3::uidl{}), cmd(p3::capa{}), cmd(p3::lang{})}) {
        const auto o = run("+OK\r\n-ERR nope\r\n+OK\r\n", {c, cmd(p3::noop{})}, {});
        INFO(p3::command_name(c));
        CHECK(o.frames == std::vector<std::string>{"+OK\r\n", "-ERR nope\r\n", "+OK\r\n"});
    }
}

TEST_CASE("response_reader: RFC 1939 §10 example session", "[pop3][reader]") {
    // RFC 1939 §10, the message contents (not shown there) replaced by short ones.
    const std::string input =
        "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"
        "+OK mrose's maildrop has 2 messages (320 octets)\r\n"
        "+OK 2 320\r\n"
        "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"
        "+OK 120 octets\r\nSubject: one\r\n\r\nbody 1\r\n.\r\n"
        "+OK message 1 deleted\r\n"
        "+OK 200 octets\r\nSubject: two\r\n\r\nbody 2\r\n.\r\n"
        "+OK message 2 deleted\r\n"
        "+OK dewey POP3 server signing off (maildrop empty)\r\n";
    const std::vector<expectation> q = {cmd(p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}), cmd(p3::stat{}),
                                        cmd(p3::list{}), cmd(p3::retr{1}), cmd(p3::dele{1}), cmd(p3::retr{2}),
                                        cmd(p3::dele{2}), cmd(p3::quit{})};
    const auto rep = every_split(input, q, {}, p3::expect_greeting::yes, 1000);
    CHECK_EVERY_SPLIT(rep);
    REQUIRE(rep.whole.frames.size() == 9);
    CHECK(concat(rep.whole.frames) == input);
    CHECK(rep.whole.frames[4] == "+OK 120 octets\r\nSubject: one\r\n\r\nbody 1\r\n.\r\n");
}

TEST_CASE("response_reader: Dovecot 2.3.19 pipelined capture, commands read back with command_reader", "[pop3][reader]") {
    const std::string client = read_vector("dovecot-2.3.19-client.raw");
    const std::string server = read_vector("dovecot-2.3.19-server.raw");
    REQUIRE_FALSE(client.empty());
    REQUIRE_FALSE(server.empty());
    // The client file is what was sent: frame it server-side, parse each command, queue it.
    p3::command_reader cr;
    REQUIRE(cr.feed(client) == client.size());
    std::vector<expectation> q;
    for (auto c = cr.next_command(); c; c = cr.next_command()) q.push_back(*c);
    REQUIRE(q.size() == 12);
    CHECK(cr.buffered().empty());
    const auto rep = every_split(server, q, {}, p3::expect_greeting::yes, 40);
    CHECK_EVERY_SPLIT(rep);
    const outcome& o = rep.whole;
    REQUIRE(o.frames.size() == 13);
    CHECK(concat(o.frames) == server);
    CHECK(o.frames[1].rfind("+OK\r\nCAPA\r\n", 0) == 0); // Dovecot's bare "+OK" status line
    CHECK(o.events[6].find("answers=UIDL") != std::string::npos);
    CHECK(o.events[6].find(" multi ") != std::string::npos);
    CHECK(o.events[8].find("answers=UIDL") != std::string::npos);
    CHECK(o.events[8].find(" single ") != std::string::npos);
    CHECK(o.frames[12] == "+OK Logging out.\r\n");
}

// ---- response_reader: STLS ---------------------------------------------------------------

TEST_CASE("response_reader: stops right after the +OK to STLS, TLS bytes left unconsumed (RFC 2595 §4)", "[pop3][reader]") {
    const std::string capa = "+OK\r\nSTLS\r\nUSER\r\n.\r\n";
    const std::string ok = "+OK Begin TLS negotiation\r\n";
    const std::string tls("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03+OK\r\n.\r\n", 19);
    const std::string input = greeting + capa + ok + tls;
    const auto rep = every_split(input, {cmd(p3::capa{}), cmd(p3::stls{})});
    CHECK_EVERY_SPLIT(rep);
    const outcome& o = rep.whole;
    CHECK(o.halted);
    CHECK(o.zero_after_halt);
    CHECK(o.leftover == tls);
    REQUIRE(o.frames.size() == 3);
    CHECK(o.frames[2] == ok);
    CHECK(o.events[2] == fmt::format("stls +OK single @{} answers=STLS [+OK Begin TLS negotiation\\r\\n]", greeting.size() + capa.size()));

    SECTION("resume() after the handshake: no second greeting, CAPA again") {
        p3::response_reader r;
        r.expect_reply(p3::capa{});
        r.expect_reply(p3::stls{});
        const std::size_t n = r.feed(input);
        CHECK(n == input.size() - tls.size());
        CHECK(r.halted());
        CHECK(r.feed("more") == 0);
        for (int i = 0; i < 3; ++i) REQUIRE(r.next());
        auto none = r.next();
        REQUIRE_FALSE(none);
        CHECK(none.error().code == errc::need_more);
        CHECK(r.awaiting() == 0);
        r.resume();
        CHECK_FALSE(r.halted());
        r.expect_reply(p3::capa{});
        const std::string capa2 = "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n";
        CHECK(r.feed(capa2) == capa2.size());
        auto f = r.next();
        REQUIRE(f);
        CHECK(f->bytes == capa2);
        CHECK(f->offset == n);
    }
    SECTION("a +OK to STLS over the line limit is reported, and the reader halts all the same") {
        const std::string long_ok = "+OK " + std::string(600, 'g') + "\r\n";
        const auto rep2 = every_split(long_ok + tls, {cmd(p3::stls{})}, {}, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep2);
        CHECK(rep2.whole.events == std::vector<std::string>{"error limit_exceeded @512 pop3_max_response_line"});
        CHECK(rep2.whole.halted);
        CHECK(rep2.whole.leftover == tls);
    }
    SECTION("-ERR to STLS: no halt, the next reply follows in the same stream") {
        const std::string in2 = greeting + "-ERR Command not permitted when TLS active\r\n+OK\r\n";
        const auto rep2 = every_split(in2, {cmd(p3::stls{}), cmd(p3::noop{})});
        CHECK_EVERY_SPLIT(rep2);
        CHECK_FALSE(rep2.whole.halted);
        CHECK(rep2.whole.frames.size() == 3);
    }
}

// ---- response_reader: AUTH ---------------------------------------------------------------

TEST_CASE("response_reader: AUTH with two continuations stays at the head until +OK (RFC 5034 §4)", "[pop3][reader]") {
    // RFC 5034 §6 (GSSAPI example, shortened challenges), then a STAT after the login.
    const std::string c1 = "+ YIIB+wYJKoZIhvcSAQICAQBuggHqMIIB5qADAgEFoQMCAQ7=\r\n";
    const std::string c2 = "+ \r\n"; // an empty challenge is "+" SP
    const std::string fin = "+OK Maildrop locked and ready\r\n";
    const std::string stat = "+OK 2 320\r\n";
    const std::string input = greeting + c1 + c2 + fin + stat;
    const auto rep = every_split(input, {cmd(p3::auth{"GSSAPI", std::nullopt}), cmd(p3::stat{})});
    CHECK_EVERY_SPLIT(rep);
    const outcome& o = rep.whole;
    REQUIRE(o.frames.size() == 5);
    CHECK(o.frames == std::vector<std::string>{greeting, c1, c2, fin, stat});
    CHECK(o.events[1].rfind("auth + single", 0) == 0);
    CHECK(o.events[2].rfind("auth + single", 0) == 0);
    CHECK(o.events[3].rfind("auth +OK single", 0) == 0);
    CHECK(o.events[4].rfind("single_line +OK single", 0) == 0);

    SECTION("the AUTH is still awaited after each challenge") {
        p3::response_reader r(parse_options{}, p3::expect_greeting::no);
        r.expect_reply(p3::auth{"PLAIN", std::nullopt});
        CHECK(r.feed("+ \r\n") == 4);
        auto f = r.next();
        REQUIRE(f);
        CHECK(f->status == p3::frame_status::continuation);
        CHECK(r.awaiting() == 1);
        CHECK(r.next_kind() == p3::frame_kind::auth);
        CHECK(r.feed("-ERR [AUTH] Authentication failed\r\n") == 35);
        f = r.next();
        REQUIRE(f);
        CHECK(f->status == p3::frame_status::err);
        CHECK(r.awaiting() == 0);
    }
    SECTION("a challenge longer than 512 octets is fine in strict mode: only max_line bounds it (RFC 5034 §4)") {
        const std::string big = "+ " + std::string(2000, 'A') + "\r\n";
        const auto o2 = run(big + "+OK\r\n", {cmd(p3::auth{"GSSAPI", std::nullopt})}, {}, {}, p3::expect_greeting::no);
        CHECK(o2.frames == std::vector<std::string>{big, "+OK\r\n"});
    }
    SECTION("a \"+\" line outside AUTH is not a status") {
        const auto o3 = run("+ abc\r\n+OK\r\n", {cmd(p3::noop{}), cmd(p3::noop{})}, {}, {}, p3::expect_greeting::no);
        CHECK(o3.events == std::vector<std::string>{"error invalid_syntax @0 \"+OK\" or \"-ERR\"", "single_line +OK single @7 answers=NOOP [+OK\\r\\n]"});
    }
}

// ---- response_reader: limits -------------------------------------------------------------

TEST_CASE("response_reader: strict first line limit pop3_max_response_line = 512, at / below / above (RFC 2449 §4)", "[pop3][reader]") {
    auto line_of = [](std::size_t total) { return "+OK " + std::string(total - 6, 'x') + "\r\n"; };
    const std::string next = "+OK 2 320\r\n";
    for (std::size_t len : {511u, 512u, 513u, 600u}) {
        INFO(len);
        const std::string first = line_of(len);
        const std::string input = first + next;
        const auto rep = every_split(input, {cmd(p3::noop{}), cmd(p3::stat{})}, {}, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep);
        if (len <= 512) {
            CHECK(rep.whole.frames == std::vector<std::string>{first, next});
        } else {
            CHECK(rep.whole.events == std::vector<std::string>{"error limit_exceeded @512 pop3_max_response_line",
                                                               fmt::format("single_line +OK single @{} answers=STAT [+OK 2 320\\r\\n]", len)});
        }
    }
    SECTION("the greeting too") {
        const auto o = run(line_of(513) + "+OK\r\n", {cmd(p3::noop{})}, {});
        CHECK(o.events == std::vector<std::string>{"error limit_exceeded @512 pop3_max_response_line", "single_line +OK single @513 answers=NOOP [+OK\\r\\n]"});
    }
    SECTION("a multi-line reply whose first line is too long is skipped whole") {
        const std::string input = line_of(513) + "1 120\r\n.\r\n" + next;
        const auto rep = every_split(input, {cmd(p3::list{}), cmd(p3::stat{})}, {}, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep);
        CHECK(rep.whole.events == std::vector<std::string>{"error limit_exceeded @512 pop3_max_response_line",
                                                           fmt::format("single_line +OK single @{} answers=STAT [+OK 2 320\\r\\n]", 513 + 10)});
    }
    SECTION("lenient mode: the first line is bounded by max_line instead, at / below / above") {
        const auto o = run(line_of(600) + next, {cmd(p3::noop{}), cmd(p3::stat{})}, {}, parse_options::make_lenient(), p3::expect_greeting::no);
        CHECK(o.frames == std::vector<std::string>{line_of(600), next});
        parse_options l = parse_options::make_lenient();
        l.max_line = 100;
        for (std::size_t len : {99u, 100u, 101u}) {
            INFO(len);
            const auto rep = every_split(line_of(len) + next, {cmd(p3::noop{}), cmd(p3::stat{})}, l, p3::expect_greeting::no, 16);
            CHECK_EVERY_SPLIT(rep);
            if (len <= 100) CHECK(rep.whole.frames == std::vector<std::string>{line_of(len), next});
            else CHECK(rep.whole.events.front() == "error limit_exceeded @100 max_line");
            CHECK(rep.whole.frames.back() == next);
        }
    }
    SECTION("strict CAPA lines are capability lines of at most 512 octets (RFC 2449 §3)") {
        const std::string capa_line = std::string(511, 'X') + "\r\n"; // 513 octets
        const auto o = run("+OK\r\n" + capa_line + ".\r\n" + next, {cmd(p3::capa{}), cmd(p3::stat{})}, {}, {}, p3::expect_greeting::no);
        CHECK(o.events == std::vector<std::string>{"error limit_exceeded @517 pop3_max_response_line",
                                                   fmt::format("single_line +OK single @{} answers=STAT [+OK 2 320\\r\\n]", 5 + 513 + 3)});
    }
}

TEST_CASE("response_reader: max_line on the lines of a multi-line reply, at / below / above, then recovery", "[pop3][reader]") {
    parse_options o;
    o.max_line = 64;
    const std::string next = "+OK 2 320\r\n";
    for (std::size_t len : {63u, 64u, 65u, 200u}) {
        INFO(len);
        const std::string body_line = std::string(len - 2, 'b') + "\r\n";
        const std::string retr = "+OK\r\nshort\r\n" + body_line + ".\r\n";
        const auto rep = every_split(retr + next, {cmd(p3::retr{1}), cmd(p3::stat{})}, o, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep);
        if (len <= 64) {
            CHECK(rep.whole.frames == std::vector<std::string>{retr, next});
        } else {
            CHECK(rep.whole.events == std::vector<std::string>{"error limit_exceeded @76 max_line",
                                                               fmt::format("single_line +OK single @{} answers=STAT [+OK 2 320\\r\\n]", retr.size())});
        }
    }
    SECTION("lenient mode applies the same max_line") {
        parse_options l = parse_options::make_lenient();
        l.max_line = 64;
        const std::string retr = "+OK\r\n" + std::string(70, 'b') + "\n.\n";
        const auto rep = every_split(retr + next, {cmd(p3::retr{1}), cmd(p3::stat{})}, l, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep);
        CHECK(rep.whole.events.size() == 2);
        CHECK(rep.whole.events[0] == "error limit_exceeded @69 max_line");
    }
}

TEST_CASE("response_reader: max_message bounds a whole multi-line reply, at / below / above, then recovery", "[pop3][reader]") {
    const std::string retr = "+OK\r\nline one\r\nline two\r\n.\r\n"; // 28 octets
    REQUIRE(retr.size() == 28);
    const std::string next = "+OK 2 320\r\n";
    for (std::uint64_t limit : {27u, 28u, 29u, 10u}) {
        INFO(limit);
        parse_options o;
        o.max_message = limit;
        const auto rep = every_split(retr + next, {cmd(p3::retr{1}), cmd(p3::stat{})}, o, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep);
        if (limit >= 28) {
            CHECK(rep.whole.frames == std::vector<std::string>{retr, next});
        } else {
            CHECK(rep.whole.events == std::vector<std::string>{fmt::format("error limit_exceeded @{} max_message", limit),
                                                               "single_line +OK single @28 answers=STAT [+OK 2 320\\r\\n]"});
        }
    }
}

TEST_CASE("response_reader: when two limits are crossed, the first one met is reported, however the stream is chunked", "[pop3][reader]") {
    // Found by the pop3_reader fuzz target: fed whole, a line crossing both max_line and
    // max_message was reported as over max_line; fed byte by byte, max_message came first.
    parse_options o = parse_options::make_lenient();
    o.max_line = 48;
    o.max_message = 60;
    const std::string retr = "+OK\r\n" + std::string(30, 'a') + "\r\n" + std::string(60, 'b') + "\r\n.\r\n";
    const auto rep = every_split(retr + "+OK\r\n", {cmd(p3::retr{1}), cmd(p3::noop{})}, o, p3::expect_greeting::no, 16);
    CHECK_EVERY_SPLIT(rep);
    CHECK(rep.whole.events == std::vector<std::string>{"error limit_exceeded @60 max_message", fmt::format("single_line +OK single @{} answers=NOOP [+OK\\r\\n]", retr.size())});
    SECTION("max_message met before a bare LF in strict mode") {
        parse_options st;
        st.max_message = 20;
        const std::string in2 = "+OK\r\n" + std::string(30, 'c') + "\n.\r\n+OK\r\n";
        const auto rep2 = every_split(in2, {cmd(p3::retr{1}), cmd(p3::noop{})}, st, p3::expect_greeting::no, 16);
        CHECK_EVERY_SPLIT(rep2);
        CHECK(rep2.whole.events.front() == "error limit_exceeded @20 max_message");
    }
}

TEST_CASE("response_reader: a large RETR fed byte by byte is framed in linear time", "[pop3][reader]") {
    // 4 MiB fed one octet per call: a reader that rescanned would not finish.
    std::string retr = "+OK\r\n";
    const std::string l = std::string(78, 'm') + "\r\n";
    while (retr.size() < (4u << 20)) retr += l;
    retr += ".\r\n";
    p3::response_reader r(parse_options{}, p3::expect_greeting::no);
    r.expect_reply(p3::retr{1});
    std::size_t frames = 0;
    std::size_t consumed = 0;
    for (char c : retr) {
        consumed += r.feed(std::string_view(&c, 1));
        if (auto f = r.next()) {
            ++frames;
            CHECK(f->bytes.size() == retr.size());
            CHECK(f->bytes == retr);
        }
    }
    CHECK(frames == 1);
    CHECK(consumed == retr.size());
}

// ---- response_reader: quirks, modes, misuse ----------------------------------------------

TEST_CASE("response_reader quirk: bare LF line ends, as Mailtrap.io's POP3 service sends (zetacomponents/Mail#40), also seen in the wild from other hosted POP3 services (node-pop3#27)", "[pop3][reader][quirk]") {
    const std::string input = "+OK ready\n+OK 2 messages\n1 120\n..dot\n.\n+OK 1 120\n";
    const std::vector<expectation> q = {cmd(p3::list{}), cmd(p3::list{1})};
    SECTION("lenient: frames on LF, \".\\n\" ends the block") {
        const auto rep = every_split(input, q, parse_options::make_lenient());
        CHECK_EVERY_SPLIT(rep);
        CHECK(rep.whole.frames == std::vector<std::string>{"+OK ready\n", "+OK 2 messages\n1 120\n..dot\n.\n", "+OK 1 120\n"});
        CHECK(rep.whole.events[1].find(" multi ") != std::string::npos);
    }
    SECTION("strict: strict_violation at each reply's first bare LF, each reply skipped, the stream stays in step") {
        const auto rep = every_split(input, q);
        CHECK_EVERY_SPLIT(rep);
        CHECK(rep.whole.events == std::vector<std::string>{"error strict_violation @9 CRLF", "error strict_violation @24 CRLF",
                                                           "error strict_violation @48 CRLF"});
        CHECK(rep.whole.frames.empty());
    }
    SECTION("strict: a bare LF inside a block, then a proper reply") {
        const std::string in2 = "+OK\r\nok line\r\nbad line\n.\r\n+OK 1 120\r\n";
        const auto rep = every_split(in2, q, {}, p3::expect_greeting::no);
        CHECK_EVERY_SPLIT(rep);
        CHECK(rep.whole.events == std::vector<std::string>{"error strict_violation @22 CRLF", "single_line +OK single @26 answers=LIST [+OK 1 120\\r\\n]"});
    }
    SECTION("lenient: CRLF and LF mixed in one reply") {
        const auto o = run("+OK\r\na\nb\r\n.\n", {cmd(p3::retr{1})}, {}, parse_options::make_lenient(), p3::expect_greeting::no);
        CHECK(o.frames == std::vector<std::string>{"+OK\r\na\nb\r\n.\n"});
    }
}

TEST_CASE("response_reader: a reply that starts with no status is invalid_syntax, then the next reply is framed", "[pop3][reader]") {
    const std::string input = "+OK\r\nHELLO there\r\n+OK 1 2\r\n";
    const auto rep = every_split(input, {cmd(p3::noop{}), cmd(p3::stat{})});
    CHECK_EVERY_SPLIT(rep);
    CHECK(rep.whole.events == std::vector<std::string>{"greeting +OK single @0 answers=- [+OK\\r\\n]",
                                                       "error invalid_syntax @5 \"+OK\" or \"-ERR\"",
                                                       "single_line +OK single @18 answers=STAT [+OK 1 2\\r\\n]"});
    // Short lines that only start like a status.
    for (const char* bad : {"-ER\r\n", "+O\r\n", "+\r\n", "\r\n", "-ERROR\r\n"}) {
        INFO(bad);
        const auto o = run(bad, {cmd(p3::noop{})}, {}, {}, p3::expect_greeting::no);
        if (std::string_view(bad) == "-ERROR\r\n") {
            CHECK(o.frames.size() == 1); // starts with "-ERR": the framer's business ends there
        } else {
            CHECK(o.events == std::vector<std::string>{"error invalid_syntax @0 \"+OK\" or \"-ERR\""});
        }
    }
}

TEST_CASE("response_reader: with no reply queued, at most max_line octets are kept, however much arrives", "[pop3][reader]") {
    parse_options o;
    o.max_line = 512;
    p3::response_reader r(o, p3::expect_greeting::no);
    const std::string chunk(64 * 1024, 'x');
    std::uint64_t fed = 0;
    for (int i = 0; i < 1600; ++i) { // 100 MiB
        CHECK(r.feed(chunk) == chunk.size());
        fed += chunk.size();
        REQUIRE(r.unscanned().size() <= o.max_line);
    }
    CHECK(fed == 100ull * 1024 * 1024);
    auto e = r.next();
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::unexpected_response);
    CHECK(e.error().offset == 0);
    CHECK(r.unscanned().size() == o.max_line);
    CHECK(r.consumed() == fed);
    // The stream lost octets. A command queued now is answered from the octets kept (here
    // no reply at all), and after them the loss is reported until reset().
    r.expect_reply(p3::noop{});
    CHECK(r.next().error().code == errc::invalid_syntax);
    CHECK(r.next().error().code == errc::unexpected_response);
    CHECK(r.feed("+OK\r\n") == 5);
    CHECK(r.next().error().code == errc::unexpected_response);
    r.reset(p3::expect_greeting::no);
    r.expect_reply(p3::noop{});
    CHECK(r.feed("+OK\r\n") == 5);
    CHECK(r.next().has_value());
    // A line that came before its command was queued, and fits, is still framed.
    p3::response_reader late(o, p3::expect_greeting::no);
    CHECK(late.feed("+OK early\r\n") == 11);
    CHECK(late.next().error().code == errc::unexpected_response);
    late.expect_reply(p3::noop{});
    auto f = late.next();
    REQUIRE(f);
    CHECK(f->bytes == "+OK early\r\n");
}

TEST_CASE("response_reader: 100 MiB in one chunk with no reply queued is refused at once and never held", "[pop3][reader]") {
    parse_options o;
    o.max_line = 512;
    // The first octet that no command awaits is unexpected_response at once.
    p3::response_reader first(o, p3::expect_greeting::no);
    CHECK(first.feed("+") == 1);
    auto e1 = first.next();
    REQUIRE_FALSE(e1);
    CHECK(e1.error().code == errc::unexpected_response);
    CHECK(e1.error().offset == 0);

    const std::string flood(100 * 1024 * 1024, 'x');
    for (const bool queued_one : {false, true}) {
        INFO((queued_one ? "one reply queued, the flood after it" : "nothing queued"));
        p3::response_reader r(o, p3::expect_greeting::no);
        std::string input = queued_one ? "+OK\r\n" + flood : flood;
        if (queued_one) r.expect_reply(p3::noop{});
        mailwire_test::largest_allocation = 0;
        CHECK(r.feed(input) == input.size());
        const std::size_t largest = mailwire_test::largest_allocation;
        if (queued_one) {
            auto f = r.next();
            REQUIRE(f);
            CHECK(f->bytes == "+OK\r\n");
        }
        auto e = r.next();
        REQUIRE_FALSE(e);
        CHECK(e.error().code == errc::unexpected_response);
        CHECK(e.error().offset == (queued_one ? 5u : 0u));
        CHECK(r.unscanned().size() == o.max_line);
        CHECK(r.consumed() == input.size());
        // Nothing the size of the flood was allocated (or, after one reply, kept allocated):
        // what is held is at most max_line past the reply.
        if (!queued_one) CHECK(largest <= 4 * o.max_line);
    }
}

TEST_CASE("response_reader: octets with no command awaiting them are unexpected_response, and kept", "[pop3][reader]") {
    p3::response_reader r;
    CHECK(r.feed("+OK hi\r\n-ERR autologout\r\n") == 25);
    auto g = r.next();
    REQUIRE(g);
    CHECK(g->bytes == "+OK hi\r\n");
    auto e = r.next();
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::unexpected_response);
    CHECK(e.error().offset == 8);
    CHECK(r.unscanned() == "-ERR autologout\r\n");
    // Queued late, the reply is framed after all.
    r.expect_reply(p3::noop{});
    auto f = r.next();
    REQUIRE(f);
    CHECK(f->bytes == "-ERR autologout\r\n");
    CHECK(f->offset == 8);
    CHECK(r.unscanned().empty());
    SECTION("reset() forgets everything") {
        r.reset(p3::expect_greeting::no);
        CHECK(r.consumed() == 0);
        CHECK(r.awaiting() == 0);
        CHECK(r.feed("+OK\r\n") == 5);
        auto u = r.next();
        REQUIRE_FALSE(u);
        CHECK(u.error().code == errc::unexpected_response);
        CHECK(u.error().offset == 0);
    }
}

TEST_CASE("response_reader: need_more while a reply is incomplete, at every prefix", "[pop3][reader]") {
    const std::string input = greeting + r_list;
    for (std::size_t i = 0; i < input.size(); ++i) {
        p3::response_reader r;
        r.expect_reply(p3::list{});
        REQUIRE(r.feed(std::string_view(input).substr(0, i)) == i);
        std::size_t frames = 0;
        for (;;) {
            auto f = r.next();
            if (!f) {
                CHECK(f.error().code == errc::need_more);
                CHECK(f.error().offset == i);
                break;
            }
            ++frames;
        }
        CHECK(frames == (i >= greeting.size() ? 1u : 0u));
    }
}

// ---- command_reader ----------------------------------------------------------------------

namespace {

struct line_outcome {
    std::vector<std::string> events;
    friend bool operator==(const line_outcome&, const line_outcome&) = default;
};

line_outcome run_lines(std::string_view input, const std::vector<std::size_t>& cuts, const parse_options& opts = {},
                       p3::line_mode mode = p3::line_mode::command_line) {
    p3::command_reader r(opts);
    line_outcome out;
    std::size_t start = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(input.size());
    for (std::size_t end : ends) {
        const std::string_view chunk = input.substr(start, end - start);
        if (r.feed(chunk) != chunk.size()) out.events.push_back("short feed");
        for (;;) {
            auto l = r.next_line(mode);
            if (!l) {
                if (l.error().code == errc::need_more) break;
                out.events.push_back(describe(l.error()));
                continue;
            }
            out.events.push_back(fmt::format("@{} [{}]", l->offset, escaped(l->bytes)));
        }
        start = end;
    }
    return out;
}

struct line_report {
    line_outcome whole;
    std::size_t mismatches = 0;
    std::string first_mismatch;
};

line_report every_line_split(std::string_view input, const parse_options& opts = {}, p3::line_mode mode = p3::line_mode::command_line,
                             std::size_t pairs_up_to = 300) {
    line_report rep;
    rep.whole = run_lines(input, {}, opts, mode);
    auto check = [&](const std::vector<std::size_t>& cuts) {
        if (run_lines(input, cuts, opts, mode) == rep.whole) return;
        if (rep.mismatches++ == 0) {
            for (std::size_t x : cuts) rep.first_mismatch += fmt::format("{} ", x);
        }
    };
    const std::size_t n = input.size();
    for (std::size_t i = 0; i <= n; ++i) check({i});
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i < n; ++i) bytes.push_back(i);
    check(bytes);
    const std::size_t stride = n <= pairs_up_to ? 1 : n / pairs_up_to + 1; // pairs_up_to > 0
    for (std::size_t i = 0; i <= n; i += stride)
        for (std::size_t j = i; j <= n; ++j) check({i, j});
    return rep;
}

} // namespace

TEST_CASE("command_reader: lines at every split point, RFC 1939 §10 client side", "[pop3][reader]") {
    const std::string input = "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\nSTAT\r\nLIST\r\nRETR 1\r\nDELE 1\r\nRETR 2\r\nDELE 2\r\nQUIT\r\n";
    const auto rep = every_line_split(input);
    INFO(rep.first_mismatch);
    CHECK(rep.mismatches == 0);
    REQUIRE(rep.whole.events.size() == 8);
    CHECK(rep.whole.events[0] == "@0 [APOP mrose c4c9334bac560ecc979e58001b3e22fb\\r\\n]");
    CHECK(rep.whole.events[7] == fmt::format("@{} [QUIT\\r\\n]", input.size() - 6));

    p3::command_reader r;
    REQUIRE(r.feed(input) == input.size());
    std::vector<p3::command> got;
    for (auto c = r.next_command(); c; c = r.next_command()) got.push_back(*c);
    CHECK(got == std::vector<p3::command>{p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}, p3::stat{}, p3::list{}, p3::retr{1},
                                          p3::dele{1}, p3::retr{2}, p3::dele{2}, p3::quit{}});
    CHECK(r.last_line().text() == "QUIT");
    CHECK(r.consumed() == input.size());
}

TEST_CASE("command_reader: strict line limit pop3_max_command_line = 255 at / below / above, then recovery at every split (RFC 2449 §4)", "[pop3][reader]") {
    auto user_line = [](std::size_t total) { return "USER " + std::string(total - 7, 'u') + "\r\n"; };
    for (std::size_t len : {254u, 255u, 256u, 400u}) {
        INFO(len);
        const std::string input = user_line(len) + "PASS x\r\n";
        const auto rep = every_line_split(input, {}, p3::line_mode::command_line, 16);
        INFO(rep.first_mismatch);
        CHECK(rep.mismatches == 0);
        if (len <= 255) {
            CHECK(rep.whole.events == std::vector<std::string>{fmt::format("@0 [{}]", escaped(user_line(len))),
                                                               fmt::format("@{} [PASS x\\r\\n]", len)});
        } else {
            // The next command is still delivered.
            CHECK(rep.whole.events == std::vector<std::string>{"error limit_exceeded @255 pop3_max_command_line",
                                                               fmt::format("@{} [PASS x\\r\\n]", len)});
        }
    }
    SECTION("254 octets then CRLF is 256 octets: over, even when the LF arrives later") {
        const std::string l = std::string(254, 'N') + "\r\n";
        const auto o = run_lines(l + "QUIT\r\n", {254});
        CHECK(o.events == std::vector<std::string>{"error limit_exceeded @255 pop3_max_command_line", "@256 [QUIT\\r\\n]"});
    }
    SECTION("an endless line costs no more memory than the limit") {
        p3::command_reader r;
        const std::string chunk(4096, 'z');
        REQUIRE(r.feed(chunk) == chunk.size());
        auto e = r.next_line();
        REQUIRE_FALSE(e);
        CHECK(e.error().code == errc::limit_exceeded);
        CHECK(e.error().offset == 255);
        for (int i = 0; i < 100; ++i) {
            REQUIRE(r.feed(chunk) == chunk.size());
            auto m = r.next_line();
            REQUIRE_FALSE(m);
            CHECK(m.error().code == errc::need_more);
            CHECK(r.buffered().empty());
        }
        REQUIRE(r.feed("zz\r\nNOOP\r\n") == 10);
        auto l = r.next_line();
        REQUIRE(l);
        CHECK(l->bytes == "NOOP\r\n");
        CHECK(l->offset == 4096u * 101 + 4);
    }
}

TEST_CASE("command_reader: lenient mode bounds command lines by max_line, at / below / above", "[pop3][reader]") {
    parse_options o = parse_options::make_lenient();
    o.max_line = 300;
    for (std::size_t len : {299u, 300u, 301u}) {
        INFO(len);
        const std::string l = "XTND " + std::string(len - 7, 'x') + "\r\n";
        const auto rep = every_line_split(l + "NOOP\r\n", o, p3::line_mode::command_line, 16);
        INFO(rep.first_mismatch);
        CHECK(rep.mismatches == 0);
        if (len <= 300) CHECK(rep.whole.events.size() == 2);
        else CHECK(rep.whole.events == std::vector<std::string>{"error limit_exceeded @300 max_line", fmt::format("@{} [NOOP\\r\\n]", len)});
    }
}

TEST_CASE("command_reader: AUTH responses are bounded by max_line only, in strict mode too (RFC 5034 §4)", "[pop3][reader]") {
    const std::string resp = std::string(1002, 'Q') + "==\r\n";
    const auto rep = every_line_split(resp + "*\r\n", {}, p3::line_mode::auth_response, 16);
    INFO(rep.first_mismatch);
    CHECK(rep.mismatches == 0);
    CHECK(rep.whole.events.size() == 2);
    p3::command_reader r;
    REQUIRE(r.feed("AUTH PLAIN\r\n" + resp + "*\r\n") > 0);
    auto a = r.next_command();
    REQUIRE(a);
    CHECK(*a == p3::command{p3::auth{"PLAIN", std::nullopt}});
    auto c = r.next_auth_continuation();
    REQUIRE(c);
    CHECK(c->base64.size() == 1004);
    auto cancel = r.next_auth_continuation();
    REQUIRE(cancel);
    CHECK(cancel->cancel);
    SECTION("the same line as a command is over the limit") {
        p3::command_reader r2;
        REQUIRE(r2.feed(resp) == resp.size());
        auto e = r2.next_line();
        REQUIRE_FALSE(e);
        CHECK(e.error().code == errc::limit_exceeded);
        CHECK(e.error().offset == 255);
        CHECK(e.error().expected == "pop3_max_command_line");
    }
}

TEST_CASE("command_reader quirk: bare LF line ends from hand-typed sessions (nc without -C sends LF only, seen in the wild)", "[pop3][reader][quirk]") {
    const std::string input = "USER bob\nPASS hungry\nQUIT\r\n";
    SECTION("lenient: framed on LF") {
        const auto rep = every_line_split(input, parse_options::make_lenient());
        INFO(rep.first_mismatch);
        CHECK(rep.mismatches == 0);
        CHECK(rep.whole.events == std::vector<std::string>{"@0 [USER bob\\n]", "@9 [PASS hungry\\n]", "@21 [QUIT\\r\\n]"});
        p3::command_reader r(parse_options::make_lenient());
        REQUIRE(r.feed(input) == input.size());
        auto c = r.next_command();
        REQUIRE(c);
        CHECK(*c == p3::command{p3::user{"bob"}});
        CHECK(r.last_line().text() == "USER bob");
    }
    SECTION("strict: strict_violation at each bare LF, the CRLF line after is delivered") {
        const auto rep = every_line_split(input);
        INFO(rep.first_mismatch);
        CHECK(rep.mismatches == 0);
        CHECK(rep.whole.events == std::vector<std::string>{"error strict_violation @8 CRLF", "error strict_violation @20 CRLF", "@21 [QUIT\\r\\n]"});
    }
}

TEST_CASE("command_reader: a line the caller rejects needs no resync, parse errors come at stream offsets", "[pop3][reader]") {
    p3::command_reader r;
    const std::string input = "NOOP\r\nRETR x\r\nSTAT\r\n";
    REQUIRE(r.feed(input) == input.size());
    REQUIRE(r.next_command());
    auto bad = r.next_command();
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::invalid_syntax);
    CHECK(bad.error().offset == 11); // the 'x'
    CHECK(r.last_line().bytes == "RETR x\r\n");
    CHECK(bad.error().offset - r.last_line().offset == 5);
    auto next = r.next_command();
    REQUIRE(next);
    CHECK(*next == p3::command{p3::stat{}});
}

TEST_CASE("command_reader: plaintext pipelined after STLS stays visible so the server can refuse it (RFC 2595 §4, CVE-2011-0411)", "[pop3][reader]") {
    p3::command_reader r;
    const std::string input = "STLS\r\nUSER mallory\r\n";
    REQUIRE(r.feed(input) == input.size());
    auto c = r.next_command();
    REQUIRE(c);
    CHECK(std::holds_alternative<p3::stls>(*c));
    CHECK(r.buffered() == "USER mallory\r\n");
    r.clear();
    CHECK(r.buffered().empty());
    CHECK(r.feed("CAPA\r\n") == 6);
    auto l = r.next_line();
    REQUIRE(l);
    CHECK(l->offset == input.size());
    CHECK(l->text() == "CAPA");
}
