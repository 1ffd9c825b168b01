// POP3 throughput: a server's replies to a session with LIST and UIDL listings of 5,000
// messages and RETR of dot-stuffed messages (client side: framing, then framing + typed
// parse), and a client's command stream (server side). Reports MiB/s, messages/s and heap
// allocations per message, as the median of several runs. Deterministic (seeded).
//
//   build/dev/benchmarks/bench_pop3 [runs]
#include <mailwire/pop3.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace pop3 = mailwire::pop3;

namespace {

constexpr std::size_t chunk = 64 * 1024; // what one socket read typically returns

struct corpus {
    std::string server;                // every reply, greeting first
    std::vector<std::string> commands; // the command line each reply answers, in order
    std::string client;                // the command stream
};

std::string message_text(bench::rng& r, std::size_t target) {
    static const std::vector<std::string> words{"mail", "server", "IMAP", "protocol", "the", "of", "and",
                                                "message", "lunch", "Friday", "network", "octets"};
    std::string m = "From: Sender <sender@example.org>\r\nTo: bob@example.net\r\nSubject: Report " +
                    std::to_string(r.next() % 1000) + "\r\nMessage-ID: <" + std::to_string(r.next()) +
                    "@example.org>\r\n\r\n";
    std::string line;
    while (m.size() < target) {
        if (r.between(0, 40) == 0) line = "."; // a line that must be dot-stuffed
        while (line.size() < r.between(20, 76)) {
            if (!line.empty()) line += ' ';
            line += r.pick(words);
        }
        m += line;
        m += "\r\n";
        line.clear();
    }
    return m;
}

std::string stuffed(const std::string& m) {
    std::string out;
    std::size_t pos = 0;
    while (pos < m.size()) {
        const std::size_t eol = m.find("\r\n", pos);
        const std::string_view line(m.data() + pos, eol - pos);
        if (!line.empty() && line[0] == '.') out += '.';
        out.append(line);
        out += "\r\n";
        pos = eol + 2;
    }
    return out;
}

corpus make_corpus() {
    bench::rng r(1939);
    corpus c;
    c.server = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
    auto add = [&](std::string cmd, std::string reply) {
        c.commands.push_back(cmd);
        c.client += cmd;
        c.server += reply;
    };
    add("USER bob\r\n", "+OK\r\n");
    add("PASS hungry\r\n", "+OK maildrop locked and ready\r\n");
    add("STAT\r\n", "+OK 5000 123456789\r\n");
    std::string list = "+OK 5000 messages\r\n", uidl = "+OK\r\n";
    for (int i = 1; i <= 5000; ++i) {
        list += std::to_string(i) + " " + std::to_string(r.between(300, 250000)) + "\r\n";
        uidl += std::to_string(i) + " " + std::to_string(r.next() % 100000000) + "x" +
                std::to_string(r.next() % 1000000) + "\r\n";
    }
    add("LIST\r\n", list + ".\r\n");
    add("UIDL\r\n", uidl + ".\r\n");
    for (int i = 1; i <= 200; ++i) {
        const std::string m = message_text(r, r.between(1000, 200000));
        add("RETR " + std::to_string(i) + "\r\n", "+OK " + std::to_string(m.size()) + " octets\r\n" + stuffed(m) + ".\r\n");
        if (i % 4 == 0) add("DELE " + std::to_string(i) + "\r\n", "+OK message deleted\r\n");
        if (i % 10 == 0) add("LIST " + std::to_string(i) + "\r\n", "+OK " + std::to_string(i) + " 4321\r\n");
    }
    add("QUIT\r\n", "+OK dewey POP3 server signing off\r\n");
    return c;
}

// The client's commands, parsed once (their views point into `lines`).
std::vector<pop3::command> parse_commands(const std::vector<std::string>& lines) {
    std::vector<pop3::command> out;
    for (const auto& l : lines) {
        auto c = pop3::parse_command(l);
        if (!c) std::abort();
        out.push_back(*c);
    }
    return out;
}

// Feeds the server stream in socket-sized chunks; `on_frame` sees each complete reply.
template <class OnFrame>
std::size_t read_replies(pop3::response_reader& reader, const corpus& c, const std::vector<pop3::command>& cmds,
                         OnFrame&& on_frame) {
    // The same reader serves pass after pass, as one long-lived connection would: its
    // buffer and queue are reused, so steady-state allocations show.
    reader.expect_reply(pop3::frame_kind::greeting);
    for (const auto& cmd : cmds) reader.expect_reply(cmd);
    std::size_t frames = 0;
    std::string_view rest = c.server;
    while (!rest.empty()) {
        const std::size_t n = rest.size() < chunk ? rest.size() : chunk;
        reader.feed(rest.substr(0, n));
        rest.remove_prefix(n);
        for (;;) {
            auto f = reader.next();
            if (!f) {
                if (f.error().code == mailwire::errc::need_more) break;
                std::abort();
            }
            on_frame(*f);
            ++frames;
        }
    }
    return frames;
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 7;
    const corpus c = make_corpus();
    const auto cmds = parse_commands(c.commands);
    std::printf("POP3 corpus: %zu replies, %.1f MiB of server bytes; %zu commands, %.1f KiB of client bytes\n",
                cmds.size() + 1, static_cast<double>(c.server.size()) / 1048576.0, cmds.size(),
                static_cast<double>(c.client.size()) / 1024.0);

    pop3::response_reader reader({}, pop3::expect_greeting::no);
    bench::report("server replies: framing (response_reader)", bench::measure(c.server.size(), runs, [&] {
        std::size_t bytes = 0;
        auto n = read_replies(reader, c, cmds, [&](const pop3::frame& f) { bytes += f.bytes.size(); });
        bench::keep(bytes);
        return n;
    }));

    bench::report("server replies: framing + typed parse", bench::measure(c.server.size(), runs, [&] {
        std::uint64_t sum = 0;
        auto n = read_replies(reader, c, cmds, [&](const pop3::frame& f) {
            const auto kind = f.answers ? pop3::expectation_for(*f.answers) : pop3::expect::greeting;
            auto r = pop3::parse_response(f.bytes, kind);
            if (!r) std::abort();
            sum += r->status.text.size();
        });
        bench::keep(sum);
        return n;
    }));

    bench::report("server replies: + walk listings and lines", bench::measure(c.server.size(), runs, [&] {
        std::uint64_t sum = 0;
        auto n = read_replies(reader, c, cmds, [&](const pop3::frame& f) {
            const auto kind = f.answers ? pop3::expectation_for(*f.answers) : pop3::expect::greeting;
            auto r = pop3::parse_response(f.bytes, kind);
            if (!r) std::abort();
            if (auto* l = std::get_if<pop3::scan_listing_block>(&r->payload))
                for (auto e : *l) sum += e.size;
            else if (auto* u = std::get_if<pop3::uid_listing_block>(&r->payload))
                for (auto e : *u) sum += e.uid.size();
            else if (auto* b = std::get_if<pop3::message_body>(&r->payload))
                for (auto line : *b) sum += line.size();
        });
        bench::keep(sum);
        return n;
    }));

    // The listings and RETR replies alone, parsed from contiguous memory: the parser's own
    // speed with no framing.
    // `whole` holds the bytes the views in `replies` point into: it outlives them.
    std::vector<std::pair<std::string_view, pop3::expect>> replies;
    pop3::response_reader whole;
    {
        std::string_view s = c.server;
        for (const auto& cmd : cmds) whole.expect_reply(cmd);
        whole.feed(s);
        for (auto f = whole.next(); f; f = whole.next())
            replies.emplace_back(f->bytes, f->answers ? pop3::expectation_for(*f->answers) : pop3::expect::greeting);
        std::size_t bytes = 0;
        for (auto& [b, k] : replies) bytes += b.size();
        bench::report("server replies: typed parse only", bench::measure(bytes, runs, [&] {
            std::size_t ok = 0;
            for (auto& [b, k] : replies) ok += pop3::parse_response(b, k).has_value() ? 1u : 0u;
            if (ok != replies.size()) std::abort();
            return replies.size();
        }));
    }

    // Many sessions' worth of commands, so the stream is long enough to time.
    std::string client_stream;
    while (client_stream.size() < (8u << 20)) client_stream += c.client;
    {
        // The LIST and UIDL listings of 5,000 messages alone: parse and walk every entry.
        std::vector<std::pair<std::string_view, pop3::expect>> listings;
        for (auto& r : replies)
            if (r.second == pop3::expect::list_all || r.second == pop3::expect::uidl_all) listings.push_back(r);
        std::size_t bytes = 0;
        for (auto& [b, k] : listings) bytes += b.size();
        bench::report("LIST + UIDL listings (5,000 each): parse+walk", bench::measure(bytes, runs * 20, [&] {
            std::uint64_t sum = 0;
            for (auto& [b, k] : listings) {
                auto r = pop3::parse_response(b, k);
                if (!r) std::abort();
                if (auto* l = std::get_if<pop3::scan_listing_block>(&r->payload))
                    for (auto e : *l) sum += e.size;
                else if (auto* u = std::get_if<pop3::uid_listing_block>(&r->payload))
                    for (auto e : *u) sum += e.uid.size();
            }
            bench::keep(sum);
            return listings.size();
        }));
    }

    pop3::command_reader server_side;
    bench::report("client commands: command_reader + parse", bench::measure(client_stream.size(), runs, [&] {
        std::size_t n = 0;
        std::string_view rest = client_stream;
        while (!rest.empty()) {
            const std::size_t len = rest.size() < chunk ? rest.size() : chunk;
            server_side.feed(rest.substr(0, len));
            rest.remove_prefix(len);
            for (auto cmd = server_side.next_command(); cmd; cmd = server_side.next_command()) ++n;
        }
        return n;
    }));
    return 0;
}
