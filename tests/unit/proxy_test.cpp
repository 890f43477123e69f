// The client's address and scheme behind a trusted reverse proxy (http::applyTrustedProxy).
#include <gtest/gtest.h>

#include "http/message.hpp"

using palermo::http::applyTrustedProxy;
using palermo::http::Request;

namespace {
Request from(const std::string& ip, std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.remote_ip = ip;
  r.headers = std::move(headers);
  return r;
}
}  // namespace

TEST(TrustedProxy, TheProxysLastForwardedAddressAndSchemeAreBelieved) {
  auto r = from("127.0.0.1", {{"x-forwarded-for", "10.9.9.9, 203.0.113.7 "}, {"x-forwarded-proto", "https"}});
  applyTrustedProxy(r, {"10.0.0.5", "127.0.0.1"});
  EXPECT_EQ(r.remote_ip, "203.0.113.7");  // the earlier entry came from the client: not believed
  EXPECT_TRUE(r.tls);
}

TEST(TrustedProxy, AnyoneElsesHeadersAreIgnored) {
  auto r = from("198.51.100.4", {{"x-forwarded-for", "127.0.0.1"}, {"x-forwarded-proto", "https"}});
  applyTrustedProxy(r, {"127.0.0.1"});
  EXPECT_EQ(r.remote_ip, "198.51.100.4");
  EXPECT_FALSE(r.tls);
  auto none = from("127.0.0.1", {{"x-forwarded-for", "203.0.113.7"}});
  applyTrustedProxy(none, {});
  EXPECT_EQ(none.remote_ip, "127.0.0.1");
  auto plain = from("127.0.0.1", {{"x-forwarded-proto", "http"}});
  applyTrustedProxy(plain, {"127.0.0.1"});
  EXPECT_EQ(plain.remote_ip, "127.0.0.1");
  EXPECT_FALSE(plain.tls);
}
