#include "returns/returns_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::returns {

namespace {

using Period = records::RecordType::PeriodicReturn::Period;

struct PeriodSlot {
  std::string code;  // "2019-03", "2019-Q1", "2019"
  std::string from, to;
};

std::string today(int64_t now_ms) { return records::utcDate(now_ms); }

// The periods of a kind that lie in [from_year, to_year], start on or after `since` (YYYYMMDD)
// and have ended by `day` (YYYY-MM-DD): a period is owed once it is over.
std::vector<PeriodSlot> periodsOf(Period kind, int since, int from_year, int to_year, const std::string& day) {
  std::vector<PeriodSlot> out;
  const int steps = kind == Period::Month ? 12 : kind == Period::Quarter ? 4 : 1;
  for (int y = from_year; y <= to_year; ++y)
    for (int i = 1; i <= steps; ++i) {
      const std::string code = kind == Period::Year      ? fmt::format("{:04}", y)
                               : kind == Period::Quarter ? fmt::format("{:04}-Q{}", y, i)
                                                         : fmt::format("{:04}-{:02}", y, i);
      PeriodSlot p{code, {}, {}};
      if (!records::periodBounds(kind, code, p.from, p.to)) continue;
      const int start = std::stoi(p.from.substr(0, 4)) * 10000 + std::stoi(p.from.substr(5, 2)) * 100 + 1;
      if (start < since || p.to >= day) continue;
      out.push_back(std::move(p));
    }
  return out;
}

// The day `days` after a YYYY-MM-DD day.
std::string plusDays(const std::string& day, int days) {
  std::tm tm{};
  tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(day.substr(8, 2)) + days;
  tm.tm_hour = 12;
  const std::time_t t = timegm(&tm);
  return records::utcDate(static_cast<int64_t>(t) * 1000);
}

const char* periodName(Period p) { return p == Period::Month ? "month" : p == Period::Quarter ? "quarter" : "year"; }

struct Cell {
  std::string state = "missing";
  int64_t id = 0;
};
using Cells = std::map<std::pair<int64_t, std::string>, Cell>;  // (agency, period) -> return

// Agencies that owe a return type: active, of one of its agency types, and either with an active
// user who may submit it (an agency reports once the administrator gives one of its people that
// role) or having sent one already.
std::vector<AgencyRow> expectedAgencies(const records::Schema& schema, Store& store, const records::RecordType& type,
                                        const Cells& cells) {
  const auto& kinds = type.periodic_return->agency_types;
  std::set<int64_t> with_submitter;
  for (const auto& [k, c] : cells) with_submitter.insert(k.first);
  for (const auto& u : store.listUsers()) {
    if (!u.active || !u.agency_id) continue;
    const auto actor = records::Actor::of(schema, u.id, u.roles, u.agency_id, "");
    if (actor.may(type.name, "submit")) with_submitter.insert(u.agency_id);
  }
  std::vector<AgencyRow> out;
  for (auto& a : store.listAgencies())
    if (a.active && std::find(kinds.begin(), kinds.end(), a.type) != kinds.end() && with_submitter.count(a.id))
      out.push_back(std::move(a));
  return out;
}

// The returns of a type the actor can see, by (agency, period).
Cells returnsOf(Store& store, const records::Actor& actor,
                                                          const records::RecordType& type, int64_t now_ms) {
  Cells out;
  RecordQuery q;
  q.type = type.name;
  q.visibility = actor.visibility(type.name, now_ms);
  q.limit = 1000;
  for (;;) {
    const auto page = store.listRecords(q);
    for (const auto& r : page.items) {
      const auto agency = r.data.value("reporting_agency", int64_t{0});
      const auto period = r.data.value("period", std::string());
      out[{agency ? agency : r.agency_id, period}] = Cell{r.state, r.id};
    }
    if (!page.has_more || page.items.empty()) break;
    q.after_id = page.items.back().id;
    q.after_value = page.items.back().id;
  }
  return out;
}

bool settled(const std::string& state) { return state == "submitted" || state == "approved"; }

}  // namespace

