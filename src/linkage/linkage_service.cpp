#include "linkage/linkage_service.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/keys.hpp"
#include "linkage/normalize.hpp"
#include "records/engine.hpp"
#include "store/store.hpp"

namespace palermo::linkage {

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Json explanationJson(const std::vector<FieldExplanation>& ex) {
  Json out = Json::array();
  for (const auto& f : ex) {
    Json e = {{"field", f.field}, {"level", f.level}, {"weight", std::round(f.weight * 100) / 100}};
    if (f.level.empty()) e["level"] = "missing";
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

// A registration as a user may see it: id and type always (the person is known to the system);
// a title and "visible" only when the user's scope reaches the record.
Json LinkageService::registrationJson(const records::Actor& actor, int64_t id) {
  const std::string type = links_.typeOf(id);
  const std::string t = type.empty() ? "person" : type;
  Json r = {{"id", id}, {"type", t}};
  const bool visible = actor.may(t, "read") && store_.recordVisible(id, actor.visibility(t, nowMs()));
  r["visible"] = visible;
  if (visible) {
    if (auto rec = store_.getRecord(t, id)) {
      if (t == "person" && rec->data.contains("pseudonym")) r["title"] = rec->data["pseudonym"];
      else if (t == "signal" && rec->data.contains("received_at")) r["title"] = rec->data["received_at"];
      r["agency_id"] = rec->agency_id;
    }
  }
  return r;
}

std::string LinkageService::queryHash(const PersonQuery& q, const KeyRing& keys) {
  // Normalised the way the matcher reads it, so that the same person typed twice hashes the same.
  const std::string canonical = "linkage.search\n" + foldName(q.first_name) + "\n" + foldName(q.last_name) + "\n" +
                                foldName(q.patronymic) + "\n" + foldName(q.full_name) + "\n" + q.birth + "\n" + q.sex +
                                "\n" + q.citizenship + "\n" + normalizePhone(q.phone) + "\n" + normalizeDocument(q.document);
  return keyedHashHex(canonical, keys.indexKey());
}

Json LinkageService::search(const records::Actor& actor, const PersonQuery& query, std::size_t limit) {
  const bool identity = actor.may("person", "read") && actor.identityFor("person") != records::IdentityAccess::None;
  if (!identity && !actor.may("signal", "create"))
    throw Problem::forbidden("Searching for known persons needs access to persons' identity or the right to register signals.");
  if (searches_per_hour_ > 0) {
    // Counted in the database: the bound holds across instances. Intake types a few searches
    // per call; enumerating document numbers or names takes thousands.
    const int64_t now_s = nowMs() / 1000;
    if (store_.throttleHit("linkage-search:" + std::to_string(actor.user_id), now_s, 3600) > searches_per_hour_) {
      Problem p(429, "linkage.throttled",
                "Too many searches for persons in the last hour (at most " + std::to_string(searches_per_hour_) +
                    "). Try again later.");
      p.headers.emplace_back("Retry-After", "3600");
      throw p;
    }
  }
  links_.ensureCurrent();
  const auto t0 = std::chrono::steady_clock::now();  // the match itself (catching up is not)
  const auto found = links_.search(query, limit);
  const double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  Json candidates = Json::array();
  int known_elsewhere = 0;  // persons of whom the user may open nothing: counted, not described
  for (const auto& c : found) {
    Json regs = Json::array();
    int hidden = 0;
    for (int64_t id : c.registrations) {
      Json reg = registrationJson(actor, id);
      if (reg["visible"].get<bool>()) regs.push_back(std::move(reg));
      else ++hidden;
    }
    if (regs.empty()) {
      ++known_elsewhere;
      continue;
    }
    candidates.push_back({{"person_id", c.person_id},
                          {"probability", std::round(c.probability * 1000) / 1000},
                          {"band", c.probability >= 0.9 ? "link" : "review"},
                          {"agreements", explanationJson(c.agreements)},
                          {"registrations", std::move(regs)},
                          {"hidden_registrations", hidden}});
  }
  // Who looked for persons is kept, and a keyed hash of what they typed (the text is identity).
  Json details = {{"candidates", candidates.size()}, {"known_elsewhere", known_elsewhere}};
  if (keys_) details["query_hash"] = queryHash(query, *keys_);
  store_.appendAudit(AuditDraft{actor.user_id, "linkage.search", "person", 0, std::move(details)}, nowMs());
  return {{"candidates", std::move(candidates)},
          {"known_elsewhere", known_elsewhere},
          {"took_ms", std::round(took * 100) / 100}};
}

Json LinkageService::personOf(const records::Actor& actor, int64_t id) {
  links_.ensureCurrent();
  const std::string type = links_.typeOf(id);
  // Only for a registration the user may open: the answer says who else registered them.
  if (type.empty() || !actor.may(type, "read") || !store_.recordVisible(id, actor.visibility(type, nowMs())))
    throw Problem::notFound();
  const int64_t person = links_.personOf(id);
  const auto [method, probability] = links_.linkOf(id);
  Json regs = Json::array();
  int hidden = 0;
  for (int64_t other : links_.registrationsOf(person)) {
    Json reg = registrationJson(actor, other);
    if (!reg["visible"].get<bool>()) {
      ++hidden;
      continue;
    }
    const auto [m, pr] = links_.linkOf(other);
    reg["method"] = m;
    reg["probability"] = pr;
    regs.push_back(std::move(reg));
  }
  return {{"record_id", id},
          {"person_id", person},
          {"method", method},
          {"probability", probability},
          {"registrations", std::move(regs)},
          {"hidden_registrations", hidden}};
}

Json LinkageService::reviewQueue(const records::Actor& actor, std::size_t limit) {
  if (!actor.may("link_decision", "create"))
    throw Problem::forbidden("The linkage review queue is for those who may decide on it (link_decision.create).");
  links_.ensureCurrent();
  Json items = Json::array();
  for (const auto& it : links_.reviewQueue(limit))
    items.push_back({{"first", registrationJson(actor, it.first)},
                     {"second", registrationJson(actor, it.second)},
                     {"first_person", links_.personOf(it.first)},
                     {"second_person", links_.personOf(it.second)},
                     {"probability", std::round(it.probability * 1000) / 1000},
                     {"pairs", it.pairs},  // pairs of the two persons' registrations this decision settles
                     {"explanation", explanationJson(it.explanation)}});
  store_.appendAudit(AuditDraft{actor.user_id, "linkage.review_queue", "link_decision", 0, {{"pairs", items.size()}}},
                     nowMs());
  return {{"items", std::move(items)}};
}

}  // namespace palermo::linkage
