// Crash consistency (issue 25): the server is killed with SIGKILL at a random moment while
// several users write - creates, updates and workflow transitions - and restarted on the same
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
#include <set>
#include <thread>

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

int rounds() {
  const char* env = std::getenv("PALERMO_CRASH_ROUNDS");
  const int n = env ? std::atoi(env) : 10;
  return n > 0 ? n : 10;
}

}  // namespace

TEST(CrashConsistency, NothingAcknowledgedIsLostWhenTheServerIsKilledUnderWrites) {
  DemoServer s("palermo-crash", false);
  const int64_t hotline_agency = s.agency("Hotline 152", "hotline");
  std::vector<Client> writers;
  for (int t = 0; t < 3; ++t) writers.push_back(s.user("op" + std::to_string(t), "hotline_operator", hotline_agency));
  const std::string R = "/api/v1/records/signal";

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
  s.server->stop();
  auto [code, out] = runCli("audit verify --data-dir " + s.dir.string());
  EXPECT_EQ(code, 0) << out;
  std::printf("crash consistency: %d kills; %zu creates, %zu updates, %zu transitions acknowledged, none lost\n",
              n_rounds, acknowledged_creates, acknowledged_updates, acknowledged_transitions);
  EXPECT_GT(acknowledged_creates, static_cast<std::size_t>(n_rounds));
  s.server->start({"--set", std::string("schema.dir=") + PALERMO_SOURCE_DIR + "/schema", "--set",
                   std::string("rules.dir=") + PALERMO_SOURCE_DIR + "/rules"});
}
