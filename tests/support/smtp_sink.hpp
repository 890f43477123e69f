// A local SMTP sink for tests: listens on 127.0.0.1 (a port the system picks), answers as a relay
// that accepts everything, and keeps each message (envelope and data). Stops by itself when the
// test ends. Can be told to refuse (421) to test retries.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace palermo::test {

class SmtpSink {
 public:
  struct Message {
    std::string from, to, data;
  };

  SmtpSink() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 8);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SmtpSink() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  [[nodiscard]] int port() const { return port_; }
  void refuse(bool on) { refuse_ = on; }
  std::vector<Message> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  // Waits (at most `seconds`) until `n` messages arrived.
  bool waitFor(std::size_t n, int seconds = 15) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (messages().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      session(c);
      ::close(c);
    }
  }
  static void say(int c, const std::string& s) { (void)!::send(c, s.data(), s.size(), MSG_NOSIGNAL); }
  void session(int c) {
    if (refuse_) {
      say(c, "421 not now\r\n");
      return;
    }
    say(c, "220 sink ESMTP\r\n");
    std::string buf, from, to;
    bool in_data = false;
    while (!stop_) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<std::size_t>(n));
      while (true) {
        if (in_data) {
          const auto end = buf.find("\r\n.\r\n");
          if (end == std::string::npos) break;
          {
            std::lock_guard lock(mu_);
            messages_.push_back({from, to, buf.substr(0, end + 2)});
          }
          buf.erase(0, end + 5);
          in_data = false;
          say(c, "250 queued\r\n");
          continue;
        }
        const auto nl = buf.find("\r\n");
        if (nl == std::string::npos) break;
        const std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 2);
        if (line.rfind("EHLO", 0) == 0) say(c, "250-sink\r\n250 8BITMIME\r\n");
        else if (line.rfind("MAIL FROM:", 0) == 0) from = line.substr(10), say(c, "250 ok\r\n");
        else if (line.rfind("RCPT TO:", 0) == 0) to = line.substr(8), say(c, "250 ok\r\n");
        else if (line == "DATA") in_data = true, say(c, "354 go on\r\n");
        else if (line == "QUIT") return say(c, "221 bye\r\n");
        else say(c, "500 what\r\n");
      }
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false}, refuse_{false};
  std::mutex mu_;
  std::vector<Message> messages_;
};

}  // namespace palermo::test
