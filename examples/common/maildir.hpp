// Reading a Maildir, shared by the example servers (pop3-server, imap-server): the regular
// files of cur/ and new/ with their contents. What a message is made of stays with each server.
#pragma once

#include <cerrno>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace mwexample {

/// A whole file's bytes; nullopt if it cannot be opened or read.
inline std::optional<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string s;
    char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0) break;
        s.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return s;
}

/// One message file of a Maildir.
struct maildir_file {
    std::string name;    // the file name, with its ":2,..." info part
    std::string path;    // maildir/cur/name or maildir/new/name
    std::string content; // as stored
    struct stat st{};
};

/// The regular files of maildir/cur then maildir/new, in directory order (callers sort);
/// dot files are skipped, and so is a file that vanished meanwhile (another client's
/// deletion). nullopt if cur/ or new/ cannot be opened.
inline std::optional<std::vector<maildir_file>> read_maildir(const std::string& maildir) {
    std::vector<maildir_file> out;
    for (const char* sub : {"cur", "new"}) {
        const std::string dir = maildir + "/" + sub;
        DIR* d = ::opendir(dir.c_str());
        if (!d) return std::nullopt;
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] == '.') continue;
            maildir_file f;
            f.name = e->d_name;
            f.path = dir + "/" + f.name;
            if (::stat(f.path.c_str(), &f.st) != 0 || !S_ISREG(f.st.st_mode)) continue;
            auto content = read_file(f.path);
            if (!content) continue;
            f.content = std::move(*content);
            out.push_back(std::move(f));
        }
        ::closedir(d);
    }
    return out;
}

} // namespace mwexample
