// Response compression: which clients get gzip, which answers are compressed, and that what is
// sent inflates back to the answer.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "http/compress.hpp"

using namespace palermo::http;

namespace {

std::string gunzip(const std::string& packed) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

Request get(const std::string& path, const std::string& accept_encoding) {
  Request r;
  r.method = "GET";
  r.path = path;
  if (!accept_encoding.empty()) r.headers.emplace_back("accept-encoding", accept_encoding);
  return r;
}

std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

}  // namespace

TEST(Compress, AcceptEncodingIsReadAsRfc9110Says) {
  EXPECT_TRUE(acceptsGzip("gzip"));
  EXPECT_TRUE(acceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(acceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(acceptsGzip("*"));
  EXPECT_TRUE(acceptsGzip("x-gzip"));
  EXPECT_FALSE(acceptsGzip(""));
  EXPECT_FALSE(acceptsGzip("identity"));
  EXPECT_FALSE(acceptsGzip("gzip;q=0"));
  EXPECT_FALSE(acceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(acceptsGzip("*, gzip;q=0"));  // named and refused beats the wildcard
  EXPECT_FALSE(acceptsGzip("deflate, br"));
  EXPECT_FALSE(acceptsGzip(",,;;q=,"));
}

TEST(Compress, TextIsCompressedAndInflatesBack) {
  EXPECT_TRUE(compressible("application/json"));
  EXPECT_TRUE(compressible("text/html; charset=utf-8"));
  EXPECT_TRUE(compressible("application/problem+json"));
  EXPECT_TRUE(compressible("application/javascript"));
  EXPECT_FALSE(compressible("image/png"));
  EXPECT_FALSE(compressible("application/pdf"));
  EXPECT_FALSE(compressible("application/zip"));
  std::string json = "{\"items\":[";
  for (int i = 0; i < 500; ++i) json += "{\"id\":" + std::to_string(i) + ",\"state\":\"identified\"},";
  json += "{}]}";
  for (int level : {1, 6, 9}) EXPECT_EQ(gunzip(gzip(json, level)), json);
  EXPECT_EQ(gunzip(gzip("")), "");

  Response r{200, "application/json", {}, json};
  compressResponse(get("/api/v1/records/victim_case", "gzip, br"), r);
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  EXPECT_LT(r.body.size(), json.size() / 5);
  EXPECT_EQ(gunzip(r.body), json);
}

TEST(Compress, WhatIsNotCompressed) {
  const std::string big(4096, 'a');
  auto after = [&](Response r, const Request& req) {
    compressResponse(req, r);
    return r;
  };
  // The client does not take it: the answer as it is, but it says it would differ.
  auto plain = after({200, "application/json", {}, big}, get("/api/v1/schema", ""));
  EXPECT_EQ(plain.body, big);
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  // Small answers, images, HEAD, 304, answers already encoded.
  EXPECT_EQ(after({200, "application/json", {}, "{\"a\":1}"}, get("/x", "gzip")).body, "{\"a\":1}");
  EXPECT_EQ(after({200, "image/png", {}, big}, get("/x", "gzip")).body, big);
  Request head = get("/x", "gzip");
  head.method = "HEAD";
  EXPECT_EQ(after({200, "application/json", {}, big}, head).body, big);
  EXPECT_EQ(after({304, "application/json", {}, big}, get("/x", "gzip")).body, big);
  EXPECT_EQ(after({200, "application/json", {{"Content-Encoding", "gzip"}}, big}, get("/x", "gzip")).body, big);
  // Sign-in and session answers carry a secret (the CSRF token, a second factor's secret) beside
  // what the client sent: never compressed (BREACH).
  for (const char* path : {"/api/v1/auth/login", "/api/v1/auth/me", "/api/v1/auth/totp/setup"}) {
    auto r = after({200, "application/json", {}, big}, get(path, "gzip"));
    EXPECT_EQ(r.body, big) << path;
    EXPECT_TRUE(header(r, "Content-Encoding").empty()) << path;
  }
}
