// Several palermo instances on one database behind nginx (docs/deployment.md): sessions,
// records, the audit chain and sign-in throttling are shared through the database, so a
// client may land on either instance for any request. Runs on both backends (several
// processes on one SQLite file work too, serialised by its write lock).
#include <sys/stat.h>

#include "harness.hpp"

using namespace palermo;
using namespace palermo::test;

namespace {

const std::string kFixtureSchema = std::string(PALERMO_SOURCE_DIR) + "/tests/fixtures/schema";

uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// nginx from deploy/nginx/test-two-instances.conf.in, in the foreground, stopped on destruction.
class Nginx {
 public:
  Nginx(const std::filesystem::path& prefix, uint16_t a, uint16_t b) : port_(freePort()) {
    std::filesystem::create_directories(prefix);
    ::chmod(prefix.c_str(), 0755);  // nginx's workers (nobody, under root) must reach it
    std::ifstream in(std::string(PALERMO_SOURCE_DIR) + "/deploy/nginx/test-two-instances.conf.in");
    std::string conf((std::istreambuf_iterator<char>(in)), {});
    auto fill = [&](const std::string& key, const std::string& value) {
      for (auto at = conf.find(key); at != std::string::npos; at = conf.find(key, at + value.size()))
        conf.replace(at, key.size(), value);
    };
    fill("@PREFIX@", prefix.string());
    fill("@NGINX_PORT@", std::to_string(port_));
    fill("@UPSTREAM_1@", "127.0.0.1:" + std::to_string(a));
    fill("@UPSTREAM_2@", "127.0.0.1:" + std::to_string(b));
    std::ofstream(prefix / "nginx.conf") << conf;
    pid_ = fork();
    if (pid_ == 0) {
      const int devnull = ::open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl("/usr/sbin/nginx", "nginx", "-p", prefix.c_str(), "-e", (prefix / "error.log").c_str(), "-c",
            (prefix / "nginx.conf").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!accepts(port_)) throw std::runtime_error("nginx did not start; see " + (prefix / "error.log").string());
  }
  ~Nginx() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;
  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
};

HttpResult requestTo(uint16_t port, const std::string& method, const std::string& target, const Client& who,
                     const Json& body = nullptr) {
  Conn c(port);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}, {"Connection", "close"}};
  if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
  c.send(buildRequest(method, target, body.is_null() ? "" : body.dump(), headers));
  auto r = c.readResponse();
  if (!r) throw std::runtime_error("no response to " + method + " " + target);
  return *r;
}

}  // namespace