Json ReturnsService::completeness(const records::Actor& actor, const std::string& type_name, int from_year, int to_year,
                                  int64_t now_ms) {
  const auto* type = schema_.type(type_name);
  if (!type || !type->periodic_return || !actor.may(type_name, "read"))
    throw Problem::notFound("There is no such periodic return.");
  if (from_year < 1900 || to_year > 2999 || from_year > to_year || to_year - from_year > 20)
    throw Problem::validation({{"from", "range", "from and to are years, from ≤ to, at most 20 years apart"}});
  const auto& pr = *type->periodic_return;
  const std::string day = today(now_ms);
  const auto periods = periodsOf(pr.period, pr.since, from_year, to_year, day);
  const auto cells = returnsOf(store_, actor, *type, now_ms);
  auto agencies = expectedAgencies(schema_, store_, *type, cells);
  // A data manager (agency scope) sees their own agency's row only.
  const auto scope = actor.scopeFor(type_name, "read").value_or(records::Scope::Own);
  if (scope < records::Scope::Region)
    std::erase_if(agencies, [&](const AgencyRow& a) { return a.id != actor.agency_id; });
  else if (scope == records::Scope::Region)
    std::erase_if(agencies, [&](const AgencyRow& a) { return a.region != actor.region && a.id != actor.agency_id; });
  Json rows = Json::array();
  std::map<std::string, int> totals;
  for (const auto& a : agencies) {
    Json items = Json::array();
    for (const auto& p : periods) {
      Cell c;
      if (auto it = cells.find({a.id, p.code}); it != cells.end()) c = it->second;
      const std::string due = plusDays(p.to, pr.due_days);
      const bool overdue = !settled(c.state) && due < day;
      ++totals[c.state];
      if (overdue) ++totals["overdue"];
      Json item = {{"period", p.code}, {"from", p.from}, {"to", p.to}, {"state", c.state}, {"due_on", due}, {"overdue", overdue}};
      if (c.id) item["id"] = c.id;
      items.push_back(std::move(item));
    }
    rows.push_back({{"agency_id", a.id}, {"agency", a.name}, {"region", a.region}, {"periods", items}});
  }
  Json counts = Json::object();
  for (const auto& [k, v] : totals) counts[k] = v;
  const std::size_t expected = agencies.size() * periods.size();
  return {{"type", type_name},
          {"label", type->label.toJson()},
          {"period", periodName(pr.period)},
          {"due_days", pr.due_days},
          {"from", from_year},
          {"to", to_year},
          {"expected", expected},
          {"counts", counts},
          {"complete", expected ? static_cast<double>(totals["approved"]) / static_cast<double>(expected) : 1.0},
          {"agencies", rows}};
}

Json ReturnsService::overview(const records::Actor& actor, int64_t now_ms) {
  Json items = Json::array();
  const int year = std::stoi(today(now_ms).substr(0, 4));
  for (const auto& [name, type] : schema_.types) {
    if (!type.periodic_return || !actor.may(name, "read")) continue;
    const int since = type.periodic_return->since / 10000;
    Json c = completeness(actor, name, std::max(since, year - 19), year, now_ms);
    items.push_back({{"type", name},
                     {"label", c["label"]},
                     {"period", c["period"]},
                     {"due_days", c["due_days"]},
                     {"agency_types", type.periodic_return->agency_types},
                     {"expected", c["expected"]},
                     {"counts", c["counts"]},
                     {"complete", c["complete"]},
                     {"may_create", actor.may(name, "create")}});
  }
  return {{"items", items}};
}

