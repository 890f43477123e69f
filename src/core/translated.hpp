// A text in the three languages of the system (Azerbaijani, English, Russian): labels of
// record types, fields, values, roles, indicators and report sentences. Azerbaijani is the
// language every text has; English and Russian fall back to it when they are empty.
#pragma once

#include <string>

#include "core/json.hpp"

namespace palermo {

struct Translated {
  std::string az, en, ru;

  // The text in `lang` ("az", "en", "ru"), falling back to Azerbaijani (and, when that is
  // empty, to whichever language is there).
  [[nodiscard]] const std::string& in(const std::string& lang) const {
    if (lang == "en" && !en.empty()) return en;
    if (lang == "ru" && !ru.empty()) return ru;
    return az.empty() ? (en.empty() ? ru : en) : az;
  }
  [[nodiscard]] bool empty() const { return az.empty() && en.empty() && ru.empty(); }
  // {"az", "en", "ru"}, each filled (en and ru fall back to az).
  [[nodiscard]] Json toJson() const { return {{"az", az}, {"en", en.empty() ? az : en}, {"ru", ru.empty() ? az : ru}}; }
};

}  // namespace palermo
