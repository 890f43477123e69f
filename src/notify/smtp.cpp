#include "notify/smtp.hpp"

#include <netdb.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <ctime>
#include <stdexcept>
#include <string>

#include "core/random.hpp"

namespace palermo::notify {

namespace {

class Connection {
 public:
  Connection(const SmtpSettings& s) {  // NOLINT: explicit not needed
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(s.port);
    if (getaddrinfo(s.host.c_str(), port.c_str(), &hints, &found) != 0 || !found)
      throw std::runtime_error("smtp: cannot resolve " + s.host);
    for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
      const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      timeval tv{s.timeout_ms / 1000, (s.timeout_ms % 1000) * 1000};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) fd_ = fd;
      else ::close(fd);
    }
    freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error("smtp: cannot connect to " + s.host + ":" + port);
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("smtp: the relay stopped reading");
      done += static_cast<std::size_t>(n);
    }
  }

  // One reply (the last line of a multi-line one decides): its code, and its text for errors.
  int reply(std::string& text) {
    text.clear();
    while (true) {
      std::string line;
      while (true) {
        const auto nl = buffer_.find("\r\n");
        if (nl != std::string::npos) {
          line = buffer_.substr(0, nl);
          buffer_.erase(0, nl + 2);
          break;
        }
        if (buffer_.size() > 64 * 1024) throw std::runtime_error("smtp: the relay's answer is too long");
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) throw std::runtime_error("smtp: no answer from the relay");
        buffer_.append(chunk, static_cast<std::size_t>(n));
      }
      if (line.size() < 3) throw std::runtime_error("smtp: the relay's answer is not SMTP");
      text += (text.empty() ? "" : " ") + line;
      if (line.size() == 3 || line[3] != '-') return std::atoi(line.substr(0, 3).c_str());
    }
  }

  void expect(const std::string& command, int low, int high, const char* step) {
    if (!command.empty()) send(command + "\r\n");
    std::string text;
    const int code = reply(text);
    if (code < low || code > high)
      throw std::runtime_error(std::string("smtp: ") + step + " refused: " + text.substr(0, 200));
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

// No CR or LF in a header value (header injection), no control characters.
std::string headerSafe(const std::string& v) {
  std::string out;
  for (unsigned char c : v)
    if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
  return out;
}

std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string rfc5322Date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace

bool plausibleAddress(const std::string& a) {
  if (a.empty() || a.size() > 254) return false;
  const auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos)
    return false;
  for (unsigned char c : a)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\') return false;
  return a.find('.', at) != std::string::npos;
}

void sendMail(const SmtpSettings& s, const std::string& to, const std::string& subject, const std::string& body) {
  if (!plausibleAddress(to)) throw std::runtime_error("smtp: not an address: " + headerSafe(to).substr(0, 80));
  if (!plausibleAddress(s.from)) throw std::runtime_error("smtp: the sender is not an address");
  Connection c(s);
  c.expect("", 220, 220, "greeting");
  c.expect("EHLO " + headerSafe(s.helo), 250, 250, "EHLO");
  c.expect("MAIL FROM:<" + s.from + ">", 250, 250, "MAIL FROM");
  c.expect("RCPT TO:<" + to + ">", 250, 251, "RCPT TO");
  c.expect("DATA", 354, 354, "DATA");
  // The body in base64 lines of 76: no 8-bit transport needed, no line starts with a dot.
  std::string encoded = base64(body), lines;
  for (std::size_t i = 0; i < encoded.size(); i += 76) lines += encoded.substr(i, 76) + "\r\n";
  std::string message;
  message += "From: " + s.from + "\r\n";
  message += "To: " + to + "\r\n";
  message += "Subject: =?UTF-8?B?" + base64(headerSafe(subject)) + "?=\r\n";
  message += "Date: " + rfc5322Date() + "\r\n";
  message += "Message-ID: <" + randomToken(16) + "@" + headerSafe(s.helo) + ">\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: text/plain; charset=UTF-8\r\n";
  message += "Content-Transfer-Encoding: base64\r\n";
  message += "Auto-Submitted: auto-generated\r\n";
  message += "\r\n" + lines + ".\r\n";
  c.send(message);
  c.expect("", 250, 250, "the message");
  try {
    c.expect("QUIT", 221, 221, "QUIT");
  } catch (const std::runtime_error&) {  // NOLINT(bugprone-empty-catch): accepted already
  }
}

}  // namespace palermo::notify
