// Person links over the stored registers (S4): which person each registration belongs to, so
// that national figures count persons, not registrations, and an operator sees "this may be
// someone we know" while typing. docs/linkage.md, "Over the registers".
//
// Registrations are person records and signals (the person a signal is about). A signal that
// names its person record (signal.person) belongs to that record's person; everything else is
// matched by the Fellegi–Sunter model (matcher.hpp) over names, date of birth, sex, citizenship,
// phone, document and place of birth. Identity fields are sealed in the store: they are opened
// inside this process only, never written anywhere, never logged.
//
// A person id is a record id: the person's earliest registration when it was first linked. Ids
// are stored (Store::personLinks) and kept when nothing about a person changes; a full re-link
// (palermo link --store) keeps each person's id when most of its registrations still hold it.
// Human decisions (register link_decision) override the model.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "linkage/matcher.hpp"

namespace palermo {
class Store;
class KeyRing;
namespace records {
struct Schema;
}
}  // namespace palermo

namespace palermo::linkage {

// What an operator has typed (any subset). full_name is split when the parts are not given.
struct PersonQuery {
  std::string first_name, last_name, patronymic, full_name, birth, sex, citizenship, phone, document;
};

struct PersonCandidate {
  int64_t person_id = 0;
  double probability = 0;                     // of the best-matching registration
  std::vector<FieldExplanation> agreements;   // that registration's comparison, field by field
  std::vector<int64_t> registrations;         // every registration of the person (record ids)
};

// One pair of persons the model is unsure of, represented by its best-scored pair of
// registrations; a decision on it settles every pair between the two persons.
struct ReviewItem {
  int64_t first = 0, second = 0;  // record ids (first < second)
  double probability = 0;
  std::vector<FieldExplanation> explanation;
  std::size_t pairs = 1;  // pairs of their registrations in the review band, this one included
};

struct RelinkSummary {
  std::size_t registrations = 0, persons = 0, multi_registration_persons = 0;
  std::size_t linked_by_reference = 0, linked_by_model = 0, linked_by_decision = 0;
  std::size_t review_pairs = 0, changed = 0;  // changed: registrations whose person id changed
  double seconds = 0;
};

class PersonLinks {
 public:
  struct Options {
    double link_probability = 0.9;
    double review_low = 0.1;  // lower than for files: uncertain pairs of the registers go to people
    int threads = 2;
  };
  PersonLinks(const records::Schema& schema, Store& store, const KeyRing& keys, Options options);
  PersonLinks(const records::Schema& schema, Store& store, const KeyRing& keys);
  ~PersonLinks();
  PersonLinks(const PersonLinks&) = delete;
  PersonLinks& operator=(const PersonLinks&) = delete;

  // Brings the links up to date. The first call loads every registration and the stored links
  // (a store without links is linked in full, as relinkAll); later calls read the audit chain
  // since the last one and link what was written, edited, deleted or decided. Thread-safe.
  void ensureCurrent();
  // Links everything again in one batch (blocking, EM, clustering with the decisions) and
  // stores every row; ids are kept where most of a person's registrations held them.
  RelinkSummary relinkAll(const std::function<void(const std::string&, double)>& progress = {});

  // record id -> person id, for every registration known (shared with the statistics; a new
  // map whenever something changes, see version()).
  [[nodiscard]] std::shared_ptr<const std::unordered_map<int64_t, int64_t>> links();
  [[nodiscard]] uint64_t version();
  // What changed since `version` (a value version() gave): (registration, its person id, or 0
  // when it left), in order, and the version they lead to; nullopt when that is no longer known
  // (a relink, a long absence) and the reader must take links() whole.
  struct Changes {
    uint64_t version = 0;
    std::vector<std::pair<int64_t, int64_t>> changes;
  };
  [[nodiscard]] std::optional<Changes> changesSince(uint64_t version);
  [[nodiscard]] int64_t personOf(int64_t record_id);  // 0 when not a known registration
  [[nodiscard]] std::vector<int64_t> registrationsOf(int64_t person_id);
  // "person" or "signal" for a known registration, "" otherwise.
  [[nodiscard]] std::string typeOf(int64_t record_id);
  // How a registration is linked: method (first | model | reference | review) and probability.
  [[nodiscard]] std::pair<std::string, double> linkOf(int64_t record_id);

  // The persons most likely to be the one typed, best first (probability >= review_low).
  std::vector<PersonCandidate> search(const PersonQuery& query, std::size_t limit);
  // Pairs of persons the model is unsure of (review band), most likely first: one item per pair
  // of persons, none where a decision already settles it (a decision on the pair, or
  // "different" on any two of their registrations).
  std::vector<ReviewItem> reviewQueue(std::size_t limit);
  // Field-by-field comparison of two registrations; empty when either is unknown.
  std::vector<FieldExplanation> explain(int64_t first, int64_t second);

  // The model fields (in matcher order) and what the registers give them.
  static std::vector<FieldSpec> fields();

 private:
  struct State;
  std::unique_ptr<State> s_;
  std::mutex mutex_;
};

}  // namespace palermo::linkage
