// Counting persons once (S4) over HTTP (docs/linkage.md, "Over the registers"):
//   POST /api/v1/linkage/search          persons that may be the one being typed (intake)
//   GET  /api/v1/linkage/persons/{id}    the person a registration belongs to, and its other registrations
//   GET  /api/v1/linkage/review          pairs the model is unsure of, for a human decision
// Decisions are records of the register link_decision (POST /api/v1/records/link_decision).
// Answers never carry identity values: registrations are named by id, type and (when the user
// may open them) their pseudonym or date; comparisons by field, level and weight.
#include <chrono>

#include "api/app.hpp"
#include "linkage/person_links.hpp"
#include "records/engine.hpp"

namespace palermo::api {

using http::Request;
using http::Response;

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Json explanationJson(const std::vector<linkage::FieldExplanation>& ex) {
  Json out = Json::array();
  for (const auto& f : ex) {
    Json e = {{"field", f.field}, {"level", f.level}, {"weight", std::round(f.weight * 100) / 100}};
    if (f.level.empty()) e["level"] = "missing";
    out.push_back(std::move(e));
  }
  return out;
}

// A registration as a user may see it: id and type always (the person is known to the system);
// a title and "visible" only when the user's scope reaches the record.
Json registrationJson(AppContext& ctx, linkage::PersonLinks& links, const records::Actor& actor, int64_t id) {
  const std::string type = links.typeOf(id);
  Json r = {{"id", id}, {"type", type.empty() ? "person" : type}};
  const std::string t = r["type"].get<std::string>();
  bool visible = actor.may(t, "read") && ctx.store.recordVisible(id, actor.visibility(t, nowMs()));
  r["visible"] = visible;
  if (visible) {
    if (auto rec = ctx.store.getRecord(t, id)) {
      if (t == "person" && rec->data.contains("pseudonym")) r["title"] = rec->data["pseudonym"];
      else if (t == "signal" && rec->data.contains("received_at")) r["title"] = rec->data["received_at"];
      r["agency_id"] = rec->agency_id;
    }
  }
  return r;
}

std::string field(const Json& body, const char* name, std::vector<FieldError>& errors, std::size_t max = 200) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) {
    errors.push_back({name, "type", "must be text"});
    return {};
  }
  std::string v = it->get<std::string>();
  if (v.size() > max) errors.push_back({name, "max_length", "at most " + std::to_string(max) + " characters"});
  return v;
}

}  // namespace

