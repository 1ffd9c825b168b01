// Tests for include/mailwire/imap/framer.hpp: message boundaries across literals in both
// directions, at every split point of every vector; the free-text rule; synchronizing
// literals accepted and refused (server side and client side); limits at, below and above
// their values with recovery; bare LF; AUTHENTICATE / DONE lines; resumability measured as
// bytes examined; no allocation in steady state.
#include <mailwire/imap/framer.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

namespace {

using mailwire::errc;
using mailwire::parse_options;
using mailwire::imap::buffered_framer;
using mailwire::imap::client_line;
using mailwire::imap::direction;
using mailwire::imap::frame_event;
using mailwire::imap::frame_status;
using mailwire::imap::framer;
using mailwire::imap::framer_config;
using mailwire::imap::literal_kind;
using mailwire::imap::literal_span;
using mailwire::imap::message_kind;

constexpr framer_config commands{direction::client_to_server, true, false};
constexpr framer_config commands_unannounced{direction::client_to_server, false, false};
constexpr framer_config responses{direction::server_to_client, true, false};

parse_options strict() { return parse_options{}; }
parse_options lenient() { return parse_options::make_lenient(); }

// ---- a transcript of what a framer reports, independent of chunking ----
//
// message <kind> @<stream offset> +<size> [<literal offset>,<size>,<kind>(,bin)]...
// announce <kind> @<offset> +<prefix size> n=<count> [spans so far]
// error <code> @<offset of the bad message> off=<offset in it> <expected>
// skip <bytes discarded since the last event>
// end <bytes consumed in all>

std::string spans_text(std::span<const literal_span> spans) {
    std::string s;
    for (const auto& l : spans)
        s += fmt::format(" [{},{},{}{}]", l.offset, l.size, mailwire::imap::to_string(l.kind), l.binary ? ",bin" : "");
    return s;
}

std::string M(std::string_view kind, std::size_t at, std::size_t size, const std::string& spans = "") {
    return fmt::format("message {} @{} +{}{}\n", kind, at, size, spans);
}
std::string A(std::size_t at, std::size_t size, std::uint64_t n, const std::string& spans) {
    return fmt::format("announce command @{} +{} n={}{}\n", at, size, n, spans);
}
std::string E(errc code, std::size_t at, std::size_t off, std::string_view expected) {
    return fmt::format("error {} @{} off={} {}\n", mailwire::to_string(code), at, off, expected);
}
std::string S(std::size_t n) { return fmt::format("skip {}\n", n); }
std::string END(std::size_t n) { return fmt::format("end {}\n", n); }
std::string L(std::size_t off, std::size_t n, std::string_view kind = "sync", bool binary = false) {
    return fmt::format(" [{},{},{}{}]", off, n, kind, binary ? ",bin" : "");
}

struct scenario {
    framer_config cfg = commands;
    parse_options opts = {};
    std::set<std::size_t> reject = {};                  // announcements (0-based) to refuse
    std::map<std::size_t, client_line> expect_after = {}; // after message #i, expect_line()
};

// Drives a framer over `input` delivered in chunks ending at `cuts` (increasing), the way a
// caller does: the buffer is the unconsumed bytes, and ev.consume is dropped after each event.
std::string drive(std::string_view input, const std::vector<std::size_t>& cuts, const scenario& sc,
                  std::uint64_t* examined = nullptr) {
    framer f(sc.cfg, sc.opts);
    std::string out;
    std::size_t head = 0, delivered = 0, next_cut = 0, announcements = 0, messages = 0, skipped = 0;
    auto flush = [&] {
        if (skipped != 0) out += S(skipped);
        skipped = 0;
    };
    const std::size_t guard = 4 * input.size() + 64;
    for (std::size_t step = 0; step < guard; ++step) {
        const frame_event ev = f.next(input.substr(head, delivered - head));
        switch (ev.status) {
        case frame_status::need_more:
            if (delivered == input.size()) {
                flush();
                out += END(head);
                if (examined != nullptr) *examined = f.examined();
                return out;
            }
            while (next_cut < cuts.size() && cuts[next_cut] <= delivered) ++next_cut;
            delivered = next_cut < cuts.size() ? cuts[next_cut++] : input.size();
            break;
        case frame_status::message:
            flush();
            out += fmt::format("message {} @{} +{}{}\n", mailwire::imap::to_string(ev.kind), head, ev.size, spans_text(ev.literals));
            if (auto it = sc.expect_after.find(messages); it != sc.expect_after.end()) f.expect_line(it->second);
            ++messages;
            break;
        case frame_status::literal_announced:
            flush();
            out += fmt::format("announce {} @{} +{} n={}{}\n", mailwire::imap::to_string(ev.kind), head, ev.size, ev.literal_size,
                               spans_text(ev.literals));
            if (sc.reject.count(announcements++) != 0) {
                out += f.reject_literal() ? "reject\n" : "reject failed\n";
            } else if (!f.accept_literal()) {
                out += "accept failed\n";
            }
            break;
        case frame_status::error:
            flush();
            out += E(ev.error.code, head, ev.error.offset, ev.error.expected);
            break;
        case frame_status::skip: skipped += ev.consume; break;
        }
        head += ev.consume;
    }
    return out + "no progress\n";
}

// The same through buffered_framer, fed in the same chunks (it hides skip events; the skipped
// byte counts are recovered from the stream offsets).
std::string drive_buffered(std::string_view input, const std::vector<std::size_t>& cuts, const scenario& sc) {
    buffered_framer f(sc.cfg, sc.opts);
    std::string out;
    std::size_t fed = 0, next_cut = 0, announcements = 0, messages = 0, accounted = 0;
    auto flush_to = [&](std::size_t at) {
        if (at > accounted) out += S(at - accounted);
        accounted = at;
    };
    const std::size_t guard = 4 * input.size() + 64;
    for (std::size_t step = 0; step < guard; ++step) {
        const auto ev = f.next();
        const std::size_t at = fed - f.buffered() - ev.consume;
        switch (ev.status) {
        case frame_status::need_more: {
            if (fed == input.size()) {
                flush_to(fed - f.buffered());
                out += END(fed - f.buffered());
                return out;
            }
            while (next_cut < cuts.size() && cuts[next_cut] <= fed) ++next_cut;
            const std::size_t to = next_cut < cuts.size() ? cuts[next_cut++] : input.size();
            f.feed(input.substr(fed, to - fed));
            fed = to;
            break;
        }
        case frame_status::message:
            flush_to(at);
            if (ev.bytes != input.substr(at, ev.size)) out += "bytes mismatch\n";
            if (ev.nul_free != (ev.bytes.find('\0') == std::string_view::npos)) out += "nul_free wrong\n";
            out += fmt::format("message {} @{} +{}{}\n", mailwire::imap::to_string(ev.kind), at, ev.size, spans_text(ev.literals));
            accounted = at + ev.size;
            if (auto it = sc.expect_after.find(messages); it != sc.expect_after.end()) f.expect_line(it->second);
            ++messages;
            break;
        case frame_status::literal_announced:
            flush_to(at);
            out += fmt::format("announce {} @{} +{} n={}{}\n", mailwire::imap::to_string(ev.kind), at, ev.size, ev.literal_size,
                               spans_text(ev.literals));
            if (sc.reject.count(announcements++) != 0) {
                out += f.reject_literal() ? "reject\n" : "reject failed\n";
            } else if (!f.accept_literal()) {
                out += "accept failed\n";
            }
            break;
        case frame_status::error:
            flush_to(at);
            out += E(ev.error.code, at, ev.error.offset, ev.error.expected);
            break;
        case frame_status::skip: out += "unexpected skip\n"; break;
        }
    }
    return out + "no progress\n";
}

std::vector<std::size_t> bytewise(std::size_t n) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < n; ++i) cuts.push_back(i);
    return cuts;
}

