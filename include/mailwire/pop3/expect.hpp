// The shape of the reply each POP3 command gets: the one decision both the framer
// (pop3/reader.hpp: single- or multi-line) and the typed parser (pop3/response.hpp: which
// payload) are built on.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include <mailwire/core/config.hpp>
#include <mailwire/pop3/command.hpp>

namespace mailwire::pop3 {

// =====================================================================================
// What reply a command gets
// =====================================================================================

/// The shape of the reply a command gets. A "-ERR" is always possible and always a single
/// line; the shape describes the "+OK" (or, for AUTH, "+ ") reply.
enum class expect : std::uint8_t {
    status,       ///< single line, no typed payload (USER, PASS, APOP, DELE, NOOP, RSET, QUIT, STLS, UTF8, LANG tag, extensions)
    greeting,     ///< the server greeting, maybe with an APOP timestamp (RFC 1939 §4, §7)
    stat,         ///< "+OK nn mm" (STAT, RFC 1939 §5)
    list_one,     ///< "+OK msg size" (LIST msg)
    list_all,     ///< multi-line scan listings (LIST)
    uidl_one,     ///< "+OK msg unique-id" (UIDL msg, RFC 1939 §7)
    uidl_all,     ///< multi-line unique-id listings (UIDL)
    capa,         ///< multi-line capability listing (CAPA, RFC 2449 §5)
    lang_list,    ///< multi-line language listing (LANG without argument, RFC 6856 §3)
    message,      ///< multi-line message content (RETR, TOP)
    continuation, ///< "+ base64" challenge, or the final +OK / -ERR (AUTH, RFC 5034 §4)
};

MAILWIRE_LAZY constexpr std::string_view to_string(expect e) noexcept {
    switch (e) {
    case expect::status: return "status";
    case expect::greeting: return "greeting";
    case expect::stat: return "stat";
    case expect::list_one: return "list_one";
    case expect::list_all: return "list_all";
    case expect::uidl_one: return "uidl_one";
    case expect::uidl_all: return "uidl_all";
    case expect::capa: return "capa";
    case expect::lang_list: return "lang_list";
    case expect::message: return "message";
    case expect::continuation: return "continuation";
    }
    return "unknown";
}

/// True when a "+OK" of this shape is followed by a multi-line block ending in CRLF.CRLF.
MAILWIRE_LAZY constexpr bool multiline_on_ok(expect e) noexcept {
    return e == expect::list_all || e == expect::uidl_all || e == expect::capa || e == expect::lang_list ||
           e == expect::message;
}

namespace detail {
struct expectation_visitor {
    constexpr expect operator()(const stat&) const noexcept { return expect::stat; }
    constexpr expect operator()(const list& c) const noexcept { return c.msg ? expect::list_one : expect::list_all; }
    constexpr expect operator()(const uidl& c) const noexcept { return c.msg ? expect::uidl_one : expect::uidl_all; }
    constexpr expect operator()(const retr&) const noexcept { return expect::message; }
    constexpr expect operator()(const top&) const noexcept { return expect::message; }
    constexpr expect operator()(const capa&) const noexcept { return expect::capa; }
    constexpr expect operator()(const auth&) const noexcept { return expect::continuation; }
    constexpr expect operator()(const lang& c) const noexcept { return c.tag ? expect::status : expect::lang_list; }
    template <class T>
    constexpr expect operator()(const T&) const noexcept { return expect::status; }
};
} // namespace detail

/// The reply shape for a command: LIST/UIDL without argument -> *_all, with one -> *_one;
/// LANG without argument -> lang_list; RETR/TOP -> message; AUTH -> continuation (a "+ "
/// challenge or the final status); CAPA -> capa; STAT -> stat; anything else -> status.
MAILWIRE_LAZY constexpr expect expectation_for(const command& c) noexcept { return std::visit(detail::expectation_visitor{}, c); }
/// After a client line inside an AUTH exchange: another challenge or the final status.
MAILWIRE_LAZY constexpr expect expectation_for(const auth_continuation&) noexcept { return expect::continuation; }


} // namespace mailwire::pop3
