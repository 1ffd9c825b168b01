// mailwire::compiled: the one unit that instantiates mailwire's entry points, for users who
// build with MAILWIRE_SEPARATE_COMPILATION (core/config.hpp). Every other unit of theirs
// declares these instantiations extern and so neither instantiates nor optimizes the parsers
// and writers behind them.
#if !defined(MAILWIRE_SEPARATE_COMPILATION)
#error "src/mailwire.cpp is built with MAILWIRE_SEPARATE_COMPILATION (the CMake target mailwire::compiled)"
#endif

#include <mailwire/mailwire.hpp>

MAILWIRE_IMAP_RESPONSE_INSTANTIATIONS()
MAILWIRE_IMAP_COMMAND_INSTANTIATIONS()
MAILWIRE_POP3_RESPONSE_INSTANTIATIONS()
