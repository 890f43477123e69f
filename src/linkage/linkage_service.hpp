// Counting persons once (S4) as users reach it (docs/linkage.md, "Over the registers"): the
// intake search, a registration's person and the review queue, each limited to what the user
// may see (a registration outside their scope is counted, never shown) and each audited. The
// HTTP routes (api/linkage_api.cpp) parse the request and call this service only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/json.hpp"
#include "linkage/person_links.hpp"

namespace palermo {
class KeyRing;
class Store;
}
namespace palermo::records {
struct Actor;
}

namespace palermo::linkage {

class LinkageService {
 public:
  // `keys` (optional) keys the hash of each query kept in the audit; `searches_per_hour` bounds
  // one user's searches (0: unbounded).
  LinkageService(PersonLinks& links, Store& store, const KeyRing* keys = nullptr, int searches_per_hour = 0)
      : links_(links), store_(store), keys_(keys), searches_per_hour_(searches_per_hour) {}

  // Persons that may be the one being typed (intake). Forbidden (403) for roles that neither
  // read persons' identity nor register signals. Only persons with a registration the user may
  // open are described; the others are a count (`known_elsewhere`), with nothing about them.
  // 429 linkage.throttled past the hourly bound. Audited (linkage.search: how many, and a keyed
  // hash of what was typed, never the text).
  Json search(const records::Actor& actor, const PersonQuery& query, std::size_t limit);
  // The keyed hash the audit keeps for a query (an investigator holding the keys can tell
  // whether a given query was made: `palermo audit linkage-query`).
  [[nodiscard]] static std::string queryHash(const PersonQuery& query, const KeyRing& keys);
  // The person a registration belongs to and their other registrations; 404 unless the user
  // may open that registration.
  Json personOf(const records::Actor& actor, int64_t record_id);
  // Pairs the model is unsure of, for those who may decide (link_decision.create); audited.
  Json reviewQueue(const records::Actor& actor, std::size_t limit);

  PersonLinks& links() { return links_; }

 private:
  Json registrationJson(const records::Actor& actor, int64_t id);

  PersonLinks& links_;
  Store& store_;
  const KeyRing* keys_ = nullptr;
  int searches_per_hour_ = 0;
};

}  // namespace palermo::linkage
