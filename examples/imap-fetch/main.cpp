// imap-fetch: an IMAP client on standalone Asio (one io_context, one thread, completion
// handlers), every byte it sends written by mailwire's command types and every byte it
// receives framed by imap::buffered_framer and parsed by imap::parse_response.
//
//   imap-fetch --port 10143 --user alice --pass wonderland [--mailbox INBOX] [--lenient]
//
// Flow: greeting, CAPABILITY, AUTHENTICATE PLAIN (SASL-IR when offered) or LOGIN, LIST "" "*",
// SELECT, UID FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE) printed as a tree,
// one part fetched with BODY.PEEK[section]<0.N>, BODY.PEEK[HEADER] of that message,
// optionally every message with BODY.PEEK[] (--download), IDLE, LOGOUT. Exit status 0 only
// when every response parsed and every tagged response was OK. See README.md.
//
// Why callbacks and not C++20 coroutines: clang++ 14 with libstdc++ 12 has no usable
// <coroutine>, and the example must build with both compilers.
#ifndef ASIO_STANDALONE
#define ASIO_STANDALONE
#endif
#include <asio.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <mailwire/core/base64.hpp>
#include <mailwire/core/diagnostic.hpp>
#include <mailwire/imap.hpp>

namespace imap = mailwire::imap;
using asio::ip::tcp;

namespace {

struct options {
    std::string host = "127.0.0.1";
    std::string port = "143";
    std::string user, pass;
    std::string auth; // "", "plain" or "login"
    std::string mailbox = "INBOX";
    std::string part;  // UID:SECTION
    std::uint64_t part_bytes = 64;
    int idle_seconds = 2;
    int timeout_seconds = 10;
    std::string dump_dir;
    bool download = false;
    bool lenient = false;
    bool verbose = false;
};

[[noreturn]] void usage(int rc) {
    std::fputs(
        "usage: imap-fetch --port PORT --user USER --pass PASS [options]\n"
        "  --host HOST          server address (127.0.0.1)\n"
        "  --auth plain|login   default: AUTHENTICATE PLAIN when advertised, else LOGIN\n"
        "  --mailbox NAME       mailbox to SELECT, UTF-8 (INBOX)\n"
        "  --part UID:SECTION   the part to fetch (default: first part of the first multipart message)\n"
        "  --part-bytes N       octets of it to fetch, BODY.PEEK[section]<0.N> (64)\n"
        "  --idle-seconds N     IDLE for N seconds if IDLE is advertised; 0 skips (2)\n"
        "  --timeout N          bound on every wait, seconds (10)\n"
        "  --dump DIR           write DIR/manifest, the part and the header fetched\n"
        "  --download           with --dump: fetch BODY.PEEK[] of every message to DIR/<uid>.eml\n"
        "  --lenient            accept the documented server quirks (default: strict RFC grammar)\n"
        "  --verbose            print every command sent and response kind received\n",
        rc == 0 ? stdout : stderr);
    std::exit(rc);
}

/// A decimal number argument, or the usage message.
template <class T>
T number_arg(std::string_view s) {
    T v{};
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) usage(2);
    return v;
}

options parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(2);
            return argv[++i];
        };
        if (a == "--host") o.host = value();
        else if (a == "--port") o.port = value();
        else if (a == "--user") o.user = value();
        else if (a == "--pass") o.pass = value();
        else if (a == "--auth") o.auth = value();
        else if (a == "--mailbox") o.mailbox = value();
        else if (a == "--part") o.part = value();
        else if (a == "--part-bytes") o.part_bytes = number_arg<std::uint64_t>(value());
        else if (a == "--idle-seconds") o.idle_seconds = number_arg<int>(value());
        else if (a == "--timeout") o.timeout_seconds = number_arg<int>(value());
        else if (a == "--dump") o.dump_dir = value();
        else if (a == "--download") o.download = true;
        else if (a == "--lenient") o.lenient = true;
        else if (a == "--verbose" || a == "-v") o.verbose = true;
        else if (a == "--help" || a == "-h") usage(0);
        else usage(2);
    }
    if (o.user.empty() || o.part_bytes == 0 || o.timeout_seconds <= 0 || (o.auth != "" && o.auth != "plain" && o.auth != "login")) usage(2);
    if (o.download && o.dump_dir.empty()) usage(2);
    return o;
}

