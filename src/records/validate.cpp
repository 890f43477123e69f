// Validation of a whole record against its RecordType. Every broken rule is reported, each with
// a stable code (docs/records.md lists them) and a short English message; the API turns the
// list into one 422 problem.
#include <unicode/uloc.h>

#include <algorithm>
#include <bitset>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "core/utf8.hpp"
#include "records/schema.hpp"

namespace palermo::records {

namespace {

// ISO 3166-1 alpha-2 codes as ICU knows them, one bit per pair of letters.
constexpr std::size_t kLetterPairs = std::size_t{26} * 26U;

// The bit of a two-letter upper-case code, or nullopt.
std::optional<std::size_t> letterPair(const char* c) {
  if (c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] != '\0') return std::nullopt;
  return static_cast<std::size_t>(c[0] - 'A') * 26U + static_cast<std::size_t>(c[1] - 'A');
}

const std::bitset<kLetterPairs>& countryCodes() {
  static const std::bitset<kLetterPairs> codes = [] {
    std::bitset<kLetterPairs> b;
    for (const char* const* c = uloc_getISOCountries(); *c; ++c)
      if (auto bit = letterPair(*c)) b.set(*bit);
    return b;
  }();
  return codes;
}

bool isCountry(const std::string& s) {
  const auto bit = letterPair(s.c_str());
  return s.size() == 2 && bit && countryCodes().test(*bit);
}

// Digits after the decimal point in the shortest representation of `v` (what the client sent,
// for any number a JSON parser reads back unchanged).
int decimalsOf(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return 0;
  const std::string_view s(buf, static_cast<std::size_t>(end - buf));
  const auto e = s.find('e');
  const auto mantissa = s.substr(0, e);
  const auto dot = mantissa.find('.');
  int decimals = dot == std::string_view::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  if (e != std::string_view::npos) {
    int exp = 0;
    std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
    decimals -= exp;
  }
  return std::max(decimals, 0);
}

std::string number(double v) {
  if (std::abs(v) < 1e15 && v == std::trunc(v)) return std::to_string(static_cast<long long>(v));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// A positive 64-bit integer.
bool isRecordId(const Json& v) {
  if (v.is_number_unsigned())
    return v.get<unsigned long long>() > 0 &&
           v.get<unsigned long long>() <= static_cast<unsigned long long>(std::numeric_limits<long long>::max());
  return v.is_number_integer() && v.get<long long>() > 0;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Validator {
 public:
  Validator(const Schema& schema, const RecordType& type, const Json& data, std::vector<FieldError>& errors)
      : schema_(schema), type_(type), data_(data), errors_(errors) {}

  void run() {
    for (const auto& f : type_.fields) field(f);
    for (const auto& [key, value] : data_.items())
      if (!type_.field(key)) add(key, "unknown_field", "is not a field of " + type_.name);
  }

 private:
  void add(std::string field, const char* code, std::string message) {
    errors_.push_back({std::move(field), code, std::move(message)});
  }

  void field(const FieldDef& f) {
    auto it = data_.find(f.name);
    const bool absent = it == data_.end() || isAbsent(*it);
    if (f.computed) {
      if (!absent) add(f.name, "computed", "is computed and cannot be set");
      return;
    }
    const bool visible = !f.visible_if || f.visible_if->holds(data_);
    if (absent) {
      if (visible && (f.required || (f.required_if && f.required_if->holds(data_))))
        add(f.name, "required", "is required");
      return;
    }
    if (!visible) {
      add(f.name, "hidden", "must be empty: the field does not apply to this record");
      return;
    }
    value(f, *it, f.name);
  }

  void value(const FieldDef& f, const Json& v, const std::string& path) {
    switch (f.type) {
      case FieldType::Text:
      case FieldType::LongText:
        return text(f, v, path);
      case FieldType::Integer:
      case FieldType::Money:
        return integer(f, v, path);
      case FieldType::Decimal:
        return decimal(f, v, path);
      case FieldType::Date:
        return date(f, v, path, "date", "must be a date (YYYY-MM-DD)", [](const std::string& s) -> std::optional<int> {
          PartialDate d;
          return s.size() == 10 && parsePartialDate(s, d) ? std::optional(d.year) : std::nullopt;
        });
      case FieldType::PartialDate:
        return date(f, v, path, "partial_date", "must be a date: YYYY, YYYY-MM or YYYY-MM-DD",
                    [](const std::string& s) -> std::optional<int> {
                      PartialDate d;
                      return parsePartialDate(s, d) ? std::optional(d.year) : std::nullopt;
                    });
      case FieldType::DateTime:
        return date(f, v, path, "datetime", "must be a date and time with offset, e.g. 2019-06-04T10:15:00Z",
                    [](const std::string& s) -> std::optional<int> {
                      if (!isValidDateTime(s)) return std::nullopt;
                      return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
                    });
      case FieldType::Boolean:
        if (!v.is_boolean()) add(path, "type", "must be true or false");
        return;
      case FieldType::Enum:
        return code(f, v, path);
      case FieldType::MultiEnum:
        return codes(f, v, path);
      case FieldType::Country:
        if (!v.is_string())
          add(path, "type", "must be a country code");
        else if (!isCountry(v.get_ref<const std::string&>()))
          add(path, "country", "must be an ISO 3166-1 alpha-2 country code, e.g. AZ");
        return;
      case FieldType::Reference:
        if (!isRecordId(v)) add(path, "reference", "must be the id of a " + f.ref + " record (a positive integer)");
        return;
      case FieldType::Attachment:
        if (!v.is_string()) add(path, "type", "must be an attachment id");
        return;
    }
  }

  void text(const FieldDef& f, const Json& v, const std::string& path) {
    if (!v.is_string()) return add(path, "type", "must be text");
    const auto& s = v.get_ref<const std::string&>();
    const auto length = utf8Length(s);
    if (!length) return add(path, "encoding", "is not valid UTF-8");
    if (f.type == FieldType::Text && s.find_first_of("\r\n") != std::string::npos)
      add(path, "single_line", "must be a single line");
    if (f.min_length && *length < *f.min_length)
      add(path, "too_short", "must be at least " + plural(*f.min_length, "character") + " long");
    if (f.max_length && *length > *f.max_length)
      add(path, "too_long", "must be at most " + plural(*f.max_length, "character") + " long");
    if (!f.pattern.empty() && !matches(f, s))
      add(path, "pattern", f.pattern_message.empty() ? "has an invalid format" : f.pattern_message);
  }

  static bool matches(const FieldDef& f, const std::string& s) {
    if (f.pattern_regex) return std::regex_search(s, *f.pattern_regex);
    try {  // a FieldDef built in code rather than by the loader
      return std::regex_search(s, std::regex(f.pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
      return false;
    }
  }

  void range(const FieldDef& f, double d, const std::string& path) {
    if (f.min && d < *f.min) add(path, "min", "must be at least " + number(*f.min));
    if (f.max && d > *f.max) add(path, "max", "must be at most " + number(*f.max));
  }

  void integer(const FieldDef& f, const Json& v, const std::string& path) {
    if (!v.is_number())
      return add(path, "type",
                 f.type == FieldType::Money ? "must be an amount in qəpik (an integer)" : "must be a number");
    double d = 0;
    if (v.is_number_unsigned()) {
      if (v.get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
        return add(path, "integer", "is too large");
      d = static_cast<double>(v.get<unsigned long long>());
    } else if (v.is_number_integer()) {
      d = static_cast<double>(v.get<long long>());
    } else {
      d = v.get<double>();
      if (d != std::trunc(d)) return add(path, "integer", "must be a whole number");
      if (std::abs(d) >= 9.2e18) return add(path, "integer", "is too large");
    }
    range(f, d, path);
  }

  void decimal(const FieldDef& f, const Json& v, const std::string& path) {
    if (!v.is_number()) return add(path, "type", "must be a number");
    const double d = v.get<double>();
    if (v.is_number_float() && decimalsOf(d) > f.scale)
      add(path, "scale",
          "must have at most " + plural(static_cast<std::size_t>(f.scale), "digit") + " after the decimal point");
    range(f, d, path);
  }

  template <class YearOf>
  void date(const FieldDef& f, const Json& v, const std::string& path, const char* code, const char* message,
            YearOf year_of) {
    if (!v.is_string()) return add(path, "type", message);
    const auto year = year_of(v.get_ref<const std::string&>());
    if (!year) return add(path, code, message);
    if (f.min && *year < *f.min) add(path, "min", "must not be before the year " + number(*f.min));
    if (f.max && *year > *f.max) add(path, "max", "must not be after the year " + number(*f.max));
  }

  // One code of the field's list; false when it is not a code.
  bool checkCode(const FieldDef& f, const Json& v, const std::string& path) {
    if (!v.is_string()) {
      add(path, "type", "must be a code of list " + f.values);
      return false;
    }
    const auto* list = schema_.list(f.values);
    const auto* item = list ? list->find(v.get_ref<const std::string&>()) : nullptr;
    if (!item) {
      add(path, "not_in_list", "is not a code of list " + f.values);
      return false;
    }
    if (item->retired) {
      add(path, "retired", "is a retired code of list " + f.values + " and cannot be used any more");
      return false;
    }
    return true;
  }

  void code(const FieldDef& f, const Json& v, const std::string& path) { checkCode(f, v, path); }

  void codes(const FieldDef& f, const Json& v, const std::string& path) {
    if (!v.is_array()) return add(path, "type", "must be a list of codes of list " + f.values);
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string item = path + "[" + std::to_string(i) + "]";
      if (!checkCode(f, v[i], item)) continue;
      if (!seen.insert(v[i].get_ref<const std::string&>()).second) add(item, "duplicate", "is listed twice");
    }
    if (f.min_length && v.size() < *f.min_length)
      add(path, "too_short", "must have at least " + plural(*f.min_length, "item"));
    if (f.max_length && v.size() > *f.max_length)
      add(path, "too_long", "must have at most " + plural(*f.max_length, "item"));
  }

  const Schema& schema_;
  const RecordType& type_;
  const Json& data_;
  std::vector<FieldError>& errors_;
};

// The type's `checks`: each compares two present fields (numbers, or full dates as text, which
// sort as they read); a check whose fields are not both there says nothing.
void checkComparisons(const RecordType& type, const Json& data, std::vector<FieldError>& errors) {
  for (const auto& c : type.checks) {
    auto l = data.find(c.left), r = data.find(c.right);
    if (l == data.end() || r == data.end()) continue;
    int cmp = 0;
    if (l->is_number() && r->is_number()) {
      const double a = l->get<double>(), b = r->get<double>();
      cmp = a < b ? -1 : (a > b ? 1 : 0);
    } else if (l->is_string() && r->is_string()) {
      const auto& a = l->get_ref<const std::string&>();
      const auto& b = r->get_ref<const std::string&>();
      cmp = a < b ? -1 : (a > b ? 1 : 0);
    } else {
      continue;
    }
    const bool ok = c.op == "<" ? cmp < 0 : c.op == "<=" ? cmp <= 0 : c.op == ">" ? cmp > 0 : c.op == ">=" ? cmp >= 0
                    : c.op == "==" ? cmp == 0 : cmp != 0;
    if (!ok)
      errors.push_back({c.left, "check",
                        (c.message.en.empty() ? c.message.az : c.message.en) + " (" + c.left + " " + c.op + " " +
                            c.right + ")"});
  }
}

}  // namespace

std::vector<FieldError> validateRecord(const Schema& schema, const RecordType& type, const Json& data) {
  std::vector<FieldError> errors;
  if (!data.is_object()) {
    errors.push_back({"", "type", "the record must be a JSON object"});
    return errors;
  }
  Validator(schema, type, data, errors).run();
  if (errors.empty()) checkComparisons(type, data, errors);
  return errors;
}

}  // namespace palermo::records
