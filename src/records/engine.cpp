#include "records/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>

#include "core/csv.hpp"
#include "core/json_input.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "core/text_fold.hpp"
#include "records/cursor.hpp"

namespace palermo::records {

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string isoMs(int64_t ms) { return utcTimestamp(ms, true); }

bool isSpecialColumn(const std::string& f) {
  return f == "id" || f == "state" || f == "created_at" || f == "updated_at";
}

// Absent values (null, blank text, empty list) are not stored: a field is either there with a
// value or not there at all, so "required" and "requires" mean the same everywhere.
void dropAbsent(Json& obj) {
  for (auto it = obj.begin(); it != obj.end();) {
    if (isAbsent(*it)) it = obj.erase(it);
    else ++it;
  }
}

void dropComputed(const RecordType& type, Json& data) {
  for (const auto& f : type.fields)
    if (f.computed) data.erase(f.name);
}

Json identityPart(const RecordType& type, const Json& data) {
  Json out = Json::object();
  for (const auto& f : type.fields)
    if (f.sensitivity == Sensitivity::Identity && data.contains(f.name)) out[f.name] = data[f.name];
  return out;
}

Json factsPart(const RecordType& type, const Json& data) {
  Json out = Json::object();
  for (const auto& [k, v] : data.items()) {
    const auto* f = type.field(k);
    if (f && f->sensitivity != Sensitivity::Identity) out[k] = v;
  }
  return out;
}


// Turns a filter value that arrived as text (query string) into the field's JSON type.
Json coerce(const FieldDef* f, const std::string& field, const Json& raw, std::vector<FieldError>& errors) {
  if (!raw.is_string()) return raw;
  const std::string s = raw.get<std::string>();
  auto bad = [&](const char* what) {
    errors.push_back({field, "filter", fmt::format("'{}' is not {}", s.substr(0, 40), what)});
    return Json();
  };
  FieldType t = FieldType::Text;
  if (f) t = f->type;
  else if (field == "id" || field == "created_at" || field == "updated_at") t = FieldType::Integer;
  switch (t) {
    case FieldType::Integer:
    case FieldType::Money:
    case FieldType::Reference: {
      try {
        std::size_t pos = 0;
        const long long v = std::stoll(s, &pos);
        if (pos != s.size()) return bad("an integer");
        return v;
      } catch (const std::exception&) {
        return bad("an integer");
      }
    }
    case FieldType::Decimal: {
      try {
        std::size_t pos = 0;
        const double v = std::stod(s, &pos);
        if (pos != s.size()) return bad("a number");
        return v;
      } catch (const std::exception&) {
        return bad("a number");
      }
    }
    case FieldType::Boolean:
      if (s == "true") return true;
      if (s == "false") return false;
      return bad("true or false");
    default:
      return s;
  }
}

}  // namespace

std::string sealContext(int64_t id) { return "record:" + std::to_string(id); }

RecordService::RecordService(const Schema& schema, Store& store, const KeyRing& keys)
    : schema_(schema), store_(store), keys_(keys) {}

const RecordType& RecordService::typeOr404(const Actor& actor, const std::string& type, const char* action) const {
  const auto* t = schema_.type(type);
  if (!t) throw Problem::notFound("There is no record type '" + type.substr(0, 64) + "'.");
  if (!actor.may(type + "." + action)) {
    // Denied reads answer 404 so that existence does not leak; denied writes say so.
    if (std::string_view(action) == "read") throw Problem::notFound("There is no such record.");
    throw Problem::forbidden(fmt::format("You may not {} records of type '{}'.", action, type));
  }
  return *t;
}

StoredRecord RecordService::loadOr404(const Actor& actor, const RecordType& type, int64_t id,
                                      const std::string& action) {
  auto r = store_.getRecord(type.name, id);
  if (!r) throw Problem::notFound("There is no such record.");
  // Outside the actor's scope (and grants) a record does not exist, for reads and writes alike.
  const auto scope = actor.scopeFor(type.name, action);
  if (!scope || (*scope != Scope::National && !store_.recordVisible(id, actor.visibility(type.name, nowMs()))))
    throw Problem::notFound("There is no such record.");
  if (*scope != Scope::National && action != "read") {
    // Writing needs the record within the scope of the write permission too.
    Visibility v = actor.visibility(type.name, nowMs());
    v.scope = static_cast<Visibility::Scope>(static_cast<int>(*scope));
    if (!store_.recordVisible(id, v)) throw Problem::notFound("There is no such record.");
  }
  return std::move(*r);
}

// Identity fields whose value a change sets or alters need write access to identity.
void RecordService::checkIdentityWrite(const Actor& actor, const RecordType& type, const Json& before,
                                       const Json& after, const std::vector<std::string>& blocked_roles) const {
  if (actor.identityFor(type.name, blocked_roles) == IdentityAccess::Write) return;
  std::vector<FieldError> errors;
  for (const auto& f : type.fields) {
    if (f.sensitivity != Sensitivity::Identity) continue;
    const Json from = before.contains(f.name) ? before[f.name] : Json();
    const Json to = after.contains(f.name) ? after[f.name] : Json();
    if (from != to) errors.push_back({f.name, "identity_write", "you may not write identity fields"});
  }
  if (!errors.empty())
    throw Problem(403, "access.identity_write", "Your roles do not allow writing identity fields.", std::move(errors));
}

Json RecordService::fullData(const RecordType& type, const StoredRecord& r) const {
  Json data = r.data;
  if (!r.identity.empty()) {
    const Json identity = Json::parse(keys_.open(r.identity, sealContext(r.id)));
    for (const auto& [k, v] : identity.items())
      if (type.field(k)) data[k] = v;
  }
  return data;
}

Json RecordService::render(const Actor& actor, const RecordType& type, const StoredRecord& r,
                           const std::vector<std::string>& fields, bool audit_identity_read) {
  const bool may_identity = actor.identityFor(type.name, r.identity_blocked) != IdentityAccess::None;
  std::set<std::string> wanted(fields.begin(), fields.end());
  auto selected = [&](const std::string& f) { return wanted.empty() || wanted.count(f) > 0; };
  Json data = Json::object();
  for (const auto& [k, v] : r.data.items())
    if (selected(k)) data[k] = v;
  bool hidden = false;
  std::vector<std::string> identity_read;
  bool wants_identity = false;
  for (const auto& f : type.fields)
    if (f.sensitivity == Sensitivity::Identity && selected(f.name)) wants_identity = true;
  if (!r.identity.empty() && wants_identity) {
    if (may_identity) {
      const Json identity = Json::parse(keys_.open(r.identity, sealContext(r.id)));
      for (const auto& [k, v] : identity.items())
        if (selected(k) && type.field(k)) {
          data[k] = v;
          identity_read.push_back(k);
        }
    } else {
      hidden = true;
    }
  }
  if (audit_identity_read && !identity_read.empty()) {
    store_.appendAudit(AuditDraft{actor.user_id, "record.read_identity", type.name, r.id,
                                  Json{{"fields", identity_read}}},
                       nowMs());
  }
  Json out = {{"id", r.id},
              {"type", r.type},
              {"version", r.version},
              {"created_at", isoMs(r.created_at)},
              {"created_by", r.created_by},
              {"updated_at", isoMs(r.updated_at)},
              {"updated_by", r.updated_by},
              {"data", std::move(data)}};
  if (type.workflow) out["state"] = r.state;
  if (r.agency_id) out["agency_id"] = r.agency_id;  // the registering agency (who holds the record)
  if (!type.deadlines.empty()) {
    Json d = deadlinesOf(type, r, nowMs());
    if (!d.empty()) out["deadlines"] = std::move(d);
  }
  if (hidden) out["identity_hidden"] = true;
  if (r.deleted_at) {
    out["deleted"] = {{"at", isoMs(r.deleted_at)}, {"by", r.deleted_by}, {"reason", r.deleted_reason}};
  }
  return out;
}