/// Printable form of some bytes: escapes for controls and 8-bit octets.
std::string printable(std::string_view s, std::size_t max = 80) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\\') out += "\\\\";
        else if (c < 0x20 || c >= 0x7f) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
        else out += static_cast<char>(c);
    }
    if (s.size() > max) out += "...";
    return out;
}

/// An nstring for display: NIL, or its decoded content.
std::string show(const imap::string_value& v) { return v.is_nil() ? std::string("NIL") : v.str(); }

std::string show_address(const imap::address& a) {
    if (a.is_group_marker()) return a.is_group_start() ? show(a.mailbox) + ":" : ";";
    std::string addr = show(a.mailbox) + "@" + show(a.host);
    if (a.name.is_nil()) return addr;
    return fmt::format("{} <{}>", show(a.name), addr);
}

std::string show_addresses(const imap::address_list& l) {
    if (l.is_nil()) return "NIL";
    std::string out;
    for (const auto a : l) {
        if (!out.empty() && out.back() != ':') out += ", ";
        out += show_address(a);
    }
    return out;
}

/// A message as the UID FETCH listing saw it.
struct message_info {
    std::uint32_t seq = 0;
    std::uint64_t uid = 0;
    std::uint64_t size = 0;
    std::string first_part; ///< multipart: the section of its first leaf part; else empty
};

/// The section of the first non-multipart part below a multipart body.
std::string first_leaf(imap::body_part p, const std::string& section) {
    if (!p.is_multipart()) return section;
    const auto c = p.first_child();
    if (!c.valid()) return {};
    return first_leaf(c, section.empty() ? "1" : section + ".1");
}

/// Prints a body structure as a tree, with the section number of each part (RFC 9051
/// §6.4.5: parts of a multipart are 1, 2, ...; a message/rfc822's body is numbered below it).
void print_body(imap::body_part p, const std::string& section, int depth) {
    const std::string indent(static_cast<std::size_t>(2 * depth + 4), ' ');
    const std::string label = section.empty() ? std::string("(root)") : section;
    if (p.is_multipart()) {
        std::string boundary;
        if (auto b = p.param("BOUNDARY"); !b.is_nil()) boundary = " boundary=" + b.str();
        fmt::print("{}{:<8} multipart/{}{}\n", indent, label, show(p.subtype()), boundary);
        std::uint32_t i = 1;
        for (auto c = p.first_child(); c.valid(); c = c.next_sibling(), ++i)
            print_body(c, section.empty() ? std::to_string(i) : section + "." + std::to_string(i), depth + 1);
        return;
    }
    std::string extra;
    if (p.has_lines()) extra += fmt::format(", {} lines", p.lines());
    if (!p.encoding().is_nil()) extra += ", " + show(p.encoding());
    if (auto cs = p.param("CHARSET"); !cs.is_nil()) extra += ", charset=" + cs.str();
    if (auto n = p.param("NAME"); !n.is_nil()) extra += ", name=" + n.str();
    if (p.disposition() == imap::disposition_form::list) extra += ", " + show(p.disposition_type());
    fmt::print("{}{:<8} {}/{} {} octets{}\n", indent, label, show(p.type()), show(p.subtype()), p.size(), extra);
    if (p.is_message()) {
        if (const auto* env = p.message_envelope())
            fmt::print("{}  {:<8} subject: {} / from: {}\n", indent, "", show(env->subject), show_addresses(env->from));
        const auto body = p.message_body();
        if (body.valid()) print_body(body, body.is_multipart() ? section : section + ".1", depth + 1);
    }
}

class client {
public:
    client(asio::io_context& io, options o)
        : io_(io), o_(std::move(o)), socket_(io), deadline_(io), idle_timer_(io),
          popts_(o_.lenient ? mailwire::parse_options::make_lenient() : mailwire::parse_options{}),
          framer_(imap::framer_config{imap::direction::server_to_client, true, false}, popts_) {}

