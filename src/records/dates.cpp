// Dates as records hold them (full, partial, RFC 3339 date-times) and the computed fields
// derived from them. Partial dates are common for dates of birth ("1990", "1990-05"); a value
// computed from one is kept only when every day the partial date may stand for gives the same
// result.
#include <fmt/format.h>

#include <ctime>
#include <string_view>

#include "records/schema.hpp"

namespace palermo::records {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool isLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

// HH:MM, with hours up to `max_hour`.
bool clock(std::string_view s, std::size_t pos, int max_hour) {
  int h = 0, m = 0;
  return digits(s, pos, 2, h) && s[pos + 2] == ':' && digits(s, pos + 3, 2, m) && h <= max_hour && m <= 59;
}

}  // namespace

bool parsePartialDate(const std::string& text, PartialDate& out) {
  const std::string_view s = text;
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  PartialDate d;
  if (!digits(s, 0, 4, d.year) || d.year < 1) return false;
  if (s.size() >= 7 && (s[4] != '-' || !digits(s, 5, 2, d.month) || d.month < 1 || d.month > 12)) return false;
  if (s.size() == 10 && (s[7] != '-' || !digits(s, 8, 2, d.day) || d.day < 1 || d.day > daysIn(d.year, d.month)))
    return false;
  out = d;
  return true;
}

bool isValidDate(const std::string& text) {
  PartialDate d;
  return text.size() == 10 && parsePartialDate(text, d);
}

// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); upper-case T and Z, no leap seconds.
bool isValidDateTime(const std::string& text) {
  const std::string_view s = text;
  if (s.size() < 20 || !isValidDate(std::string(s.substr(0, 10))) || s[10] != 'T') return false;
  int sec = 0;
  if (!clock(s, 11, 23) || s[16] != ':' || !digits(s, 17, 2, sec) || sec > 59) return false;
  std::size_t pos = 19;
  if (s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  if (pos < s.size() && s[pos] == 'Z') return pos + 1 == s.size();
  return pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && clock(s, pos + 1, 23);
}

namespace {

struct Day {
  int year, month, day;
};

// The date a computed-field argument stands for: a (partial) date, or a date-time's date part.
std::optional<PartialDate> dateOf(const Json& data, const std::string& field) {
  auto it = data.find(field);
  if (it == data.end() || !it->is_string()) return std::nullopt;
  const auto& s = it->get_ref<const std::string&>();
  PartialDate d;
  if (isValidDateTime(s)) return parsePartialDate(s.substr(0, 10), d) ? std::optional(d) : std::nullopt;
  return parsePartialDate(s, d) ? std::optional(d) : std::nullopt;
}

Day earliest(const PartialDate& d) {
  return {d.year, d.month ? d.month : 1, d.day ? d.day : 1};
}

Day latest(const PartialDate& d) {
  const int m = d.month ? d.month : 12;
  return {d.year, m, d.day ? d.day : daysIn(d.year, m)};
}

// Whole years from `birth` to `at` (a 29 February birthday comes on 1 March in other years).
int yearsBetween(const Day& birth, const Day& at) {
  const bool before_birthday = at.month < birth.month || (at.month == birth.month && at.day < birth.day);
  return at.year - birth.year - (before_birthday ? 1 : 0);
}

// The smallest and largest age the two (partial) dates allow.
std::pair<int, int> ageRange(const PartialDate& birth, const PartialDate& at) {
  return {yearsBetween(latest(birth), earliest(at)), yearsBetween(earliest(birth), latest(at))};
}

std::optional<Json> compute(const Computed& c, const Json& data) {
  std::vector<PartialDate> args;
  for (const auto& a : c.args) {
    auto d = dateOf(data, a);
    if (!d) return std::nullopt;
    args.push_back(*d);
  }
  if (c.function == "year_of" && args.size() == 1) return Json(args[0].year);
  if (args.size() != 2) return std::nullopt;
  const auto [low, high] = ageRange(args[0], args[1]);
  if (high < 0) return std::nullopt;  // the date is before the birth
  if (c.function == "age_years") {
    if (low == high) return Json(low);
  } else if (c.function == "minor_at") {
    if (high < 18) return Json(true);
    if (low >= 18) return Json(false);
  }
  return std::nullopt;
}

}  // namespace

bool periodBounds(RecordType::PeriodicReturn::Period kind, const std::string& period, std::string& from,
                  std::string& to) {
  using Period = RecordType::PeriodicReturn::Period;
  const std::string_view s = period;
  int year = 0, first_month = 1, last_month = 12;
  if (s.size() < 4 || !digits(s, 0, 4, year) || year < 1900 || year > 2999) return false;
  switch (kind) {
    case Period::Year:
      if (s.size() != 4) return false;
      break;
    case Period::Quarter: {
      if (s.size() != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4') return false;
      first_month = (s[6] - '1') * 3 + 1;
      last_month = first_month + 2;
      break;
    }
    case Period::Month: {
      int m = 0;
      if (s.size() != 7 || s[4] != '-' || !digits(s, 5, 2, m) || m < 1 || m > 12) return false;
      first_month = last_month = m;
      break;
    }
  }
  from = fmt::format("{:04}-{:02}-01", year, first_month);
  to = fmt::format("{:04}-{:02}-{:02}", year, last_month, daysIn(year, last_month));
  return true;
}

namespace {

// The engine-set fields of a periodic return (the loader gives them these functions).
std::optional<Json> computePeriodic(const RecordType& type, const Computed& c, const Json& data, int64_t agency_id) {
  if (c.function == "reporting_agency") return agency_id > 0 ? std::optional(Json(agency_id)) : std::nullopt;
  auto it = data.find("period");
  if (!type.periodic_return || it == data.end() || !it->is_string()) return std::nullopt;
  std::string from, to;
  if (!periodBounds(type.periodic_return->period, it->get<std::string>(), from, to)) return std::nullopt;
  return Json(c.function == "period_start" ? from : to);
}

}  // namespace

void applyComputed(const RecordType& type, Json& data, int64_t agency_id) {
  if (!data.is_object()) return;
  for (const auto& f : type.fields) {
    if (!f.computed) continue;
    const auto& fn = f.computed->function;
    if (fn == "period_start" || fn == "period_end" || fn == "reporting_agency") {
      if (auto v = computePeriodic(type, *f.computed, data, agency_id)) data[f.name] = std::move(*v);
      else data.erase(f.name);
      continue;
    }
    if (auto v = compute(*f.computed, data))
      data[f.name] = std::move(*v);
    else
      data.erase(f.name);
  }
}

std::string utcTimestamp(int64_t ms, bool with_millis) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (with_millis)
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string utcDate(int64_t ms) { return utcTimestamp(ms, false).substr(0, 10); }

}  // namespace palermo::records