void RecordService::checkReferences(const RecordType& type, const Json& data, std::vector<FieldError>& errors,
                                    const Actor* writer) {
  // A user named in a "…_user_id" field (a case's assignee): an active user of the writer's agency.
  for (const auto& f : type.fields) {
    if (f.type != FieldType::Integer || !isUserField(f.name) || !data.contains(f.name) ||
        !data[f.name].is_number_integer())
      continue;
    const auto user = store_.findUserById(data[f.name].get<int64_t>());
    const bool ok = user && user->active &&
                    (!writer || writer->system || writer->agency_id == 0 || user->agency_id == writer->agency_id);
    if (!ok) errors.push_back({f.name, "user", "is not an active user of your agency"});
  }
  for (const auto& f : type.fields) {
    if (f.type != FieldType::Reference || !data.contains(f.name) || !data[f.name].is_number_integer()) continue;
    const int64_t target = data[f.name].get<int64_t>();
    auto r = store_.getRecord(f.ref, target);
    // Out of the writer's reach reads the same as missing: nothing is learnt of the record.
    const bool hidden = r && f.visible_to_writer && writer && !writer->system &&
                        (!writer->may(f.ref, "read") || !store_.recordVisible(target, writer->visibility(f.ref, nowMs())));
    if (!r || r->deleted_at != 0 || hidden)
      errors.push_back({f.name, "reference", fmt::format("there is no {} record with id {}", f.ref, target)});
  }
}

bool isUserField(const std::string& name) {
  return name == "user_id" || (name.size() > 8 && name.compare(name.size() - 8, 8, "_user_id") == 0);
}

std::vector<std::string> RecordService::nameTokens(const std::string& text) { return text::searchTokens(text); }

// The word index of a word_search field: each folded word's beginnings of 3 to kWordPrefix
// letters ("Yardım Mərkəzi" -> w:yar, w:yard, ..., w:mer, ...), so that a picker finds a record
// by any word or the start of one, the same on every backend (an exact match on stored terms).
// Non-identity text only, so the terms are plain (the record's data is no more secret); name
// terms are keyed hashes (hex), never starting with "w:".
namespace {
constexpr std::size_t kWordPrefix = 12;
constexpr std::size_t kWordMin = 3;
constexpr std::size_t kWordsPerField = 40;
}  // namespace