    void start() {
        auto endpoints = tcp::resolver(io_).resolve(o_.host, o_.port);
        arm();
        asio::async_connect(socket_, endpoints, [this](const asio::error_code& ec, const tcp::endpoint& ep) {
            if (ec) return fatal("connect: " + ec.message());
            fmt::print("-- connected to {}:{}\n", ep.address().to_string(), ep.port());
            // The greeting is the first message: no command is outstanding for it.
            on_untagged_ = [this](const imap::response& r) {
                if (!imap::is_greeting(r)) return problem("the first message is not a greeting");
                const auto& s = *r.get<imap::status_response>();
                fmt::print("S: greeting {} \"{}\"\n", imap::keyword(s.status), printable(s.text.text));
                if (s.status == imap::status_kind::bye) return fatal("server said BYE");
                preauth_ = s.status == imap::status_kind::preauth;
                on_untagged_ = nullptr;
                step();
            };
            read();
        });
    }

    bool succeeded() const { return finished_ && problems_ == 0; }
    int problems() const { return problems_; }

private:
    // ---- the conversation, one step per command ---------------------------------------------

    enum class stage { capability, login, list, select, fetch_all, part, header, download, idle, logout, done };

    void step() {
        switch (stage_) {
        case stage::capability: return do_capability();
        case stage::login: return do_login();
        case stage::list: return do_list();
        case stage::select: return do_select();
        case stage::fetch_all: return do_fetch_all();
        case stage::part: return do_part();
        case stage::header: return do_header();
        case stage::download: return do_download();
        case stage::idle: return do_idle();
        case stage::logout: return do_logout();
        case stage::done: return;
        }
    }
    void next(stage s) {
        stage_ = s;
        step();
    }

    void do_capability() {
        on_untagged_ = [this](const imap::response& r) {
            if (const auto* c = r.get<imap::capability_data>()) set_caps(c->caps);
        };
        run(imap::cmd::capability{}, [this](const imap::status_response&) {
            fmt::print("-- capabilities:");
            for (const auto& c : caps_) fmt::print(" {}", c);
            fmt::print("\n");
            next(stage::login);
        });
    }

    void do_login() {
        on_untagged_ = [this](const imap::response& r) {
            if (const auto* c = r.get<imap::capability_data>()) set_caps(c->caps);
        };
        auto after = [this](const imap::status_response& s) {
            // Dovecot sends the post-login capabilities in the tagged OK.
            if (s.text.has_code && s.text.code.kind == imap::code_kind::capability) set_caps(s.text.code.caps);
            next(stage::list);
        };
        if (preauth_) {
            fmt::print("-- PREAUTH greeting: already authenticated\n");
            return next(stage::list);
        }
        const bool plain = o_.auth == "plain" || (o_.auth.empty() && has_cap("AUTH=PLAIN"));
        if (!plain) {
            fmt::print("-- login with LOGIN\n");
            auto user = imap::string_value::from_content(o_.user);
            auto pass = imap::string_value::from_content(o_.pass);
            if (!user || !pass) return fatal("user or password cannot be written in IMAP");
            return run(imap::cmd::login{*user, *pass}, after);
        }
        // SASL PLAIN (RFC 4616): authzid NUL authcid NUL passwd, base64.
        std::string msg;
        msg += '\0';
        msg += o_.user;
        msg += '\0';
        msg += o_.pass;
        sasl_.clear();
        mailwire::encode_base64_to(msg, sasl_);
        imap::cmd::authenticate a{imap::atom{"PLAIN"}, std::nullopt};
        if (has_cap("SASL-IR")) {
            fmt::print("-- login with AUTHENTICATE PLAIN (SASL-IR)\n");
            a.initial_response = std::string_view(sasl_);
        } else {
            fmt::print("-- login with AUTHENTICATE PLAIN (waiting for the \"+\" challenge)\n");
            on_continue_ = [this](const imap::continue_req&) {
                on_continue_ = nullptr;
                // The client's answer has its own type (framer.hpp), written by fmt.
                send_raw(fmt::format("{}", imap::authenticate_response{false, sasl_}));
                if (o_.verbose) fmt::print("C: <PLAIN response, {} octets>\n", sasl_.size());
            };
        }
        run(a, after);
    }

