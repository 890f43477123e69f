// The demo dataset: made-up records for every record type in the schema, so that a new
// installation has something to look at. Driven by the schema (any type added to schema/ gets
// demo records too), written through the engine (validated, audited, identity encrypted).
// Every person in it is invented: random combinations of common given names and surnames.
#include "demo/generic.hpp"

#include <fmt/format.h>

#include <random>

namespace palermo::demo {

using namespace palermo::records;

namespace {

const std::vector<std::string> kGivenFemale = {"Aynur", "Leyla", "Günel", "Nigar", "Sevinc", "Aysel", "Könül",
                                              "Nərmin", "Səbinə", "Ülviyyə", "Fidan", "Lalə"};
const std::vector<std::string> kGivenMale = {"Elvin", "Rəşad", "Orxan", "Tural", "Kamran", "Fərid", "Elçin",
                                            "Samir", "Vüsal", "Nicat", "Ramil", "Emin"};
const std::vector<std::string> kSurnames = {"Məmmədov", "Əliyev", "Həsənov", "Hüseynov", "Quliyev", "İsmayılov",
                                           "Abdullayev", "Kərimov", "Rzayev", "Nəsibov", "Cəfərov", "Babayev"};
const std::vector<std::string> kRegions = {"Bakı", "Gəncə", "Sumqayıt", "Lənkəran", "Şəki", "Mingəçevir",
                                          "Quba", "Şirvan", "Naxçıvan", "Masallı", "Zaqatala", "Bərdə"};
const std::vector<std::string> kSentences = {
    "Zəng edən şəxs iş təklifi ilə xaricə aparılan qohumu barədə məlumat verdi.",
    "Sənədləri əlindən alınmış şəxs haqqında məlumat daxil olub.",
    "Küçədə dilənçiliyə cəlb edilmiş uşaq barədə siqnal.",
    "Məktəbi tərk etmiş yeniyetmə ilə bağlı müraciət.",
    "Evlilik vədi ilə xaricə aparılma riski barədə məlumat.",
    "İşəgötürən maaşı ödəmir və şəxsin çıxmasına icazə vermir.",
};
const std::vector<std::string> kCountries = {"AZ", "AZ", "AZ", "RU", "TR", "AE", "GE", "IR", "UA", "KZ"};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return uniform(1, 100) <= percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))];
  }

  // Values are drawn one statement at a time: the order in which a call's arguments are evaluated
  // is the compiler's, and the same seed must give the same data from every compiler. The order
  // kept is the one GCC used when the tests' figures were fixed (last argument first).
  std::string date(int from_year, int to_year) {
    const int day = uniform(1, 28);
    const int month = uniform(1, 12);
    const int year = uniform(from_year, to_year);
    return fmt::format("{:04}-{:02}-{:02}", year, month, day);
  }

  std::string personName() {
    const bool female = chance(60);
    std::string surname = pick(kSurnames);
    if (female) surname += "a";
    return (female ? pick(kGivenFemale) : pick(kGivenMale)) + " " + surname;
  }

  Json valueFor(const Schema& schema, const FieldDef& f, const std::vector<int64_t>& ids_of_ref) {
    const std::string& n = f.name;
    switch (f.type) {
      case FieldType::Text: {
        if (n.find("name") != std::string::npos) return personName();
        if (n.find("phone") != std::string::npos) return fmt::format("+99450{:07}", uniform(0, 9999999));
        if (n.find("region") != std::string::npos || n.find("place") != std::string::npos) return pick(kRegions);
        const int number = uniform(1, 999);
        return fmt::format("{} {}", pick(kRegions), number);
      }
      case FieldType::LongText:
        return pick(kSentences);
      case FieldType::Integer: {
        const int lo = f.min ? static_cast<int>(*f.min) : 0;
        const int hi = f.max ? static_cast<int>(*f.max) : 100;
        return uniform(lo, std::max(lo, std::min(hi, lo + 100)));
      }
      case FieldType::Decimal:
        return uniform(0, 10000) / 100.0;
      case FieldType::Money:
        return pick(std::vector<int>{40000, 70000, 70000, 15000, 25000});
      case FieldType::Date:
        return date(2019, 2025);
      case FieldType::PartialDate:
        return chance(30) ? fmt::format("{:04}", uniform(1970, 2012)) : date(1970, 2012);
      case FieldType::DateTime: {
        const int minute = uniform(0, 59);
        const int hour = uniform(0, 23);
        const std::string day = date(2019, 2025);
        return day + fmt::format("T{:02}:{:02}:00Z", hour, minute);
      }
      case FieldType::Boolean:
        return chance(30);
      case FieldType::Enum:
      case FieldType::MultiEnum: {
        const auto* list = schema.list(f.values);
        std::vector<std::string> codes;
        if (list)
          for (const auto& v : list->values)
            if (!v.retired) codes.push_back(v.code);
        if (codes.empty()) return nullptr;
        if (f.type == FieldType::Enum) return pick(codes);
        Json out = Json::array();
        for (const auto& c : codes)
          if (chance(30)) out.push_back(c);
        if (out.empty()) out.push_back(pick(codes));
        return out;
      }
      case FieldType::Country:
        return pick(kCountries);
      case FieldType::Reference:
        if (ids_of_ref.empty()) return nullptr;
        return pick(ids_of_ref);
      case FieldType::Attachment:
        return nullptr;
    }
    return nullptr;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

DemoResult seedDemo(RecordService& service, const Actor& actor, int per_type, uint64_t seed) {
  const Schema& schema = service.schema();
  Generator g(seed);
  DemoResult result;
  std::map<std::string, std::vector<int64_t>> ids;
  // Types without references first, so that references have something to point at.
  std::vector<const RecordType*> order;
  for (const auto& [name, t] : schema.types) {
    const bool refers = std::any_of(t.fields.begin(), t.fields.end(),
                                    [](const FieldDef& f) { return f.type == FieldType::Reference; });
    if (refers) order.push_back(&t); else order.insert(order.begin(), &t);
  }
  for (const RecordType* type : order) {
    for (int i = 0; i < per_type; ++i) {
      Json data = Json::object();
      for (const auto& f : type->fields) {
        if (f.computed) continue;
        if (!f.required && !g.chance(f.sensitivity == Sensitivity::Identity ? 80 : 70)) continue;
        static const std::vector<int64_t> kNone;
        auto it = ids.find(f.ref);
        Json v = g.valueFor(schema, f, it == ids.end() ? kNone : it->second);
        if (!v.is_null()) data[f.name] = v;
      }
      // Drop what the rules refuse (conditions, patterns) rather than special-casing types.
      for (int attempt = 0; attempt < 4; ++attempt) {
        const auto errors = validateRecord(schema, *type, data);
        if (errors.empty()) break;
        for (const auto& e : errors) {
          const auto* f = type->field(e.field);
          if (f && (f->required || f->required_if) && e.code == "required") {
            Json v = g.valueFor(schema, *f, ids[f->ref]);
            if (!v.is_null()) data[f->name] = v;
          } else {
            data.erase(e.field);
          }
        }
      }
      try {
        Json rec = service.create(actor, type->name, data);
        const int64_t id = rec["id"].get<int64_t>();
        ids[type->name].push_back(id);
        ++result.created[type->name];
        // Move some records along their workflow.
        if (type->workflow && g.chance(60)) {
          int64_t version = rec["version"].get<int64_t>();
          std::string state = rec["state"].get<std::string>();
          for (const auto& t : type->workflow->transitions) {
            if (!t.from.empty() && std::find(t.from.begin(), t.from.end(), state) == t.from.end()) continue;
            if (!g.chance(70)) break;
            Json patch = Json::object();
            for (const auto& req : t.requires_fields)
              if (const auto* f = type->field(req)) patch[req] = g.valueFor(schema, *f, ids[f->ref]);
            try {
              Json moved = service.transition(actor, type->name, id, version, t.name, patch);
              version = moved["version"].get<int64_t>();
              state = moved["state"].get<std::string>();
            } catch (const Problem&) {
              break;  // a generated value did not fit; leave the record where it is
            }
          }
        }
      } catch (const Problem& p) {
        ++result.skipped;
      }
    }
  }
  return result;
}

}  // namespace palermo::demo