std::vector<std::string> RecordService::wordTerms(const RecordType& type, const Json& data) {
  std::vector<std::string> out;
  for (const auto& f : type.fields) {
    if (!f.word_search || !data.contains(f.name) || !data[f.name].is_string()) continue;
    auto tokens = text::searchTokens(data[f.name].get<std::string>());
    if (tokens.size() > kWordsPerField) tokens.resize(kWordsPerField);
    for (const auto& t : tokens)
      for (std::size_t n = kWordMin; n <= std::min(t.size(), kWordPrefix); ++n) out.push_back("w:" + t.substr(0, n));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> RecordService::nameTerms(const std::string& text) const {
  std::vector<std::string> out;
  for (const auto& t : nameTokens(text)) out.push_back(keyedHashHex("name:" + t, keys_.indexKey()).substr(0, 32));
  return out;
}

// Who the type's notify rules tell of this write: on a new record, the active users of the agency
// a field names who hold the permission; on a change of the user a field names, that user (if
// active). Never the writer; each user once per rule.
EmailDraft RecordService::emailFor(const UserRow& user, const Translated& message, const RecordType& type,
                                  int64_t record_id) const {
  // A new record's number is known only when the store writes it: it fills "{record_id}" in.
  const std::string number = record_id ? std::to_string(record_id) : std::string("{record_id}");
  return emailAbout(user, message, type.label.az + " / " + type.label.en + " / " + type.label.ru + " № " + number,
                    "/records/" + type.name + "/" + number);
}

EmailDraft RecordService::emailAbout(const UserRow& user, const Translated& message, const std::string& what,
                                     const std::string& path) const {
  if (!mail_enabled_ || user.email.empty()) return {};
  EmailDraft e;
  e.to = user.email;
  e.subject = "Palermo: " + (message.az.empty() ? message.en : message.az);
  e.body = message.az + "\n" + message.en + "\n" + message.ru + "\n\n" + what + "\n";
  if (!mail_base_url_.empty()) e.body += mail_base_url_ + path + "\n";
  e.body +=
      "\n-- \nPalermo. Bu məktubu sistem göndərib; məktubda şəxsi məlumat yoxdur. / Sent by the system; it holds no "
      "personal data. / Письмо отправлено системой; в нём нет персональных данных.\n";
  return e;
}

std::vector<NotificationDraft> RecordService::notificationsFor(const Actor& actor, const RecordType& type,
                                                               const RecordMutation& m, const Json& before,
                                                               const Json& after) {
  std::vector<NotificationDraft> out;
  if (m.kind == RecordMutation::Kind::Delete) return out;
  std::optional<std::vector<UserRow>> users;  // read once, when a rule needs them
  auto allUsers = [&]() -> const std::vector<UserRow>& {
    if (!users) users = store_.listUsers();
    return *users;
  };
  auto integer = [](const Json& data, const std::string& field) -> int64_t {
    auto it = data.find(field);
    return it != data.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  for (const auto& n : type.notify) {
    if (n.on == Notify::On::Create) {
      if (m.kind != RecordMutation::Kind::Create) continue;
      const int64_t agency = integer(after, n.agency_field);
      if (agency == 0) continue;
      for (const auto& u : allUsers()) {
        if (!u.active || u.agency_id != agency || u.id == actor.user_id) continue;
        if (!n.permission.empty() && !Actor::of(schema_, u.id, u.roles, u.agency_id, "").may(n.permission)) continue;
        out.push_back({u.id, n.name, emailFor(u, n.message, type, m.id)});
      }
    } else {
      const int64_t user = integer(after, n.user_field);
      if (user == 0 || user == integer(before, n.user_field) || user == actor.user_id) continue;
      for (const auto& u : allUsers())
        if (u.id == user && u.active) out.push_back({u.id, n.name, emailFor(u, n.message, type, m.id)});
    }
  }
  return out;
}

MutationResult RecordService::mutate(const Actor& actor, const RecordType& type, RecordMutation& m,
                                     const Json& before, const Json& after) {
  m.type = type.name;
  m.actor = actor.user_id;
  m.at = nowMs();
  const Json identity_before = identityPart(type, before);
  const Json identity_after = identityPart(type, after);
  m.data = factsPart(type, after);
  // Data migrations set identity_changed themselves: a reclassified field moves between the
  // parts without its value changing.
  m.identity_changed = m.identity_changed || identity_before != identity_after;
  // Field-level changes; identity values never go into history or audit.
  std::set<std::string> names;
  for (const auto& [k, v] : before.items()) names.insert(k);
  for (const auto& [k, v] : after.items()) names.insert(k);
  std::vector<std::string> changed;
  for (const auto& n : names) {
    const Json from = before.contains(n) ? before[n] : Json();
    const Json to = after.contains(n) ? after[n] : Json();
    if (from == to) continue;
    changed.push_back(n);
    // Values of fields the schema no longer has (data migrations) may have been identity: never
    // copy them into history or audit.
    const auto* f = type.field(n);
    if (!f || f->sensitivity == Sensitivity::Identity)
      m.changes.push_back({n, Json{{"changed", true}}, Json{{"changed", true}}});
    else
      m.changes.push_back({n, from, to});
  }
  for (const auto& f : type.fields) {
    if (f.type == FieldType::Reference && after.contains(f.name) && after[f.name].is_number_integer())
      m.links.emplace_back(f.name, after[f.name].get<int64_t>());
    if (f.name_search && after.contains(f.name) && after[f.name].is_string()) {
      auto terms = nameTerms(after[f.name].get<std::string>());
      m.terms.insert(m.terms.end(), terms.begin(), terms.end());
    }
  }
  for (auto& w : wordTerms(type, after)) m.terms.push_back(std::move(w));
  if (m.identity_changed || m.kind == RecordMutation::Kind::Create) {
    const std::string plain = identity_after.empty() ? std::string() : identity_after.dump();
    if (!plain.empty()) {
      if (m.kind == RecordMutation::Kind::Create) {
        m.seal_identity = [plain, ring = &keys_](int64_t id) { return ring->seal(plain, sealContext(id)); };
      } else {
        m.identity = keys_.seal(plain, sealContext(m.id));
      }
    }
  }
  Json overridden = Json::array();
  if (m.kind != RecordMutation::Kind::Delete) {
    for (const auto& c : type.constraints) {
      if (c.when && !c.when->holds(after)) continue;
      if (!c.states.empty() && std::find(c.states.begin(), c.states.end(), m.state) == c.states.end()) continue;
      if (std::find(c.except_states.begin(), c.except_states.end(), m.state) != c.except_states.end()) continue;
      CountGuard g;
      g.name = c.name;
      g.type = type.name;
      g.states = c.states;
      g.not_states = c.except_states;
      if (c.kind == Constraint::Kind::Unique) {
        bool complete = true;
        for (const auto& f : c.fields) {
          if (!after.contains(f)) complete = false;
          else g.equals.emplace_back(f, after[f]);
        }
        if (!complete) continue;  // a record without the values repeats nothing
        // The other records count only when the condition holds for them too.
        if (c.when && c.when->op == Condition::Op::Equals) g.equals.emplace_back(c.when->field, c.when->value);
        g.max = 0;
      } else {
        if (!after.contains(c.ref_field) || !after[c.ref_field].is_number_integer()) continue;
        const auto* ref = type.field(c.ref_field);
        const auto target = store_.getRecord(ref->ref, after[c.ref_field].get<int64_t>());
        if (!target || !target->data.contains(c.capacity_field) || !target->data[c.capacity_field].is_number_integer())
          continue;  // no capacity recorded: nothing to hold to
        g.equals.emplace_back(c.ref_field, after[c.ref_field]);
        g.max = target->data[c.capacity_field].get<int64_t>() - 1;
        if (c.during) {
          // Occupancy on the record's own days: without a first day it occupies nothing yet.
          if (!after.contains(c.during->from) || !after[c.during->from].is_string()) continue;
          CountGuard::Span span{c.during->from, c.during->to, after[c.during->from].get<std::string>(), ""};
          if (after.contains(c.during->to) && after[c.during->to].is_string())
            span.to = after[c.during->to].get<std::string>();
          if (!span.to.empty() && span.to <= span.from) continue;  // no whole day there
          g.during = std::move(span);
          if (!c.during->counts.empty()) g.states = c.during->counts;
        }
      }
      if (auto it = m.overrides.find(c.name); it != m.overrides.end()) {
        if (c.override_permission.empty() || !actor.may(c.override_permission))
          throw Problem::forbidden(fmt::format("You may not override '{}'{}.", c.name,
                                               c.override_permission.empty()
                                                   ? std::string(" (nobody may)")
                                                   : " (needs permission " + c.override_permission + ")"));
        overridden.push_back({{"constraint", c.name}, {"reason", it->second}});
        continue;
      }
      m.guards.push_back(std::move(g));
    }
  }
  const std::string verb = m.action.rfind("transition:", 0) == 0 ? "transition" : m.action;
  Json details = {{"version_from", m.expected_version}, {"fields", changed}};
  if (!overridden.empty()) details["overrides"] = overridden;
  if (verb == "transition") details["transition"] = m.action.substr(11);
  if (!m.reason.empty()) details["reason"] = m.reason;
  m.audit = AuditDraft{actor.user_id, "record." + verb, type.name, m.id, details};
  if (!type.notify.empty()) m.notifications = notificationsFor(actor, type, m, before, after);
  auto result = store_.applyMutation(m);
  switch (result.status) {
    case MutationResult::Status::Ok:
    case MutationResult::Status::Replayed:  // create() answers it
      return result;
    case MutationResult::Status::KeyReused:
      throw idempotencyKeyReused();
    case MutationResult::Status::NotFound:
      throw Problem::notFound("There is no such record.");
    case MutationResult::Status::VersionConflict: {
      Problem p(412, "record.version_conflict",
                fmt::format("The record was changed by someone else (now version {}, you sent {}). Reload it and "
                            "apply your change again.",
                            result.record.version, m.expected_version));
      p.headers.emplace_back("ETag", etagFor(result.record.version));
      throw p;
    }
    case MutationResult::Status::GuardFailed: {
      const Constraint* c = nullptr;
      for (const auto& x : type.constraints)
        if (x.name == result.failed_guard) c = &x;
      std::vector<FieldError> errors;
      std::string message = c ? (c->message.en.empty() ? c->message.az : c->message.en) : result.failed_guard;
      if (c && c->kind == Constraint::Kind::Unique) {
        for (const auto& f : c->fields) errors.push_back({f, "unique", message});
      } else if (c) {
        errors.push_back({c->ref_field, "capacity",
                          fmt::format("{} ({} taken{}){}", message, result.guard_count,
                                      result.guard_day.empty() ? std::string() : " on " + result.guard_day,
                                      c->override_permission.empty()
                                          ? std::string()
                                          : "; a user with " + c->override_permission +
                                                " may override it with a reason in _overrides." + c->name)});
      }
      Problem p(409, "record.constraint", message, std::move(errors));
      throw p;
    }
    case MutationResult::Status::Gone:
      throw Problem::conflict(result.record.deleted_at ? "record.deleted" : "record.not_deleted",
                              result.record.deleted_at ? "The record is deleted; restore it first."
                                                       : "The record is not deleted.");
  }
  return result;
}

// Rewrites one stored record for a data migration: `raw` is the record's data with every
// identity value (also of fields the current schema no longer has), after the migration's steps.
// Deleted records are rewritten too, so that a restore brings back migrated data.
void RecordService::rewriteForMigration(const RecordType& type, const StoredRecord& stored, const Json& raw,
                                        const std::string& migration_ids) {
  Actor system;  // user 0: the system itself
  RecordMutation m;
  m.kind = RecordMutation::Kind::Update;
  m.id = stored.id;
  m.expected_version = stored.version;
  m.state = stored.state;
  m.action = "migration";
  m.reason = migration_ids;
  m.include_deleted = true;
  m.identity_changed = true;  // reseal under the current schema's partition
  Json after = raw;
  dropComputed(type, after);
  applyComputed(type, after, stored.agency_id);
  Json before = rawData(stored);
  auto result = mutate(system, type, m, before, after);
  (void)result;
}

Json RecordService::rawData(const StoredRecord& r) const {
  Json data = r.data;
  if (!r.identity.empty()) {
    const Json identity = Json::parse(keys_.open(r.identity, sealContext(r.id)));
    for (const auto& [k, v] : identity.items()) data[k] = v;
  }
  return data;
}

void RecordService::applyRules(const RecordType& type, Json& after, const std::string& state,
                               std::vector<FieldError>& errors) const {
  if (!rules_) return;
  for (const auto& r : type.rules) rules_->apply(r, type, store_, after, state, errors);
}

namespace {

// Takes "_overrides": {constraint: reason} out of a request body (field names cannot start
// with '_', so it cannot clash with a field).
std::map<std::string, std::string> takeOverrides(const RecordType& type, Json& body) {
  std::map<std::string, std::string> out;
  if (!body.is_object()) return out;
  auto it = body.find("_overrides");
  if (it == body.end()) return out;
  std::vector<FieldError> errors;
  if (!it->is_object()) {
    errors.push_back({"_overrides", "type", "must be an object: {constraint name: reason}"});
  } else {
    for (const auto& [name, reason] : it->items()) {
      const bool known = std::any_of(type.constraints.begin(), type.constraints.end(),
                                     [&wanted = name](const Constraint& c) { return c.name == wanted; });
      if (!known) errors.push_back({"_overrides." + name, "unknown", "is not a constraint of " + type.name});
      else if (!reason.is_string() || reason.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
        errors.push_back({"_overrides." + name, "required", "give the reason for overriding it"});
      else if (reason.get<std::string>().size() > 1000)
        errors.push_back({"_overrides." + name, "too_long", "must be at most 1000 bytes"});
      else
        out[name] = reason.get<std::string>();
    }
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  body.erase(it);
  return out;
}

}  // namespace

// The checks every write makes of the record as it will be (created, updated, or moved by a
// transition), written once: the type's named rules fill derived fields, then every field rule,
// the rules' own errors, the fields the transition requires, references and attachments — all
// errors at once (422) — and the computed fields are filled. Returns the attachments to bind.
std::vector<std::string> RecordService::validated(const RecordType& type, int64_t id, Json& data, const Write& write) {
  const Transition* transition = write.transition;
  std::vector<FieldError> rule_errors;
  applyRules(type, data, write.state, rule_errors);
  auto errors = validateRecord(schema_, type, data);
  errors.insert(errors.end(), rule_errors.begin(), rule_errors.end());
  if (transition)
    for (const auto& f : transition->requires_fields)
      if (!data.contains(f))
        errors.push_back({f, "required_for_transition", fmt::format("is required to {}", transition->name)});
  checkReferences(type, data, errors, write.actor);
  std::vector<std::string> attachments;
  checkAttachments(type, id, data, errors, attachments);
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  applyComputed(type, data, write.agency_id);
  return attachments;
}

namespace {
// How long a create's idempotency key is kept: longer than a device may stay offline with queued
// creates (docs/records.md, "Idempotent creates").
constexpr int64_t kIdempotencyKeepMs = int64_t{90} * 24 * 3600 * 1000;

// 1-128 printable ASCII characters (a UUID, or a device id and a counter).
void checkIdempotencyKey(const std::string& key) {
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (key.size() > 128 || !printable)
    throw Problem::badRequest("request.idempotency_key", "The Idempotency-Key header is not a valid key.",
                              {{"Idempotency-Key", "format", "must be 1 to 128 printable ASCII characters without spaces"}});
}
}  // namespace

Json RecordService::create(const Actor& actor, const std::string& typeName, const Json& body,
                           const std::string& idempotency_key, bool* replayed) {
  const auto& type = typeOr404(actor, typeName, "create");
  std::string digest;
  if (!idempotency_key.empty()) {
    checkIdempotencyKey(idempotency_key);
    // Keyed: the digest of a body with identity fields must not let a guess be checked.
    digest = keyedHashHex("idempotency\n" + type.name + "\n" + body.dump(), keys_.indexKey());
    // Sent before and made: the record as it is now, before anything is validated again (a
    // retry must not fail on a unique value its first copy took).
    if (auto seen = store_.findIdempotencyKey(actor.user_id, idempotency_key)) {
      if (seen->type != type.name || seen->request_digest != digest) throw idempotencyKeyReused();
      return replayedCreate(actor, type, seen->record_id, replayed);
    }
  }
  Json data = body;
  auto overrides = takeOverrides(type, data);
  dropAbsent(data);
  auto attachments =
      validated(type, 0, data, {type.workflow ? type.workflow->initial : "", nullptr, actor.agency_id, &actor});
  checkIdentityWrite(actor, type, Json::object(), data);
  RecordMutation m;
  m.attachments = std::move(attachments);
  m.agency_id = actor.agency_id;
  m.region = actor.region;
  m.kind = RecordMutation::Kind::Create;
  m.action = "create";
  m.state = type.workflow ? type.workflow->initial : "";
  m.overrides = std::move(overrides);
  m.idempotency_key = idempotency_key;
  m.request_digest = digest;
  m.idempotency_expired_before = nowMs() - kIdempotencyKeepMs;
  const auto sharing = checkSharesOnCreate(actor, type, data);  // before anything is written
  auto result = mutate(actor, type, m, Json::object(), data);
  if (result.status == MutationResult::Status::Replayed)  // its twin was made meanwhile
    return replayedCreate(actor, type, result.record.id, replayed);
  shareOnCreate(actor, type, result.record.id, sharing);
  return render(actor, type, result.record, {}, false);
}

Json RecordService::replayedCreate(const Actor& actor, const RecordType& type, int64_t id, bool* replayed) {
  if (replayed) *replayed = true;
  return render(actor, type, loadOr404(actor, type, id, "read"), {}, false);
}

Problem RecordService::idempotencyKeyReused() {
  return Problem(422, "request.idempotency_key_reused",
                 "This Idempotency-Key was sent before with another request: use a new key for a new record.",
                 {{"Idempotency-Key", "reused", "was used for another request"}});
}

// A record that sends itself to an agency (type.shares_on_create: a referral): the agency it
// names must exist, and each referenced record's recorded consent must include the agency's type
// - otherwise nothing is written and the sender is told why. Returns what to share.
RecordService::Sharing RecordService::checkSharesOnCreate(const Actor& actor, const RecordType& type, const Json& data) {
  Sharing out;
  const auto& rule = type.shares_on_create;
  if (rule.agency_field.empty()) return out;
  const auto named = data.find(rule.agency_field);
  if (named == data.end() || !named->is_number_integer()) return out;  // no agency named: nothing to share
  const auto agency = store_.findAgency(named->get<int64_t>());
  if (!agency || !agency->active)
    throw Problem::validation({{rule.agency_field, "unknown", "is not the id of an active agency"}});
  out.agency_id = agency->id;
  for (const auto& ref_field : rule.records) {
    const auto ref = data.find(ref_field);
    if (ref == data.end() || !ref->is_number_integer()) continue;
    const auto& ref_type = *schema_.type(type.field(ref_field)->ref);
    const auto stored = loadOr404(actor, ref_type, ref->get<int64_t>(), "read");
    if (!ref_type.consent_share_field.empty()) {
      const Json ref_data = fullData(ref_type, stored);
      bool consented = false;
      if (auto it = ref_data.find(ref_type.consent_share_field); it != ref_data.end() && it->is_array())
        for (const auto& v : *it) consented = consented || v == agency->type;
      if (!consented)
        throw Problem(409, "access.consent_missing",
                      fmt::format("The person has not consented to sharing with agencies of type '{}', so the {} "
                                  "cannot be sent to {}: nothing was sent. Record the consent on the {} first, or "
                                  "send it to another agency.",
                                  agency->type, type.label.en.empty() ? type.name : type.label.en, agency->name,
                                  ref_type.label.en.empty() ? ref_type.name : ref_type.label.en),
                      {{rule.agency_field, "consent", "the person's consent does not include " + agency->type},
                       {ref_field, "consent", ref_type.consent_share_field + " does not include " + agency->type}});
    }
    out.records.emplace_back(ref_type.name, ref->get<int64_t>());
  }
  return out;
}

// Shares the new record and the records it references with the agency (audited as record.share,
// naming the record that shared them); an agency that already holds an active grant gets none.
void RecordService::shareOnCreate(const Actor& actor, const RecordType& type, int64_t id, const Sharing& sharing) {
  if (sharing.agency_id == 0) return;
  auto targets = sharing.records;
  targets.emplace(targets.begin(), type.name, id);
  const int64_t now = nowMs();
  for (const auto& [type_name, record_id] : targets) {
    bool held = false;
    for (const auto& g : store_.grantsOf(record_id))
      held = held || (g.agency_id == sharing.agency_id && g.revoked_at == 0 && (g.expires_at == 0 || g.expires_at > now));
    if (held) continue;
    GrantRow g;
    g.record_id = record_id;
    g.kind = "share";
    g.agency_id = sharing.agency_id;
    g.reason = type.name + " " + std::to_string(id);
    g.granted_by = actor.user_id;
    g.granted_at = now;
    store_.addGrant(g, AuditDraft{actor.user_id, "record.share", type_name, record_id,
                                  {{"agency_id", sharing.agency_id}, {"kind", "share"}, {"by", type.name}, {"record", id}}});
  }
}

Json RecordService::get(const Actor& actor, const std::string& typeName, int64_t id,
                        const std::vector<std::string>& fields) {
  const auto& type = typeOr404(actor, typeName, "read");
  for (const auto& f : fields)
    if (!type.field(f))
      throw Problem::badRequest("request.unknown_field", "Unknown field in 'fields'.",
                                {{"fields", "unknown_field", "'" + f.substr(0, 64) + "' is not a field of " + typeName}});
  return render(actor, type, loadOr404(actor, type, id, "read"), fields, true);
}

namespace {
void requireVersion(const std::optional<int64_t>& v) {
  if (!v)
    throw Problem(428, "record.version_required",
                  "Send the version you changed in an If-Match header (the ETag of the record you read).");
}

}  // namespace

// The stored values with a PATCH body merged in: an absent value (null, blank, empty list)
// clears the field. Computed fields are dropped; they are recomputed after validation.
Json RecordService::patched(const RecordType& type, const StoredRecord& stored, const Json& patch) const {
  Json after = fullData(type, stored);
  dropComputed(type, after);
  for (const auto& [k, v] : patch.items()) {
    if (isAbsent(v)) after.erase(k);
    else after[k] = v;
  }
  return after;
}

Json RecordService::update(const Actor& actor, const std::string& typeName, int64_t id,
                           std::optional<int64_t> if_match, const Json& patch) {
  const auto& type = typeOr404(actor, typeName, "update");
  requireVersion(if_match);
  const auto stored = loadOr404(actor, type, id, "update");
  if (stored.deleted_at) throw Problem::conflict("record.deleted", "The record is deleted; restore it first.");
  Json patch_body = patch;
  auto overrides = takeOverrides(type, patch_body);
  Json after = patched(type, stored, patch_body);
  auto attachments = validated(type, id, after, {stored.state, nullptr, stored.agency_id, &actor});
  Json full_before = fullData(type, stored);
  checkIdentityWrite(actor, type, full_before, after, stored.identity_blocked);
  RecordMutation m;
  m.attachments = std::move(attachments);
  m.kind = RecordMutation::Kind::Update;
  m.id = id;
  m.expected_version = *if_match;
  m.action = "update";
  m.state = stored.state;
  m.overrides = std::move(overrides);
  auto result = mutate(actor, type, m, full_before, after);
  return render(actor, type, result.record, {}, false);
}

RecordService::Comparison RecordService::compareWith(const Actor& actor, const std::string& typeName, int64_t id,
                                                    const Json& values) {
  const auto& type = typeOr404(actor, typeName, "update");
  const auto stored = loadOr404(actor, type, id, "update");
  const Json current = fullData(type, stored);
  Comparison c;
  c.version = stored.version;
  c.deleted = stored.deleted_at != 0;
  for (const auto& [k, v] : values.items()) {
    if (!k.empty() && k[0] == '_') continue;
    const auto it = current.find(k);
    if (isAbsent(v) ? it != current.end() && !isAbsent(*it) : it == current.end() || *it != v) c.differing.push_back(k);
  }
  return c;
}

Json RecordService::remove(const Actor& actor, const std::string& typeName, int64_t id,
                           std::optional<int64_t> if_match, const std::string& reason) {
  const auto& type = typeOr404(actor, typeName, "delete");
  requireVersion(if_match);
  std::vector<FieldError> errors;
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    errors.push_back({"reason", "required", "say why the record is deleted"});
  else if (reason.size() > 1000)
    errors.push_back({"reason", "too_long", "must be at most 1000 bytes"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  const auto stored = loadOr404(actor, type, id, "delete");
  RecordMutation m;
  m.kind = RecordMutation::Kind::Delete;
  m.id = id;
  m.expected_version = *if_match;
  m.action = "delete";
  m.reason = reason;
  m.state = stored.state;
  const Json same = stored.data;
  auto result = mutate(actor, type, m, same, same);
  return render(actor, type, result.record, {}, false);
}

Json RecordService::restore(const Actor& actor, const std::string& typeName, int64_t id,
                            std::optional<int64_t> if_match) {
  const auto& type = typeOr404(actor, typeName, "restore");
  requireVersion(if_match);
  const auto stored = loadOr404(actor, type, id, "restore");
  RecordMutation m;
  m.kind = RecordMutation::Kind::Restore;
  m.id = id;
  m.expected_version = *if_match;
  m.action = "restore";
  m.state = stored.state;
  const Json same = stored.data;
  auto result = mutate(actor, type, m, same, same);
  return render(actor, type, result.record, {}, false);
}

Json RecordService::transition(const Actor& actor, const std::string& typeName, int64_t id,
                               std::optional<int64_t> if_match, const std::string& name, const Json& patch) {
  const auto& type = typeOr404(actor, typeName, "read");
  if (!type.workflow) throw Problem::notFound("Records of type '" + typeName + "' have no workflow.");
  const auto* t = type.workflow->find(name);
  if (!t) throw Problem::notFound("There is no transition '" + name.substr(0, 64) + "' for " + typeName + ".");
  if (!actor.may(t->permission))
    throw Problem::forbidden(fmt::format("You may not {} this record (needs permission {}).", name, t->permission));
  requireVersion(if_match);
  const auto stored = loadOr404(actor, type, id, t->permission.substr(t->permission.rfind('.') + 1));
  if (stored.deleted_at) throw Problem::conflict("record.deleted", "The record is deleted; restore it first.");
  if (!t->from.empty() && std::find(t->from.begin(), t->from.end(), stored.state) == t->from.end())
    throw Problem::conflict("record.transition_not_allowed",
                            fmt::format("'{}' cannot be done in state '{}'.", name, stored.state));
  // The receiving agency answers (a referral is accepted or declined by the agency it names).
  if (!t->actor_agency_field.empty() && !actor.system) {
    auto it = stored.data.find(t->actor_agency_field);
    if (it != stored.data.end() && it->is_number_integer() && it->get<int64_t>() != actor.agency_id)
      throw Problem::forbidden(fmt::format("Only the agency named in {} may {} this record.", t->actor_agency_field, name));
  }
  Json patch_body = patch;
  auto overrides = takeOverrides(type, patch_body);
  Json after = patched(type, stored, patch_body);
  auto attachments = validated(type, id, after, {t->to, t, stored.agency_id, &actor});
  checkIdentityWrite(actor, type, fullData(type, stored), after, stored.identity_blocked);
  RecordMutation m;
  m.attachments = std::move(attachments);
  m.kind = RecordMutation::Kind::Update;
  m.id = id;
  m.expected_version = *if_match;
  m.action = "transition:" + name;
  m.state = t->to;
  m.overrides = std::move(overrides);
  if (stored.state != t->to) m.changes.push_back({"state", stored.state, t->to});
  // A record already linked (the signal was registered before the referral) is not created twice.
  if (!t->creates || after.contains(t->creates->link_field)) {
    auto result = mutate(actor, type, m, fullData(type, stored), after);
    return render(actor, type, result.record, {}, false);
  }
  // The linked record and the transition are one transaction: both or neither.
  std::optional<MutationResult> result;
  store_.inTransaction([&] {
    const Json created = create(actor, t->creates->type, createdBody(*t->creates, after));
    after[t->creates->link_field] = created.at("id");
    result = mutate(actor, type, m, fullData(type, stored), after);
  });
  return render(actor, type, result->record, {}, false);
}

// The body of the record a transition creates (Transition::Creates): copied fields, then
// constants. Errors in it are the created type's, answered like any create's.
Json RecordService::createdBody(const Transition::Creates& c, const Json& from) {
  Json body = Json::object();
  for (const auto& [to, field] : c.copy)
    if (from.contains(field)) body[to] = from[field];
  for (const auto& [to, value] : c.set) body[to] = value;
  return body;
}

ListResult RecordService::list(const Actor& actor, const std::string& typeName, const ListParams& p) {
  const auto& type = typeOr404(actor, typeName, "read");
  std::vector<FieldError> errors;
  RecordQuery q;
  q.type = type.name;
  q.visibility = actor.visibility(type.name, nowMs());
  for (const auto& f : p.filters) {
    const auto* def = type.field(f.field);
    if (!def && !isSpecialColumn(f.field)) {
      errors.push_back({f.field, "unknown_field", "is not a field of " + typeName});
      continue;
    }
    if (def && def->sensitivity == Sensitivity::Identity) {
      errors.push_back({f.field, "identity", "identity fields cannot be filtered; use the name search (q)"});
      continue;
    }
    RecordFilter rf = f;
    if (f.value.is_array()) {
      Json values = Json::array();
      for (const auto& v : f.value) values.push_back(coerce(def, f.field, v, errors));
      rf.value = values;
    } else {
      rf.value = coerce(def, f.field, f.value, errors);
    }
    q.filters.push_back(std::move(rf));
  }
  const auto* sort_def = type.field(p.sort_field);
  if (!isSpecialColumn(p.sort_field) && (!sort_def || sort_def->sensitivity == Sensitivity::Identity))
    errors.push_back({"sort", "unknown_field", "'" + p.sort_field.substr(0, 64) + "' is not a sortable field"});
  if (p.limit < 1 || p.limit > 500) errors.push_back({"limit", "range", "must be between 1 and 500"});
  for (const auto& f : p.fields)
    if (!type.field(f)) errors.push_back({"fields", "unknown_field", "'" + f.substr(0, 64) + "' is not a field"});
  // Searching by name tells whether a name is in the register: only for those who may read
  // identities (a statistics role cannot probe names).
  if (!p.name_query.empty() && !actor.may(type.name, "read_identity"))
    errors.push_back({"q", "identity", "name search needs access to identities"});
  std::vector<std::string> word_terms;
  if (!p.words.empty()) {
    const bool searchable = std::any_of(type.fields.begin(), type.fields.end(), [](const FieldDef& f) { return f.word_search; });
    if (!searchable) {
      errors.push_back({"words", "not_searchable", "no field of " + typeName + " is searched by its words"});
    } else if (p.words.size() > 200) {
      errors.push_back({"words", "max_length", "must be at most 200 characters"});
    } else {
      for (const auto& t : text::searchTokens(p.words))
        if (t.size() >= kWordMin) word_terms.push_back("w:" + t.substr(0, kWordPrefix));
      if (word_terms.empty()) errors.push_back({"words", "min_length", "needs a word of at least 3 letters or digits"});
    }
  }
  ListCursor cursor;
  if (!p.cursor.empty() && !decodeListCursor(p.cursor, cursor))
    errors.push_back({"cursor", "invalid", "is not a cursor this server gave out"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  if (!p.name_query.empty()) {
    q.terms = nameTerms(p.name_query);
    if (q.terms.empty()) return {};
  }
  q.terms.insert(q.terms.end(), word_terms.begin(), word_terms.end());
  q.sort_field = p.sort_field;
  q.descending = p.descending;
  q.after_value = cursor.value;
  q.after_id = cursor.id;
  q.limit = p.limit;
  q.include_deleted = p.include_deleted;
  q.count_total = p.count_total;
  auto page = store_.listRecords(q);
  ListResult out;
  out.total = page.total;
  std::vector<int64_t> identity_ids;
  std::vector<std::string> fields = p.fields;
  bool wants_identity = false;
  for (const auto& f : fields) {
    const auto* d = type.field(f);
    if (d && d->sensitivity == Sensitivity::Identity) wants_identity = true;
  }
  if (fields.empty()) {
    // Lists show case facts; identity is read one record at a time, or by naming the fields.
    for (const auto& f : type.fields)
      if (f.sensitivity != Sensitivity::Identity) fields.push_back(f.name);
  }
  for (const auto& r : page.items) {
    out.items.push_back(render(actor, type, r, fields, false));
    if (wants_identity && !r.identity.empty() && actor.identityFor(type.name, r.identity_blocked) != IdentityAccess::None)
      identity_ids.push_back(r.id);
  }
  if (!identity_ids.empty())
    store_.appendAudit(AuditDraft{actor.user_id, "record.read_identity", type.name, 0,
                                  Json{{"ids", identity_ids}, {"fields", p.fields}}},
                       nowMs());
  if (page.has_more && !page.items.empty()) {
    const auto& last = page.items.back();
    Json value;
    if (p.sort_field == "id") value = last.id;
    else if (p.sort_field == "state") value = last.state;
    else if (p.sort_field == "created_at") value = last.created_at;
    else if (p.sort_field == "updated_at") value = last.updated_at;
    else value = last.data.contains(p.sort_field) ? last.data[p.sort_field] : Json();
    if (value.is_boolean()) value = value.get<bool>() ? 1 : 0;
    out.next_cursor = encodeListCursor(value, last.id);
  }
  return out;
}

namespace {

// One CSV cell of an export (formula-neutralised, RFC 4180 quoting): core/csv.hpp.
std::string csvCell(const Json& v) { return csv::jsonCell(v); }

}  // namespace

RecordService::Export RecordService::exportRecords(const Actor& actor, const std::string& typeName, ListParams p,
                                                   const std::string& format) {
  const auto& type = typeOr404(actor, typeName, "read");
  if (!actor.may(type.name, "export"))
    throw Problem::forbidden(fmt::format("You may not export records of type '{}'.", type.name));
  std::vector<FieldError> errors;
  if (format != "csv" && format != "jsonl") errors.push_back({"format", "not_in_list", "must be csv or jsonl"});
  std::vector<std::string> columns = p.fields;
  for (const auto& f : columns)
    if (const auto* d = type.field(f); d && d->sensitivity == Sensitivity::Identity)
      errors.push_back({"fields", "identity", "'" + f + "' is an identity field: exports carry case facts only"});
  if (!p.cursor.empty()) errors.push_back({"cursor", "export", "an export always starts at the beginning"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  if (columns.empty())
    for (const auto& f : type.fields)
      if (f.sensitivity != Sensitivity::Identity) columns.push_back(f.name);
  p.fields = columns;
  p.limit = 500;
  p.count_total = false;
  Export out;
  if (format == "csv") {
    out.content = "id,state,created_at,updated_at";
    for (const auto& c : columns) out.content += "," + c;
    out.content += "\r\n";
  }
  for (;;) {
    auto page = list(actor, type.name, p);
    for (auto& item : page.items) {
      if (++out.rows > kMaxExportRows)
        throw Problem(413, "export.too_large",
                      fmt::format("More than {} records match; narrow the filters (e.g. by a date range).",
                                  kMaxExportRows));
      const Json& data = item["data"];
      if (format == "csv") {
        out.content += csvCell(item["id"]) + "," + csvCell(item.value("state", Json())) + "," +
                       csvCell(item.value("created_at", Json())) + "," + csvCell(item.value("updated_at", Json()));
        for (const auto& c : columns) out.content += "," + csvCell(data.contains(c) ? data[c] : Json());
        out.content += "\r\n";
      } else {
        Json line = {{"id", item["id"]}, {"state", item.value("state", Json())},
                     {"created_at", item.value("created_at", Json())}, {"updated_at", item.value("updated_at", Json())},
                     {"data", data}};
        out.content += line.dump() + "\n";
      }
    }
    if (page.next_cursor.empty()) break;
    p.cursor = page.next_cursor;
  }
  Json filters = Json::array();
  for (const auto& f : p.filters) filters.push_back(f.field);
  store_.appendAudit(AuditDraft{actor.user_id, "record.export", type.name, 0,
                                Json{{"format", format},
                                     {"rows", out.rows},
                                     {"filtered_by", filters},
                                     {"name_search", !p.name_query.empty()},
                                     {"include_deleted", p.include_deleted}}},
                     nowMs());
  return out;
}

Json RecordService::search(const Actor& actor, const std::string& text, int per_type) {
  std::vector<FieldError> errors;
  if (text.size() > 200) {
    errors.push_back({"q", "max_length", "must be at most 200 characters"});
  } else {
    const auto tokens = text::searchTokens(text);
    if (std::none_of(tokens.begin(), tokens.end(), [](const std::string& t) { return t.size() >= kWordMin; }))
      errors.push_back({"q", "min_length", "needs a word of at least 3 letters or digits"});
  }
  if (per_type < 1 || per_type > 50) errors.push_back({"per_type", "range", "must be between 1 and 50"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  Json results = Json::array();
  for (const auto& [type_name, type_def] : schema_.types) {
    const std::string& name = type_name;  // named again: captured by the lambdas below
    const RecordType& type = type_def;
    if (!actor.may(name, "read")) continue;
    const bool words = std::any_of(type.fields.begin(), type.fields.end(), [](const FieldDef& f) { return f.word_search; });
    const bool names = actor.may(name, "read_identity") &&
                       std::any_of(type.fields.begin(), type.fields.end(), [](const FieldDef& f) { return f.name_search; });
    std::set<int64_t> seen;
    auto run = [&](ListParams p, const char* match) {
      p.limit = per_type;
      if (!type.title_field.empty()) p.fields = {type.title_field};
      auto page = list(actor, name, p);
      for (const auto& item : page.items) {
        const int64_t id = item["id"].get<int64_t>();
        if (!seen.insert(id).second) continue;
        Json hit = {{"type", name}, {"id", id}, {"match", match}};
        if (!type.title_field.empty() && item["data"].contains(type.title_field)) hit["title"] = item["data"][type.title_field];
        results.push_back(std::move(hit));
      }
      if (!page.next_cursor.empty() && !results.empty()) results.back()["more"] = true;
    };
    if (words) {
      ListParams p;
      p.words = text;
      run(std::move(p), "words");
    }
    if (names) {
      ListParams p;
      p.name_query = text;
      run(std::move(p), "name");
    }
  }
  return results;
}

namespace {

// The message of a deadline reminder ("deadline_passed:<name>" / "deadline_near:<name>").
Translated deadlineMessage(const Deadline& d, bool passed) {
  return {(passed ? "Müddət keçib: " : "Müddətin bitməsinə bir gündən az qalıb: ") + d.label.az,
          (passed ? "Deadline passed: " : "Deadline within a day: ") + d.label.en,
          (passed ? "Срок истёк: " : "До конца срока меньше суток: ") + d.label.ru};
}

// Unix seconds of a date ("YYYY-MM-DD", midnight UTC) or RFC 3339 date-time; nullopt if neither.
std::optional<int64_t> instantOf(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  std::tm tm{};
  if (s.size() < 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t offset = 0;
  if (s.size() >= 19 && s[10] == 'T') {
    if (std::sscanf(s.c_str() + 11, "%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 3) return std::nullopt;
    const auto tz = s.find_first_of("Z+-", 19);
    if (tz != std::string::npos && s[tz] != 'Z') {
      int h = 0, m = 0;
      if (std::sscanf(s.c_str() + tz + 1, "%2d:%2d", &h, &m) != 2) return std::nullopt;
      offset = (s[tz] == '+' ? 1 : -1) * (h * 3600 + m * 60);
    }
  }
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

std::string isoSeconds(int64_t secs) { return utcTimestamp(secs * 1000, false); }

bool deadlineApplies(const Deadline& d, const StoredRecord& r) {
  if (r.deleted_at) return false;
  if (!d.states.empty() && std::find(d.states.begin(), d.states.end(), r.state) == d.states.end()) return false;
  if (!d.done_field.empty() && r.data.contains(d.done_field)) return false;
  return r.data.contains(d.from);
}

}  // namespace

Json RecordService::deadlinesOf(const RecordType& type, const StoredRecord& r, int64_t now_ms) const {
  Json out = Json::array();
  for (const auto& d : type.deadlines) {
    if (!deadlineApplies(d, r)) continue;
    const auto from = instantOf(r.data[d.from]);
    if (!from) continue;
    const int64_t due = *from + d.within_seconds;
    out.push_back({{"name", d.name}, {"label", d.label.toJson()}, {"due_at", isoSeconds(due)},
                   {"overdue", due * 1000 < now_ms}});
  }
  return out;
}

std::vector<std::pair<int64_t, Json>> RecordService::identityValues(const Actor& actor, const RecordType& type,
                                                                    const std::vector<StoredRecord>& records,
                                                                    const std::string& field) const {
  std::vector<std::pair<int64_t, Json>> out;
  const auto* f = type.field(field);
  if (!f || f->sensitivity != Sensitivity::Identity) return out;
  for (const auto& r : records) {
    if (r.type != type.name || r.identity.empty()) continue;
    if (actor.identityFor(type.name, r.identity_blocked) == IdentityAccess::None) continue;
    const Json identity = Json::parse(keys_.open(r.identity, sealContext(r.id)));
    if (auto it = identity.find(field); it != identity.end()) out.emplace_back(r.id, *it);
  }
  return out;
}

Json RecordService::tasks(const Actor& actor, int64_t now_ms, int per_deadline) {
  Json groups = Json::array();
  for (const auto& [name, type] : schema_.types) {
    if (type.deadlines.empty() || !actor.may(name, "read")) continue;
    for (const auto& d : type.deadlines) {
      if (!d.permission.empty() && !actor.may(d.permission)) continue;
      RecordQuery q;
      q.type = name;
      q.visibility = actor.visibility(name, now_ms);
      if (!d.states.empty()) q.filters.push_back({"state", RecordFilter::Op::In, Json(d.states)});
      q.filters.push_back({d.from, RecordFilter::Op::NotNull, Json()});
      if (!d.done_field.empty()) q.filters.push_back({d.done_field, RecordFilter::Op::IsNull, Json()});
      if (!d.agency_field.empty()) {
        if (actor.agency_id == 0) continue;  // a task for an agency: users without one have none
        q.filters.push_back({d.agency_field, RecordFilter::Op::Eq, Json(actor.agency_id)});
      }
      q.sort_field = d.from;  // oldest first: the most overdue
      q.limit = per_deadline;
      q.count_total = true;
      const auto page = store_.listRecords(q);
      Json items = Json::array();
      int64_t overdue = 0;
      for (const auto& r : page.items) {
        const auto from = instantOf(r.data[d.from]);
        if (!from) continue;
        const int64_t due = *from + d.within_seconds;
        const bool late = due * 1000 < now_ms;
        overdue += late ? 1 : 0;
        Json item = {{"id", r.id}, {"due_at", isoSeconds(due)}, {"overdue", late}, {"state", r.state}};
        if (!type.title_field.empty() && r.data.contains(type.title_field)) item["title"] = r.data[type.title_field];
        items.push_back(std::move(item));
      }
      groups.push_back({{"type", name},
                        {"deadline", d.name},
                        {"label", d.label.toJson()},
                        {"total", page.total},
                        {"overdue_in_shown", overdue},
                        {"items", items}});
    }
  }
  return {{"groups", groups}, {"now", isoSeconds(now_ms / 1000)}};
}

int64_t RecordService::remindDeadlines(int64_t since_ms, int64_t now_ms) {
  if (now_ms <= since_ms) return 0;
  constexpr int64_t kDay = 86400;
  std::optional<std::vector<UserRow>> users;
  std::map<int64_t, std::string> regions;  // agency -> region (a regional scope's reach)
  std::vector<NotificationRow> out;
  for (const auto& [type_name, type_def] : schema_.types) {
    const std::string& name = type_name;  // named again: captured by the lambdas below
    const RecordType& type = type_def;
    for (const auto& d : type.deadlines) {
      // Due in (since, now] has passed; due in (since + a day, now + a day] is near. Records whose
      // `from` lies in the window moved back by `within` (a day's margin either side for dates).
      const int64_t lo = since_ms / 1000 - d.within_seconds - kDay;
      const int64_t hi = now_ms / 1000 + kDay - d.within_seconds + kDay;
      RecordQuery q;
      q.type = name;
      if (!d.states.empty()) q.filters.push_back({"state", RecordFilter::Op::In, Json(d.states)});
      if (!d.done_field.empty()) q.filters.push_back({d.done_field, RecordFilter::Op::IsNull, Json()});
      const bool dated = [&] {
        const FieldDef* f = type.field(d.from);
        return f && f->type == FieldType::Date;
      }();
      auto bound = [&](int64_t secs) { return dated ? isoSeconds(secs).substr(0, 10) : isoSeconds(secs); };
      q.filters.push_back({d.from, RecordFilter::Op::Ge, Json(bound(lo))});
      q.filters.push_back({d.from, RecordFilter::Op::Le, Json(bound(hi))});
      q.limit = 500;
      int64_t after_id = 0;
      for (int pages = 0; pages < 200; ++pages) {
        q.after_id = after_id;
        const auto page = store_.listRecords(q);
        for (const auto& r : page.items) {
          const auto from = instantOf(r.data[d.from]);
          if (!from) continue;
          const int64_t due_ms = (*from + d.within_seconds) * 1000;
          std::string kind;
          if (due_ms > since_ms && due_ms <= now_ms) kind = "deadline_passed:" + d.name;
          // "Near" only for deadlines longer than a day: a 24-hour one is near from its first moment.
          else if (d.within_seconds > kDay && due_ms > since_ms + kDay * 1000 && due_ms <= now_ms + kDay * 1000)
            kind = "deadline_near:" + d.name;
          if (kind.empty()) continue;
          if (!users) {
            users = store_.listUsers();
            for (const auto& a : store_.listAgencies()) regions[a.id] = a.region;
          }
          const int64_t agency = !d.agency_field.empty() && r.data.contains(d.agency_field) &&
                                         r.data[d.agency_field].is_number_integer()
                                     ? r.data[d.agency_field].get<int64_t>()
                                     : 0;
          for (const auto& u : *users) {
            if (!u.active || (!d.agency_field.empty() && u.agency_id != agency)) continue;
            const Actor a = Actor::of(schema_, u.id, u.roles, u.agency_id, regions[u.agency_id]);
            if (!a.may(name, "read") || (!d.permission.empty() && !a.may(d.permission))) continue;
            if (!store_.recordVisible(r.id, a.visibility(name, now_ms))) continue;
            const Translated message = deadlineMessage(d, kind.rfind("deadline_passed:", 0) == 0);
            out.push_back({0, u.id, kind, name, r.id, 0, now_ms, 0, emailFor(u, message, type, r.id)});
          }
        }
        if (page.items.size() < static_cast<std::size_t>(q.limit)) break;
        after_id = page.items.back().id;
      }
    }
  }
  return store_.addNotifications(out);
}

Translated returnReminderMessage(const RecordType& type, const std::string& kind) {
  const auto colon = kind.find(':');
  if (colon == std::string::npos) return {};
  const std::string what = kind.substr(0, colon), period = kind.substr(colon + 1);
  if (what == "return_near")
    return {"Bu gün hesabatın son günüdür: " + type.label.az + " (" + period + ")",
            "Today is the last day for the return: " + type.label.en + " (" + period + ")",
            "Сегодня последний день сдачи отчёта: " + type.label.ru + " (" + period + ")"};
  if (what == "return_due")
    return {"Hesabatın müddəti keçib: " + type.label.az + " (" + period + ")",
            "The return is overdue: " + type.label.en + " (" + period + ")",
            "Срок сдачи отчёта истёк: " + type.label.ru + " (" + period + ")"};
  return {};
}

Json RecordService::notifications(int64_t user_id, bool unread_only, int64_t before_id, int limit) {
  if (limit < 1 || limit > 200) throw Problem::validation({{"limit", "range", "must be 1 to 200"}});
  Json items = Json::array();
  for (const auto& n : store_.notificationsOf(user_id, unread_only, before_id, limit)) {
    Json item = {{"id", n.id},           {"kind", n.kind},           {"record_type", n.record_type},
                 {"record_id", n.record_id}, {"created_at", n.created_at}, {"read", n.read_at != 0}};
    if (const auto* type = schema_.type(n.record_type)) {
      item["record_type_label"] = type->label.toJson();
      for (const auto& rule : type->notify)
        if (rule.name == n.kind) item["message"] = rule.message.toJson();
      // Deadline reminders: "deadline_passed:<deadline>" / "deadline_near:<deadline>".
      const auto colon = n.kind.find(':');
      const std::string what = n.kind.substr(0, colon);
      if (colon != std::string::npos && (what == "deadline_passed" || what == "deadline_near"))
        for (const auto& d : type->deadlines)
          if (d.name == n.kind.substr(colon + 1)) item["message"] = deadlineMessage(d, what == "deadline_passed").toJson();
      if (what == "return_due" || what == "return_near") {
        item["message"] = returnReminderMessage(*type, n.kind).toJson();
        item["link"] = "/returns";
      }
    }
    items.push_back(std::move(item));
  }
  Json body = {{"items", items}, {"unread", store_.unreadNotifications(user_id)}};
  if (!items.empty() && static_cast<int>(items.size()) == limit) body["next_before"] = items.back()["id"];
  return body;
}

Json RecordService::markNotificationsRead(int64_t user_id, const std::vector<int64_t>& ids) {
  const int64_t changed = store_.markNotificationsRead(user_id, ids, nowMs());
  return {{"marked", changed}, {"unread", store_.unreadNotifications(user_id)}};
}

Json RecordService::stateOnFromHistory(const RecordType& type, const std::vector<HistoryEntry>& history,
                                      const std::string& date) {
  if (!type.workflow) return {{"state", nullptr}};
  auto dayOf = [](const Json& v) -> std::string {
    if (!v.is_string()) return {};
    return v.get<std::string>().substr(0, 10);
  };
  // Replay the field values version by version (history keeps non-identity values).
  Json data = Json::object();
  // (effective day, state, transition) of each step; the state on `date` is the last step whose
  // effective day is on or before it (steps recorded later but effective earlier count then).
  struct Step {
    std::string day, state, transition;
    int64_t version;
  };
  std::vector<Step> steps;
  for (const auto& h : history) {
    for (const auto& c : h.changes) {
      if (c.field == "state") continue;
      if (c.to.is_null()) data.erase(c.field);
      else data[c.field] = c.to;
    }
    if (h.action == "create") {
      const std::string d = type.workflow->initial_date.empty() ? utcDate(h.at) : dayOf(data.value(type.workflow->initial_date, Json()));
      steps.push_back({d.empty() ? utcDate(h.at) : d, type.workflow->initial, "", h.version});
    } else if (h.action.rfind("transition:", 0) == 0) {
      const std::string name = h.action.substr(11);
      const auto* t = type.workflow->find(name);
      if (!t) continue;
      std::string d = t->effective_date.empty() ? std::string() : dayOf(data.value(t->effective_date, Json()));
      if (d.empty()) d = utcDate(h.at);
      steps.push_back({d, t->to, name, h.version});
    }
  }
  // Latest effective first wins; among the same day, the later version.
  const Step* best = nullptr;
  for (const auto& s : steps)
    if (s.day <= date && (!best || s.day > best->day || (s.day == best->day && s.version > best->version))) best = &s;
  // Before the record came into being: no state. A transition effective before the initial date
  // (data entered later) still counts from its own date.
  if (!best) return {{"state", nullptr}, {"date", date}};
  Json out = {{"state", best->state}, {"since", best->day}, {"date", date}};
  if (!best->transition.empty()) out["transition"] = best->transition;
  return out;
}

Json RecordService::stateOn(const Actor& actor, const std::string& typeName, int64_t id, const std::string& date) {
  const auto& type = typeOr404(actor, typeName, "read");
  loadOr404(actor, type, id, "read");
  if (!isValidDate(date)) throw Problem::validation({{"date", "date", "must be a date YYYY-MM-DD"}});
  if (!type.workflow) throw Problem::notFound("Records of type '" + typeName + "' have no workflow.");
  return stateOnFromHistory(type, store_.recordHistory(type.name, id), date);
}

Json RecordService::history(const Actor& actor, const std::string& typeName, int64_t id) {
  const auto& type = typeOr404(actor, typeName, "read");
  loadOr404(actor, type, id, "read");
  Json items = Json::array();
  // Who made each change, by name: the people working a case need to know whom to ask. Staff
  // names are not victims' data; the system itself (imports, migrations) has none.
  std::map<int64_t, std::string> names;
  auto nameOf = [&](int64_t user) -> const std::string& {
    auto it = names.find(user);
    if (it == names.end()) {
      const auto u = user > 0 ? store_.findUserById(user) : std::nullopt;
      it = names.emplace(user, u ? u->display_name : std::string()).first;
    }
    return it->second;
  };
  for (const auto& h : store_.recordHistory(type.name, id)) {
    Json changes = Json::array();
    for (const auto& c : h.changes) changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
    items.push_back({{"version", h.version}, {"at", isoMs(h.at)}, {"by", h.by}, {"by_name", nameOf(h.by)}, {"action", h.action},
                     {"changes", changes}});
  }
  return {{"items", items}};
}

Json RecordService::relations(const Actor& actor, const std::string& typeName, int64_t id) {
  const auto& type = typeOr404(actor, typeName, "read");
  loadOr404(actor, type, id, "read");
  Json items = Json::array();
  for (const auto& r : store_.relations(type.name, id)) {
    // What one may not see is not listed.
    if (!actor.may(r.type, "read")) continue;
    const auto scope = actor.scopeFor(r.type, "read");
    if (*scope != Scope::National && !store_.recordVisible(r.id, actor.visibility(r.type, nowMs()))) continue;
    items.push_back({{"direction", r.direction}, {"field", r.field}, {"type", r.type}, {"id", r.id}});
  }
  return {{"items", items}};
}

}  // namespace palermo::records
