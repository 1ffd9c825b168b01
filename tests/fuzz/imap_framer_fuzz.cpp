// Fuzz target for include/mailwire/imap/framer.hpp.
//
// Input: byte 0 selects options (bit 0: announce synchronizing literals, bit 1: LITERAL-,
// bit 2: small limits); the rest is the byte stream. For both directions and both modes the
// stream is framed three ways: in one chunk, in chunks whose sizes come from the input bytes
// (framing over the caller's buffer), and through buffered_framer in the same chunks. The
// decisions a caller makes (refuse the n-th synchronizing literal, expect an AUTHENTICATE or
// DONE line after the m-th message) also come from the input, keyed by n and m so that they
// are the same whatever the chunking.
//
// Invariants (trap on violation): no crash; messages and skipped bytes tile the consumed
// prefix of the input exactly, in order; every message ends with LF and stays within the
// limits; literal spans lie within their message, in order, each right after an
// announcement "}" line end; an announcement's last span starts at its end; errors point
// into the buffered bytes; and the three framings report the same events.
#include <mailwire/imap/framer.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using mailwire::imap::buffered_framer;
using mailwire::imap::client_line;
using mailwire::imap::direction;
using mailwire::imap::frame_event;
using mailwire::imap::frame_status;
using mailwire::imap::framer;
using mailwire::imap::framer_config;
using mailwire::imap::literal_span;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

struct input {
    std::string_view stream;
    std::string_view raw; // the whole fuzz input, a source of decisions

    std::uint8_t byte(std::size_t i) const noexcept {
        return raw.empty() ? 0 : static_cast<std::uint8_t>(raw[i % raw.size()]);
    }
    bool reject(std::size_t announcement) const noexcept { return (byte(announcement * 5 + 1) & 0x81) == 0x81; }
    bool expect(std::size_t message, client_line& what) const noexcept {
        const std::uint8_t b = byte(message * 3 + 2);
        if ((b & 0x60) != 0x60) return false;
        what = (b & 0x10) != 0 ? client_line::idle_done : client_line::authenticate_response;
        return true;
    }
    // Chunk sizes 1..16 (and occasionally larger), from the input bytes.
    std::size_t chunk(std::size_t i) const noexcept {
        const std::uint8_t b = byte(i * 7 + 3);
        return (b & 0x80) != 0 ? 1 + (b & 0x7F) * 3u : 1 + (b & 0x0F);
    }
};

// One reported event, independent of chunking.
struct record {
    frame_status status;
    std::size_t at;       // stream offset of the message
    std::size_t size;
    std::size_t skipped;  // bytes discarded since the previous record
    std::uint64_t literal_size;
    std::size_t literals;
    std::uint64_t spans_hash;
    mailwire::errc code;
    std::size_t offset;
    bool operator==(const record&) const = default;
};

std::uint64_t hash_spans(std::span<const literal_span> spans) {
    std::uint64_t h = 1469598103934665603ull;
    for (const auto& s : spans) {
        h = (h ^ s.offset) * 1099511628211ull;
        h = (h ^ s.size) * 1099511628211ull;
        h = (h ^ (static_cast<unsigned>(s.kind) * 2u + (s.binary ? 1u : 0u))) * 1099511628211ull;
    }
    return h;
}

void check_message(std::string_view msg, const frame_event& ev, const mailwire::parse_options& o) {
    check(!msg.empty() && msg.back() == '\n');
    check(ev.size <= o.max_message);
    check(ev.literals.size() <= o.max_literals_per_message);
    std::size_t prev_end = 0;
    for (const auto& s : ev.literals) {
        check(s.offset >= prev_end + 3);           // at least "}" LF before the data
        check(s.offset <= msg.size() && s.size <= msg.size() - s.offset);
        check(s.size <= o.max_literal);
        check(msg[s.offset - 1] == '\n');
        check(msg[s.offset - 2] == '}' || (msg[s.offset - 2] == '\r' && msg[s.offset - 3] == '}'));
        prev_end = s.offset + s.size;
    }
    check(prev_end < msg.size()); // the last line end follows the last literal
}

