// Integration-test harness: starts the real `palermo serve` binary on port 0 against a real
// SQLite file in a fresh temporary directory, and talks to it over real HTTP on loopback.
#pragma once

#include <algorithm>
#include <ctime>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.hpp"

#include "auth/totp.hpp"
#include "core/json.hpp"
#include "support/template_cache.hpp"
#include "support/test_database.hpp"

namespace palermo::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] Json json() const { return Json::parse(body); }
  [[nodiscard]] std::string header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline std::filesystem::path makeTempDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  char* dir = mkdtemp(tmpl.data());
  if (!dir) throw std::runtime_error("mkdtemp failed");
  return dir;
}

// A blocking TCP connection to 127.0.0.1:port with a receive timeout.
class Conn {
 public:
  explicit Conn(uint16_t port, int timeout_ms = 10000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void send(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      const auto n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      off += static_cast<std::size_t>(n);
    }
  }

  // Reads one HTTP/1.1 response (Content-Length framing). Returns nullopt on EOF/timeout.
  std::optional<HttpResult> readResponse() {
    for (;;) {
      const auto head_end = buf_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        HttpResult r;
        std::istringstream head(buf_.substr(0, head_end));
        std::string line;
        std::getline(head, line);
        r.status = std::stoi(line.substr(9, 3));
        std::size_t len = 0;
        while (std::getline(head, line)) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          const auto c = line.find(':');
          if (c == std::string::npos) continue;
          std::string name = line.substr(0, c);
          for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          std::string value = line.substr(c + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          if (r.headers.count(name)) r.headers[name] += "\n" + value; else r.headers[name] = value;
          if (name == "content-length") len = std::stoul(value);
        }
        while (buf_.size() < head_end + 4 + len) {
          if (!fill()) return std::nullopt;
        }
        r.body = buf_.substr(head_end + 4, len);
        buf_.erase(0, head_end + 4 + len);
        return r;
      }
      if (!fill()) return std::nullopt;
    }
  }

  // True when the server closed the connection (EOF) before `timeout_ms`.
  bool closedByPeer(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char c;
    return ::recv(fd_, &c, 1, MSG_PEEK) == 0;
  }

 private:
  bool fill() {
    char tmp[65536];
    const auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_;
};

inline std::string buildRequest(const std::string& method, const std::string& target, const std::string& body = "",
                                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return req;
}

