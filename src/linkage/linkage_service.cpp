#include "linkage/linkage_service.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
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

Json LinkageService::search(const records::Actor& actor, const PersonQuery& query, std::size_t limit) {
  const bool identity = actor.may("person", "read") && actor.identityFor("person") != records::IdentityAccess::None;
  if (!identity && !actor.may("signal", "create"))
    throw Problem::forbidden("Searching for known persons needs access to persons' identity or the right to register signals.");
  links_.ensureCurrent();
  const auto t0 = std::chrono::steady_clock::now();  // the match itself (catching up is not)
  const auto found = links_.search(query, limit);
  const double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  Json candidates = Json::array();
  for (const auto& c : found) {
    Json regs = Json::array();
    int hidden = 0;
    for (int64_t id : c.registrations) {
      Json reg = registrationJson(actor, id);
      if (reg["visible"].get<bool>()) regs.push_back(std::move(reg));
      else ++hidden;
    }
    candidates.push_back({{"person_id", c.person_id},
                          {"probability", std::round(c.probability * 1000) / 1000},
                          {"band", c.probability >= 0.9 ? "link" : "review"},
                          {"agreements", explanationJson(c.agreements)},
                          {"registrations", std::move(regs)},
                          {"hidden_registrations", hidden}});
  }
  // Who looked for persons is kept; what they typed is not (it is identity).
  store_.appendAudit(AuditDraft{actor.user_id, "linkage.search", "person", 0, {{"candidates", candidates.size()}}},
                     nowMs());
  return {{"candidates", std::move(candidates)}, {"took_ms", std::round(took * 100) / 100}};
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
                     {"explanation", explanationJson(it.explanation)}});
  store_.appendAudit(AuditDraft{actor.user_id, "linkage.review_queue", "link_decision", 0, {{"pairs", items.size()}}},
                     nowMs());
  return {{"items", std::move(items)}};
}

}  // namespace palermo::linkage