    void do_list() {
        fmt::print("-- mailboxes:\n");
        on_untagged_ = [this](const imap::response& r) {
            const auto* l = r.get<imap::list_data>();
            if (!l) return;
            auto name = l->mailbox.decoded();
            if (!name) return problem(fmt::format("LIST: mailbox name is not valid modified UTF-7: {}", mailwire::to_string(name.error().code)));
            std::string attrs;
            for (const auto a : l->attributes) attrs += (attrs.empty() ? "" : " ") + std::string(a.name());
            fmt::print("   {:<20} (wire: {}) ({})\n", *name, show(l->mailbox.name), attrs);
            mailboxes_.push_back(*name);
        };
        auto ref = imap::make_mailbox("");
        auto pat = imap::string_value::from_content("*");
        if (!ref || !pat) return fatal("cannot build LIST");
        patterns_[0] = *pat;
        imap::cmd::list l;
        l.reference = *ref;
        l.patterns = std::span<const imap::string_value>(patterns_.data(), 1);
        run(l, [this](const imap::status_response&) { next(stage::select); });
    }

    void do_select() {
        on_untagged_ = [this](const imap::response& r) {
            if (const auto* m = r.get<imap::message_count>(); m && m->kind == imap::message_count_kind::exists)
                exists_ = m->number;
            if (const auto* s = r.get<imap::status_response>(); s && s->text.has_code) {
                if (s->text.code.kind == imap::code_kind::uidvalidity) uidvalidity_ = s->text.code.number;
                if (s->text.code.kind == imap::code_kind::uidnext) uidnext_ = s->text.code.number;
            }
        };
        auto mbox = imap::encode_mailbox(o_.mailbox, mailbox_wire_);
        if (!mbox) return fatal("mailbox name cannot be encoded: " + o_.mailbox);
        run(imap::cmd::select{*mbox, {}}, [this](const imap::status_response&) {
            fmt::print("-- selected {}: EXISTS {} UIDVALIDITY {} UIDNEXT {}\n", o_.mailbox, exists_, uidvalidity_, uidnext_);
            if (!o_.dump_dir.empty()) {
                manifest_ << fmt::format("exists {}\nuidvalidity {}\nuidnext {}\n", exists_, uidvalidity_, uidnext_);
            }
            next(exists_ == 0 ? stage::idle : stage::fetch_all);
        });
    }

    void do_fetch_all() {
        fmt::print("-- messages:\n");
        on_untagged_ = [this](const imap::response& r) {
            const auto* f = r.get<imap::fetch_data>();
            if (!f) return;
            message_info m;
            m.seq = f->number;
            const auto* uid = f->find(imap::fetch_item_kind::uid);
            const auto* size = f->find(imap::fetch_item_kind::rfc822_size);
            const auto* env = f->find(imap::fetch_item_kind::envelope);
            const auto* bs = f->find(imap::fetch_item_kind::bodystructure);
            const auto* flags = f->find(imap::fetch_item_kind::flags);
            if (!uid || !size || !env || !bs) return problem(fmt::format("FETCH {}: an item asked for is missing", f->number));
            m.uid = uid->number;
            m.size = size->number;
            std::string fl;
            if (flags)
                for (const auto fv : flags->flags) fl += (fl.empty() ? "" : " ") + std::string(fv.name());
            fmt::print("UID {} (#{}) {} octets flags ({})\n", m.uid, m.seq, m.size, fl);
            fmt::print("    subject: {}\n", show(env->envelope.subject));
            fmt::print("    from:    {}\n", show_addresses(env->envelope.from));
            fmt::print("    date:    {}\n", show(env->envelope.date));
            print_body(bs->body, bs->body.is_multipart() ? "" : "1", 0);
            if (bs->body.is_multipart()) m.first_part = first_leaf(bs->body, "");
            if (!o_.dump_dir.empty()) manifest_ << fmt::format("msg uid {} size {}\n", m.uid, m.size);
            messages_.push_back(std::move(m));
        };
        auto set = imap::sequence_set::parse("1:*");
        if (!set) return fatal("sequence set");
        atts_.clear();
        for (auto k : {imap::fetch_att_kind::uid, imap::fetch_att_kind::flags, imap::fetch_att_kind::rfc822_size,
                       imap::fetch_att_kind::envelope, imap::fetch_att_kind::bodystructure}) {
            imap::fetch_att a;
            a.kind = k;
            atts_.push_back(a);
        }
        run(make_fetch(*set), [this](const imap::status_response&) {
            fmt::print("-- {} message(s) listed\n", messages_.size());
            if (messages_.size() != exists_) problem(fmt::format("EXISTS said {}, FETCH gave {}", exists_, messages_.size()));
            next(stage::part);
        });
    }

