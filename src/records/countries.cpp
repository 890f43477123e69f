// Countries (ISO 3166-1 alpha-2, as ICU lists them) with their names in Azerbaijani, English
// and Russian from ICU's locale data, for forms and reports.
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <mutex>

#include "records/schema.hpp"

namespace palermo::records {

const Json& countryList() {
  static const Json list = [] {
    Json out = Json::array();
    const icu::Locale az("az"), en("en"), ru("ru");
    for (const char* const* c = icu::Locale::getISOCountries(); *c; ++c) {
      const icu::Locale place("", *c);
      auto name = [&](const icu::Locale& in) {
        icu::UnicodeString u;
        place.getDisplayCountry(in, u);
        std::string s;
        u.toUTF8String(s);
        return s;
      };
      out.push_back({{"code", *c}, {"label", {{"az", name(az)}, {"en", name(en)}, {"ru", name(ru)}}}});
    }
    return out;
  }();
  return list;
}

}  // namespace palermo::records
