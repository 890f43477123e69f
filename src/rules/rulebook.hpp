// Rules written as code over data files (rules/): identification screening against versioned
// indicator sets, effective-dated rate tables, and the named rules record types invoke
// (`rules: [screening]` in a type file). See docs/victims-path.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "records/record_rules.hpp"
#include "records/schema.hpp"

namespace palermo {
class RecordStore;
struct FieldError;
}  // namespace palermo

namespace palermo::rules {

enum class Strength { Strong, Medium, Weak };

struct Indicator {
  std::string code;
  Translated label;
  std::map<std::string, Strength> grades;  // list code -> grade; absent: not in that list
};

struct Dimension {
  int number = 0;  // 1..6
  std::string code;
  Translated label;
  std::map<std::string, Translated> label_by_list;
  std::vector<Indicator> indicators;
};

struct IndicatorList {
  std::string code;      // adult_labour, ...
  bool child = false;
  std::string exploitation;  // labour | sexual
  Translated label;
};

struct Ruleset {
  std::string id;  // ilo_ec_2009
  int version = 1;
  Translated label;
  std::string source;
  std::vector<IndicatorList> lists;
  std::vector<Dimension> dimensions;
  std::string file;
  [[nodiscard]] std::string key() const { return id + "@" + std::to_string(version); }
  [[nodiscard]] const IndicatorList* list(bool child, const std::string& exploitation) const;
  [[nodiscard]] Json toJson(const std::string& list_code) const;  // for forms: dimensions and indicators
};

struct DimensionResult {
  std::string code;
  bool positive = false;
  bool could_be_positive = false;  // if every unanswered indicator were "yes"
  std::vector<std::pair<const Indicator*, Strength>> yes;  // the indicators that made it
};

struct ScreeningResult {
  std::string ruleset_key;
  std::string list_code;
  std::vector<DimensionResult> dimensions;
  std::string overall;  // indicated | partly_indicated | not_indicated | inconclusive
  std::vector<std::string> positive_dimensions;
  std::string explanation(const Ruleset& rs, const std::string& lang) const;
  [[nodiscard]] Json toJson(const Ruleset& rs, const std::string& lang) const;
};

struct Rate {
  std::string from;  // YYYY-MM-DD; "" for the first
  int64_t amount = 0;
  std::string basis;
};

struct RateTable {
  std::string name;
  Translated label;
  std::vector<Rate> rates;  // in date order
  // The rate in force on `date` (YYYY-MM-DD); nullptr when none.
  [[nodiscard]] const Rate* on(const std::string& date) const;
};


class RuleBook : public records::RecordRules {
 public:
  // Loads rules/screening/*.yaml and rules/rates/*.yaml; every mistake is reported.
  static RuleBook load(const std::string& dir, std::vector<FileError>& errors);

  [[nodiscard]] const Ruleset* ruleset(const std::string& id_or_key) const;  // "ilo_ec_2009" = newest version
  [[nodiscard]] const std::vector<Ruleset>& rulesets() const { return rulesets_; }
  [[nodiscard]] const RateTable* rateTable(const std::string& name) const;
  [[nodiscard]] const std::string& defaultRuleset() const { return default_ruleset_; }

  // Scores answers ({code: "yes"|"no"|"unknown"} or {code: {"answer": ..., "note": ...}})
  // against a list of a ruleset. Throws std::invalid_argument naming an unknown code or answer.
  [[nodiscard]] ScreeningResult evaluate(const Ruleset& rs, bool child, const std::string& exploitation,
                                         const Json& answers) const;

  // Whether a named rule exists, and applies it to a record being written (derived values into
  // `after`; mistakes into `errors`).
  [[nodiscard]] static bool known(const std::string& rule);
  void apply(const std::string& rule, const records::RecordType& type, RecordStore& store, Json& after,
             const std::string& state, std::vector<FieldError>& errors) const override;

 private:
  std::vector<Ruleset> rulesets_;
  std::map<std::string, RateTable> rates_;
  std::string default_ruleset_;
};

}  // namespace palermo::rules