    imap::cmd::fetch make_fetch(imap::sequence_set set) const {
        imap::cmd::fetch f;
        f.uid = true;
        f.set = set;
        f.parenthesized = atts_.size() > 1;
        f.atts = std::span<const imap::fetch_att>(atts_.data(), atts_.size());
        return f;
    }

    /// "UID" and "SECTION" from --part, else the first multipart message's first part.
    bool choose_part() {
        if (!o_.part.empty()) {
            const auto colon = o_.part.find(':');
            if (colon == std::string::npos) return false;
            part_uid_ = o_.part.substr(0, colon);
            part_section_ = o_.part.substr(colon + 1);
            return true;
        }
        for (const auto& m : messages_) {
            if (!m.first_part.empty()) {
                part_uid_ = std::to_string(m.uid);
                part_section_ = m.first_part;
                return true;
            }
        }
        if (messages_.empty()) return false;
        part_uid_ = std::to_string(messages_.front().uid);
        part_section_ = "1";
        return true;
    }

    /// Handles the FETCH response to a one-item BODY.PEEK[...] request: the section's data.
    void expect_section(std::string what, std::string file) {
        on_untagged_ = [this, what, file](const imap::response& r) {
            const auto* f = r.get<imap::fetch_data>();
            if (!f) return;
            const auto* b = f->find(imap::fetch_item_kind::body_section);
            const auto* uid = f->find(imap::fetch_item_kind::uid);
            if (!b) return problem(what + ": no BODY[...] in the FETCH response");
            const auto data = b->string.is_nil() ? std::string() : b->string.str();
            std::string origin = b->has_origin ? fmt::format("<{}>", b->origin) : "";
            fmt::print("{}: UID {} BODY{}{} {} octets ({}): \"{}\"\n", what, uid ? uid->number : 0, b->section,
                       origin, data.size(), imap::to_string(b->string.form), printable(data));
            if (!file.empty()) write_file(file, data);
        };
    }

    void do_part() {
        if (!choose_part()) {
            fmt::print("-- no message to fetch a part of\n");
            return next(stage::idle);
        }
        auto set = imap::sequence_set::parse(part_uid_);
        auto sp = imap::section_part::parse(part_section_);
        if (!set || !sp) return fatal("--part: UID:SECTION, e.g. 3:1.2");
        atts_.clear();
        imap::fetch_att a;
        a.kind = imap::fetch_att_kind::body_peek;
        a.section.part = *sp;
        a.has_partial = true;
        a.partial = imap::partial{0, o_.part_bytes};
        atts_.push_back(a);
        fmt::print("-- fetching part {} of UID {}, first {} octets\n", part_section_, part_uid_, o_.part_bytes);
        expect_section("part", o_.dump_dir.empty() ? "" : fmt::format("{}/part-{}-{}.bin", o_.dump_dir, part_uid_, part_section_));
        if (!o_.dump_dir.empty()) manifest_ << fmt::format("part uid {} section {} bytes {}\n", part_uid_, part_section_, o_.part_bytes);
        run(make_fetch(*set), [this](const imap::status_response&) { next(stage::header); });
    }

    void do_header() {
        auto set = imap::sequence_set::parse(part_uid_);
        if (!set) return fatal("UID");
        atts_.clear();
        imap::fetch_att a;
        a.kind = imap::fetch_att_kind::body_peek;
        a.section.text = imap::section_text_kind::header;
        atts_.push_back(a);
        expect_section("header", o_.dump_dir.empty() ? "" : fmt::format("{}/header-{}.txt", o_.dump_dir, part_uid_));
        run(make_fetch(*set), [this](const imap::status_response&) { next(stage::download); });
    }

