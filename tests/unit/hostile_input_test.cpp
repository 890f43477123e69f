// Parsers of untrusted input under hostile input: JSON nested deep, numbers out of range, texts
// too long, and the web root's table of files (docs/security.md, findings 1 and 2).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "api/static_files.hpp"
#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/utf8.hpp"
#include "records/engine.hpp"
#include "http/message.hpp"

using palermo::Json;
using palermo::JsonInputError;
using palermo::JsonLimits;
using palermo::parseJsonInput;

namespace {

std::string nested(int depth, char open = '[', char close = ']') {
  return std::string(static_cast<std::size_t>(depth), open) + std::string(static_cast<std::size_t>(depth), close);
}

JsonInputError::Kind kindOf(const std::string& text, const JsonLimits& limits = {}) {
  try {
    (void)parseJsonInput(text, limits);
  } catch (const JsonInputError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 80);
  return JsonInputError::Kind::Malformed;
}

}  // namespace

TEST(JsonInput, ParsesWhatIsWithinTheLimits) {
  const Json j = parseJsonInput(R"({"a": [1, 2.5, "x", null, true, {"b": -3}], "c": 18446744073709551615})");
  EXPECT_EQ(j["a"][1], 2.5);
  EXPECT_EQ(j["a"][5]["b"], -3);
  EXPECT_TRUE(j["c"].is_number_unsigned());
  EXPECT_NO_THROW(parseJsonInput(nested(64)));
  // A number too long for 64 bits but within a double is a double, not an error.
  EXPECT_TRUE(parseJsonInput("123456789012345678901234567890").is_number_float());
}

TEST(JsonInput, RefusesNestingDeeperThanTheLimitWithoutCrashing) {
  EXPECT_EQ(kindOf(nested(65)), JsonInputError::Kind::TooDeep);
  // What killed the server: 100,000 levels (the stack overflowed further on).
  EXPECT_EQ(kindOf(nested(100000)), JsonInputError::Kind::TooDeep);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_EQ(kindOf(objects), JsonInputError::Kind::TooDeep);
  EXPECT_EQ(kindOf(nested(5), JsonLimits{4, 100}), JsonInputError::Kind::TooDeep);
  try {
    (void)parseJsonInput(R"({"answers": {"q": [[[[1]]]]}})", JsonLimits{4, 100});
    FAIL();
  } catch (const JsonInputError& e) {
    EXPECT_EQ(e.field(), "answers.q[0][0]");
    EXPECT_NE(std::string(e.what()).find("deeper than 4"), std::string::npos) << e.what();
  }
}

TEST(JsonInput, NamesTheFieldOfANumberOutOfRange) {
  try {
    (void)parseJsonInput(R"({"birth": 1e400})");
    FAIL();
  } catch (const JsonInputError& e) {
    EXPECT_EQ(e.kind(), JsonInputError::Kind::NumberOutOfRange);
    EXPECT_EQ(e.field(), "birth");
  }
  try {
    (void)parseJsonInput(R"({"items": [1, {"age": 2}, -1e999]})");
    FAIL();
  } catch (const JsonInputError& e) {
    EXPECT_EQ(e.kind(), JsonInputError::Kind::NumberOutOfRange);
    EXPECT_EQ(e.field(), "items[2]");
  }
}

TEST(JsonInput, RefusesTextsLongerThanTheLimitAndMalformedInput) {
  EXPECT_EQ(kindOf("\"" + std::string(101, 'x') + "\"", JsonLimits{64, 100}), JsonInputError::Kind::StringTooLong);
  EXPECT_EQ(kindOf("{\"" + std::string(101, 'k') + "\": 1}", JsonLimits{64, 100}), JsonInputError::Kind::StringTooLong);
  for (const std::string& bad : std::vector<std::string>{"", "{", "{\"a\":}", "[1,]", "nul", "\"\xff\"", "{\"a\":1} x", "\"\\ud800\"",
                                                        std::string("1\0{{{", 5), std::string("{\"a\":1}\0x", 9)})
    EXPECT_EQ(kindOf(bad), JsonInputError::Kind::Malformed) << bad;
}

TEST(JsonInput, NestingCheckOfTheHttpEdge) {
  EXPECT_TRUE(palermo::jsonNestingWithin(nested(64), 64));
  EXPECT_FALSE(palermo::jsonNestingWithin(nested(65), 64));
  EXPECT_FALSE(palermo::jsonNestingWithin(std::string(100000, '['), 64));
  // Brackets inside strings, escaped quotes included, do not count; JSON lines each start at 0.
  EXPECT_TRUE(palermo::jsonNestingWithin("{\"a\": \"" + std::string(1000, '[') + "\\\"[[[\"}", 2));
  EXPECT_TRUE(palermo::jsonNestingWithin(nested(3) + "\n" + nested(3), 3));
}

