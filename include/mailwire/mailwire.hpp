// mailwire: POP3 and IMAP command and response parsing and serialization, no I/O.
// This header includes everything; pop3.hpp and imap.hpp include one protocol each.
#pragma once

#include <mailwire/version.hpp>

#include <mailwire/core/chars.hpp>
#include <mailwire/core/diagnostic.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>

#if __has_include(<mailwire/pop3.hpp>)
#include <mailwire/pop3.hpp>
#endif
#if __has_include(<mailwire/imap.hpp>)
#include <mailwire/imap.hpp>
#endif