TEST(Instances, TwoInstancesBehindNginxShareSessionsRecordsAuditAndThrottling) {
  ASSERT_TRUE(std::filesystem::exists("/usr/sbin/nginx")) << "nginx is missing (scripts/setup.sh installs it for tests)";
  const auto dir = makeTempDir("palermo-two");
  ::chmod(dir.c_str(), 0755);
  auto [code, out] = runCli("user add --data-dir " + dir.string() +
                            " --set security.password_cost=min --login admin --display-name Admin --role admin");
  ASSERT_EQ(code, 0) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("One-time password: (\\S+)")));
  // Two instances: same database, same key file (the data directory), own logs.
  // The sign-in cache off: with it, a sign-out reaches the other instance within
  // security.auth_cache_seconds (AuthCache.* test that with a clock of their own); here it acts
  // on both at once.
  const std::vector<std::string> common = {"--set", "schema.dir=" + kFixtureSchema, "--set", "statistics.dir=",
                                           "--set", "server.trusted_proxies=127.0.0.1",
                                           "--set", "security.auth_cache_seconds=0"};
  ServerProcess a(common, dir);
  auto second = common;
  second.insert(second.end(), {"--set", "log.file=" + (dir / "palermo-2.log").string()});
  ServerProcess b(second, dir);
  Nginx nginx(dir / "nginx", a.port(), b.port());

  // A session begun on one instance is good on the other, and through nginx.
  const Client admin = signIn(a, "admin", m[1], true);
  EXPECT_EQ(requestTo(b.port(), "GET", "/api/v1/auth/me", admin).status, 200);
  EXPECT_EQ(requestTo(nginx.port(), "GET", "/api/v1/auth/me", admin).status, 200);

  // Writes through nginx land on both instances in turn; each is read at once through the other.
  std::set<std::string> upstreams;
  std::vector<int64_t> ids;
  for (int i = 0; i < 12; ++i) {
    auto r = requestTo(nginx.port(), "POST", "/api/v1/records/test_case", admin,
                       Json{{"title", "Through nginx " + std::to_string(i)}});
    ASSERT_EQ(r.status, 201) << r.body;
    upstreams.insert(r.header("x-upstream"));
    ids.push_back(r.json()["id"].get<int64_t>());
    const uint16_t other = r.header("x-upstream").ends_with(":" + std::to_string(a.port())) ? b.port() : a.port();
    auto read = requestTo(other, "GET", "/api/v1/records/test_case/" + std::to_string(ids.back()), admin);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json()["data"]["title"], "Through nginx " + std::to_string(i));
  }
  EXPECT_EQ(upstreams.size(), 2U) << "nginx should have used both instances";
  // An update through one instance with a stale version is refused by the other (one truth).
  auto current = requestTo(a.port(), "GET", "/api/v1/records/test_case/" + std::to_string(ids[0]), admin);
  const std::string etag = current.header("etag");
  Conn patch_a(a.port());
  patch_a.send(buildRequest("PATCH", "/api/v1/records/test_case/" + std::to_string(ids[0]),
                            Json{{"title", "Changed on A"}}.dump(),
                            {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}, {"If-Match", etag},
                             {"Content-Type", "application/json"}, {"Connection", "close"}}));
  ASSERT_EQ(patch_a.readResponse()->status, 200);
  Conn patch_b(b.port());
  patch_b.send(buildRequest("PATCH", "/api/v1/records/test_case/" + std::to_string(ids[0]),
                            Json{{"title", "Changed on B"}}.dump(),
                            {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}, {"If-Match", etag},
                             {"Content-Type", "application/json"}, {"Connection", "close"}}));
  EXPECT_EQ(patch_b.readResponse()->status, 412);
  // Both instances give the same lists and totals.
  auto list_a = requestTo(a.port(), "GET", "/api/v1/records/test_case?limit=100&count=true", admin).json();
  auto list_b = requestTo(b.port(), "GET", "/api/v1/records/test_case?limit=100&count=true", admin).json();
  EXPECT_EQ(list_a["items"].size(), 12U);
  EXPECT_EQ(list_a["items"], list_b["items"]);
  EXPECT_EQ(requestTo(a.port(), "GET", "/api/v1/tasks", admin).body, requestTo(b.port(), "GET", "/api/v1/tasks", admin).body);

  // Failed sign-ins are counted across instances: 30 through nginx (both instances), then the
  // address is throttled on either.
  for (int i = 0; i < 30; ++i) {
    Conn c(nginx.port());
    // A login per attempt: the per-login bound (5) is not what is measured here.
    c.send(buildRequest("POST", "/api/v1/auth/login", Json{{"login", "nobody" + std::to_string(i)}, {"password", "wrong"}}.dump(),
                        {{"Content-Type", "application/json"}, {"Connection", "close"}}));
    ASSERT_EQ(c.readResponse()->status, 401) << "attempt " << i;
  }
  EXPECT_EQ(a.request("POST", "/api/v1/auth/login", Json{{"login", "admin"}, {"password", kPassword}}.dump()).status, 429);
  EXPECT_EQ(b.request("POST", "/api/v1/auth/login", Json{{"login", "admin"}, {"password", kPassword}}.dump()).status, 429);

  // Signing out on one instance ends the session on both.
  EXPECT_EQ(requestTo(b.port(), "POST", "/api/v1/auth/logout", admin).status, 204);
  EXPECT_EQ(requestTo(a.port(), "GET", "/api/v1/auth/me", admin).status, 401);

  // One audit chain, written by both, intact.
  a.stop(SIGTERM);
  b.stop(SIGTERM);
  auto [vcode, vout] = runCli("audit verify --data-dir " + dir.string());
  EXPECT_EQ(vcode, 0) << vout;
  std::filesystem::remove_all(dir);
}