void registerLinkageRoutes(http::Router& r, AppContext& ctx) {
  auto& links = *ctx.links;
  r.post("/api/v1/linkage/search", [&ctx, &links](Request& req) {
    auto p = ctx.auth.require(req);
    const auto actor = actorFor(ctx, p);
    // A search by name tells whether a person is known: for those who work with identities
    // (who may read a person's identity or register signals), never for statistics roles.
    const bool identity = actor.may("person", "read") && actor.identityFor("person") != records::IdentityAccess::None;
    if (!identity && !actor.may("signal", "create"))
      throw Problem::forbidden("Searching for known persons needs access to persons' identity or the right to register signals.");
    Json body;
    try {
      body = parseJsonInput(req.body);
    } catch (const JsonInputError& e) {
      throw http::jsonInputProblem(e, "The body");
    }
    if (!body.is_object()) throw Problem::badRequest("request.not_an_object", "The body must be a JSON object.");
    std::vector<FieldError> errors;
    linkage::PersonQuery q;
    q.first_name = field(body, "first_name", errors);
    q.last_name = field(body, "last_name", errors);
    q.patronymic = field(body, "patronymic", errors);
    q.full_name = field(body, "full_name", errors);
    q.birth = field(body, "birth", errors, 10);
    q.sex = field(body, "sex", errors, 20);
    q.citizenship = field(body, "citizenship", errors, 3);
    q.phone = field(body, "phone", errors, 30);
    q.document = field(body, "document", errors, 50);
    if (!q.birth.empty()) {
      const auto d = linkage::parseDob(q.birth);
      if (!d.year) errors.push_back({"birth", "format", "a year (1990), a month (1990-05) or a date (1990-05-17)"});
    }
    if (q.first_name.empty() && q.last_name.empty() && q.full_name.empty() && q.phone.empty() && q.document.empty())
      errors.push_back({"last_name", "required", "a name, a phone or a document number to search by"});
    if (!errors.empty()) throw Problem::validation(errors);
    int limit = 5;
    if (auto it = body.find("limit"); it != body.end() && it->is_number_integer()) limit = std::clamp(it->get<int>(), 1, 20);
    links.ensureCurrent();
    const auto t0 = std::chrono::steady_clock::now();  // the match itself (catching up is not)
    const auto found = links.search(q, static_cast<std::size_t>(limit));
    const double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    Json candidates = Json::array();
    for (const auto& c : found) {
      Json regs = Json::array();
      int hidden = 0;
      for (int64_t id : c.registrations) {
        Json reg = registrationJson(ctx, links, actor, id);
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
    ctx.store.appendAudit(AuditDraft{actor.user_id, "linkage.search", "person", 0,
                                     {{"candidates", candidates.size()}}},
                          nowMs());
    auto res = Response::json(200, {{"candidates", std::move(candidates)}, {"took_ms", std::round(took * 100) / 100}});
    res.set("Cache-Control", "no-store");
    return res;
  });

  r.get("/api/v1/linkage/persons/{id}", [&ctx, &links](Request& req) {
    auto p = ctx.auth.require(req);
    const auto actor = actorFor(ctx, p);
    int64_t id = 0;
    try {
      id = std::stoll(req.params.at("id"));
    } catch (const std::exception&) {
      throw Problem::notFound();
    }
    links.ensureCurrent();
    const std::string type = links.typeOf(id);
    // Only for a registration the user may open: the answer says who else registered them.
    if (type.empty() || !actor.may(type, "read") || !ctx.store.recordVisible(id, actor.visibility(type, nowMs())))
      throw Problem::notFound();
    const int64_t person = links.personOf(id);
    const auto [method, probability] = links.linkOf(id);
    Json regs = Json::array();
    int hidden = 0;
    for (int64_t other : links.registrationsOf(person)) {
      Json reg = registrationJson(ctx, links, actor, other);
      if (!reg["visible"].get<bool>()) {
        ++hidden;
        continue;
      }
      const auto [m, pr] = links.linkOf(other);
      reg["method"] = m;
      reg["probability"] = pr;
      regs.push_back(std::move(reg));
    }
    return Response::json(200, {{"record_id", id},
                                {"person_id", person},
                                {"method", method},
                                {"probability", probability},
                                {"registrations", std::move(regs)},
                                {"hidden_registrations", hidden}});
  });

  r.get("/api/v1/linkage/review", [&ctx, &links](Request& req) {
    auto p = ctx.auth.require(req);
    const auto actor = actorFor(ctx, p);
    if (!actor.may("link_decision", "create"))
      throw Problem::forbidden("The linkage review queue is for those who may decide on it (link_decision.create).");
    int limit = 50;
    if (const std::string l = req.queryParam("limit"); !l.empty()) {
      try {
        limit = std::clamp(std::stoi(l), 1, 500);
      } catch (const std::exception&) {
        throw Problem::validation({{"limit", "type", "a number from 1 to 500"}});
      }
    }
    links.ensureCurrent();
    Json items = Json::array();
    for (const auto& it : links.reviewQueue(static_cast<std::size_t>(limit)))
      items.push_back({{"first", registrationJson(ctx, links, actor, it.first)},
                       {"second", registrationJson(ctx, links, actor, it.second)},
                       {"first_person", links.personOf(it.first)},
                       {"second_person", links.personOf(it.second)},
                       {"probability", std::round(it.probability * 1000) / 1000},
                       {"explanation", explanationJson(it.explanation)}});
    ctx.store.appendAudit(AuditDraft{actor.user_id, "linkage.review_queue", "link_decision", 0, {{"pairs", items.size()}}},
                          nowMs());
    auto res = Response::json(200, {{"items", std::move(items)}});
    res.set("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace palermo::api
