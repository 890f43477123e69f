// Crash consistency (issue 25): the server is killed with SIGKILL at a random moment while
// several users write - creates, updates, workflow transitions, attachment uploads and imports -
// and restarted on the same
// database (SQLite, or PostgreSQL with PALERMO_TEST_BACKEND=postgres). Every write the server
// acknowledged must be there afterwards, exactly as acknowledged (or as a later write that was
// in flight when the server died), and the audit chain must verify. Ten rounds here; the
// benchmark-length run is PALERMO_CRASH_ROUNDS=100 (bench/README.md).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

// What a writer was told, per record: the summary and state acknowledged last, and the one sent
// after it whose answer never came (the server may or may not have committed it).
struct Expected {
  std::string summary, pending_summary;
  std::string state = "registered", pending_state;
  int64_t version = 1;
};

int rounds(int fallback = 10) {
  const char* env = std::getenv("PALERMO_CRASH_ROUNDS");
  const int n = env ? std::atoi(env) : fallback;
  return n > 0 ? n : fallback;
}

// Starts `palermo <args>` on the database of `dir` (output to dir/cli.log), kills it with SIGKILL
// after `after_ms` unless it ended first; returns true when it was killed, false when it had
// finished (its exit code in `exit_code`).
bool runAndKill(const std::filesystem::path& dir, const std::vector<std::string>& args, int after_ms, int& exit_code) {
  const std::string url = testDatabaseUrl(dir);
  const std::string log = (dir / "cli.log").string();
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("PALERMO_DATABASE_URL", url.c_str(), 1);
    if (FILE* f = std::fopen(log.c_str(), "a")) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<std::string> all = {PALERMO_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(after_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  exit_code = -1;
  return true;
}

// Round 0 runs the command to its end and measures it (`full_ms`); later rounds kill it at a
// random moment within that duration. Returns whether it was killed.
bool runOrKillWithin(const std::filesystem::path& dir, const std::vector<std::string>& args, int round, int& full_ms,
                     std::mt19937& rng, int& exit_code) {
  const auto t0 = std::chrono::steady_clock::now();
  const int after = round == 0 ? 600000 : std::uniform_int_distribution<int>(0, full_ms)(rng);
  const bool killed = runAndKill(dir, args, after, exit_code);
  if (round == 0)
    full_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
  return killed;
}

// Made-up persons (identity sealed, name terms in the blind index) imported for the agency: what
// a key rotation re-encrypts and a store copy carries. The server is stopped around it.
void importPersons(DemoServer& s, const std::string& agency, int n) {
  s.server->stop();
  std::string lines;
  for (int i = 0; i < n; ++i)
    lines += Json{{"_type", "person"},
                  {"_agency", agency},
                  {"pseudonym", "CR-" + std::to_string(i)},
                  {"last_name", "Sınaqov" + std::to_string(i % 97)},
                  {"first_name", "Ad" + std::to_string(i % 31)},
                  {"sex", i % 2 ? "female" : "male"},
                  {"birth", std::to_string(1960 + i % 50)}}
                 .dump() +
             "\n";
  writeFile(s.dir / "persons.jsonl", lines);
  auto [code, out] = runCli("import --data-dir " + s.dir.string() + " --set schema.dir=" + PALERMO_SOURCE_DIR +
                            "/schema --set rules.dir=" + PALERMO_SOURCE_DIR + "/rules " + (s.dir / "persons.jsonl").string());
  if (code != 0) throw std::runtime_error("import failed: " + out);
  s.server->start({"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema", "--set",
                   std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules"});
}

// "audit chain intact: N entries" -> N; -1 when the chain is not intact.
long long auditEntries(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("audit chain intact: (\\d+) entries"))) return -1;
  return std::stoll(m[1]);
}

}  // namespace

TEST(CrashConsistency, NothingAcknowledgedIsLostWhenTheServerIsKilledUnderWrites) {
  DemoServer s("palermo-crash", false);
  const int64_t hotline_agency = s.agency("Hotline 152", "hotline");
  std::vector<Client> writers;
  for (int t = 0; t < 3; ++t) writers.push_back(s.user("op" + std::to_string(t), "hotline_operator", hotline_agency));
  const std::string R = "/api/v1/records/signal";

  // A fourth writer, of the special police: attachment uploads (a person's photo) and imports of
  // ten signals at a time (one transaction each).
  Client police = s.user("police", "police_investigator", s.agency("Xüsusi polis (crash)", "special_police"));
  std::map<std::string, std::string> uploads;      // acknowledged attachment id -> its bytes
  std::vector<std::vector<int64_t>> imports;       // acknowledged imports: the ids of their rows

  std::mutex mu;
  std::map<int64_t, Expected> expected;  // every acknowledged record
  std::size_t acknowledged_creates = 0, acknowledged_updates = 0, acknowledged_transitions = 0;
  std::mt19937 rng(20261206);
  const int n_rounds = rounds();

  // Checks every record in `ids` against what was acknowledged; what the server holds then is what
  // the next round builds on.
  auto verify = [&](const std::set<int64_t>& ids, int round) {
    for (const int64_t id : ids) {
      Expected& e = expected.at(id);
      const auto r = writers[0].call("GET", R + "/" + std::to_string(id));
      ASSERT_EQ(r.status, 200) << "round " << round << ": acknowledged signal " << id << " is gone: " << r.body;
      const Json rec = r.json();
      const std::string summary = rec["data"].value("summary", "");
      const std::string state = rec.value("state", "");
      EXPECT_TRUE(summary == e.summary || (!e.pending_summary.empty() && summary == e.pending_summary))
          << "round " << round << ", signal " << id << ": '" << summary << "', acknowledged '" << e.summary << "'";
      EXPECT_TRUE(state == e.state || (!e.pending_state.empty() && state == e.pending_state))
          << "round " << round << ", signal " << id << ": state " << state << ", acknowledged " << e.state;
      e.summary = summary, e.state = state, e.pending_summary.clear(), e.pending_state.clear();
      e.version = rec["version"].get<int64_t>();
    }
  };
  std::set<int64_t> touched;  // the records written to in the round

  for (int round = 0; round < n_rounds; ++round) {
    std::atomic<bool> stop{false};
    touched.clear();
    std::vector<std::thread> threads;
    for (int t = 0; t < static_cast<int>(writers.size()); ++t)
      threads.emplace_back([&, t] {
        const Client& c = writers[static_cast<std::size_t>(t)];
        std::vector<int64_t> mine;
        try {
          for (int n = 0; !stop; ++n) {
            const std::string summary = "round " + std::to_string(round) + " writer " + std::to_string(t) + " write " + std::to_string(n);
            if (n % 3 == 2 && !mine.empty()) {
              // An update or a transition of one of this writer's records.
              const int64_t id = mine[static_cast<std::size_t>(n) % mine.size()];
              int64_t version;
              bool refer;
              {
                std::lock_guard<std::mutex> l(mu);
                Expected& e = expected.at(id);
                version = e.version;
                refer = e.state == "registered" && n % 2 == 0;
                if (refer) e.pending_state = "referred";
                else e.pending_summary = summary;
                touched.insert(id);
              }
              const std::string path = R + "/" + std::to_string(id);
              const auto r = refer ? c.call("POST", path + "/transitions/refer",
                                            {{"referred_at", "2026-01-02T10:00:00Z"}, {"referred_to", "Special police"}},
                                            {{"If-Match", std::to_string(version)}})
                                   : c.call("PATCH", path, {{"summary", summary}}, {{"If-Match", std::to_string(version)}});
              if (r.status != 200) {
                ADD_FAILURE() << "round " << round << ": " << r.status << " " << r.body;
                return;
              }
              std::lock_guard<std::mutex> l(mu);
              Expected& e = expected.at(id);
              e.version = r.json()["version"].get<int64_t>();
              if (refer) e.state = r.json()["state"].get<std::string>(), e.pending_state.clear(), ++acknowledged_transitions;
              else e.summary = summary, e.pending_summary.clear(), ++acknowledged_updates;
              continue;
            }
            const auto r = c.call("POST", R, {{"received_at", "2026-01-01T09:00:00Z"}, {"source", "hotline_152"}, {"summary", summary}});
            if (r.status != 201) {
              ADD_FAILURE() << "round " << round << ": " << r.status << " " << r.body;
              return;
            }
            const int64_t id = r.json()["id"].get<int64_t>();
            mine.push_back(id);
            std::lock_guard<std::mutex> l(mu);
            expected[id] = Expected{summary, "", r.json()["state"].get<std::string>(), "", r.json()["version"].get<int64_t>()};
            touched.insert(id);
            ++acknowledged_creates;
          }
        } catch (const std::exception&) {
          // The server died under this request: no answer, so nothing acknowledged.
        }
      });
    threads.emplace_back([&, round] {
      const std::vector<std::pair<std::string, std::string>> session = {{"Cookie", police.cookie},
                                                                         {"X-CSRF-Token", police.csrf}};
      try {
        for (int n = 0; !stop; ++n) {
          if (n % 2 == 0) {
            // A made-up PNG: the signature, then bytes that name the round and the upload.
            const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "round " + std::to_string(round) + " upload " +
                                    std::to_string(n) + std::string(2048, static_cast<char>('a' + n % 26));
            auto h = session;
            h.emplace_back("Content-Type", "image/png");
            const auto r = s.server->request("POST", "/api/v1/attachments/person/photo?name=foto.png", png, h);
            if (r.status != 201) {
              ADD_FAILURE() << "round " << round << ": upload " << r.status << " " << r.body;
              return;
            }
            std::lock_guard<std::mutex> l(mu);
            uploads[r.json()["id"].get<std::string>()] = png;
            continue;
          }
          std::string lines;
          for (int i = 0; i < 10; ++i)
            lines += Json{{"_type", "signal"},
                          {"_key", "r" + std::to_string(i)},
                          {"received_at", "2026-01-01T09:00:00Z"},
                          {"source", "hotline_152"},
                          {"summary", "round " + std::to_string(round) + " import " + std::to_string(n) + " row " +
                                          std::to_string(i)}}
                         .dump() +
                     "\n";
          auto h = session;
          h.emplace_back("Content-Type", "application/x-ndjson");
          const auto r = s.server->request("POST", "/api/v1/imports?format=jsonl", lines, h);
          if (r.status != 200) {
            ADD_FAILURE() << "round " << round << ": import " << r.status << " " << r.body;
            return;
          }
          std::vector<int64_t> ids;
          const Json answer = r.json();
          for (const auto& [key, id] : answer["ids"].items()) ids.push_back(id.get<int64_t>());
          std::lock_guard<std::mutex> l(mu);
          imports.push_back(std::move(ids));
        }
      } catch (const std::exception&) {
        // The server died under this request: nothing acknowledged.
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 900)(rng)));
    EXPECT_EQ(s.server->stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& th : threads) th.join();
    s.server->start({"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema", "--set",
                     std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules"});

    // Every record written in the round, as acknowledged (or as the write in flight when it died).
    std::lock_guard<std::mutex> l(mu);
    verify(touched, round);
  }
  // And at the end every acknowledged record of every round.
  std::set<int64_t> all;
  for (const auto& [id, e] : expected) all.insert(id);
  verify(all, n_rounds);
  // Every acknowledged upload, byte for byte; every row of every acknowledged import.
  for (const auto& [id, bytes] : uploads) {
    const auto r = police.call("GET", "/api/v1/attachments/" + id + "/content");
    ASSERT_EQ(r.status, 200) << "acknowledged upload " << id << " is gone: " << r.body;
    EXPECT_EQ(r.body, bytes) << "upload " << id;
  }
  std::size_t imported_rows = 0;
  for (const auto& ids : imports) {
    EXPECT_EQ(ids.size(), 10U);
    for (const int64_t id : ids) {
      EXPECT_EQ(police.call("GET", R + "/" + std::to_string(id)).status, 200) << "imported signal " << id << " is gone";
      ++imported_rows;
    }
  }
  // Every import is one transaction: acknowledged or in flight when the server died, its ten rows
  // are all there or none is.
  std::map<std::string, int> rows_of_import;  // "round R import N" -> its rows found
  const std::regex import_row("^(round [0-9]+ import [0-9]+) row [0-9]$");
  for (std::string target = R + "?fields=summary&limit=500";;) {
    const auto r = police.call("GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    const Json page = r.json();
    for (const auto& item : page["items"]) {
      const std::string summary = item["data"].value("summary", "");
      std::smatch m;
      if (std::regex_match(summary, m, import_row)) ++rows_of_import[m[1]];
    }
    if (!page.contains("next_cursor")) break;
    target = R + "?fields=summary&limit=500&cursor=" + page["next_cursor"].get<std::string>();
  }
  for (const auto& [import, rows] : rows_of_import) EXPECT_EQ(rows, 10) << import << " is in part";
  EXPECT_GE(rows_of_import.size(), imports.size());
  const std::size_t in_flight_whole = rows_of_import.size() - std::min(rows_of_import.size(), imports.size());
  EXPECT_GT(uploads.size(), 0U);
  EXPECT_GT(imports.size(), 0U);
  s.server->stop();
  auto [code, out] = runCli("audit verify --data-dir " + s.dir.string());
  EXPECT_EQ(code, 0) << out;
  std::printf("crash consistency: %d kills; %zu creates, %zu updates, %zu transitions, %zu uploads, %zu imports (%zu "
              "rows) acknowledged, none lost; every import whole or absent (%zu in flight at a kill landed whole)\n",
              n_rounds, acknowledged_creates, acknowledged_updates, acknowledged_transitions, uploads.size(),
              imports.size(), imported_rows, in_flight_whole);
  EXPECT_GT(acknowledged_creates, static_cast<std::size_t>(n_rounds));
  s.server->start({"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema", "--set",
                   std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules"});
}

// `palermo keys rotate` killed at a random moment (the servers stopped, as it requires): the key
// file is whole (old versions kept, the new one written before any data), the database is either
// still under the old version or wholly under the new one, the audit chain verifies, the server
// starts and reads identities, and rotating again finishes the job.
TEST(CrashConsistency, KeysRotateKilledAtAnyMomentLeavesTheDatabaseWholeAndFinishesLater) {
  DemoServer s("palermo-crash-keys", false);
  Client police = s.user("police", "police_investigator", s.agency("Xüsusi polis (crash)", "special_police"));
  importPersons(s, "Xüsusi polis (crash)", 4000);
  auto list = police.call("GET", "/api/v1/records/person?pseudonym=CR-2019");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["items"].size(), 1U) << list.body;
  const std::string person = "/api/v1/records/person/" + std::to_string(list.json()["items"][0]["id"].get<int64_t>());
  const Json identity = police.call("GET", person).json()["data"];
  ASSERT_TRUE(identity.contains("last_name")) << identity.dump();
  const std::vector<std::string> start_args = {"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema",
                                               "--set", std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules"};
  s.server->stop();
  const std::vector<std::string> rotate = {"keys", "rotate", "--data-dir", s.dir.string(), "--set",
                                           std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema"};
  std::mt19937 rng(20261207);
  int killed = 0, finished = 0, full_ms = 60000;
  const int n = rounds(5);
  for (int round = 0; round < n; ++round) {
    int code = 0;
    // The first rotation runs to its end and gives the duration; the others are killed at a
    // random moment within it (from the key file being written to the last re-encryption).
    const bool was_killed = runOrKillWithin(s.dir, rotate, round, full_ms, rng, code);
    if (was_killed) ++killed;
    else {
      ASSERT_EQ(code, 0) << "round " << round;
      ++finished;
    }
    auto [vcode, vout] = runCli("audit verify --data-dir " + s.dir.string());
    ASSERT_EQ(vcode, 0) << "round " << round << ": " << vout;
    auto [kcode, kout] = runCli("keys status --data-dir " + s.dir.string());
    ASSERT_EQ(kcode, 0) << "round " << round << ": " << kout;
    // The server starts on it and the identity reads as it was.
    s.server->start(start_args);
    auto read = police.call("GET", person);
    ASSERT_EQ(read.status, 200) << "round " << round << ": " << read.body;
    EXPECT_EQ(read.json()["data"]["last_name"], identity["last_name"]) << "round " << round;
    EXPECT_EQ(read.json()["data"]["first_name"], identity["first_name"]) << "round " << round;
    s.server->stop();
  }
  // Rotating once more finishes whatever was interrupted; everything still verifies and reads.
  auto [rcode, rout] = runCli("keys rotate --data-dir " + s.dir.string() + " --set schema.dir=" + PALERMO_SOURCE_DIR +
                              "/schema");
  ASSERT_EQ(rcode, 0) << rout;
  auto [vcode, vout] = runCli("audit verify --data-dir " + s.dir.string());
  EXPECT_EQ(vcode, 0) << vout;
  s.server->start(start_args);
  EXPECT_EQ(police.call("GET", person).json()["data"]["last_name"], identity["last_name"]);
  std::printf("keys rotate (%d ms whole): %d kills, %d rotations finished before the kill, then finished; nothing lost\n",
              full_ms, killed, finished);
}

// `palermo store copy` killed at a random moment: the target is empty (the copy is one
// transaction) or whole, never half; copying again then succeeds and the copy's audit chain
// verifies with as many entries as the source's.
TEST(CrashConsistency, StoreCopyKilledAtAnyMomentLeavesTheTargetEmptyOrWhole) {
  DemoServer s("palermo-crash-copy", false);
  s.agency("Xüsusi polis (crash)", "special_police");
  importPersons(s, "Xüsusi polis (crash)", 4000);
  s.server->stop();
  auto [scode, sout] = runCli("audit verify --data-dir " + s.dir.string());
  ASSERT_EQ(scode, 0) << sout;
  const long long source_entries = auditEntries(sout);
  ASSERT_GT(source_entries, 0) << sout;
  std::mt19937 rng(20261208);
  int killed = 0, full_ms = 60000;
  const int n = rounds(5);
  for (int round = 0; round < n; ++round) {
    const auto target = makeTempDir("palermo-crash-copy-target");
    std::filesystem::copy_file(s.dir / "master.key", target / "master.key");
    const std::string to = testDatabaseUrl(target);
    int code = 0;
    // As for the rotation: the first copy gives the duration, the others die within it.
    const bool was_killed =
        runOrKillWithin(s.dir, {"store", "copy", "--data-dir", s.dir.string(), "--to", to}, round, full_ms, rng, code);
    killed += was_killed ? 1 : 0;
    // Again: into an empty target it succeeds; into a whole one it refuses, and that one is whole.
    auto [again, again_out] = runCli("store copy --data-dir " + s.dir.string() + " --to '" + to + "'");
    if (again == 0) {
      EXPECT_NE(again_out.find("intact: " + std::to_string(source_entries) + " entries"), std::string::npos) << again_out;
    } else {  // the first copy had committed (before or after the kill)
      EXPECT_NE(again_out.find("is not empty"), std::string::npos) << "round " << round << ": " << again_out;
    }
    auto [vcode, vout] = runCli("audit verify --data-dir " + target.string());
    EXPECT_EQ(vcode, 0) << "round " << round << ": " << vout;
    EXPECT_EQ(auditEntries(vout), source_entries) << "round " << round << ": " << vout;
    std::filesystem::remove_all(target);
  }
  std::printf("store copy (%d ms whole): %d of %d copies killed; each target empty or whole, the copy again intact\n",
              full_ms, killed, n);
  s.server->start({"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema", "--set",
                   std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules"});
}