    void do_download() {
        if (!o_.download) return next(stage::idle);
        on_untagged_ = [this](const imap::response& r) {
            const auto* f = r.get<imap::fetch_data>();
            if (!f) return;
            const auto* uid = f->find(imap::fetch_item_kind::uid);
            const auto* b = f->find(imap::fetch_item_kind::body_section);
            if (!uid || !b || b->string.is_nil()) return problem(fmt::format("FETCH {}: no UID or BODY[]", f->number));
            // A literal's payload is a view of the received bytes: written out without a copy.
            const auto& v = b->string;
            const std::string data = v.form == imap::string_form::quoted ? v.str() : std::string();
            const std::string_view bytes = v.form == imap::string_form::quoted ? std::string_view(data) : v.text;
            write_file(fmt::format("{}/{}.eml", o_.dump_dir, uid->number), bytes);
            manifest_ << fmt::format("downloaded uid {} octets {}\n", uid->number, bytes.size());
            ++downloaded_;
        };
        auto set = imap::sequence_set::parse("1:*");
        if (!set) return fatal("sequence set");
        atts_.clear();
        imap::fetch_att u;
        u.kind = imap::fetch_att_kind::uid;
        atts_.push_back(u);
        imap::fetch_att b;
        b.kind = imap::fetch_att_kind::body_peek;
        atts_.push_back(b);
        run(make_fetch(*set), [this](const imap::status_response&) {
            fmt::print("-- downloaded {} message(s) to {}\n", downloaded_, o_.dump_dir);
            next(stage::idle);
        });
    }

    void do_idle() {
        if (o_.idle_seconds <= 0 || !has_cap("IDLE")) {
            fmt::print("-- IDLE skipped ({})\n", o_.idle_seconds <= 0 ? "--idle-seconds 0" : "not advertised");
            return next(stage::logout);
        }
        on_untagged_ = [](const imap::response& r) {
            fmt::print("-- during IDLE: {}\n", imap::response_kind_name(r));
        };
        on_continue_ = [this](const imap::continue_req& c) {
            on_continue_ = nullptr;
            fmt::print("-- idling for {} s (server: \"{}\")\n", o_.idle_seconds, printable(c.text.text));
            idling_ = true;
            deadline_.cancel(); // the idle timer bounds this wait
            idle_timer_.expires_after(std::chrono::seconds(o_.idle_seconds));
            idle_timer_.async_wait([this](const asio::error_code& ec) {
                if (ec) return;
                idling_ = false;
                // "DONE" has its own type (framer.hpp), written by fmt.
                send_raw(fmt::format("{}", imap::idle_done{}));
                if (o_.verbose) fmt::print("C: DONE\n");
                arm();
            });
        };
        run(imap::cmd::idle{}, [this](const imap::status_response&) {
            fmt::print("-- IDLE done\n");
            if (!o_.dump_dir.empty()) manifest_ << "idle ok\n";
            next(stage::logout);
        });
    }

    void do_logout() {
        on_untagged_ = [this](const imap::response& r) {
            if (const auto* s = r.get<imap::status_response>(); s && s->status == imap::status_kind::bye) saw_bye_ = true;
        };
        run(imap::cmd::logout{}, [this](const imap::status_response&) {
            if (!saw_bye_) problem("no BYE before LOGOUT's OK");
            finished_ = true;
            stage_ = stage::done;
            if (manifest_.is_open()) manifest_.close();
            fmt::print("-- logged out; {} problem(s)\n", problems_);
            asio::error_code ignored;
            socket_.shutdown(tcp::socket::shutdown_both, ignored);
            socket_.close(ignored);
            deadline_.cancel();
        });
    }

    // ---- commands out ----------------------------------------------------------------------

    /// Sends one command (written by mailwire) and calls `done` on its tagged OK. A tagged NO
    /// or BAD is a failure: reported, and the session goes on to LOGOUT.
    template <class Body>
    void run(Body body, std::function<void(const imap::status_response&)> done) {
        tag_ = fmt::format("A{:03}", ++tag_counter_);
        on_done_ = std::move(done);
        const imap::command c{imap::tag{tag_}, imap::command_body{std::move(body)}};
        if (o_.verbose) {
            if (std::holds_alternative<imap::cmd::login>(c.body) || std::holds_alternative<imap::cmd::authenticate>(c.body))
                fmt::print("C: {} {} <credentials>\n", tag_, imap::command_name(c));
            else
                fmt::print("C: {:v}\n", c);
        }
        // write_command hands out the bytes in parts: it stops before each synchronizing
        // literal, whose data may go out only after the server's "+" (RFC 9051 §4.3).
        segments_.clear();
        auto ok = imap::write_command(c, [this](const auto& part) {
            using P = std::decay_t<decltype(part)>;
            if constexpr (std::is_same_v<P, imap::line_part>) {
                segments_.push_back({std::string(part.bytes), part.literal_follows && part.synchronizing});
            } else {
                segments_.push_back({std::string(part.data), false});
            }
        });
        if (!ok) return fatal(fmt::format("command {} refused by check_writable", imap::command_name(c)));
        send_segments();
    }