// The palermo server as a child process.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra = {}, std::filesystem::path dir = {}) {
    dir_ = dir.empty() ? makeTempDir("palermo-it") : dir;
    owns_dir_ = dir.empty();
    start(std::move(extra));
  }
  ~ServerProcess() {
    stop(SIGKILL);
    if (owns_dir_) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void start(std::vector<std::string> extra) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {PALERMO_BINARY, "serve", "--data-dir", dir_.string(),
                                     "--set", "server.port=0", "--set", "security.password_cost=min",
                                     "--set", "log.file=" + (dir_ / "palermo.log").string(),
                                     "--set", "web.root=" + (dir_ / "web").string(),
                                     "--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema",
                                     "--set", std::string("statistics.dir=") + PALERMO_SOURCE_DIR + "/indicators"};
    for (auto& e : extra) args.push_back(std::move(e));
    const std::string database_url = testDatabaseUrl(dir_);
    pid_ = fork();
    if (pid_ == 0) {
      setenv("PALERMO_DATABASE_URL", database_url.c_str(), 1);
      dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    ::close(out[1]);
    out_fd_ = out[0];
    // Wait for "palermo listening on http://127.0.0.1:PORT".
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char c;
      if (::read(out_fd_, &c, 1) != 1) break;
      if (c != '\n') {
        line.push_back(c);
        continue;
      }
      std::smatch m;
      static const std::regex kListening(R"(listening on https?://[^:]+:(\d+))");
      if (std::regex_search(line, m, kListening)) {
        port_ = static_cast<uint16_t>(std::stoi(m[1]));
        return;
      }
      line.clear();
    }
    throw std::runtime_error("server did not start; log: " + log());
  }

  // Sends `sig` and waits for the exit status.
  int stop(int sig = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] std::string log() const {
    std::ifstream in(dir_ / "palermo.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    // A minute: the first statistics request loads the snapshot and the person links, which
    // under the sanitizers on a busy 2-core machine has taken over 10 s (a report's PDF then).
    Conn c(port_, 60000);
    const bool typed = std::any_of(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Content-Type"; });
    if (!body.empty() && !typed) headers.emplace_back("Content-Type", "application/json");
    headers.emplace_back("Connection", "close");
    c.send(buildRequest(method, target, body, headers));
    auto r = c.readResponse();
    if (!r) throw std::runtime_error("no response to " + method + " " + target);
    return *r;
  }

 private:
  std::filesystem::path dir_;
  bool owns_dir_ = true;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  uint16_t port_ = 0;
};

// A TOTP code for `secret` (raw bytes), `steps_ahead` 30-second steps from now (the server
// accepts one step of drift, and each step only once).
inline std::string totpCode(const std::string& secret, int steps_ahead = 0) {
  return palermo::auth::totpAt(secret, static_cast<int64_t>(::time(nullptr)) + 30 * steps_ahead);
}

// Sets up the second factor for a signed-in user whose roles need one (as the web application
// does at first sign-in). Returns the secret (raw bytes), or "" when none is needed.
inline std::string enrolSecondFactorIfNeeded(ServerProcess& s, const std::string& cookie, const std::string& csrf) {
  const std::vector<std::pair<std::string, std::string>> h = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  auto me = s.request("GET", "/api/v1/auth/me", "", h);
  const auto user = palermo::Json::parse(me.body)["user"];
  if (!user.value("second_factor_required", false) || user.value("totp_enabled", false)) return {};
  auto setup = s.request("POST", "/api/v1/auth/totp/setup", "", h);
  if (setup.status != 200) throw std::runtime_error("totp setup failed: " + setup.body);
  const auto secret = palermo::auth::base32Decode(palermo::Json::parse(setup.body)["secret"].get<std::string>());
  auto confirm = s.request("POST", "/api/v1/auth/totp/confirm", palermo::Json{{"code", totpCode(*secret)}}.dump(), h);
  if (confirm.status != 204) throw std::runtime_error("totp confirm failed: " + confirm.body);
  return *secret;
}

// Runs a palermo CLI command, returns (exit code, stdout).
// Runs the palermo command line; with "--data-dir DIR" in `args` it uses the test database of DIR.
inline std::pair<int, std::string> runCli(const std::string& args) {
  std::string env;
  static const std::regex kDataDir(R"(--data-dir\s+(\S+))");
  std::smatch m;
  if (std::regex_search(args, m, kDataDir)) env = "PALERMO_DATABASE_URL='" + testDatabaseUrl(m[1].str()) + "' ";
  std::string cmd = env + std::string(PALERMO_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

inline const std::string kPassword = "correct horse battery 7";

// A signed-in user: cookie and CSRF token sent with every call.
struct Client {
  ServerProcess* server = nullptr;
  std::string cookie, csrf;
  int64_t id = 0;
  HttpResult call(const std::string& method, const std::string& target, const Json& body = nullptr,
                  std::vector<std::pair<std::string, std::string>> headers = {}) const {
    headers.emplace_back("Cookie", cookie);
    headers.emplace_back("X-CSRF-Token", csrf);
    return server->request(method, target, body.is_null() ? "" : body.dump(), headers);
  }
};

// The id of a record just created (a failure names `what` and shows the answer).
inline int64_t created(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(r.status, 201) << what << ": " << r.body;
  return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
}
// A record's current version, for If-Match.
inline std::string version(const Client& c, const std::string& type, int64_t id) {
  return std::to_string(
      c.call("GET", "/api/v1/records/" + type + "/" + std::to_string(id)).json()["version"].get<int64_t>());
}

// Takes a workflow transition on the record's current version.
inline HttpResult step(const Client& c, const std::string& type, int64_t id, const std::string& transition,
                       const Json& body) {
  return c.call("POST", "/api/v1/records/" + type + "/" + std::to_string(id) + "/transitions/" + transition, body,
                {{"If-Match", version(c, type, id)}});
}

// Whether a 422 answer names the field (its "errors" list).
inline bool hasField(const HttpResult& r, const std::string& field) {
  return r.body.find("\"field\":\"" + field + "\"") != std::string::npos;
}

// Whether the user's task list (GET /api/v1/tasks) holds the record under the deadline.
inline bool hasTask(const Client& c, const std::string& deadline, int64_t id) {
  const Json tasks = c.call("GET", "/api/v1/tasks").json();  // kept: the loops read into it
  for (const auto& g : tasks["groups"])
    if (g["deadline"] == deadline)
      for (const auto& item : g["items"])
        if (item["id"] == id) return true;
  return false;
}

// A shell command's output (documents converted and read back in report tests).
inline std::string shell(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

// Extracted text with line breaks and runs of spaces as single spaces (lines wrap anywhere).
inline std::string flat(const std::string& text) { return std::regex_replace(text, std::regex("[\\s\\f]+"), " "); }

inline void writeFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

// Signs in; with `change`, replaces the one-time password by kPassword and enrols the second
// factor when the user's roles need one.
inline Client signIn(ServerProcess& s, const std::string& login, const std::string& password, bool change) {
  auto r = s.request("POST", "/api/v1/auth/login", Json{{"login", login}, {"password", password}}.dump());
  if (r.status != 200) throw std::runtime_error("sign-in failed: " + r.body);
  const auto set = r.header("set-cookie");
  Client c{&s, set.substr(0, set.find(';')), r.json()["csrf_token"], r.json()["user"]["id"]};
  if (change) {
    auto ch = c.call("POST", "/api/v1/auth/password", Json{{"current_password", password}, {"new_password", kPassword}});
    if (ch.status != 204) throw std::runtime_error("password change failed: " + ch.body);
    enrolSecondFactorIfNeeded(s, c.cookie, c.csrf);
  }
  return c;
}

// The two-person rule (docs/security.md): roles with identity access that one administrator
// gives wait until a second administrator approves them. `Administrators` creates users as an
// office does: `first` asks, `second` (made on first use) approves.
class Administrators {
 public:
  Administrators(ServerProcess& s, Client first) : server_(&s), first_(std::move(first)) {}
  const Client& first() const { return first_; }
  // The second administrator comes from the command line, as the first: the administration role
  // given through the API waits for approval itself.
  const Client& second() {
    if (!second_) {
      auto [code, out] = runCli("user add --data-dir " + server_->dir().string() +
                                " --set security.password_cost=min --login second.admin"
                                " --display-name Second --role admin");
      std::smatch m;
      if (code != 0 || !std::regex_search(out, m, std::regex("One-time password: (\\S+)")))
        throw std::runtime_error("second administrator: " + out);
      second_ = signIn(*server_, "second.admin", m[1], true);
    }
    return *second_;
  }
  // A user of the agency, its roles approved, signed in (password changed, second factor
  // enrolled when needed).
  Client user(const std::string& login, const std::vector<std::string>& roles, int64_t agency_id) {
    Json body = {{"login", login}, {"display_name", login}, {"roles", roles}};
    if (agency_id != 0) body["agency_id"] = agency_id;
    auto r = first_.call("POST", "/api/v1/users", body);
    if (r.status != 201) throw std::runtime_error("user create failed: " + r.body);
    const std::string password = r.json()["one_time_password"];
    if (!r.json()["pending_roles"].empty()) {
      auto a = second().call("POST", "/api/v1/users/" + std::to_string(r.json()["id"].get<int64_t>()) + "/roles/approve");
      if (a.status != 200) throw std::runtime_error("roles approval failed: " + a.body);
    }
    return signIn(*server_, login, password, true);
  }

 private:
  ServerProcess* server_;
  Client first_;
  std::optional<Client> second_;
};


// The national demo imported by the CLI into a fresh directory, a first administrator, and a
// server over it with the product schema, rules and indicators: the setting of the tests over
// the demo dataset. Throws when any step fails.
// Puts what `palermo demo` imports into `dir` (the key file, and the SQLite file or on PostgreSQL a
// database). The demo is imported once per binary, schema, rules and backend into a template that
// is then copied: importing it takes about two minutes under the sanitizers, copying it a second.
inline void copyDemoInto(const std::filesystem::path& dir, const std::string& settings) {
  namespace fs = std::filesystem;
  const auto tmp = fs::temp_directory_path();
  const std::string prefix = "palermo-cli-demo-" + testBackendName() + "-";
  const auto tpl = tmp / (prefix + templateKey(PALERMO_BINARY));
  FileLock lock(tmp / "palermo-cli-demo.lock");
  if (!fs::exists(tpl / "ready") || (usePostgres() && !pgDatabaseExists(tpl))) {
    for (const auto& e : fs::directory_iterator(tmp))  // earlier builds' templates are never used again
      if (e.is_directory() && e.path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(e.path());
    fs::create_directories(tpl);
    auto [code, out] = runCli("demo --data-dir " + tpl.string() + settings);
    if (code != 0) throw std::runtime_error("demo import failed: " + out);
    std::ofstream(tpl / "ready") << "imported\n";
  }
  for (const auto& e : fs::directory_iterator(tpl)) {
    const auto name = e.path().filename().string();
    if (name == "ready" || name == "palermo.db-shm") continue;
    fs::copy(e.path(), dir / name, fs::copy_options::recursive);
  }
  copyTestDatabase(tpl, dir);
}

class DemoServer {
 public:
  // `with_demo` false: the same setting over an empty database (the product schema's own tests).
  explicit DemoServer(const std::string& prefix, bool with_demo = true) : dir(makeTempDir(prefix)) {
    const std::string src = PALERMO_SOURCE_DIR;
    const std::string schema = "schema.dir=" + src + "/schema", rules = "rules.dir=" + src + "/rules";
    if (with_demo) copyDemoInto(dir, " --set " + schema + " --set " + rules);
    auto [code, out] = runCli("user add --data-dir " + dir.string() +
                              " --set security.password_cost=min --login admin --display-name Admin --role admin");
    std::smatch m;
    if (code != 0 || !std::regex_search(out, m, std::regex("One-time password: (\\S+)")))
      throw std::runtime_error("user add failed: " + out);
    server = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--set", schema, "--set", rules, "--set", "statistics.dir=" + src + "/indicators"}, dir);
    admin = signIn(*server, "admin", m[1], true);
    admins = std::make_unique<Administrators>(*server, admin);
  }
  ~DemoServer() {
    server->stop();
    std::filesystem::remove_all(dir);
  }
  DemoServer(const DemoServer&) = delete;
  DemoServer& operator=(const DemoServer&) = delete;

  int64_t agency(const std::string& name, const std::string& type, const std::string& region = "baku") {
    auto r = admin.call("POST", "/api/v1/agencies", {{"name", name}, {"type", type}, {"region", region}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"].get<int64_t>();
  }
  // A user of the agency, signed in (password changed, second factor enrolled when needed).
  Client user(const std::string& login, const std::string& role, int64_t agency_id) {
    return admins->user(login, {role}, agency_id);
  }

  std::filesystem::path dir;
  std::unique_ptr<ServerProcess> server;
  Client admin;
  std::unique_ptr<Administrators> admins;  // admin asks, a second administrator approves
};

}  // namespace palermo::test