TEST(JsonInput, RequestBodiesAnswerProblemsNamingTheRule) {
  palermo::http::Request req;
  req.headers = {{"content-type", "application/json"}};
  auto problemOf = [&req](std::string body) {
    req.body = std::move(body);
    try {
      (void)req.jsonBody();
    } catch (const palermo::Problem& p) {
      return p;
    }
    return palermo::Problem(0, "none", "accepted");
  };
  auto deep = problemOf("{\"a\":" + nested(200) + "}");
  EXPECT_EQ(deep.status(), 400);
  EXPECT_EQ(deep.code(), "request.json_too_deep");
  auto huge = problemOf(R"({"birth": 1e400})");
  EXPECT_EQ(huge.status(), 422);
  ASSERT_EQ(huge.errors().size(), 1U);
  EXPECT_EQ(huge.errors()[0].field, "birth");
  EXPECT_EQ(huge.errors()[0].code, "number_range");
  auto bad = problemOf("{\"a\": ");
  EXPECT_EQ(bad.status(), 400);
  EXPECT_EQ(bad.code(), "request.malformed_json");
}

TEST(JsonInput, PercentDecodingRefusesNulRawOrEncoded) {
  std::string out;
  EXPECT_TRUE(palermo::http::percentDecode("/a%20b", out, false));
  EXPECT_EQ(out, "/a b");
  EXPECT_FALSE(palermo::http::percentDecode("/a%00b", out, false));
  EXPECT_FALSE(palermo::http::percentDecode(std::string("//\0", 3), out, false));  // found by fuzzing
  EXPECT_FALSE(palermo::http::percentDecode("/a%2", out, false));
  EXPECT_FALSE(palermo::http::percentDecode("/a%zz", out, false));
}

TEST(Utf8, StrictValidity) {
  EXPECT_TRUE(palermo::isValidUtf8("Məmmədov Сахиб"));
  EXPECT_FALSE(palermo::isValidUtf8("\xc0\xae"));          // overlong '.'
  EXPECT_FALSE(palermo::isValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(palermo::isValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(palermo::isValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(palermo::isValidUtf8("a\xc3"));             // cut short
}

TEST(WebFiles, HostilePathsAreRecognised) {
  using palermo::api::hostileWebPath;
  for (const char* ok : {"/", "/index.html", "/assets/index-3f2a.js", "/cases/12", "/cases/12/", "/ş"})
    EXPECT_FALSE(hostileWebPath(ok)) << ok;
  for (const std::string& bad : std::vector<std::string>{"", "x", "//etc/passwd", "///etc/passwd", "/../etc/passwd", "/a/../b", "/a/./b",
                                "/..", "/a\\..\\b", std::string("/a\0b", 4), "/\xc0\xae\xc0\xae/etc", "/a\x01"})
    EXPECT_TRUE(hostileWebPath(bad)) << bad;
}

TEST(WebFiles, TheManifestHoldsOnlyTheFilesUnderTheRoot) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "palermo-web-XXXXXX").string();
  const fs::path dir = mkdtemp(tmpl.data());
  fs::create_directories(dir / "web" / "assets");
  fs::create_directories(dir / "web" / ".git");
  std::ofstream(dir / "web" / "index.html") << "<html></html>";
  std::ofstream(dir / "web" / "assets" / "app-1.js") << "1";
  std::ofstream(dir / "web" / ".env") << "SECRET";
  std::ofstream(dir / "web" / ".git" / "config") << "SECRET";
  std::ofstream(dir / "secret.txt") << "SECRET";
  fs::create_symlink(dir / "secret.txt", dir / "web" / "leak.txt");           // a file outside
  fs::create_directory_symlink("/etc", dir / "web" / "etc");                  // a directory outside
  fs::create_symlink(dir / "web" / "index.html", dir / "web" / "home.html");  // inside: kept
  const auto files = palermo::api::webManifest(dir / "web");
  std::set<std::string> urls;
  for (const auto& [url, file] : files) urls.insert(url);
  EXPECT_EQ(urls, (std::set<std::string>{"/index.html", "/assets/app-1.js", "/home.html"}));
  EXPECT_TRUE(palermo::api::webManifest(dir / "missing").empty());
  fs::remove_all(dir);
}

// Found by the fuzzer (tests/fuzz/corpus/headers/crash-webp-short): a "WebP" upload shorter than
// its header read past the end (std::out_of_range, a 500 instead of a refusal).
TEST(HostileInput, ShortFilesNeverMatchTheirTypesHeader) {
  using palermo::records::contentMatchesMediaType;
  EXPECT_FALSE(contentMatchesMediaType("image/webp", "RIFF\""));
  EXPECT_FALSE(contentMatchesMediaType("image/webp", "RIFF"));
  EXPECT_TRUE(contentMatchesMediaType("image/webp", std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)));
  for (const char* type : {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff", "application/zip",
                           "application/msword"})
    for (const std::string& bytes : {std::string(), std::string(1, '\0'), std::string("%"), std::string("\x89P")})
      EXPECT_FALSE(contentMatchesMediaType(type, bytes)) << type;
  EXPECT_EQ(palermo::records::parseIfMatch("\"99999999999999999999\""), std::nullopt);  // over 18 digits
  EXPECT_EQ(palermo::records::parseIfMatch("W/\"7\""), 7);
  EXPECT_FALSE(contentMatchesMediaType("text/csv", std::string("a,b\0", 4)));  // NUL is not text
}
