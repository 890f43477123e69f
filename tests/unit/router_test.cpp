#include <gtest/gtest.h>

#include "http/router.hpp"

using namespace palermo::http;

namespace {
Handler named(std::string name) {
  return [name](Request&) { return Response::text(200, name); };
}
}  // namespace

TEST(Router, MatchesLiteralAndParameterisedPaths) {
  Router r;
  r.get("/api/v1/records/{type}", named("list"));
  r.get("/api/v1/records/{type}/{id}", named("one"));
  r.get("/api/v1/records/victim/schema", named("literal"));
  auto m = r.match("GET", "/api/v1/records/signal/42");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.pattern, "/api/v1/records/{type}/{id}");
  EXPECT_EQ(m.params.at("type"), "signal");
  EXPECT_EQ(m.params.at("id"), "42");
  // A literal segment wins over a parameter.
  m = r.match("GET", "/api/v1/records/victim/schema");
  EXPECT_EQ(m.pattern, "/api/v1/records/victim/schema");
}

TEST(Router, AnswersMethodNotAllowedWithAllowList) {
  Router r;
  r.get("/a", named("get"));
  r.post("/a", named("post"));
  auto m = r.match("DELETE", "/a");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, POST");
}

TEST(Router, HeadUsesGetRouteAndUnknownIsNotFound) {
  Router r;
  r.get("/healthz", named("h"));
  EXPECT_NE(r.match("HEAD", "/healthz").handler, nullptr);
  EXPECT_EQ(r.match("GET", "/nope").status, 404);
}

TEST(Router, FallbackServesNonApiGetOnly) {
  Router r;
  r.fallback(named("static"));
  EXPECT_NE(r.match("GET", "/cases/12").handler, nullptr);
  EXPECT_EQ(r.match("GET", "/api/v1/unknown").status, 404);
  EXPECT_EQ(r.match("POST", "/cases").status, 404);
}

TEST(Router, RejectsDuplicateRoutes) {
  Router r;
  r.get("/a", named("1"));
  EXPECT_THROW(r.get("/a", named("2")), std::logic_error);
}

TEST(PercentDecode, DecodesAndRejectsMalformed) {
  std::string out;
  EXPECT_TRUE(percentDecode("a%20b+c", out, true));
  EXPECT_EQ(out, "a b c");
  EXPECT_TRUE(percentDecode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(percentDecode("%2", out, false));
  EXPECT_FALSE(percentDecode("%zz", out, false));
  EXPECT_FALSE(percentDecode("a%00b", out, false));
}

TEST(Request, ReadsCookiesAndQueryParameters) {
  Request req;
  req.headers = {{"cookie", "a=1; palermo_session=tok; b=2"}};
  req.query = "name=%C6%8Fli+Mammadov&flag&x=1";
  EXPECT_EQ(req.cookie("palermo_session"), "tok");
  EXPECT_EQ(req.cookie("missing"), "");
  EXPECT_EQ(req.queryParam("name"), "Əli Mammadov");
  EXPECT_TRUE(req.hasQueryParam("flag"));
  EXPECT_FALSE(req.hasQueryParam("nope"));
}