    void send_segments() {
        while (!segments_.empty()) {
            auto seg = std::move(segments_.front());
            segments_.pop_front();
            send_raw(std::move(seg.bytes));
            if (seg.wait_for_continuation) {
                on_continue_ = [this](const imap::continue_req&) {
                    on_continue_ = nullptr;
                    send_segments();
                };
                return;
            }
        }
    }

    void send_raw(std::string bytes) {
        out_.push_back(std::move(bytes));
        if (out_.size() == 1) write_next();
    }

    void write_next() {
        if (out_.empty()) return;
        arm();
        asio::async_write(socket_, asio::buffer(out_.front()), [this](const asio::error_code& ec, std::size_t) {
            if (ec) return stopped_ ? void() : fatal("write: " + ec.message());
            out_.pop_front();
            write_next();
        });
    }

    // ---- responses in ----------------------------------------------------------------------

    void read() {
        socket_.async_read_some(asio::buffer(rbuf_), [this](const asio::error_code& ec, std::size_t n) {
            if (ec) {
                if (stage_ == stage::done || stopped_) return; // LOGOUT answered, or we gave up
                return fatal(ec == asio::error::eof ? "the server closed the connection" : "read: " + ec.message());
            }
            framer_.feed(std::string_view(rbuf_.data(), n));
            if (!idling_) arm();
            drain();
            if (!stopped_) read();
        });
    }

    /// Frames and handles every complete message buffered so far.
    void drain() {
        for (;;) {
            if (stopped_) return;
            const auto ev = framer_.next();
            switch (ev.status) {
            case imap::frame_status::need_more: return;
            case imap::frame_status::skip: continue; // buffered_framer handles these
            case imap::frame_status::literal_announced: continue; // only client_to_server
            case imap::frame_status::error:
                problem(fmt::format("framing: {}", mailwire::with_input(ev.bytes, ev.error)));
                continue;
            case imap::frame_status::message: break;
            }
            ++responses_;
            auto r = imap::parse_response(ev, storage_, popts_);
            if (!r) {
                problem(fmt::format("response did not parse ({} mode):\n{}", o_.lenient ? "lenient" : "strict",
                                    mailwire::with_input(ev.bytes.substr(0, std::min<std::size_t>(ev.bytes.size(), 4096)), r.error())));
                continue;
            }
            if (o_.verbose) fmt::print("S: {} ({} octets)\n", imap::response_kind_name(*r), ev.bytes.size());
            dispatch(*r);
        }
    }