// Deterministic pseudo-random chunkings (chunk sizes 1..max_chunk).
std::vector<std::size_t> random_cuts(std::size_t n, std::uint32_t seed, std::size_t max_chunk) {
    std::vector<std::size_t> cuts;
    std::uint32_t x = seed * 2654435761u + 1u;
    for (std::size_t at = 0;;) {
        x = x * 1664525u + 1013904223u;
        at += 1 + (x >> 8) % max_chunk;
        if (at >= n) break;
        cuts.push_back(at);
    }
    return cuts;
}

// Every split point, byte by byte, random chunkings, and the buffered framer: all must give
// `want`. Only mismatches are reported, with the split that produced them.
void check_all_splits(std::string_view input, const scenario& sc, const std::string& want) {
    REQUIRE(drive(input, {}, sc) == want);
    std::size_t mismatches = 0;
    for (std::size_t s = 0; s <= input.size() && mismatches < 3; ++s) {
        for (const std::string& got : {drive(input, {s}, sc), drive_buffered(input, {s}, sc)}) {
            if (got != want) {
                ++mismatches;
                INFO("split at " << s);
                CHECK(got == want);
            }
        }
    }
    CHECK(mismatches == 0);
    CHECK(drive(input, bytewise(input.size()), sc) == want);
    for (std::uint32_t seed = 0; seed < 8; ++seed) {
        INFO("seed " << seed);
        CHECK(drive(input, random_cuts(input.size(), seed, 1 + seed * 7), sc) == want);
        CHECK(drive_buffered(input, random_cuts(input.size(), seed, 1 + seed * 7), sc) == want);
    }
    CHECK(drive_buffered(input, {}, sc) == want);
    CHECK(drive_buffered(input, bytewise(input.size()), sc) == want);
}

std::string repeat_text(std::size_t n) {
    // Literal data that looks like IMAP: CRLFs, "{5}" announcements, "* OK": none of it may
    // be taken for framing.
    static constexpr std::string_view pattern = "a1 LOGIN {5}\r\n* OK {3}\r\n~{2}\n+ {1}\r\n\r\n";
    std::string s;
    while (s.size() < n) s += pattern;
    s.resize(n);
    return s;
}

