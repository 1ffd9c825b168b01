// mailwire IMAP: framing, grammar rules, commands and responses (RFC 9051, RFC 3501 and
// the extensions listed in the README).
#pragma once

#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/rules/body_structure.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/envelope.hpp>
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/mutf7.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/section.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>
#include <mailwire/imap/response.hpp>
#if __has_include(<mailwire/imap/command.hpp>)
#include <mailwire/imap/command.hpp>
#endif
