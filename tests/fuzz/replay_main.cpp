// Replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer, so the
// corpus is a regression test under any compiler (CTest: fuzz_replay.<name>).
//
// Usage: fuzz_replay_<name> [file-or-directory...]
// Directories are walked recursively; files are replayed in sorted order. The
// empty input is always replayed first. Prints "replayed N inputs".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool read_file(const std::filesystem::path& path, std::vector<std::uint8_t>& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

} // namespace

int main(int argc, char** argv)
{
    namespace fs = std::filesystem;

    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        std::error_code ec;
        if (fs::is_directory(arg, ec)) {
            for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
                if (entry.is_regular_file(ec)) {
                    files.push_back(entry.path());
                }
            }
            if (ec) {
                std::fprintf(stderr, "error: cannot walk %s: %s\n", argv[i],
                             ec.message().c_str());
                return 2;
            }
        } else if (fs::is_regular_file(arg, ec)) {
            files.push_back(arg);
        } else {
            std::fprintf(stderr, "error: no such file or directory: %s\n", argv[i]);
            return 2;
        }
    }
    std::sort(files.begin(), files.end());

    std::size_t replayed = 0;
    static const std::uint8_t empty[1] = {0};
    LLVMFuzzerTestOneInput(empty, 0);
    ++replayed;

    std::vector<std::uint8_t> buffer;
    for (const auto& file : files) {
        if (!read_file(file, buffer)) {
            std::fprintf(stderr, "error: cannot read %s\n", file.string().c_str());
            return 2;
        }
        // Give each input its own exactly-sized allocation so ASan catches
        // reads past the end, as libFuzzer would.
        std::vector<std::uint8_t> input(buffer.begin(), buffer.end());
        LLVMFuzzerTestOneInput(input.data(), input.size());
        ++replayed;
    }

    std::printf("replayed %zu inputs\n", replayed);
    return 0;
}
