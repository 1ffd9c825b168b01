// mailwire POP3: commands, responses, framing and session state (RFC 1939, 2449, 2595,
// 5034, 6856; RFC 3206 response codes).
#pragma once

#include <mailwire/pop3/capability.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/expect.hpp>
#include <mailwire/pop3/reader.hpp>
#include <mailwire/pop3/response.hpp>
#include <mailwire/pop3/session.hpp>
