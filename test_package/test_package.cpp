#include <mailwire/mailwire.hpp>

#include <fmt/format.h>

int main()
{
    mailwire::imap::response_storage storage;
    const auto r = mailwire::imap::parse_response("* 2 EXISTS\r\n", storage);
#if defined(MAILWIRE_SEPARATE_COMPILATION)
    fmt::print("mailwire {} (compiled)\n", mailwire::version);
#else
    fmt::print("mailwire {}\n", mailwire::version);
#endif
    return mailwire::version.empty() || !r ? 1 : 0;
}
