// Fuzz target for include/mailwire/pop3/response.hpp (and capability.hpp).
//
// For every reply shape (`expect`) and both modes, parse the input as a whole reply. On
// success: walk every range the value exposes, write it with fmt, and parse the bytes
// again; the value must come back equal, and writing it again must give the same bytes.
// A value parsed in strict mode must also pass check_writable. The line parsers are
// exercised the same way. Any violation traps.
//
// Writing may add bytes to non-canonical input (CRLF for a bare LF, the SP after a
// resp-code), so the re-parse raises the line limits: the property checked is that the
// value survives, not that a grown line still fits a limit.
#include <mailwire/pop3/response.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

using namespace mailwire;
using namespace mailwire::pop3;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

parse_options relaxed(parse_options o) {
    o.max_line = std::numeric_limits<std::size_t>::max();
    o.pop3_max_response_line = std::numeric_limits<std::size_t>::max();
    o.max_list = std::numeric_limits<std::size_t>::max();
    return o;
}

template <class Range>
std::size_t walk(const Range& r) {
    std::size_t n = 0;
    for (auto it = r.begin(); it != r.end(); ++it) {
        (void)fmt::format("{}", *it);
        ++n;
    }
    return n;
}

// Walk what the payload exposes; check the counts and sizes it reports.
void walk_payload(const response& r) {
    if (const auto* b = std::get_if<scan_listing_block>(&r.payload)) require(walk(*b) == b->size());
    if (const auto* b = std::get_if<uid_listing_block>(&r.payload)) require(walk(*b) == b->size());
    if (const auto* b = std::get_if<lang_listing>(&r.payload)) require(walk(*b) == b->size());
    if (const auto* b = std::get_if<capability_listing>(&r.payload)) {
        require(walk(*b) == b->size());
        (void)find<cap::sasl>(*b);
        (void)has_capability(*b, "STLS");
    }
    if (const auto* b = std::get_if<message_body>(&r.payload)) {
        std::size_t lines = 0;
        std::size_t octets = 0;
        for (std::string_view l : *b) {
            ++lines;
            octets += l.size() + 2;
        }
        require(lines == b->line_count());
        require(octets == b->body_size());
        std::string u;
        unstuff_to(*b, u);
        require(u.size() == b->body_size());
    }
    if (const auto* c = std::get_if<continuation>(&r.payload)) {
        std::string d;
        require(static_cast<bool>(c->decode_to(d)));
        require(d.size() == c->decoded_size());
    }
    if (r.status.code) {
        (void)r.status.code->kind();
        std::size_t n = 0;
        for (auto l : r.status.code->levels()) n += l.empty() ? 0u : 1u;
        require(n == r.status.code->level_count());
    }
}

template <class T, class Parse>
void round_trip(std::string_view in, const parse_options& o, Parse parse) {
    auto r = parse(in, o);
    if (!r) {
        require(r.error().offset <= in.size());
        return;
    }
    const std::string out = fmt::format("{}", *r);
    auto again = parse(std::string_view(out), relaxed(o));
    require(static_cast<bool>(again));
    require(*again == *r);
    require(fmt::format("{}", *again) == out);
    (void)fmt::format("{:v}", *r);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    constexpr expect kinds[] = {expect::status,   expect::greeting, expect::stat,     expect::list_one,
                                expect::list_all, expect::uidl_one, expect::uidl_all, expect::capa,
                                expect::lang_list, expect::message, expect::continuation};
    const parse_options modes[] = {parse_options{}, parse_options::make_lenient()};

    for (const parse_options& o : modes) {
        for (expect k : kinds) {
            auto r = parse_response(in, k, o);
            if (!r) {
                require(r.error().offset <= in.size());
                continue;
            }
            walk_payload(*r);
            (void)response_kind_name(*r);
            if (o.strict()) require(static_cast<bool>(check_writable(*r)));
            const std::string out = fmt::format("{}", *r);
            auto again = parse_response(out, k, relaxed(o));
            require(static_cast<bool>(again));
            require(*again == *r);
            require(fmt::format("{}", *again) == out);
            (void)fmt::format("{:v}", *r);
        }

        round_trip<status_line>(in, o, [](std::string_view s, const parse_options& p) { return parse_status_line(s, p); });
        round_trip<greeting>(in, o, [](std::string_view s, const parse_options& p) { return parse_greeting(s, p); });
        round_trip<continuation>(in, o, [](std::string_view s, const parse_options& p) { return parse_continuation(s, p); });
        round_trip<capability>(in, o, [](std::string_view s, const parse_options& p) { return parse_capability(s, p); });
        round_trip<scan_listing>(in, o, [](std::string_view s, const parse_options& p) { return parse_scan_listing(s, p); });
        round_trip<uid_listing>(in, o, [](std::string_view s, const parse_options& p) { return parse_uid_listing(s, p); });
        round_trip<lang_entry>(in, o, [](std::string_view s, const parse_options& p) { return parse_lang_entry(s, p); });
    }
    // The SWAR fast paths of the listing lines must agree with the full rules.
    for (const parse_options& o : modes) {
        scan_listing fast_scan;
        if (const std::size_t n = pop3::detail::fast_scan_line<true>(in, o, fast_scan)) {
            scanner s(in);
            auto slow = pop3::detail::scan_listing_line(s, o);
            require(static_cast<bool>(slow) && *slow == fast_scan && s.pos() == n);
        }
        uid_listing fast_uid;
        if (const std::size_t n = pop3::detail::fast_uid_line<true>(in, o, fast_uid)) {
            scanner s(in);
            auto slow = pop3::detail::uid_listing_line(s, o);
            require(static_cast<bool>(slow) && *slow == fast_uid && s.pos() == n);
        }
    }
    (void)parse_resp_code(in);
    return 0;
}
