// What the test-data templates share: a lock across the test processes ctest runs in parallel,
// and the key that says which template is current (the program that builds it and the schema and
// rules it reads: a change to any gives another key, so another template).
#pragma once
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace palermo::test {

// Holds an exclusive lock on a file for its lifetime (the kernel releases it if a process dies).
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_CREAT | O_RDWR, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// A key for `program` (its size and modification time) and the product's schema and rules.
inline std::string templateKey(const std::string& program) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  auto mix = [&h](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ULL;
  };
  struct stat st {};
  if (::stat(program.c_str(), &st) == 0)
    mix(std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
  for (const char* sub : {"/schema", "/rules"}) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(PALERMO_SOURCE_DIR) + sub))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      mix(f.string());
      mix(std::string(std::istreambuf_iterator<char>(in), {}));
    }
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace palermo::test