// Framing over the caller's buffer; chunked == false delivers everything at once.
std::vector<record> run_view(const input& in, framer_config cfg, const mailwire::parse_options& o, bool chunked) {
    framer f(cfg, o);
    std::vector<record> out;
    const std::string_view all = in.stream;
    std::size_t head = 0, delivered = chunked ? 0 : all.size(), chunks = 0, announcements = 0, messages = 0, skipped = 0;
    for (std::size_t guard = 0; guard < 8 * all.size() + 64; ++guard) {
        const std::string_view buf = all.substr(head, delivered - head);
        const frame_event ev = f.next(buf);
        check(ev.consume <= buf.size());
        record r{ev.status, head, ev.size, skipped, 0, 0, 0, mailwire::errc::ok, 0};
        switch (ev.status) {
        case frame_status::need_more:
            check(ev.consume == 0);
            if (delivered == all.size()) {
                out.push_back(r); // the end: what was consumed, what was skipped at the end
                return out;
            }
            delivered += in.chunk(chunks++);
            if (delivered > all.size()) delivered = all.size();
            continue;
        case frame_status::skip:
            check(ev.consume > 0);
            skipped += ev.consume;
            head += ev.consume;
            continue;
        case frame_status::message: {
            check(ev.consume == ev.size && ev.size <= buf.size());
            check_message(buf.substr(0, ev.size), ev, o);
            r.literals = ev.literals.size();
            r.spans_hash = hash_spans(ev.literals);
            client_line what{};
            if (in.expect(messages++, what)) f.expect_line(what);
            break;
        }
        case frame_status::literal_announced:
            check(cfg.dir == direction::client_to_server && cfg.announce_sync_literals);
            check(ev.consume == 0 && ev.size <= buf.size() && !ev.literals.empty());
            check(ev.literals.back().offset == ev.size && ev.literals.back().synchronizing());
            check(ev.literal_size == ev.literals.back().size);
            r.literal_size = ev.literal_size;
            r.literals = ev.literals.size();
            r.spans_hash = hash_spans(ev.literals);
            if (in.reject(announcements++)) check(f.reject_literal());
            else check(f.accept_literal());
            break;
        case frame_status::error:
            check(ev.consume == 0);
            check(ev.error.code != mailwire::errc::ok && ev.error.code != mailwire::errc::bad_state &&
                  ev.error.code != mailwire::errc::need_more);
            check(ev.error.offset < buf.size());
            check(!ev.error.expected.empty());
            r.code = ev.error.code;
            r.offset = ev.error.offset;
            break;
        }
        skipped = 0;
        out.push_back(r);
        head += ev.consume;
    }
    check(false); // no progress
    return out;
}

// The same through buffered_framer, which handles skips itself: skipped bytes are recovered
// from stream offsets.
std::vector<record> run_buffered(const input& in, framer_config cfg, const mailwire::parse_options& o) {
    buffered_framer f(cfg, o);
    std::vector<record> out;
    const std::string_view all = in.stream;
    std::size_t fed = 0, chunks = 0, announcements = 0, messages = 0, accounted = 0;
    for (std::size_t guard = 0; guard < 8 * all.size() + 64; ++guard) {
        const auto ev = f.next();
        const std::size_t at = fed - f.buffered() - ev.consume;
        check(at >= accounted);
        record r{ev.status, at, ev.size, at - accounted, 0, 0, 0, mailwire::errc::ok, 0};
        switch (ev.status) {
        case frame_status::need_more:
            if (fed == all.size()) {
                out.push_back(r);
                return out;
            } else {
                std::size_t to = fed + in.chunk(chunks++);
                if (to > all.size()) to = all.size();
                f.feed(all.substr(fed, to - fed));
                fed = to;
            }
            continue;
        case frame_status::skip: check(false); break;
        case frame_status::message: {
            check(ev.bytes == all.substr(at, ev.size));
            check(ev.nul_free == (ev.bytes.find('\0') == std::string_view::npos));
            r.literals = ev.literals.size();
            r.spans_hash = hash_spans(ev.literals);
            accounted = at + ev.size;
            client_line what{};
            if (in.expect(messages++, what)) f.expect_line(what);
            break;
        }
        case frame_status::literal_announced:
            check(ev.bytes == all.substr(at, ev.size));
            r.literal_size = ev.literal_size;
            r.literals = ev.literals.size();
            r.spans_hash = hash_spans(ev.literals);
            accounted = at;
            if (in.reject(announcements++)) check(f.reject_literal());
            else check(f.accept_literal());
            break;
        case frame_status::error:
            check(ev.error.offset < ev.bytes.size());
            r.code = ev.error.code;
            r.offset = ev.error.offset;
            accounted = at;
            break;
        }
        out.push_back(r);
    }
    check(false);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const input in{raw.substr(1), raw};
    const std::uint8_t flags = data[0];

    for (const auto dir : {direction::client_to_server, direction::server_to_client}) {
        for (const bool lenient : {false, true}) {
            framer_config cfg;
            cfg.dir = dir;
            cfg.announce_sync_literals = (flags & 1) != 0;
            cfg.literal_minus = (flags & 2) != 0;
            mailwire::parse_options o = lenient ? mailwire::parse_options::make_lenient() : mailwire::parse_options{};
            if ((flags & 4) != 0) {
                o.max_line = 64;
                o.max_literal = 300;
                o.max_literals_per_message = 3;
                o.max_message = 600;
            }
            const auto whole = run_view(in, cfg, o, false);
            const auto chunked = run_view(in, cfg, o, true);
            const auto buffered = run_buffered(in, cfg, o);
            check(whole == chunked);
            // buffered_framer reports the same events; its end record sees skipped bytes the
            // same way, since both count from the last message or error.
            check(whole == buffered);
        }
    }
    return 0;
}
