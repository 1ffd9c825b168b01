// Fuzz target for include/mailwire/pop3/reader.hpp.
//
// Input: the first octet picks a split position, the rest is a server (and, separately,
// client) byte stream. response_reader is given a fixed queue of expected replies (every
// frame kind, STLS in the middle: after its halt the reader is resumed and fed the rest),
// command_reader reads the same bytes as client lines. Each is fed the stream whole, split
// in two at the chosen position, and byte by byte, in strict mode and in lenient mode with
// small limits. Traps unless:
//   - every frame / line is the slice of the input at its offset, slices come in order and
//     never overlap, and until the first error they are contiguous from offset 0 (the
//     frames handed out, concatenated, are a prefix of the input);
//   - a frame is well formed: one line ending in LF, or (multi-line) ending in a "." line;
//     its status matches its first octets; a client line ends in LF within its limit;
//   - feed() consumes everything except exactly the octets after a +OK to STLS;
//   - error offsets are within the octets fed;
//   - all three chunkings give the same frames, lines and errors.
#include <mailwire/pop3/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace p3 = mailwire::pop3;
using mailwire::errc;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

using expectation = std::variant<p3::command, p3::frame_kind>;

const std::vector<expectation>& queue() {
    static const std::vector<expectation> q = {
        p3::command{p3::capa{}},   p3::command{p3::user{"bob"}},     p3::command{p3::pass{"hungry"}},
        p3::command{p3::auth{"PLAIN", std::nullopt}},                 p3::command{p3::stat{}},
        p3::command{p3::list{}},   p3::command{p3::list{1}},         p3::command{p3::uidl{}},
        p3::command{p3::retr{1}},  p3::command{p3::top{1, 0}},       p3::command{p3::lang{}},
        p3::command{p3::stls{}},   p3::command{p3::capa{}},          p3::command{p3::retr{2}},
        p3::command{p3::auth{"GSSAPI", std::nullopt}},                p3::command{p3::uidl{3}},
        p3::frame_kind::multi_line_if_ok, p3::frame_kind::single_line, p3::frame_kind::multi_line_if_ok,
        p3::frame_kind::auth,      p3::frame_kind::multi_line_if_ok, p3::frame_kind::stls,
        p3::command{p3::list{}},   p3::command{p3::quit{}},
    };
    return q;
}

std::string number(std::uint64_t v) { return std::to_string(v); }

// ---- response_reader ---------------------------------------------------------------------

std::vector<std::string> run_responses(std::string_view input, const std::vector<std::size_t>& cuts,
                                       const mailwire::parse_options& opts) {
    p3::response_reader r(opts);
    for (const auto& e : queue()) std::visit([&](const auto& x) { r.expect_reply(x); }, e);
    std::vector<std::string> events;
    std::uint64_t fed = 0;       // octets consumed so far
    std::uint64_t next_free = 0; // the end of the last frame handed out
    bool contiguous = true;      // no error so far
    auto drain = [&] {
        for (;;) {
            auto f = r.next();
            if (!f) {
                const auto& e = f.error();
                require(e.offset <= fed);
                if (e.code == errc::need_more) return;
                if (e.code == errc::unexpected_response) {
                    require(r.awaiting() == 0);
                    const std::string ev = "unexpected@" + number(e.offset);
                    if (events.empty() || events.back() != ev) events.push_back(ev);
                    return;
                }
                require(e.code == errc::limit_exceeded || e.code == errc::strict_violation || e.code == errc::invalid_syntax);
                contiguous = false;
                events.push_back(std::string(mailwire::to_string(e.code)) + "@" + number(e.offset) + ":" + std::string(e.expected));
                continue;
            }
            const std::string_view b = f->bytes;
            // A slice of the input at its offset, after the previous one.
            require(f->offset + b.size() <= fed);
            require(b == input.substr(static_cast<std::size_t>(f->offset), b.size()));
            require(f->offset >= next_free);
            if (contiguous) require(f->offset == next_free);
            next_free = f->offset + b.size();
            // Well formed.
            require(!b.empty() && b.back() == '\n');
            const std::size_t first_lf = b.find('\n');
            if (f->multi_line) {
                require(f->kind == p3::frame_kind::multi_line_if_ok && f->status == p3::frame_status::ok);
                require(b.size() >= first_lf + 3);
                const std::string_view last = b.substr(b.rfind('\n', b.size() - 2) + 1);
                require(last == ".\r\n" || (last == ".\n" && opts.lenient()));
                require(f->body().size() < b.size());
            } else {
                require(first_lf == b.size() - 1);
                require(f->body().empty());
            }
            require(f->first_line().size() == first_lf + 1);
            switch (f->status) {
            case p3::frame_status::ok: require(b.substr(0, 3) == "+OK"); break;
            case p3::frame_status::err: require(b.substr(0, 4) == "-ERR"); break;
            case p3::frame_status::continuation: require(f->kind == p3::frame_kind::auth && b[0] == '+'); break;
            }
            if (opts.strict()) {
                for (std::size_t i = 0; i < b.size(); ++i)
                    if (b[i] == '\n') require(i > 0 && b[i - 1] == '\r');
            }
            events.push_back(std::string(p3::to_string(f->kind)) + "/" + std::string(p3::to_string(f->status)) + "@" +
                             number(f->offset) + "+" + number(b.size()));
        }
    };
    std::size_t start = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(input.size());
    for (std::size_t end : ends) {
        std::string_view chunk = input.substr(start, end - start);
        for (;;) {
            const std::size_t n = r.feed(chunk);
            require(n <= chunk.size());
            fed += n;
            require(r.consumed() == fed);
            drain();
            if (n == chunk.size()) break;
            // Only a +OK to STLS stops the reader, right after its LF (that reply may have
            // been reported as an error, e.g. over a limit, and the TLS handshake still follows).
            require(r.halted());
            require(!events.empty());
            if (events.back().rfind("stls/", 0) == 0) {
                require(events.back().rfind("stls/+OK@", 0) == 0);
                require(fed == next_free);
            } else {
                require(!contiguous);
            }
            require(r.feed(chunk.substr(n)) == 0);
            events.push_back("resume");
            r.resume();
            chunk = chunk.substr(n);
        }
        start = end;
    }
    if (r.halted()) { // halted on the very last octet fed
        require(!contiguous || fed == next_free);
        events.push_back("resume");
    }
    require(fed == input.size());
    return events;
}

