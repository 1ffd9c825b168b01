// IMAP commands, client -> server: RFC 9051 §6 and §9 (IMAP4rev2), RFC 3501 (IMAP4rev1),
// RFC 4466 (the collected extension ABNF) and the extensions listed below.
//
//   result<command> parse_command(message, storage, opts = {}, syn = {})
//   result<void>    check_writable(const command&)
//   fmt::format("{}", cmd)        wire bytes        fmt::format("{:v}", cmd)   readable dump
//   result<void>    write_command(cmd, sink, write_options)   wire bytes in parts
//   std::string_view command_name(cmd)                        "UID FETCH", "LOGIN", ...
//
// `message` is one complete framed command, as imap::framer delivers it: every line and
// every literal's data, the final CRLF included. The lines that are not commands have
// parsers of their own in framer.hpp: parse_authenticate_continuation() for the client's
// answers during AUTHENTICATE, parse_idle_done() for the "DONE" that ends IDLE.
//
// Layout:
//   command/types.hpp    the structs: imap::command{tag, body}, body a std::variant with
//                        one struct per command (imap::cmd::login, imap::cmd::fetch, ...)
//   command/storage.hpp  command_storage: the caller's reusable storage for list fields
//   command/parse.hpp    parse_command() and the rules (imap::command_rules), one per ABNF rule
//   command/check.hpp    check_writable(): whether a command writes back to itself
//   command/dump.hpp     the readable dump ("{:v}")
//   command/write.hpp    the formatter, write_command(), command_name()
//
// ---- Lifetimes -----------------------------------------------------------------------------
//
// A parsed command is a set of views: every std::string_view (tags, atoms, strings,
// literal payloads, sequence sets) points into `message` and lives as long as those bytes;
// every std::span (ENABLE's capabilities, STATUS items, LIST patterns, APPEND messages, ID
// pairs, generic tokens, ...) points into `storage` and lives until `storage` is given to
// parse_command() again (which clears it), cleared, or destroyed. Copy what must outlive
// either. Parsing allocates nothing once the storage's vectors have grown to the working
// size: they are cleared, never freed.
//
// ---- Commands ------------------------------------------------------------------------------
//
// Typed: CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE (SASL-IR, RFC 4959), LOGIN,
// ENABLE (RFC 5161), SELECT / EXAMINE (CONDSTORE, QRESYNC: RFC 7162; other select-params
// kept as tokens), CREATE (USE: RFC 6154), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST
// (LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819, SPECIAL-USE RFC 6154), LSUB, NAMESPACE
// (RFC 2342), STATUS (RFC 7162, 7889, 8438, 8474, 9208 items), APPEND (MULTIAPPEND RFC 3502,
// literal8 RFC 3516, UTF8 RFC 6855, append-data-ext such as CATENATE RFC 4469), IDLE
// (RFC 2177), CHECK, CLOSE, UNSELECT (RFC 3691), EXPUNGE, UID EXPUNGE (RFC 4315), [UID]
// STORE (UNCHANGEDSINCE RFC 7162, Gmail's X-GM-LABELS), [UID] COPY, [UID] MOVE (RFC 6851),
// [UID] SEARCH (RETURN: RFC 4731, 5182, 9394), [UID] FETCH (modifiers: RFC 4466, 7162, 9394),
// [UID] SORT (RFC 5256, ESORT RETURN RFC 5267, RFC 5957), [UID] THREAD, ID (RFC 2971), GETQUOTA /
// GETQUOTAROOT / SETQUOTA (RFC 9208), SETACL / DELETEACL / GETACL / LISTRIGHTS / MYRIGHTS
// (RFC 4314), GETMETADATA / SETMETADATA (RFC 5464), COMPRESS (RFC 4978), UNAUTHENTICATE
// (RFC 8437), [UID] REPLACE (RFC 8508).
//
// SEARCH's program and RETURN options, SORT's and THREAD's search criteria are
// search_key.hpp's (search_node trees, search_return_opts); FETCH's items and modifiers
// are fetch_att.hpp's (fetch_att, fetch_modifiers). The depth budget is shared with them.
//
// Any other command is kept, never dropped, as cmd::generic: its name and its arguments
// as tokens (words, quoted strings, literals, literal8, parentheses; nesting within
// max_depth). parse_command() never answers errc::unknown_command: whether a server knows
// a command is its business (it answers BAD), not the grammar's.
//
// ---- Modes ---------------------------------------------------------------------------------
//
// Strict is the grammar to the letter. Lenient also accepts (quirks table, one test each):
//   - a bare LF ending the command (hand-typed sessions through netcat without -C), as the
//     framer does; strict: strict_violation at the LF;
//   - what the shared rules accept in lenient mode (8-bit bytes in quoted strings, ...),
//     and 8-bit bytes in the words of generic arguments.
// Decisions, each tested:
//   - Keywords are case-insensitive (RFC 9051 §9 note 1). Command names are written back
//     in upper case (canonical form); the spelling of keywords inside arguments (search
//     keys, status items, options) is kept as sent where types.hpp says so.
//   - Unknown STATUS items, LIST options, select / create / rename params, store modifiers
//     and GETMETADATA options are kept (kind `other`), in both modes: extensions add them.
//   - "AUTHENTICATE mech " with an empty base64 is invalid_syntax: RFC 4959 §3 says an
//     empty initial response is sent as "=".
//   - GETMETADATA options are accepted before the mailbox (RFC 5464's ABNF) and after it
//     (its examples); written back where they were.
//   - An append-data-ext (tagged-ext) is append-data when it is UTF8 or CATENATE or ends
//     the command, else an append-ext (RFC 4466's grammar is ambiguous there).
//
// ---- Writing -------------------------------------------------------------------------------
//
// See command/write.hpp and command/check.hpp: values are written in the form they hold (so parsed commands
// write back byte for byte), check_writable() refuses what would not parse back equal, and
// write_command() splits the bytes so a client can wait for "+" before each synchronizing
// literal, choosing "{n}", "{n+}" (LITERAL+) or LITERAL- forms with write_options.
#pragma once

#include <mailwire/imap/command/check.hpp>
#include <mailwire/imap/command/dump.hpp>
#include <mailwire/imap/command/parse.hpp>
#include <mailwire/imap/command/storage.hpp>
#include <mailwire/imap/command/types.hpp>
#include <mailwire/imap/command/write.hpp>
