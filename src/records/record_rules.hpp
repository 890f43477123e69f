// Rules a record type names in its schema (`rules: [person_facts]`), applied while a record is
// written: derived values and cross-field checks the schema language cannot say (a screening's
// score, a subsidy's amount from the rate table, a person's facts). The rule book (src/rules)
// implements them and is handed to the engine (RecordService::setRules); the engine itself
// names none of them, so records/ does not depend on rules/.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace palermo {
class RecordStore;
}

namespace palermo::records {

struct RecordType;

class RecordRules {
 public:
  virtual ~RecordRules() = default;
  // Applies `rule` to a record of `type` being written, which will be in workflow `state`:
  // derived values into `after`, mistakes into `errors` (naming the field).
  virtual void apply(const std::string& rule, const RecordType& type, RecordStore& store, Json& after,
                     const std::string& state, std::vector<FieldError>& errors) const = 0;
};

// The rule names a schema may use (checked by the schema loader; each one implemented by the
// rule book, which a test checks).
const std::vector<std::string>& recordRuleNames();

}  // namespace palermo::records
