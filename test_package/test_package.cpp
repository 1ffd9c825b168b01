#include <mailwire/mailwire.hpp>

#include <fmt/format.h>

int main()
{
    fmt::print("mailwire {}\n", mailwire::version);
    return mailwire::version.empty() ? 1 : 0;
}