Json ReturnsService::tasks(const records::Actor& actor, int64_t now_ms) {
  Json groups = Json::array();
  const std::string day = today(now_ms);
  const int year = std::stoi(day.substr(0, 4));
  std::string agency_type;
  bool any = false;
  for (const auto& [name, type] : schema_.types)
    any = any || (type.periodic_return && actor.may(name, "submit"));
  if (!any || !actor.agency_id) return groups;
  if (const auto a = store_.findAgency(actor.agency_id)) agency_type = a->type;
  for (const auto& [name, type] : schema_.types) {
    if (!type.periodic_return || !actor.may(name, "create") || !actor.may(name, "submit")) continue;
    const auto& pr = *type.periodic_return;
    // Only the returns the user's agency reports.
    if (std::find(pr.agency_types.begin(), pr.agency_types.end(), agency_type) == pr.agency_types.end()) continue;
    const auto periods = periodsOf(pr.period, pr.since, std::max(pr.since / 10000, year - 19), year, day);
    const auto cells = returnsOf(store_, actor, type, now_ms);
    Json items = Json::array();
    int64_t total = 0;
    for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
      Cell c;
      if (auto f = cells.find({actor.agency_id, it->code}); f != cells.end()) c = f->second;
      const std::string due = plusDays(it->to, pr.due_days);
      if (settled(c.state) || due >= day) continue;
      ++total;
      if (items.size() >= 50) continue;
      Json item = {{"period", it->code}, {"due_at", due + "T00:00:00Z"}, {"overdue", true}, {"state", c.state}};
      if (c.id) item["id"] = c.id;
      items.push_back(std::move(item));
    }
    if (total == 0) continue;
    groups.push_back({{"type", name},
                      {"deadline", "return_due"},
                      {"label", {{"az", "Dövri hesabat: " + type.label.az},
                                 {"en", "Periodic return due: " + type.label.en},
                                 {"ru", "Периодический отчёт: " + type.label.ru}}},
                      {"total", total},
                      {"overdue_in_shown", static_cast<int64_t>(items.size())},
                      {"items", items}});
  }
  return groups;
}

int64_t ReturnsService::remindDue(const records::RecordService& records, int64_t since_ms, int64_t now_ms) {
  if (now_ms <= since_ms) return 0;
  constexpr int64_t kDayMs = 86400000;
  auto midnightMs = [](const std::string& day) {
    std::tm tm{};
    tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(day.substr(8, 2));
    return static_cast<int64_t>(timegm(&tm)) * 1000;
  };
  auto within = [&](int64_t t) { return t > since_ms && t <= now_ms; };
  const std::string day = today(now_ms);
  const int year = std::stoi(day.substr(0, 4));
  std::optional<std::vector<UserRow>> users;
  std::vector<NotificationRow> out;
  for (const auto& [name, type] : schema_.types) {
    if (!type.periodic_return) continue;
    const auto& pr = *type.periodic_return;
    // The periods whose last day to submit began, or ended, in the window.
    std::vector<std::pair<std::string, std::string>> reminders;  // (period, kind)
    for (const auto& p : periodsOf(pr.period, pr.since, std::max(pr.since / 10000, year - 2), year, day)) {
      const int64_t last_day = midnightMs(plusDays(p.to, pr.due_days));
      if (within(last_day + kDayMs)) reminders.emplace_back(p.code, "return_due:" + p.code);
      else if (within(last_day)) reminders.emplace_back(p.code, "return_near:" + p.code);
    }
    if (reminders.empty()) continue;
    const auto cells = returnsOf(store_, records::Actor::systemActor(), type, now_ms);
    const auto agencies = expectedAgencies(schema_, store_, type, cells);
    if (!users) users = store_.listUsers();
    for (const auto& [period, kind] : reminders) {
      const Translated message = records::returnReminderMessage(type, kind);
      for (const auto& a : agencies) {
        Cell c;
        if (auto f = cells.find({a.id, period}); f != cells.end()) c = f->second;
        if (settled(c.state)) continue;
        for (const auto& u : *users) {
          if (!u.active || u.agency_id != a.id) continue;
          const auto actor = records::Actor::of(schema_, u.id, u.roles, u.agency_id, a.region);
          if (!actor.may(name, "create") || !actor.may(name, "submit")) continue;
          out.push_back({0, u.id, kind, name, c.id, 0, now_ms, 0,
                         records.emailAbout(u, message, type.label.az + " / " + type.label.en + " / " + type.label.ru + " — " + period,
                                            "/returns")});
        }
      }
    }
  }
  return out.empty() ? 0 : store_.addNotifications(out);
}

}  // namespace palermo::returns
