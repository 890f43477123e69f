// Counting persons once on the command line: `link --store` (the stored registers linked
// again) and `link --csv FILE [--csv FILE2]` (files deduplicated or linked, with quality
// against a truth column when there is one).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "cli/commands.hpp"
#include "core/csv.hpp"
#include "linkage/datasets.hpp"
#include "linkage/matcher.hpp"
#include "linkage/person_links.hpp"

namespace palermo::cli {

namespace {

// `palermo link --store`: the stored registers linked again in one batch; record -> person stored
// (and written to --out when given: ids only, never identity).
int runLinkStore(const Config& config, const std::string& out_path, double threshold, int threads, bool write_out) {
  RecordsSetup setup(config);
  if (!setup.schema.type("person")) throw std::runtime_error("link --store: the schema has no person register");
  linkage::PersonLinks::Options opt;
  opt.link_probability = threshold;
  opt.threads = threads;
  linkage::PersonLinks links(setup.schema, *setup.store, setup.keys, opt);
  const auto sum = links.relinkAll([](const std::string& stage, double f) {
    std::fprintf(stderr, "\rlink: %-20s %3.0f%%", stage.c_str(), f * 100);
    std::fflush(stderr);
  });
  std::fprintf(stderr, "\n");
  std::printf("%zu registrations, %zu persons (%zu registered more than once)\n", sum.registrations, sum.persons,
              sum.multi_registration_persons);
  std::printf("linked by reference %zu, by the model %zu, by a decision %zu; %zu pairs for review; %zu changed person; %.2f s\n",
              sum.linked_by_reference, sum.linked_by_model, sum.linked_by_decision, sum.review_pairs, sum.changed,
              sum.seconds);
  setup.store->appendAudit(AuditDraft{0, "linkage.relink", "person", 0,
                                      {{"registrations", sum.registrations}, {"persons", sum.persons}, {"changed", sum.changed}}},
                           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (write_out) {
    std::ofstream f(out_path);
    f << "record_id,person_id\n";
    for (const auto& row : setup.store->personLinks()) f << row.record_id << ',' << row.person_id << '\n';
    if (!f) throw std::runtime_error("cannot write " + out_path);
    std::printf("record -> person written to %s\n", out_path.c_str());
  }
  setup.store->close();
  return 0;
}

// `palermo link --csv FILE [--csv FILE2]`: normalise, block, train (u from random pairs, m by
// EM), score, cluster; writes record -> person and the pairs for review, with progress.
int runLink(const std::vector<std::string>& files, const std::string& out_path, const std::string& review_path,
            double threshold, int threads) {
  using namespace palermo::linkage;
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto secs = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  Dataset d = readCsv(files[0], 0);
  if (files.size() == 2) append(d, readCsv(files[1], 1));
  std::fprintf(stderr, "link: %zu registrations read (%.1f s); fields:", d.records.size(), secs());
  for (const auto& f : d.fields) std::fprintf(stderr, " %s", f.name.c_str());
  std::fprintf(stderr, "\n");
  if (!d.columns_ignored.empty()) {
    std::fprintf(stderr, "link: columns not used:");
    for (const auto& c : d.columns_ignored) std::fprintf(stderr, " %s", c.c_str());
    std::fprintf(stderr, "\n");
  }
  MatchOptions o;
  o.link_probability = threshold;
  o.threads = threads;
  o.link_sources_only = files.size() == 2;
  o.progress = [](const std::string& stage, double f) {
    std::fprintf(stderr, "\rlink: %s %3.0f%%", stage.c_str(), f * 100);
    if (f >= 1) std::fprintf(stderr, "\n");
  };
  Matcher m(d.fields, o);
  m.add(d.records);
  std::fprintf(stderr, "link: normalised (%.1f s)\n", secs());
  const auto pairs = m.candidatePairs();
  std::fprintf(stderr, "link: %zu candidate pairs from blocking (%.1f s)\n", pairs.size(), secs());
  m.train(pairs);
  std::fprintf(stderr, "\nlink: model trained, EM %d iterations%s (%.1f s)\n", m.model().em_iterations_run,
               m.model().em_converged ? ", converged" : "", secs());
  const auto links = m.score(pairs, o.review_low);
  const auto clusters = m.cluster(links);
  std::fprintf(stderr, "link: scored and clustered (%.1f s)\n", secs());
  std::ofstream out(out_path);
  out << "record_id,person_id\r\n";
  std::size_t persons = 0;
  for (uint32_t i = 0; i < clusters.size(); ++i) {
    if (clusters[i] == i) ++persons;
    out << csv::row({csv::cell(d.records[i].id), csv::cell(d.records[clusters[i]].id)});
  }
  std::ofstream review(review_path);
  review << "record_a,record_b,probability,explanation\r\n";
  std::size_t uncertain = 0;
  for (const auto& l : links) {
    // Left to people: uncertain pairs whose registrations did not end in one person anyway
    // (through other, stronger links) - deciding those would change nothing.
    if (l.probability >= threshold || clusters[l.a] == clusters[l.b]) continue;
    ++uncertain;
    std::string why;
    for (const auto& e : m.explain(l.a, l.b))
      why += (why.empty() ? "" : "; ") + e.field + ": " + e.level + (e.weight != 0 ? fmt::format(" ({:+.1f})", e.weight) : "");
    review << csv::row({csv::cell(d.records[l.a].id), csv::cell(d.records[l.b].id), fmt::format("{:.3f}", l.probability),
                        csv::cell(why)});
  }
  std::printf("%zu registrations -> %zu persons; %zu pairs for review in %s; record -> person in %s (%.1f s)\n", d.records.size(),
              persons, uncertain, review_path.c_str(), out_path.c_str(), secs());
  bool have_truth = false;
  for (const auto& t : d.truth) have_truth = have_truth || !t.empty();
  if (have_truth) {
    const Quality q = evaluate(clusters, d.truth);
    std::printf("against the truth column: pairwise precision %.4f recall %.4f F1 %.4f; B-cubed F1 %.4f\n", q.precision, q.recall,
                q.f1, q.bcubed_f1);
  }
  return 0;
}

}  // namespace

void addLinkCommands(Commands& c) {
  struct LinkOptions {
    std::vector<std::string> csv;
    bool store = false;
    std::string out = "links.csv", review = "review.csv";
    double threshold = 0.9;
    int threads = 2;
    CLI::App* cmd = nullptr;
  };
  auto o = std::make_shared<LinkOptions>();
  o->cmd = c.add(nullptr, "link",
                 "Link registrations to persons (counting persons once): over the stored registers (--store) or CSV files",
                 [o](const Config& config) {
                   if (o->store) return runLinkStore(config, o->out, o->threshold, o->threads, o->cmd->count("--out") > 0);
                   if (o->csv.empty()) throw std::invalid_argument("link: give --store or --csv FILE [--csv FILE2]");
                   return runLink(o->csv, o->out, o->review, o->threshold, o->threads);
                 });
  o->cmd->add_flag("--store", o->store,
                   "Link the stored registers again (persons and signals; identity opened in this process only) and "
                   "store record -> person");
  o->cmd->add_option("--csv", o->csv, "CSV file(s): one to deduplicate, two to link with each other")->expected(1, 2);
  o->cmd->add_option("--out", o->out, "Where to write record_id,person_id");
  o->cmd->add_option("--review", o->review, "Where to write the uncertain pairs for human review");
  o->cmd->add_option("--threshold", o->threshold, "Match probability from which a pair is a link")
      ->check(CLI::Range(0.5, 0.9999));
  o->cmd->add_option("--threads", o->threads, "Threads for scoring")->check(CLI::Range(1, 64));
}

}  // namespace palermo::cli
