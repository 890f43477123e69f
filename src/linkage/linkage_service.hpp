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
class Store;
}
namespace palermo::records {
struct Actor;
}

namespace palermo::linkage {

class LinkageService {
 public:
  LinkageService(PersonLinks& links, Store& store) : links_(links), store_(store) {}

  // Persons that may be the one being typed (intake). Forbidden (403) for roles that neither
  // read persons' identity nor register signals: a search tells whether a person is known.
  // Audited (linkage.search, how many candidates; never what was typed).
  Json search(const records::Actor& actor, const PersonQuery& query, std::size_t limit);
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
};

}  // namespace palermo::linkage