std::string read_vector(const char* name) {
    std::ifstream in(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

// ---- vectors at every split point ---------------------------------------------------------

TEST_CASE("framer: simple tagged commands", "[imap][framer]") {
    const std::string a = "a1 CAPABILITY\r\n", b = "a2 NOOP\r\n", c = "a3 SELECT INBOX\r\n", d = "a4 LOGOUT\r\n";
    const std::string in = a + b + c + d;
    std::size_t at = 0;
    std::string want;
    for (const auto& m : {a, b, c, d}) {
        want += M("command", at, m.size());
        at += m.size();
    }
    check_all_splits(in, {}, want + END(in.size()));
}

TEST_CASE("framer: LOGIN with two synchronizing literals (RFC 9051 section 7.5)", "[imap][framer]") {
    // C: A001 LOGIN {11}  S: + Ready ...  C: FRED FOOBAR {7}  S: + Ready ...  C: fat man
    const std::string l1 = "A001 LOGIN {11}\r\n", l2 = " {7}\r\n", next = "A002 NOOP\r\n";
    const std::string in = l1 + "FRED FOOBAR" + l2 + "fat man" + "\r\n" + next;
    const std::size_t second = l1.size() + 11 + l2.size();
    const std::size_t size = second + 7 + 2;
    const std::string spans = L(l1.size(), 11) + L(second, 7);
    const std::string want = A(0, l1.size(), 11, L(l1.size(), 11)) + A(0, second, 7, spans) +
                             M("command", 0, size, spans) + M("command", size, next.size()) + END(in.size());
    check_all_splits(in, {}, want);
}

TEST_CASE("framer: APPEND with a large synchronizing literal, and the RFC 9051 APPEND examples", "[imap][framer]") {
    SECTION("5000 octets of literal data that look like IMAP lines") {
        const std::string head = "A003 APPEND saved-messages (\\Seen) {5000}\r\n";
        const std::string data = repeat_text(5000);
        const std::string in = head + data + "\r\n" + "A004 NOOP\r\n";
        const std::size_t size = head.size() + 5000 + 2;
        const std::string want = A(0, head.size(), 5000, L(head.size(), 5000)) +
                                 M("command", 0, size, L(head.size(), 5000)) + M("command", size, 11) + END(in.size());
        check_all_splits(in, {}, want);
    }
    SECTION("RFC 9051 section 6.3.12: {326} synchronizing, then {297+} non-synchronizing") {
        const std::string sync_head = "A003 APPEND saved-messages (\\Seen) {326}\r\n";
        const std::string sync_msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
                                     "From: Fred Foobar <foobar@Blurdybloop.example>\r\n"
                                     "Subject: afternoon meeting\r\n"
                                     "To: mooch@owatagu.siam.edu.example\r\n"
                                     "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n"
                                     "MIME-Version: 1.0\r\n"
                                     "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
                                     "\r\n"
                                     "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
        const std::string plus_head = "A003 APPEND saved-messages (\\Seen) {297+}\r\n";
        const std::string plus_msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
                                     "From: Fred Foobar <foobar@example.com>\r\n"
                                     "Subject: afternoon meeting\r\n"
                                     "To: mooch@example.com\r\n"
                                     "Message-Id: <B27397-0100000@example.com>\r\n"
                                     "MIME-Version: 1.0\r\n"
                                     "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
                                     "\r\n"
                                     "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
        REQUIRE(sync_msg.size() == 326);
        REQUIRE(plus_msg.size() == 297);
        const std::string copy = "A004 COPY 2:4 meeting\r\n";
        const std::string in = sync_head + sync_msg + "\r\n" + plus_head + plus_msg + "\r\n" + copy;
        const std::size_t first = sync_head.size() + 326 + 2, second = plus_head.size() + 297 + 2;
        const std::string want = A(0, sync_head.size(), 326, L(sync_head.size(), 326)) +
                                 M("command", 0, first, L(sync_head.size(), 326)) +
                                 M("command", first, second, L(plus_head.size(), 297, "plus")) +
                                 M("command", first + second, copy.size()) + END(in.size());
        check_all_splits(in, {}, want);
    }
    SECTION("RFC 9051 section 6.4.4: SEARCH CHARSET UTF-8 TEXT {12} and {8+} with UTF-8 data") {
        const std::string a = "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\n";
        const std::string b = "P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\n";
        const std::string in = a + "\xD0\xBE\xD1\x82\xD0\xBF\xD1\x83\xD1\x81\xD0\xBA" + "\r\n" + b +
                               "\xD0\xBC\xD0\xB0\xD1\x82\xD1\x8C" + "\r\n";
        const std::size_t first = a.size() + 12 + 2;
        const std::string want = A(0, a.size(), 12, L(a.size(), 12)) + M("command", 0, first, L(a.size(), 12)) +
                                 M("command", first, b.size() + 8 + 2, L(b.size(), 8, "plus")) + END(in.size());
        check_all_splits(in, {}, want);
    }
}

TEST_CASE("framer: non-synchronizing literals {n+} (RFC 7888 section 3 example)", "[imap][framer]") {
    // C: A001 LOGIN {11+}  C: FRED FOOBAR {7+}  C: fat man  -- no continuation requests.
    const std::string l1 = "A001 LOGIN {11+}\r\n", l2 = " {7+}\r\n";
    const std::string in = l1 + "FRED FOOBAR" + l2 + "fat man\r\n" + "A002 NOOP\r\n";
    const std::size_t second = l1.size() + 11 + l2.size(), size = second + 7 + 2;
    const std::string want =
        M("command", 0, size, L(l1.size(), 11, "plus") + L(second, 7, "plus")) + M("command", size, 11) + END(in.size());
    check_all_splits(in, {}, want);
    // Framing the same bytes with synchronizing literals "already accepted" (a proxy, a log):
    const std::string sync_in = "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n";
    check_all_splits(sync_in, {commands_unannounced},
                     M("command", 0, sync_in.size(), L(17, 11) + L(34, 7)) + END(sync_in.size()));
}

TEST_CASE("framer: {n-} is a lenient-only quirk, LITERAL- still writes {n+} (RFC 7888 section 5)", "[imap][framer]") {
    const std::string l1 = "a1 LOGIN {3-}\r\n", l2 = " {4-}\r\n";
    const std::string in = l1 + "bob" + l2 + "pass\r\n" + "a2 NOOP\r\n";
    const std::size_t second = l1.size() + 3 + l2.size(), size = second + 4 + 2;
    SECTION("lenient: a non-synchronizing literal of kind minus (a client misreading RFC 7888)") {
        check_all_splits(in, {commands, lenient()},
                         M("command", 0, size, L(l1.size(), 3, "minus") + L(second, 4, "minus")) + M("command", size, 9) +
                             END(in.size()));
    }
    SECTION("strict: strict_violation at the '-'; the client sends the data anyway, so it is skipped") {
        const std::size_t minus_at = l1.find('-');
        check_all_splits(in, {commands, strict()},
                         E(errc::strict_violation, 0, minus_at, "\"+\" or \"}\" (LITERAL- still writes {n+}, RFC 7888 section 5)") +
                             S(size) + M("command", size, 9) + END(in.size()));
    }
}

TEST_CASE("framer: LITERAL- caps {n+} at 4096 octets in strict mode (RFC 7888 section 5)", "[imap][framer]") {
    const std::string ok_head = "a1 APPEND INBOX {4096+}\r\n", big_head = "a2 APPEND INBOX {4097+}\r\n";
    const std::string ok = ok_head + repeat_text(4096) + "\r\n", big = big_head + repeat_text(4097) + "\r\n";
    const std::string next = "a3 NOOP\r\n";
    const std::string in = ok + big + next;
    const framer_config minus{direction::client_to_server, true, true};
    SECTION("strict: 4096 accepted, 4097 refused at its '{', its data skipped, the next command kept") {
        check_all_splits(in, {minus, strict()},
                         M("command", 0, ok.size(), L(ok_head.size(), 4096, "plus")) +
                             E(errc::strict_violation, ok.size(), big_head.find('{'),
                               "a synchronizing literal above 4096 octets (LITERAL-)") +
                             S(big.size()) + M("command", ok.size() + big.size(), next.size()) + END(in.size()));
    }
    SECTION("lenient, or LITERAL+ (literal_minus off): both accepted") {
        const std::string want = M("command", 0, ok.size(), L(ok_head.size(), 4096, "plus")) +
                                 M("command", ok.size(), big.size(), L(big_head.size(), 4097, "plus")) +
                                 M("command", ok.size() + big.size(), next.size()) + END(in.size());
        check_all_splits(in, {minus, lenient()}, want);
        check_all_splits(in, {commands, strict()}, want);
    }
}

TEST_CASE("framer: literal8 ~{n} and ~{n+} (RFC 3516, RFC 4466 section 2.4)", "[imap][framer]") {
    const std::string h1 = "A5 APPEND INBOX ~{5}\r\n", h2 = "A6 APPEND INBOX ~{3+}\r\n";
    const std::string d1("ab\0cd", 5), d2("\0\r\n", 3);
    const std::string in = h1 + d1 + "\r\n" + h2 + d2 + "\r\n";
    const std::size_t first = h1.size() + 5 + 2;
    const std::string want = A(0, h1.size(), 5, L(h1.size(), 5, "sync", true)) +
                             M("command", 0, first, L(h1.size(), 5, "sync", true)) +
                             M("command", first, h2.size() + 3 + 2, L(h2.size(), 3, "plus", true)) + END(in.size());
    check_all_splits(in, {}, want);
}

TEST_CASE("buffered_framer: nul_free says whether a message holds a NUL, at every split", "[imap][framer][nul]") {
    // NULs in literal8 data (RFC 3516 BINARY), messages without NUL after them (the search
    // for the next NUL resumes past the consumed one), two NUL-bearing literals in one
    // message, and a literal over max_literal whose skipped data holds a NUL.
    const std::string h1 = "* 1 FETCH (BINARY[] ~{3}\r\n", m1 = h1 + std::string(3, '\0') + ")\r\n";
    const std::string m2 = "* 2 FETCH (UID 2)\r\n";
    const std::string h3 = "* 3 FETCH (BINARY[] ~{4}\r\n", d3("a\0b\0", 4), n3 = " BINARY[1] ~{1}\r\n";
    const std::string m3 = h3 + d3 + n3 + std::string(1, '\0') + ")\r\n";
    const std::string h4 = "* 4 FETCH (BODY[] {9}\r\n", big = "* 5 FETCH (BINARY[] ~{12}\r\n";
    const std::string m4 = h4 + "abcdefghi)\r\n", m5 = big + std::string("0123\0" "567890\0", 12) + ")\r\n";
    const std::string m6 = "a1 OK done\r\n";
    const std::string in = m1 + m2 + m3 + m4 + m5 + m6;
    scenario sc{responses};
    sc.opts.max_literal = 10;
    std::size_t at = 0;
    std::string want = M("data", at, m1.size(), L(h1.size(), 3, "sync", true));
    at += m1.size();
    want += M("data", at, m2.size());
    at += m2.size();
    want += M("data", at, m3.size(), L(h3.size(), 4, "sync", true) + L(h3.size() + 4 + n3.size(), 1, "sync", true));
    at += m3.size();
    want += M("data", at, m4.size(), L(h4.size(), 9));
    at += m4.size();
    want += E(errc::limit_exceeded, at, big.find('~'), "max_literal") + S(m5.size());
    at += m5.size();
    want += M("status", at, m6.size()) + END(in.size());
    check_all_splits(in, sc, want);

    // Directly, fed whole: which messages are NUL-free.
    buffered_framer f(responses, sc.opts);
    f.feed(in);
    std::string seen;
    for (auto ev = f.next(); ev.status != frame_status::need_more; ev = f.next())
        if (ev.status == frame_status::message) seen += ev.nul_free ? 'y' : 'n';
    CHECK(seen == "nynyy");
}

TEST_CASE("copy_find_nul: every variant copies all bytes and finds the first NUL", "[imap][framer][nul]") {
    namespace d = mailwire::imap::detail;
    using variant = std::size_t (*)(char*, const char*, std::size_t) noexcept;
    std::vector<std::pair<const char*, variant>> variants{{"portable", d::copy_find_nul_portable},
                                                          {"chosen", d::copy_find_nul}};
#if defined(__SSE2__)
    variants.emplace_back("sse2", static_cast<variant>(d::copy_find_nul_sse2));
#endif
#if MAILWIRE_FRAMER_AVX2_DISPATCH
    if (d::cpu_has_avx2()) variants.emplace_back("avx2", d::copy_find_nul_avx2);
#endif
    // Lengths past two 128-byte blocks, every NUL position (and none), a second NUL after the
    // first, every other byte value around them (0x80-0xFF must not read as below 1).
    std::size_t checked = 0;
    for (std::size_t n = 0; n <= 300; n += (n < 140 ? 1 : 7)) {
        std::string src(n, 'x');
        for (std::size_t i = 0; i < n; ++i) src[i] = static_cast<char>(1 + (i * 37) % 255);
        for (std::size_t nul = 0; nul <= n; ++nul) {
            std::string in = src;
            if (nul < n) in[nul] = '\0';
            if (nul + 70 < n) in[nul + 70] = '\0';
            for (const auto& [name, fn] : variants) {
                std::string out(n + 1, '#');
                const std::size_t got = fn(out.data(), in.data(), n);
                if (got != nul || out.compare(0, n, in) != 0 || out[n] != '#') {
                    INFO(name << " n=" << n << " nul=" << nul);
                    CHECK(got == nul);
                    CHECK(out.substr(0, n) == in);
                    CHECK(out[n] == '#');
                }
                ++checked;
            }
        }
    }
    CHECK(checked > 20000);
}

TEST_CASE("framer: FETCH responses with several literals in one message (RFC 9051 section 8)", "[imap][framer]") {
    // S: * 12 FETCH (BODY[HEADER] {342} ... )   then the tagged OK.
    const std::string header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
                               "From: Terry Gray <gray@cac.washington.edu>\r\n"
                               "Subject: IMAP4rev2 WG mtg summary and minutes\r\n"
                               "To: imap@cac.washington.edu\r\n"
                               "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n"
                               "Message-Id: <B27397-0100000@cac.washington.edu>\r\n"
                               "MIME-Version: 1.0\r\n"
                               "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
                               "\r\n";
    REQUIRE(header.size() == 342);
    const std::string f1 = "* 12 FETCH (BODY[HEADER] {342}\r\n" + header + ")\r\n";
    const std::string h2 = "* 13 FETCH (BODY[1] {5}\r\n", m2 = " BINARY[2] ~{4}\r\n", m3 = " BODY[3] {0}\r\n";
    const std::string f2 = h2 + "hello" + m2 + std::string("a\0b\n", 4) + m3 + " UID 7)\r\n";
    const std::string ok = "a004 OK FETCH completed\r\n";
    const std::string in = f1 + f2 + ok;
    const std::size_t l2 = h2.size(), l3 = l2 + 5 + m2.size(), l4 = l3 + 4 + m3.size();
    const std::string want = M("data", 0, f1.size(), L(32, 342)) +
                             M("data", f1.size(), f2.size(), L(l2, 5) + L(l3, 4, "sync", true) + L(l4, 0)) +
                             M("status", f1.size() + f2.size(), ok.size()) + END(in.size());
    check_all_splits(in, {responses}, want);
}

TEST_CASE("framer: '{n}' at the end of free text is not a literal", "[imap][framer]") {
    // resp-text (RFC 9051 section 9) and continue-req never hold a literal, whatever the
    // text ends with; untagged data and commands do.
    const std::vector<std::string> free = {
        "* OK [ALERT] size is {5}\r\n",
        "* OK [BADCHARSET (UTF-8)] text{5}\r\n",
        "* NO [OVERQUOTA] {10}\r\n",
        "* BAD {1}\r\n",
        "* BYE going {1}\r\n",
        "* PREAUTH {2}\r\n",
        "* ok lower case {5}\r\n",
        "* OK\r\n",
        "a1 OK done {5}\r\n",
        "A.b-1 no [TRYCREATE] {7+}\r\n",
        "a2 BAD ~{3}\r\n",
        "+ Ready {3}\r\n",
        "+ {3}\r\n",
        "+\r\n",
    };
    std::string in;
    std::string want;
    for (const auto& line : free) {
        const auto kind = line[0] == '+' ? "continuation_request" : "status";
        want += M(kind, in.size(), line.size());
        in += line;
    }
    // Not status responses: the last "{n}" announces a literal.
    const std::vector<std::string> data_heads = {
        "* OKAY {2}\r\n",             // OKAY is not OK
        "* 1 FETCH (BODY[] {2}\r\n",  // data
        "* LIST () \"/\" {2}\r\n",    // a mailbox as a literal
        "a3 BYE {2}\r\n",             // BYE is never tagged
        "*OK {2}\r\n",                // no SP after "*": not resp-cond-state
    };
    for (const auto& head : data_heads) {
        const std::string msg = head + "xy\r\n";
        want += M("data", in.size(), msg.size(), L(head.size(), 2));
        in += msg;
    }
    check_all_splits(in, {responses}, want + END(in.size()));

    // The same "* OK ... {5}" line sent by a client is a command with a literal: commands have
    // no free text.
    const std::string cmd = "* OK [ALERT] size is {5}\r\nhello\r\n";
    check_all_splits(cmd, {commands_unannounced}, M("command", 0, cmd.size(), L(26, 5)) + END(cmd.size()));
}

TEST_CASE("framer: braces that do not announce a literal", "[imap][framer]") {
    const std::vector<std::string> lines = {
        "a1 SEARCH SUBJECT {abc}\r\n", "a2 X {5\r\n",   "a3 X { 5}\r\n",     "a4 X {}\r\n",
        "a5 X {+5}\r\n",              "a6 X {5}x\r\n", "a7 X {5}}\r\n",     "a8 X {5} \r\n",
        "a9 X {5++}\r\n",             "b1 X {5+-}\r\n", "b2 X {5}\r\r\n",   "b3 X {-5}\r\n",
        "b4 X {5}{\r\n",              "b5 X 5}\r\n",   "b6 X ~5}\r\n",      "b7 X {5 }\r\n",
    };
    std::string in;
    std::string want;
    for (const auto& line : lines) {
        want += M("command", in.size(), line.size());
        in += line;
    }
    // "{05}": number64 = 1*DIGIT allows leading zeros; "{5{6}": the last "{" counts.
    const std::string z = "c1 X {05}\r\nhello\r\n", w = "c2 X {5{6}\r\nsixsix\r\n";
    want += A(in.size(), 11, 5, L(11, 5)) + M("command", in.size(), z.size(), L(11, 5));
    in += z;
    want += A(in.size(), 12, 6, L(12, 6)) + M("command", in.size(), w.size(), L(12, 6));
    in += w;
    check_all_splits(in, {}, want + END(in.size()));
}

TEST_CASE("framer: Dovecot 2.3.19 session, both directions", "[imap][framer]") {
    const std::string server = read_vector("dovecot-2.3.19-server.raw");
    const std::string client = read_vector("dovecot-2.3.19-client.raw");
    REQUIRE(server.size() > 1000);
    REQUIRE(client.size() > 100);

    SECTION("server -> client: one FETCH with a {366} literal, every other response one line") {
        framer f(responses);
        std::string_view rest = server;
        std::size_t messages = 0, with_literal = 0;
        for (;;) {
            const auto ev = f.next(rest);
            if (ev.status == frame_status::need_more) break;
            REQUIRE(ev.status == frame_status::message);
            const std::string_view msg = ev.bytes(rest);
            REQUIRE(msg.size() >= 2);
            CHECK(msg.substr(msg.size() - 2) == "\r\n");
            if (!ev.literals.empty()) {
                ++with_literal;
                REQUIRE(ev.literals.size() == 1);
                CHECK(ev.literals[0].size == 366);
                CHECK(msg.substr(0, ev.literals[0].offset) == "* 7 FETCH (BODY[] {366}\r\n");
                CHECK(msg.substr(ev.literals[0].offset + 366) == ")\r\n");
            } else {
                CHECK(msg.find('\n') == msg.size() - 1);
            }
            const std::string_view word = msg.substr(msg.find(' ') + 1);
            const bool status = word.starts_with("OK ") || word.starts_with("NO ") || word.starts_with("BAD ") ||
                                word.starts_with("BYE ");
            CHECK((ev.kind == message_kind::status) == status);
            rest.remove_prefix(ev.consume);
            ++messages;
        }
        CHECK(rest.empty());
        CHECK(with_literal == 1);
        // 53 CRLFs in the file; 13 lie inside the literal, and the FETCH spans two lines.
        CHECK(messages == 39);
        // Every split point gives the same framing.
        const std::string want = drive(server, {}, {responses});
        std::size_t mismatches = 0;
        for (std::size_t s = 0; s <= server.size(); s += 7)
            if (drive(server, {s}, {responses}) != want) ++mismatches;
        CHECK(mismatches == 0);
        CHECK(drive(server, bytewise(server.size()), {responses}) == want);
    }
    SECTION("client -> server: ten commands") {
        std::string want;
        std::size_t at = 0;
        for (std::size_t nl = client.find('\n'); nl != std::string::npos; nl = client.find('\n', at)) {
            want += M("command", at, nl + 1 - at);
            at = nl + 1;
        }
        check_all_splits(client, {}, want + END(client.size()));
        CHECK(drive(client, {}, {}).find("message command @0 +15\n") == 0);
    }
}

// ---- synchronizing literals: accepted, refused; server side and client side --------------------

TEST_CASE("framer: server side accepts or refuses a synchronizing literal", "[imap][framer]") {
    SECTION("accept: the data follows, the command completes") {
        framer f(commands);
        std::string buf = "A001 LOGIN {11}\r\n";
        auto ev = f.next(buf);
        REQUIRE(ev.status == frame_status::literal_announced);
        CHECK(ev.size == buf.size());
        CHECK(ev.consume == 0);
        CHECK(ev.literal_size == 11);
        REQUIRE(ev.literals.size() == 1);
        CHECK(ev.literals[0] == literal_span{17, 11, literal_kind::sync, false});
        CHECK(f.literal_pending());
        // Until the server decides, next() reports the same announcement.
        const auto again = f.next(buf);
        CHECK(again.status == frame_status::literal_announced);
        CHECK(again.size == ev.size);
        CHECK(f.accept_literal());
        CHECK_FALSE(f.accept_literal());
        CHECK_FALSE(f.reject_literal());
        CHECK(f.next(buf).status == frame_status::need_more);
        buf += "FRED FOOBAR {7}\r\n";
        ev = f.next(buf);
        REQUIRE(ev.status == frame_status::literal_announced);
        CHECK(ev.size == buf.size());
        CHECK(f.accept_literal());
        buf += "fat man\r\n";
        ev = f.next(buf);
        REQUIRE(ev.status == frame_status::message);
        CHECK(ev.bytes(buf) == buf);
        CHECK(ev.literals.size() == 2);
    }
    SECTION("refuse (RFC 9051 section 7.5: A044 BLURDYBLOOP {102856} / A044 BAD): the next line is a new command") {
        const std::string bad = "A044 BLURDYBLOOP {102856}\r\n", next = "A045 NOOP\r\n";
        const std::string in = bad + next;
        scenario sc;
        sc.reject = {0};
        check_all_splits(in, sc,
                         A(0, bad.size(), 102856, L(bad.size(), 102856)) + "reject\n" + S(bad.size()) +
                             M("command", bad.size(), next.size()) + END(in.size()));
        // Refused after a first accepted literal: the whole command so far is dropped.
        const std::string two = "A1 LOGIN {3}\r\nbob {200000}\r\n";
        sc.reject = {1};
        check_all_splits(two + next, sc,
                         A(0, 14, 3, L(14, 3)) + A(0, two.size(), 200000, L(14, 3) + L(two.size(), 200000)) + "reject\n" +
                             S(two.size()) + M("command", two.size(), next.size()) + END(two.size() + next.size()));
    }
    SECTION("responses never wait: a server's {n} is followed by its data at once") {
        const std::string in = "* 1 FETCH (BODY[] {3}\r\nabc)\r\n";
        framer f(responses);
        const auto ev = f.next(in);
        CHECK(ev.status == frame_status::message);
        CHECK(ev.size == in.size());
        CHECK_FALSE(f.literal_pending());
    }
}

TEST_CASE("framer: client side waits for '+' after a synchronizing literal, or gives up on NO/BAD", "[imap][framer]") {
    // The client composes the whole command, frames it itself (sync literals not announced) to
    // learn where it must pause, sends up to each synchronizing literal's data, and waits for the
    // server's reply, which its response framer classifies.
    framer server(commands);
    framer client_responses(responses);
    std::string to_server, to_client;

    auto client_sends = [&](std::string_view cmd, const std::string& server_reply_to_literal, bool server_accepts) -> bool {
        framer own(commands_unannounced);
        const auto framed = own.next(cmd);
        REQUIRE(framed.status == frame_status::message);
        REQUIRE(framed.size == cmd.size());
        std::size_t sent = 0;
        for (const auto& lit : framed.literals) {
            if (!lit.synchronizing()) continue;
            to_server += cmd.substr(sent, lit.offset - sent);
            sent = lit.offset;
            // The server sees the announcement and answers.
            const auto ev = server.next(to_server);
            REQUIRE(ev.status == frame_status::literal_announced);
            CHECK(ev.literal_size == lit.size);
            CHECK(ev.size == lit.offset);
            to_client += server_reply_to_literal;
            if (server_accepts) CHECK(server.accept_literal());
            else CHECK(server.reject_literal());
            // The client reads the reply.
            const auto reply = client_responses.next(to_client);
            REQUIRE(reply.status == frame_status::message);
            to_client.erase(0, reply.consume);
            if (reply.kind != message_kind::continuation_request) {
                CHECK(reply.kind == message_kind::status);
                return false; // tagged NO/BAD: the rest of the command is never sent
            }
        }
        to_server += cmd.substr(sent);
        return true;
    };

    SECTION("server accepts both literals") {
        const std::string cmd = "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n";
        CHECK(client_sends(cmd, "+ Ready for additional command text\r\n", true));
        const auto ev = server.next(to_server);
        REQUIRE(ev.status == frame_status::message);
        CHECK(ev.bytes(to_server) == cmd);
        CHECK(ev.literals.size() == 2);
        CHECK(to_client.empty());
    }
    SECTION("server refuses; the client's next command is framed as a new command") {
        const std::string cmd = "A044 BLURDYBLOOP {102856}\r\n" + repeat_text(102856) + "\r\n";
        CHECK_FALSE(client_sends(cmd, "A044 BAD No such command as \"BLURDYBLOOP\"\r\n", false));
        CHECK(to_server == "A044 BLURDYBLOOP {102856}\r\n");
        CHECK(client_sends("A045 NOOP\r\n", "", true));
        auto ev = server.next(to_server);
        REQUIRE(ev.status == frame_status::skip);
        CHECK(ev.consume == 27);
        to_server.erase(0, ev.consume);
        ev = server.next(to_server);
        REQUIRE(ev.status == frame_status::message);
        CHECK(ev.bytes(to_server) == "A045 NOOP\r\n");
    }
}

// ---- limits --------------------------------------------------------------------------------

TEST_CASE("framer: max_line at, below and above, with recovery", "[imap][framer][limits]") {
    parse_options o;
    o.max_line = 16;
    const std::string line15 = "a1 X 789012345\r\n";   // 16 octets: at the limit
    const std::string line14 = "a2 X 78901234\r\n";    // 15 octets
    const std::string line16 = "a3 X 7890123456\r\n";  // 17 octets: above
    REQUIRE(line15.size() == 16);
    REQUIRE(line14.size() == 15);
    REQUIRE(line16.size() == 17);
    const std::string next = "a4 NOOP\r\n";
    const std::string in = line15 + line14 + line16 + next;
    const std::size_t bad = line15.size() + line14.size();
    check_all_splits(in, {commands, o},
                     M("command", 0, 16) + M("command", 16, 15) + E(errc::limit_exceeded, bad, 16, "max_line") +
                         S(line16.size()) + M("command", bad + line16.size(), next.size()) + END(in.size()));

    SECTION("a line after a literal is measured from the literal's end; the literal is not a line") {
        const std::string head = "a5 APPEND x {40}\r\n"; // 18 > 16: the first line is too long
        parse_options wide;
        wide.max_line = 18;
        const std::string tail_ok = " (1234567890123)\r\n"; // 18 octets
        const std::string tail_bad = " (12345678901234)\r\n"; // 19 octets
        const std::string good = head + repeat_text(40) + tail_ok, worse = head + repeat_text(40) + tail_bad;
        const std::string s = good + worse + next;
        check_all_splits(s, {commands_unannounced, wide},
                         M("command", 0, good.size(), L(18, 40)) +
                             E(errc::limit_exceeded, good.size(), 18 + 40 + 18, "max_line") + S(worse.size()) +
                             M("command", good.size() + worse.size(), next.size()) + END(s.size()));
    }
    SECTION("an over-long line that ends in a non-synchronizing literal: the literal is skipped too") {
        const std::string longer = "a6 APPEND xxxxxxxxxx {5+}\r\nhello\r\n";
        const std::string s = longer + next;
        check_all_splits(s, {commands, o},
                         E(errc::limit_exceeded, 0, 16, "max_line") + S(longer.size()) + M("command", longer.size(), next.size()) +
                             END(s.size()));
    }
    SECTION("an over-long status line is still free text") {
        const std::string status = "* OK [ALERT] this is long {5}\r\n";
        const std::string s = status + "* 1 EXISTS\r\n";
        check_all_splits(s, {responses, o},
                         E(errc::limit_exceeded, 0, 16, "max_line") + S(status.size()) + M("data", status.size(), 12) +
                             END(s.size()));
    }
}

TEST_CASE("framer: max_literal at, below and above, with recovery", "[imap][framer][limits]") {
    parse_options o;
    o.max_literal = 10;
    const std::string next = "a9 NOOP\r\n";
    SECTION("non-synchronizing: the client sends the data anyway, so it is skipped") {
        const std::string at = "a1 X {10+}\r\n0123456789\r\n", below = "a2 X {9+}\r\n012345678\r\n",
                          above = "a3 X {11+}\r\n0123456789a\r\n";
        const std::string in = at + below + above + next;
        const std::size_t bad = at.size() + below.size();
        check_all_splits(in, {commands, o},
                         M("command", 0, at.size(), L(12, 10, "plus")) + M("command", at.size(), below.size(), L(11, 9, "plus")) +
                             E(errc::limit_exceeded, bad, 5, "max_literal") + S(above.size()) +
                             M("command", bad + above.size(), next.size()) + END(in.size()));
    }
    SECTION("synchronizing: refused before the client sends it; the next line is a new command") {
        const std::string at = "a1 X {10}\r\n0123456789\r\n", above = "a3 X {11}\r\n";
        const std::string in = at + above + next;
        check_all_splits(in, {commands, o},
                         A(0, 11, 10, L(11, 10)) + M("command", 0, at.size(), L(11, 10)) +
                             E(errc::limit_exceeded, at.size(), 5, "max_literal") + S(above.size()) +
                             M("command", at.size() + above.size(), next.size()) + END(in.size()));
    }
    SECTION("synchronizing, framed as already accepted (a proxy, a log): the data is there, so it is skipped") {
        const std::string above = "a3 X {11}\r\n0123456789a\r\n";
        check_all_splits(above + next, {commands_unannounced, o},
                         E(errc::limit_exceeded, 0, 5, "max_literal") + S(above.size()) + M("command", above.size(), next.size()) +
                             END(above.size() + next.size()));
    }
    SECTION("server -> client: every literal is sent, so an over-limit one is skipped") {
        const std::string above = "* 1 FETCH (BODY[] {11}\r\n0123456789a)\r\n", ok = "* 2 EXISTS\r\n";
        const std::string in = above + ok;
        check_all_splits(in, {responses, o},
                         E(errc::limit_exceeded, 0, 18, "max_literal") + S(above.size()) + M("data", above.size(), ok.size()) +
                             END(in.size()));
    }
    SECTION("literal8 reports the '~'") {
        const std::string above = "a1 APPEND x ~{11+}\r\n0123456789a\r\n";
        check_all_splits(above + next, {commands, o},
                         E(errc::limit_exceeded, 0, 12, "max_literal") + S(above.size()) + M("command", above.size(), next.size()) +
                             END(above.size() + next.size()));
    }
    SECTION("a count beyond number64 cannot be skipped: the message ends at that line") {
        const std::string huge = "a1 X {9223372036854775808+}\r\n", max = "a2 X {9223372036854775807}\r\n";
        const std::string in = huge + max + next;
        check_all_splits(in, {commands, o},
                         E(errc::number_out_of_range, 0, 6, "number64") + S(huge.size()) +
                             E(errc::limit_exceeded, huge.size(), 5, "max_literal") + S(max.size()) +
                             M("command", huge.size() + max.size(), next.size()) + END(in.size()));
    }
}

TEST_CASE("framer: max_literals_per_message at, below and above, with recovery", "[imap][framer][limits]") {
    parse_options o;
    o.max_literals_per_message = 2;
    const std::string two = "a1 X {1+}\r\na {1+}\r\nb\r\n", three = "a2 X {1+}\r\na {1+}\r\nb {1+}\r\nc\r\n";
    const std::string one = "a3 X {1+}\r\na\r\n";
    const std::string in = two + three + one;
    check_all_splits(in, {commands, o},
                     M("command", 0, two.size(), L(11, 1, "plus") + L(19, 1, "plus")) +
                         E(errc::limit_exceeded, two.size(), 21, "max_literals_per_message") + S(three.size()) +
                         M("command", two.size() + three.size(), one.size(), L(11, 1, "plus")) + END(in.size()));

    SECTION("caller-provided storage bounds the count too, and never allocates") {
        std::array<literal_span, 1> storage{};
        framer f(commands, parse_options{}, storage);
        const std::string a = "a1 X {1+}\r\na\r\n", b = "a2 X {1+}\r\na {1+}\r\nb\r\n";
        auto ev = f.next(a);
        REQUIRE(ev.status == frame_status::message);
        REQUIRE(ev.literals.size() == 1);
        CHECK(ev.literals.data() == storage.data());
        ev = f.next(b);
        REQUIRE(ev.status == frame_status::error);
        CHECK(ev.error == mailwire::parse_error{errc::limit_exceeded, 13, "max_literals_per_message"});
    }
}

TEST_CASE("framer: max_message at, below and above, with recovery", "[imap][framer][limits]") {
    parse_options o;
    o.max_message = 30;
    const std::string next = "a9 NOOP\r\n";
    SECTION("lines only") {
        std::string at = "a1 X {3+}\r\nabc ", above = "a2 X {3+}\r\nabc ";
        at += std::string(30 - 2 - at.size(), '1') + "\r\n";        // 30 octets
        above += std::string(31 - 2 - above.size(), '1') + "\r\n";  // 31
        REQUIRE(at.size() == 30);
        REQUIRE(above.size() == 31);
        const std::string in = at + above + next;
        check_all_splits(in, {commands, o},
                         M("command", 0, 30, L(11, 3, "plus")) + E(errc::limit_exceeded, 30, 30, "max_message") + S(31) +
                             M("command", 61, next.size()) + END(in.size()));
    }
    SECTION("a literal that leaves no room for the line end is refused at its '{'") {
        const std::string ok = "a1 X {16+}\r\n" + repeat_text(16) + "\r\n";    // 30: at the limit
        const std::string below = "a1 X {15+}\r\n" + repeat_text(15) + "\r\n"; // 29
        // 12 + 18 = 30: no room left for a line end, refused at the announcement.
        const std::string at = "a1 X {18+}\r\n" + repeat_text(18) + "\r\n";
        // 12 + 17 = 29 fits, but its CRLF makes 31: refused at offset 30, inside the line.
        const std::string edge = "a1 X {17+}\r\n" + repeat_text(17) + "\r\n";
        const std::string in = ok + below + at + edge + next;
        const std::size_t bad = ok.size() + below.size();
        check_all_splits(in, {commands, o},
                         M("command", 0, 30, L(12, 16, "plus")) + M("command", 30, 29, L(12, 15, "plus")) +
                             E(errc::limit_exceeded, bad, 5, "max_message") + S(at.size()) +
                             E(errc::limit_exceeded, bad + at.size(), 30, "max_message") + S(edge.size()) +
                             M("command", bad + at.size() + edge.size(), next.size()) + END(in.size()));
    }
}

TEST_CASE("framer: default limits are the documented safe ones", "[imap][framer][limits]") {
    const parse_options o;
    CHECK(o.max_line == 64 * 1024);
    CHECK(o.max_literal == 64ull * 1024 * 1024);
    CHECK(o.max_literals_per_message == 1024);
    CHECK(o.max_message == 128ull * 1024 * 1024);
    // A default framer refuses a 65 KiB line.
    const std::string line = "a1 X " + std::string(70000, 'x') + "\r\n";
    framer f;
    const auto ev = f.next(line);
    REQUIRE(ev.status == frame_status::error);
    CHECK(ev.error == mailwire::parse_error{errc::limit_exceeded, 64 * 1024, "max_line"});
}

TEST_CASE("framer: a server's non-synchronizing literal is invalid_syntax, its data is skipped", "[imap][framer]") {
    const std::string bad = "* 1 FETCH (BODY[] {3+}\r\nabc)\r\n", ok = "* 2 EXISTS\r\n";
    const std::string in = bad + ok;
    for (const auto& o : {strict(), lenient()}) {
        check_all_splits(in, {responses, o},
                         E(errc::invalid_syntax, 0, 20, "\"}\" (a server never sends a non-synchronizing literal)") +
                             S(bad.size()) + M("data", bad.size(), ok.size()) + END(in.size()));
    }
}

// ---- line ends -----------------------------------------------------------------------------

TEST_CASE("framer: bare LF accepted in lenient mode (netcat without -C, line-rewriting proxies)", "[imap][framer][quirk]") {
    const std::string in = "a1 NOOP\na2 LOGIN {3}\nbob pw\r\n";
    REQUIRE(in.size() == 29);
    SECTION("commands, lenient") {
        check_all_splits(in, {commands, lenient()},
                         M("command", 0, 8) + A(8, 13, 3, L(13, 3)) + M("command", 8, 21, L(13, 3)) + END(29));
    }
    SECTION("responses, lenient (a status line with bare LF)") {
        const std::string r = "* OK {5}\n* 1 FETCH (BODY[] {2}\nhi)\n";
        check_all_splits(r, {responses, lenient()}, M("status", 0, 9) + M("data", 9, r.size() - 9, L(22, 2)) + END(r.size()));
    }
    SECTION("strict: strict_violation at the LF; the line is dropped, what the peer sends next is kept") {
        // The second line announces a synchronizing literal: refused, so the client never
        // sends it, and "bob pw" is taken as the next command.
        check_all_splits(in, {commands, strict()},
                         E(errc::strict_violation, 0, 7, "CRLF") + S(8) + E(errc::strict_violation, 8, 12, "CRLF") + S(13) +
                             M("command", 21, 8) + END(29));
        // A non-synchronizing literal after a bare LF is sent anyway, so it is skipped.
        const std::string plus = "a1 LOGIN {3+}\nbob pw\r\na2 NOOP\r\n";
        check_all_splits(plus, {commands, strict()},
                         E(errc::strict_violation, 0, 13, "CRLF") + S(22) + M("command", 22, 9) + END(plus.size()));
    }
    SECTION("a CR that ends a literal's data does not pair with the LF after it") {
        const std::string s = "a1 X {3+}\r\nab\r\na2 NOOP\r\n";
        check_all_splits(s, {commands, strict()},
                         E(errc::strict_violation, 0, 14, "CRLF") + S(15) + M("command", 15, 9) + END(s.size()));
        check_all_splits(s, {commands, lenient()}, M("command", 0, 15, L(11, 3, "plus")) + M("command", 15, 9) + END(s.size()));
    }
}

// ---- AUTHENTICATE and IDLE lines -------------------------------------------------------------

TEST_CASE("framer: expect_line() frames AUTHENTICATE responses and DONE as single lines", "[imap][framer]") {
    // RFC 9051 section 6.2.2 / RFC 4959 / RFC 2177 section 3.
    const std::string auth = "a1 AUTHENTICATE PLAIN\r\n", resp = "AGZyZWQAdGlnZXI=\r\n", odd = "ab{5}\r\n",
                      cancel = "*\r\n", idle = "a2 IDLE\r\n", done = "done\r\n", noop = "a3 NOOP\r\n";
    const std::string in = auth + resp + odd + cancel + idle + done + noop;
    scenario sc;
    sc.expect_after = {{0, client_line::authenticate_response},
                       {1, client_line::authenticate_response},
                       {2, client_line::authenticate_response},
                       {4, client_line::idle_done}};
    std::size_t at = 0;
    std::string want;
    auto add = [&](std::string_view kind, const std::string& m) {
        want += M(kind, at, m.size());
        at += m.size();
    };
    add("command", auth);
    add("authenticate_response", resp);
    add("authenticate_response", odd); // "{5}" at the end of a continuation line is no literal
    add("authenticate_response", cancel);
    add("command", idle);
    add("idle_done", done);
    add("command", noop);
    check_all_splits(in, sc, want + END(in.size()));
    // Without expect_line() the same "ab{5}" line would announce a literal.
    CHECK(drive(odd, {}, {}).starts_with("announce command @0 +7 n=5"));
    // It has no effect on responses.
    framer r(responses);
    r.expect_line(client_line::idle_done);
    CHECK(r.next(std::string_view("* OK\r\n")).kind == message_kind::status);
}

TEST_CASE("parse_authenticate_continuation: base64 or star then CRLF (RFC 9051 section 6.2.2)", "[imap][framer][auth]") {
    using mailwire::imap::authenticate_response;
    using mailwire::imap::parse_authenticate_continuation;
    // RFC 4959 section 3 / RFC 4616 PLAIN: "\0fred\0tiger".
    auto r = parse_authenticate_continuation("AGZyZWQAdGlnZXI=\r\n");
    REQUIRE(r);
    CHECK(*r == authenticate_response{false, "AGZyZWQAdGlnZXI="});
    r = parse_authenticate_continuation("*\r\n");
    REQUIRE(r);
    CHECK(r->cancel);
    r = parse_authenticate_continuation("\r\n");
    REQUIRE(r);
    CHECK(*r == authenticate_response{false, ""});

    struct bad_case {
        const char* line;
        errc code;
        std::size_t offset;
    };
    for (const auto& b : {bad_case{"AGZy ZWQ=\r\n", errc::invalid_syntax, 4}, bad_case{"=AAA\r\n", errc::invalid_syntax, 0},
                          bad_case{"AAA=BBBB\r\n", errc::invalid_syntax, 4}, bad_case{"AAA\r\n", errc::invalid_syntax, 3},
                          bad_case{"**\r\n", errc::invalid_syntax, 0}, bad_case{"AAAA", errc::invalid_syntax, 4},
                          bad_case{"AAAA\r", errc::invalid_syntax, 5}, bad_case{"AA\rAA\r\n", errc::invalid_syntax, 3},
                          bad_case{"AAAA\r\nAAAA\r\n", errc::invalid_syntax, 6}, bad_case{"AAAA\n", errc::strict_violation, 4}}) {
        INFO(b.line);
        const auto e = parse_authenticate_continuation(b.line);
        REQUIRE_FALSE(e);
        CHECK(e.error().code == b.code);
        CHECK(e.error().offset == b.offset);
    }
    // Bare LF: lenient only.
    CHECK(parse_authenticate_continuation("AAAA\n", lenient()));
    parse_options small;
    small.max_line = 6;
    CHECK(parse_authenticate_continuation("AAAA\r\n", small));
    const auto too_long = parse_authenticate_continuation("AAAAAAAA\r\n", small);
    REQUIRE_FALSE(too_long);
    CHECK(too_long.error() == mailwire::parse_error{errc::limit_exceeded, 6, "max_line"});

    // Round trip: parse -> format -> parse, canonical input byte for byte.
    for (const char* line : {"AGZyZWQAdGlnZXI=\r\n", "*\r\n", "\r\n", "QQ==\r\n"}) {
        const auto v = parse_authenticate_continuation(line);
        REQUIRE(v);
        const auto wire = mailwire::to_wire(*v);
        REQUIRE(wire);
        CHECK(*wire == line);
        CHECK(*parse_authenticate_continuation(*wire) == *v);
    }
    CHECK(fmt::format("{:v}", authenticate_response{false, "QQ=="}) == "AUTHENTICATE-response base64=<redacted, 4 octets>");
    CHECK(fmt::format("{:v}", authenticate_response{true, {}}) == "AUTHENTICATE-response cancel");
    CHECK(fmt::format("{:v}", authenticate_response{false, {}}) == "AUTHENTICATE-response empty");
    // Values that would not parse back are refused.
    CHECK(mailwire::to_wire(authenticate_response{false, "QQ==\r\nA1 LOGOUT"}).error().code == errc::unsafe_value);
    CHECK(mailwire::to_wire(authenticate_response{true, "QQ=="}).error().code == errc::unsafe_value);
}

TEST_CASE("parse_idle_done: DONE CRLF, any case (RFC 2177 section 3)", "[imap][framer][idle]") {
    using mailwire::imap::parse_idle_done;
    for (const char* line : {"DONE\r\n", "done\r\n", "DoNe\r\n"}) {
        INFO(line);
        const auto r = parse_idle_done(line);
        REQUIRE(r);
        CHECK(*mailwire::to_wire(*r) == "DONE\r\n");
        CHECK(parse_idle_done(*mailwire::to_wire(*r)));
    }
    CHECK(fmt::format("{:v}", mailwire::imap::idle_done{}) == "DONE");
    struct bad_case {
        const char* line;
        errc code;
        std::size_t offset;
    };
    for (const auto& b : {bad_case{"DONX\r\n", errc::invalid_syntax, 3}, bad_case{"DON\r\n", errc::invalid_syntax, 3},
                          bad_case{"DONE \r\n", errc::invalid_syntax, 4}, bad_case{"a1 DONE\r\n", errc::invalid_syntax, 0},
                          bad_case{"DONE", errc::invalid_syntax, 4}, bad_case{"DONE\n", errc::strict_violation, 4}}) {
        INFO(b.line);
        const auto e = parse_idle_done(b.line);
        REQUIRE_FALSE(e);
        CHECK(e.error().code == b.code);
        CHECK(e.error().offset == b.offset);
    }
    CHECK(parse_idle_done("DONE\n", lenient()));
}

// ---- resumability and allocation -------------------------------------------------------------

TEST_CASE("framer: byte-by-byte feeding examines each line byte once (O(n) work)", "[imap][framer][perf]") {
    // About 1 MB of literal-heavy traffic: APPENDs with non-synchronizing literals of varied
    // sizes, and plain commands in between.
    std::string in;
    std::size_t line_bytes = 0, messages = 0;
    for (std::size_t i = 0; in.size() < 1'000'000; ++i) {
        const std::size_t n = 100 + (i * 7919) % 20000;
        const std::string head = fmt::format("a{} APPEND INBOX (\\Seen) {{{}+}}\r\n", i, n);
        const std::string tail = " {3+}\r\nabc\r\n";
        in += head + repeat_text(n) + tail + fmt::format("b{} NOOP\r\n", i);
        line_bytes += head.size() + tail.size() - 3 + fmt::format("b{} NOOP\r\n", i).size();
        messages += 2;
    }
    std::uint64_t whole = 0, bytewise_work = 0;
    const std::string a = drive(in, {}, {commands}, &whole);
    // Byte by byte through the caller-buffer framer: one call per byte, and the same work.
    framer f(commands);
    std::size_t head = 0, got = 0;
    for (std::size_t delivered = 1; delivered <= in.size(); ++delivered) {
        for (;;) {
            const auto ev = f.next(std::string_view(in).substr(head, delivered - head));
            if (ev.status == frame_status::need_more) break;
            REQUIRE(ev.status == frame_status::message);
            head += ev.consume;
            ++got;
        }
    }
    bytewise_work = f.examined();
    CHECK(got == messages);
    CHECK(head == in.size());
    CHECK(a.ends_with(END(in.size())));
    CHECK(whole == line_bytes);
    CHECK(bytewise_work == line_bytes);
    CHECK(bytewise_work < in.size() / 10); // literal data is never looked at

    // The owning framer, fed one byte at a time, agrees.
    buffered_framer bf(commands);
    std::size_t bgot = 0;
    for (char c : in) {
        bf.feed(std::string_view(&c, 1));
        for (auto ev = bf.next(); ev.status == frame_status::message; ev = bf.next()) ++bgot;
    }
    CHECK(bgot == messages);
    CHECK(bf.base().examined() == line_bytes);
    CHECK(bf.buffered() == 0);
}

TEST_CASE("framer: no allocation in steady state", "[imap][framer][alloc]") {
    // The framer's only allocation is its span vector (cleared, never shrunk) and
    // buffered_framer's byte vector (compacted in place): once both have reached their
    // working size, their storage never moves, which is what these checks observe.
    const std::string msg = "* 1 FETCH (BODY[1] {5}\r\nhello BODY[2] {3}\r\nbye)\r\n* OK done {5}\r\n";
    std::string stream;
    for (int i = 0; i < 200; ++i) stream += msg;
    framer f(responses);
    buffered_framer bf(responses);
    std::set<const literal_span*> span_storage;
    std::set<std::size_t> capacities;
    auto run = [&](std::size_t chunk) {
        std::size_t head = 0, count = 0;
        for (std::size_t fed = 0; fed < stream.size();) {
            const std::size_t to = std::min(stream.size(), fed + chunk);
            bf.feed(std::string_view(stream).substr(fed, to - fed));
            capacities.insert(bf.capacity());
            fed = to;
            for (auto ev = bf.next(); ev.status == frame_status::message; ev = bf.next()) {
                if (!ev.literals.empty()) span_storage.insert(ev.literals.data());
                ++count;
            }
            for (;;) {
                const auto ev = f.next(std::string_view(stream).substr(head, fed - head));
                if (ev.status != frame_status::message) break;
                if (!ev.literals.empty()) span_storage.insert(ev.literals.data());
                head += ev.consume;
                ++count;
            }
        }
        return count;
    };
    // Warm up, then forget what was seen: from here on nothing may grow or move.
    CHECK(run(7) == 800);
    CHECK(run(13) == 800);
    span_storage.clear();
    capacities.clear();
    CHECK(run(7) == 800);
    CHECK(run(13) == 800);
    CHECK(run(1) == 800);
    CHECK(span_storage.size() == 2); // one vector in each framer, never reallocated
    CHECK(capacities.size() == 1);   // the owned buffer never grew
    CHECK(bf.capacity() < 4 * msg.size());
}

TEST_CASE("framer: misuse is reported, not undefined", "[imap][framer]") {
    framer f(commands);
    const std::string buf = "a1 NOOP";
    CHECK(f.next(buf).status == frame_status::need_more);
    // A buffer shorter than the bytes already scanned: bad_state, and the state is kept.
    const auto ev = f.next(std::string_view(buf).substr(0, 3));
    REQUIRE(ev.status == frame_status::error);
    CHECK(ev.error.code == errc::bad_state);
    CHECK(ev.error.offset == 3);
    const auto ok = f.next(buf + "\r\n");
    CHECK(ok.status == frame_status::message);
    CHECK(ok.size == 9);
    // reset() forgets a pending announcement.
    CHECK(f.next(std::string_view("a2 X {1}\r\n")).status == frame_status::literal_announced);
    f.reset();
    CHECK_FALSE(f.literal_pending());
    CHECK(f.next(std::string_view("a3 NOOP\r\n")).size == 9);
    // Byte spans work like chars.
    const std::array<unsigned char, 4> bytes{'a', ' ', '\r', '\n'};
    framer g(commands);
    CHECK(g.next(std::span<const unsigned char>(bytes)).size == 4);
}
