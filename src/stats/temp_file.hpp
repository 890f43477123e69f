// A private temporary file for the renderers whose libraries write only to files (libzip for
// ODT, libxlsxwriter for XLSX): created empty, read back, always removed.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace palermo::stats {

class TempFile {
 public:
  explicit TempFile(const char* what) : what_(what) {
    const int fd = mkstemp(path_);
    if (fd < 0) throw std::runtime_error(std::string(what) + ": cannot create a temporary file");
    close(fd);
  }
  ~TempFile() { std::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const char* path() const { return path_; }
  [[nodiscard]] std::string read() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in && !in.eof()) throw std::runtime_error(what_ + ": cannot read back the temporary file");
    return bytes.str();
  }

 private:
  char path_[32] = "/tmp/palermo-render-XXXXXX";
  std::string what_;
};

}  // namespace palermo::stats