// ---- command_reader ----------------------------------------------------------------------

std::vector<std::string> run_commands(std::string_view input, const std::vector<std::size_t>& cuts,
                                      const mailwire::parse_options& opts) {
    p3::command_reader r(opts);
    std::vector<std::string> events;
    std::uint64_t fed = 0;
    std::uint64_t next_free = 0;
    std::size_t lines = 0;
    auto drain = [&] {
        for (;;) {
            // Alternate the two line modes, and parse every third line as a command.
            const p3::line_mode mode = lines % 2 ? p3::line_mode::auth_response : p3::line_mode::command_line;
            auto l = r.next_line(mode);
            if (!l) {
                const auto& e = l.error();
                require(e.offset <= fed);
                if (e.code == errc::need_more) return;
                require(e.code == errc::limit_exceeded || e.code == errc::strict_violation);
                events.push_back(std::string(mailwire::to_string(e.code)) + "@" + number(e.offset));
                ++lines;
                continue;
            }
            const std::string_view b = l->bytes;
            require(l->offset + b.size() <= fed);
            require(l->offset >= next_free);
            require(b == input.substr(static_cast<std::size_t>(l->offset), b.size()));
            require(!b.empty() && b.find('\n') == b.size() - 1);
            if (opts.strict()) require(b.size() >= 2 && b[b.size() - 2] == '\r');
            const std::size_t limit = mode == p3::line_mode::command_line && opts.strict() && opts.pop3_max_command_line < opts.max_line
                                          ? opts.pop3_max_command_line
                                          : opts.max_line;
            require(b.size() <= limit);
            require(l->text().size() + 2 >= b.size() && l->text() == b.substr(0, l->text().size()));
            next_free = l->offset + b.size();
            std::string ev = "line@" + number(l->offset) + "+" + number(b.size());
            if (lines % 3 == 0 && mode == p3::line_mode::command_line) {
                auto c = p3::parse_command(b, opts);
                ev += c ? "=" + std::string(p3::command_name(*c)) : "!" + std::string(mailwire::to_string(c.error().code));
                if (!c) require(c.error().offset <= b.size());
            }
            events.push_back(std::move(ev));
            ++lines;
        }
    };
    std::size_t start = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(input.size());
    for (std::size_t end : ends) {
        const std::string_view chunk = input.substr(start, end - start);
        require(r.feed(chunk) == chunk.size());
        fed += chunk.size();
        require(r.consumed() == fed);
        drain();
        start = end;
    }
    require(r.buffered().size() <= input.size() - next_free);
    return events;
}

void check_all(std::string_view input, std::size_t split, const mailwire::parse_options& opts) {
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i < input.size(); ++i) bytes.push_back(i);

    const auto whole = run_responses(input, {}, opts);
    require(run_responses(input, {split}, opts) == whole);
    require(run_responses(input, bytes, opts) == whole);

    const auto lines = run_commands(input, {}, opts);
    require(run_commands(input, {split}, opts) == lines);
    require(run_commands(input, bytes, opts) == lines);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (input.size() > 4096) return 0; // byte-by-byte runs stay fast
    const std::size_t split = static_cast<std::size_t>(data[0]) * (input.size() + 1) / 256;

    check_all(input, split, mailwire::parse_options{});

    mailwire::parse_options small = mailwire::parse_options::make_lenient();
    small.max_line = 48;
    small.max_message = 160;
    check_all(input, split, small);

    mailwire::parse_options tight; // strict, with limits the corpus can reach
    tight.pop3_max_response_line = 24;
    tight.pop3_max_command_line = 16;
    tight.max_line = 40;
    tight.max_message = 120;
    check_all(input, split, tight);
    return 0;
}