    void dispatch(const imap::response& r) {
        if (const auto* s = r.get<imap::status_response>(); s && s->tagged) {
            if (s->tag.text != tag_) return problem(fmt::format("tagged response for unknown tag {}", s->tag.text));
            auto done = std::move(on_done_);
            on_done_ = nullptr;
            on_continue_ = nullptr;
            segments_.clear(); // a NO/BAD instead of "+": the rest of the command is not sent
            if (s->status != imap::status_kind::ok) {
                problem(fmt::format("{} {}: {}", tag_, imap::keyword(s->status), printable(s->text.text)));
                if (stage_ == stage::logout || stage_ == stage::done) return fatal("LOGOUT failed");
                if (stage_ == stage::login || stage_ == stage::select) return next(stage::logout);
                return next(stage_ == stage::idle ? stage::logout : stage::idle);
            }
            if (done) done(*s);
            return;
        }
        if (const auto* c = r.get<imap::continue_req>()) {
            if (!on_continue_) return problem("unexpected continuation request");
            auto f = on_continue_;
            return f(*c);
        }
        if (const auto* s = r.get<imap::status_response>(); s && s->status == imap::status_kind::bye && stage_ != stage::logout)
            problem("server said BYE: " + std::string(s->text.text));
        if (on_untagged_) {
            auto f = on_untagged_; // a copy: the handler may replace itself
            f(r);
        }
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    void set_caps(const imap::capability_list& l) {
        caps_.clear();
        for (const auto c : l) caps_.emplace_back(c);
    }
    bool has_cap(std::string_view name) const {
        return std::any_of(caps_.begin(), caps_.end(), [&](const std::string& c) { return mailwire::chars::iequals(c, name); });
    }

    void write_file(const std::string& path, std::string_view data) {
        std::ofstream f(path, std::ios::binary);
        f.write(data.data(), static_cast<std::streamsize>(data.size()));
        if (!f) problem("cannot write " + path);
    }

    /// Every wait is bounded: the deadline is re-armed at each send and each read.
    void arm() {
        deadline_.expires_after(std::chrono::seconds(o_.timeout_seconds));
        deadline_.async_wait([this](const asio::error_code& ec) {
            if (ec || stopped_ || idling_) return;
            fatal(fmt::format("timeout: nothing for {} s", o_.timeout_seconds));
        });
    }

    void problem(const std::string& what) {
        ++problems_;
        fmt::print(stderr, "imap-fetch: {}\n", what);
    }
    void fatal(const std::string& what) {
        problem(what);
        stop();
    }
    void stop() {
        stopped_ = true;
        asio::error_code ignored;
        deadline_.cancel();
        idle_timer_.cancel();
        socket_.close(ignored);
    }

public:
    bool open_manifest() {
        if (o_.dump_dir.empty()) return true;
        std::error_code ec;
        std::filesystem::create_directories(o_.dump_dir, ec);
        manifest_.open(o_.dump_dir + "/manifest", std::ios::binary | std::ios::trunc);
        return static_cast<bool>(manifest_);
    }

private:
    struct segment {
        std::string bytes;
        bool wait_for_continuation = false;
    };

    asio::io_context& io_;
    options o_;
    tcp::socket socket_;
    asio::steady_timer deadline_;
    asio::steady_timer idle_timer_;
    mailwire::parse_options popts_;
    imap::buffered_framer framer_;
    imap::response_storage storage_;
    std::array<char, 64 * 1024> rbuf_{};

    std::deque<std::string> out_;
    std::deque<segment> segments_;
    std::string tag_;
    unsigned tag_counter_ = 0;
    std::function<void(const imap::status_response&)> on_done_;
    std::function<void(const imap::continue_req&)> on_continue_;
    std::function<void(const imap::response&)> on_untagged_;

    stage stage_ = stage::capability;
    std::vector<std::string> caps_;
    std::string sasl_;
    std::string mailbox_wire_;
    std::array<imap::string_value, 1> patterns_{};
    std::vector<imap::fetch_att> atts_;
    std::vector<std::string> mailboxes_;
    std::vector<message_info> messages_;
    std::string part_uid_, part_section_;
    std::uint32_t exists_ = 0;
    std::uint64_t uidvalidity_ = 0, uidnext_ = 0;
    std::size_t downloaded_ = 0;
    std::ofstream manifest_;
    std::size_t responses_ = 0;
    int problems_ = 0;
    bool preauth_ = false, idling_ = false, stopped_ = false, finished_ = false, saw_bye_ = false;
};

} // namespace

int main(int argc, char** argv) {
    const options o = parse_args(argc, argv);
    try {
        asio::io_context io; // one io_context, run on this thread only
        client c(io, o);
        if (!c.open_manifest()) {
            std::fprintf(stderr, "imap-fetch: cannot write %s/manifest\n", o.dump_dir.c_str());
            return 1;
        }
        c.start();
        io.run();
        if (!c.succeeded()) {
            std::fprintf(stderr, "imap-fetch: FAILED (%d problem(s))\n", c.problems());
            return 1;
        }
        return 0;
    } catch (const std::exception& e) { // Asio reports resolver failures by exception
        std::fprintf(stderr, "imap-fetch: %s\n", e.what());
        return 1;
    }
}
