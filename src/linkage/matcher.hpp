// Record linkage (S4): which registrations are the same person. Fellegi–Sunter scoring with
// comparison levels per field, u estimated from random pairs, m by EM on blocked pairs,
// term-frequency adjustment for names, blocking on several keys joined with OR, and clustering
// of links into persons that resists chaining (average linkage). See docs/linkage.md.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "linkage/normalize.hpp"

namespace palermo::linkage {

// What a field is, which decides how it is normalised and compared.
enum class FieldKind {
  Given,       // given name: folded, phonetic key; levels exact / key / JW>=0.92 / JW>=0.8 / other
  Surname,     // surname: folded, key, stem; levels exact / key / stem / JW>=0.92 / JW>=0.8 / other
  Patronymic,  // father's name: levels key / JW>=0.85 / other
  Dob,         // (partial) date of birth: exact / day-month swapped / year-month / year / ±1 year / other
  Sex,         // f / m: equal / other
  Phone,       // normalised phone: equal / other
  Document,    // normalised document number: equal / JW>=0.9 (one typo) / other
  Code,        // any exact code (citizenship, state): equal / other
  Postcode,    // a postal code: exact / same district (the part before the space) / JW>=0.9 / other
  Text,        // free text (place, address): exact / JW>=0.9 / other
};

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::Code;
};

// One registration as the matcher sees it: raw values in the order of the specs.
struct InputRecord {
  std::string id;
  int source = 0;                   // linking two files: records of one source never pair
  std::vector<std::string> values;  // one per FieldSpec
};

struct MatchOptions {
  double link_probability = 0.9;    // pairs at or above are links
  double review_low = 0.3;          // [review_low, link_probability): the human review queue
  double cluster_mean = 0.6;        // two groups join when the mean probability of their cross pairs reaches it
  // Two groups never join when a cross pair in which both records give a patronymic and a date
  // of birth is below review_low (complete linkage where the registrations say enough; see
  // Matcher::cluster).
  bool veto_full_pairs = true;
  // Attachment after clustering: a group of at most attach_max registrations (0: off) with a
  // link in the review band to a bigger person joins the one it fits best when the mean
  // probability of their cross pairs reaches attach_mean and the probability of the two compared
  // as profiles (per field the best agreement of any cross pair) reaches attach_profile. See
  // Matcher::cluster. Set on the historical-figures benchmark (bench/README.md).
  std::size_t attach_max = 2;
  double attach_mean = 0.02;
  double attach_profile = 0.3;
  // Attachment of a lone registration that gives only names to the one person whose names agree
  // (see Matcher::cluster).
  bool attach_sparse = true;
  bool link_sources_only = false;   // pair only records of different sources (two-file linkage)
  int em_iterations = 25;
  std::size_t u_sample_pairs = 1'000'000;
  std::size_t em_sample_pairs = 2'000'000;
  std::size_t max_block = 200;      // larger blocks are too common to be keys: skipped
  int threads = 2;
  uint64_t seed = 42;
  std::function<void(const std::string& stage, double fraction)> progress;
};

// One agreement level of one field with its probabilities and weight (log2 m/u).
struct LevelParams {
  std::string name;
  double m = 0, u = 0;
  [[nodiscard]] double weight() const;
};

struct Model {
  std::vector<FieldSpec> fields;
  std::vector<std::vector<LevelParams>> levels;  // per field
  double lambda = 0.0001;                         // prior probability that a pair is a match
  // Weigh exact and phonetic-key name agreement by the value's frequency among the records (off
  // for a register too small for frequencies to mean anything).
  bool term_frequencies = true;
  int em_iterations_run = 0;
  bool em_converged = false;
  // EM's m described something other than duplicates (the full date of birth agreeing less often
  // than its year alone, or documents disagreeing more often than agreeing); priorM() was used.
  bool em_implausible = false;
};

struct Link {
  uint32_t a = 0, b = 0;  // record indexes
  double weight = 0;      // match weight (log2 Bayes factor with the prior)
  double probability = 0;
};

