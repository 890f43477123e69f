#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/config.hpp"

using namespace palermo;

namespace {
std::string writeTemp(const std::string& content) {
  auto p = std::filesystem::temp_directory_path() / ("palermo-config-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(p) << content;
  return p.string();
}
}  // namespace

TEST(Config, DefaultsAreSafe) {
  auto c = loadConfig("", {});
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_FALSE(c.tlsEnabled());
  EXPECT_FALSE(c.allow_insecure_public);
  EXPECT_EQ(c.sqlitePath(), "./data/palermo.db");
}

// /metrics and the OpenAPI document are public only on a loopback address unless said otherwise.
TEST(Config, MetricsAndOpenApiArePublicOnlyOnLoopbackByDefault) {
  auto local = loadConfig("", {});
  EXPECT_TRUE(local.public_metrics);
  EXPECT_TRUE(local.public_openapi);
  auto wide = loadConfig("", {"server.host=0.0.0.0"});
  EXPECT_FALSE(wide.public_metrics);
  EXPECT_FALSE(wide.public_openapi);
  EXPECT_FALSE(loadConfig("", {"server.host=10.1.2.3"}).public_metrics);
  EXPECT_TRUE(loadConfig("", {"server.host=::1"}).public_metrics);
  EXPECT_TRUE(loadConfig("", {"server.host=0.0.0.0", "server.public_metrics=true"}).public_metrics);
  EXPECT_FALSE(loadConfig("", {"server.public_openapi=false"}).public_openapi);
  EXPECT_THROW(loadConfig("", {"server.public_metrics=sometimes"}), std::invalid_argument);
}

TEST(Config, FileThenEnvironmentThenFlags) {
  const auto file = writeTemp("server:\n  port: 9001\n  host: localhost\nlimits:\n  body_bytes: 4096\n");
  auto c = loadConfig(file, {});
  EXPECT_EQ(c.port, 9001);
  EXPECT_EQ(c.host, "localhost");
  EXPECT_EQ(c.body_limit, 4096U);
  ::setenv("PALERMO_SERVER_PORT", "9002", 1);
  c = loadConfig(file, {});
  EXPECT_EQ(c.port, 9002);
  c = loadConfig(file, {"server.port=9003"});
  EXPECT_EQ(c.port, 9003);
  ::unsetenv("PALERMO_SERVER_PORT");
  std::filesystem::remove(file);
}

TEST(Config, ErrorsNameTheKeyAndTheRule) {
  try {
    loadConfig("", {"server.port=http"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("server.port"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not an integer"), std::string::npos);
  }
  EXPECT_THROW(loadConfig("", {"server.port=70000"}), std::invalid_argument);
  EXPECT_THROW(loadConfig("", {"nonsense=1"}), std::invalid_argument);
  EXPECT_THROW(loadConfig("", {"tls.cert=/x.pem"}), std::invalid_argument);  // key missing
  EXPECT_THROW(loadConfig("", {"log.level=loud"}), std::invalid_argument);
  const auto file = writeTemp("server:\n  prot: 1\n");
  try {
    loadConfig(file, {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("server.prot"), std::string::npos);
  }
  std::filesystem::remove(file);
}

TEST(Config, EnvironmentNames) { EXPECT_EQ(envNameFor("limits.body_bytes"), "PALERMO_LIMITS_BODY_BYTES"); }

// The data directories: a value given is used as given; a default that is not in the working
// directory is found beside the binary (here the test binary in <source>/build*: the source tree).
TEST(Config, DataDirectoriesAreFoundBesideTheBinaryFromAnyDirectory) {
  const auto here = std::filesystem::current_path();
  const auto elsewhere = std::filesystem::temp_directory_path() / ("palermo-cwd-" + std::to_string(::getpid()));
  std::filesystem::create_directories(elsewhere);
  std::filesystem::current_path(elsewhere);
  const Config found = loadConfig("", {"rules.dir=/given/rules"});
  const Config given = loadConfig("", {"schema.dir=relative/schema"});
  std::filesystem::current_path(here);
  std::filesystem::remove_all(elsewhere);
  EXPECT_EQ(found.rules_dir, "/given/rules");
  EXPECT_EQ(found.found_by.at("rules.dir"), "set");
  EXPECT_EQ(found.found_by.at("schema.dir"), "source tree");
  EXPECT_EQ(std::filesystem::canonical(found.schema_dir), std::filesystem::canonical(std::string(PALERMO_SOURCE_DIR) + "/schema"));
  EXPECT_EQ(found.found_by.at("statistics.dir"), "source tree");
  EXPECT_EQ(given.schema_dir, "relative/schema");  // given, even where it does not exist
  EXPECT_EQ(given.found_by.at("schema.dir"), "set");
}