struct FieldExplanation {
  std::string field, level;
  double weight = 0;  // contribution; 0 when a value is missing
};

// A prepared set of registrations.
class Matcher {
 public:
  Matcher(std::vector<FieldSpec> fields, MatchOptions options = {});
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Normalises and adds records (ids are the caller's); returns the index of the first. The
  // search index, once built, grows with them.
  uint32_t add(const std::vector<InputRecord>& records);
  // Withdraws a record (its registration was edited or deleted): it is no longer a candidate in
  // candidatePairs() or search(). Its index stays taken.
  void retire(uint32_t index);
  [[nodiscard]] bool retired(uint32_t index) const;
  [[nodiscard]] std::size_t size() const;

  // Candidate pairs from the blocking keys (OR), deduplicated.
  std::vector<uint64_t> candidatePairs() const;
  // u from random pairs, then m and lambda by EM on (a sample of) the candidate pairs.
  void train(const std::vector<uint64_t>& pairs);
  void setModel(Model m);
  [[nodiscard]] const Model& model() const;
  // Scores pairs (two threads), keeping those at or above `min_probability`.
  std::vector<Link> score(const std::vector<uint64_t>& pairs, double min_probability) const;
  [[nodiscard]] Link scorePair(uint32_t a, uint32_t b) const;
  [[nodiscard]] std::vector<FieldExplanation> explain(uint32_t a, uint32_t b) const;
  // Clusters links into persons: average linkage over the links at or above link_probability
  // (two clusters join only when the mean match probability over all their cross pairs reaches
  // cluster_mean), then attachment of small leftover groups through review-band links (see
  // MatchOptions::attach_max). Review decisions override the model: `same` pairs are joined
  // first, `different` pairs never end in one person. Returns a cluster number per record.
  std::vector<uint32_t> cluster(const std::vector<Link>& links,
                                const std::vector<std::pair<uint32_t, uint32_t>>& same = {},
                                const std::vector<std::pair<uint32_t, uint32_t>>& different = {}) const;
  [[nodiscard]] const std::string& id(uint32_t index) const;

  // Incremental: the known records most likely to be the same person as `record`, best first
  // (Link.a is the known record). Not safe to call concurrently with itself or add(): callers
  // serialise (the service holds a mutex).
  std::vector<Link> search(const InputRecord& record, std::size_t limit, double min_probability) const;
  // The same for a record already added (it does not find itself; retired records are never found).
  std::vector<Link> candidatesOf(uint32_t index, double min_probability) const;
  // explain() of a known record against a query record (not added).
  std::vector<FieldExplanation> explainQuery(uint32_t known, const InputRecord& record) const;

  struct Stats {
    std::size_t blocks = 0, candidate_pairs = 0, scored_pairs = 0;
  };

 public:
  struct Impl;  // public so that helpers in matcher.cpp can name it; defined there only

 private:
  static void ensureIndex(const Impl& impl);
  Impl* impl_;
};

// m at each level of a field of this kind (the share of true matches at that level, as measured
// on the FEBRL and historical-figures sets), for a model that cannot be trained: a register too
// small for EM, or an EM solution that is not persons (see Model::em_implausible).
std::vector<double> priorM(FieldKind kind);
// u (the share of random pairs of different persons at each level) for a register too small to
// measure it: Azerbaijani names are concentrated (a few dozen given names and surnames cover most
// people), dates of birth spread over about 60 years.
std::vector<double> priorU(FieldKind kind);

// Quality of a clustering against the truth (benchmarks): pairwise precision, recall and F1
// over all within-cluster pairs, and B-cubed F1.
struct Quality {
  double precision = 0, recall = 0, f1 = 0, bcubed_precision = 0, bcubed_recall = 0, bcubed_f1 = 0;
  uint64_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
};
Quality evaluate(const std::vector<uint32_t>& predicted, const std::vector<std::string>& truth);

// Jaro–Winkler similarity of two byte strings (folded names are ASCII).
double jaroWinkler(std::string_view a, std::string_view b);

}  // namespace palermo::linkage
