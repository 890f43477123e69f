// Record linkage benchmark (issue 8), printed side by side with the exact-key baseline
// (folded given name + surname + date of birth) in the same run:
//   * FEBRL 4a <-> 4b linkage, FEBRL dataset 3 deduplication, historical figures 50k
//     deduplication (../shared/data/linkage): pairwise precision / recall / F1 and B-cubed F1
//     against the truth;
//   * a generated set of Azerbaijani registrations (default 1,000,000) with the spelling
//     variants of names.md: end-to-end time, records/s, pairs scored/s, peak memory, quality,
//     and the latency of one incremental match against all of them.
// Usage: build/palermo_linkage_bench [--data ../shared/data/linkage] [--generated N] [--threads 2]
#include <cstdlib>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "linkage/datasets.hpp"
#include "linkage/matcher.hpp"

using namespace palermo::linkage;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

long peakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

struct Run {
  Quality q;
  std::size_t pairs = 0, links = 0, review = 0;
  double ms = 0;
  int em_iterations = 0;
  bool converged = false, implausible = false;
  double blocking_recall = 0;
};

double g_cluster_mean = MatchOptions{}.cluster_mean, g_link = 0.9, g_attach_mean = MatchOptions{}.attach_mean;
bool g_veto = MatchOptions{}.veto_full_pairs;
std::size_t g_attach_max = MatchOptions{}.attach_max;
int g_em_iterations = 25;

Run link(const Dataset& d, bool two_sources, int threads) {
  const auto t0 = Clock::now();
  MatchOptions o;
  o.cluster_mean = g_cluster_mean;
  o.veto_full_pairs = g_veto;
  o.link_probability = g_link;
  o.em_iterations = g_em_iterations;
  o.attach_max = g_attach_max;
  o.attach_mean = g_attach_mean;
  o.link_sources_only = two_sources;
  o.threads = threads;
  Matcher m(d.fields, o);
  m.add(d.records);
  const auto pairs = m.candidatePairs();
  m.train(pairs);
  const auto links = m.score(pairs, o.review_low);
  const auto clusters = m.cluster(links);
  Run r;
  {  // Blocking recall: the share of true pairs that blocking put among the candidates.
    std::unordered_map<std::string, std::vector<uint32_t>> by_truth;
    for (uint32_t i = 0; i < d.truth.size(); ++i) by_truth[d.truth[i]].push_back(i);
    uint64_t total = 0, found = 0;
    for (const auto& [t, v] : by_truth)
      for (std::size_t x = 0; x < v.size(); ++x)
        for (std::size_t y = x + 1; y < v.size(); ++y) {
          if (two_sources && d.records[v[x]].source == d.records[v[y]].source) continue;
          ++total;
          const bool hit = std::binary_search(pairs.begin(), pairs.end(), (uint64_t{v[x]} << 32) | v[y]);
          found += hit ? 1 : 0;
          // LINKAGE_SHOW_MISSED=N: the first N true pairs no blocking key brought together.
          static int show = std::getenv("LINKAGE_SHOW_MISSED") ? std::atoi(std::getenv("LINKAGE_SHOW_MISSED")) : 0;
          if (!hit && show > 0) {
            --show;
            for (uint32_t i : {v[x], v[y]}) {
              std::fprintf(stderr, "  %s:", d.records[i].id.c_str());
              for (const auto& val : d.records[i].values) std::fprintf(stderr, " [%s]", val.c_str());
              std::fprintf(stderr, "\n");
            }
          }
        }
    r.blocking_recall = total ? static_cast<double>(found) / static_cast<double>(total) : 1;
  }
  r.ms = msSince(t0);
  r.pairs = pairs.size();
  for (const auto& l : links) (l.probability >= o.link_probability ? r.links : r.review) += 1;
  r.q = evaluate(clusters, d.truth);
  // LINKAGE_DUMP=prefix: every record's truth and cluster (prefix.clusters.csv) and every scored
  // pair at or above review_low (prefix.links.csv), for error analysis.
  if (const char* dump = std::getenv("LINKAGE_DUMP")) {
    const std::string prefix = std::string(dump) + "." + std::to_string(d.records.size());
    if (FILE* f = std::fopen((prefix + ".clusters.csv").c_str(), "w")) {
      std::fprintf(f, "index,id,truth,cluster\n");
      for (uint32_t i = 0; i < d.records.size(); ++i) std::fprintf(f, "%u,%s,%s,%u\n", i, d.records[i].id.c_str(), d.truth[i].c_str(), clusters[i]);
      std::fclose(f);
    }
    if (FILE* f = std::fopen((prefix + ".links.csv").c_str(), "w")) {
      std::fprintf(f, "a,b,weight,probability\n");
      for (const auto& l : links) std::fprintf(f, "%u,%u,%.3f,%.5f\n", l.a, l.b, l.weight, l.probability);
      std::fclose(f);
    }
  }
  r.em_iterations = m.model().em_iterations_run;
  r.converged = m.model().em_converged;
  r.implausible = m.model().em_implausible;
  return r;
}

void row(const char* name, const char* method, const Quality& q, double ms, std::size_t pairs) {
  std::printf("  %-26s %-10s %9.4f %9.4f %9.4f %9.4f %10.0f %12zu\n", name, method, q.precision, q.recall, q.f1, q.bcubed_f1, ms, pairs);
}

void benchmarkFile(const char* name, Dataset d, bool two_sources, int threads) {
  const auto t0 = Clock::now();
  const auto base = exactKeyClusters(d);
  const double base_ms = msSince(t0);
  const Run r = link(d, two_sources, threads);
  row(name, "exact key", evaluate(base, d.truth), base_ms, 0);
  row(name, "matcher", r.q, r.ms, r.pairs);
  std::printf("  %-26s %zu records, %zu links, %zu pairs for review, EM %d iterations (%s), blocking recall %.4f\n", "",
              d.records.size(), r.links, r.review, r.em_iterations, r.converged ? "converged" : "not converged", r.blocking_recall);
  if (r.implausible) std::printf("  %-26s EM's solution was not persons: m from the priors\n", "");
}

// ---- generated Azerbaijani registrations ----

struct Name {
  const char* canonical;
  std::vector<const char*> variants;
};

const std::vector<Name> kSurnames = {
    {"Məmmədov", {"Mammadov", "Mamedov", "Memmedov", "Мамедов"}},   {"Əliyev", {"Aliyev", "Aliev", "Алиев"}},
    {"Həsənov", {"Hasanov", "Gasanov", "Гасанов", "Hasanli"}},      {"Hüseynov", {"Huseynov", "Guseynov", "Гусейнов"}},
    {"Quliyev", {"Guliyev", "Guliev", "Гулиев"}},                   {"İsmayılov", {"Ismayilov", "Ismailov", "Исмаилов"}},
    {"Abdullayev", {"Abdullaev", "Абдуллаев"}},                     {"Cəfərov", {"Jafarov", "Dzhafarov", "Джафаров"}},
    {"Rzayev", {"Rzaev", "Рзаев"}},                                 {"Kərimov", {"Karimov", "Kerimov", "Керимов"}},
    {"Babayev", {"Babaev", "Бабаев"}},                              {"Nəsirov", {"Nasirov", "Насиров"}},
    {"Xəlilov", {"Khalilov", "Halilov", "Халилов"}},                {"Heydərov", {"Heydarov", "Geidarov", "Гейдаров"}},
    {"Qasımov", {"Gasimov", "Gasymov", "Гасымов"}},                 {"Süleymanov", {"Suleymanov", "Сулейманов"}},
    {"Vəliyev", {"Valiyev", "Veliev", "Велиев"}},                   {"Əhmədov", {"Ahmadov", "Akhmedov", "Ахмедов"}},
    {"Novruzov", {"Novruzov", "Новрузов"}},                         {"Sadıqov", {"Sadigov", "Sadykhov", "Садыхов"}},
    {"Bağırov", {"Bagirov", "Багиров"}},                            {"Musayev", {"Musaev", "Мусаев"}},
    {"Səfərov", {"Safarov", "Сафаров"}},                            {"Zeynalov", {"Zeinalov", "Зейналов"}},
    {"Rəhimov", {"Rahimov", "Рагимов"}},                            {"Tağıyev", {"Tagiyev", "Тагиев"}},
    {"Orucov", {"Orujov", "Оруджев"}},                              {"Şükürov", {"Shukurov", "Шукюров"}},
    {"Mehdiyev", {"Mehdiev", "Мехтиев"}},                           {"Ağayev", {"Agayev", "Агаев"}},
    {"Fərəcov", {"Farajov", "Фараджев"}},                           {"Paşayev", {"Pashayev", "Пашаев"}},
    {"Sultanov", {"Sultanov", "Султанов"}},                         {"Hacıyev", {"Hajiyev", "Gadzhiev", "Гаджиев"}},
    {"Nağıyev", {"Nagiyev", "Нагиев"}},                             {"Kazımov", {"Kazimov", "Кязимов"}},
    {"Yusifov", {"Yusifov", "Iusifov", "Юсифов"}},                  {"Cavadov", {"Javadov", "Джавадов"}},
    {"Əsgərov", {"Asgarov", "Askerov", "Аскеров"}},                 {"Salmanov", {"Salmanov", "Салманов"}},
};
const std::vector<Name> kMen = {
    {"Əli", {"Ali", "Али"}},          {"Hüseyn", {"Huseyn", "Guseyn", "Gusein", "Гусейн"}},
    {"Cəfər", {"Jafar", "Dzhafar", "Джафар"}}, {"Rəşad", {"Rashad", "Рашад"}}, {"Elçin", {"Elchin", "Эльчин"}},
    {"Tural", {"Tural", "Турал"}},    {"Orxan", {"Orkhan", "Орхан"}},       {"Kamran", {"Kamran", "Камран"}},
    {"Vüqar", {"Vugar", "Вугар"}},    {"Elnur", {"Elnur", "Эльнур"}},       {"Rauf", {"Rauf", "Рауф"}},
    {"Heydər", {"Heydar", "Geidar", "Гейдар"}}, {"İlham", {"Ilham", "Ilgam", "Ильхам"}}, {"Xəlil", {"Khalil", "Халил"}},
    {"Yusif", {"Yusif", "Iusif", "Юсиф"}}, {"Murad", {"Murad", "Мурад"}}, {"Samir", {"Samir", "Самир"}},
    {"Nicat", {"Nijat", "Ниджат"}},   {"Fərid", {"Farid", "Фарид"}},        {"Ramil", {"Ramil", "Рамиль"}},
};
const std::vector<Name> kWomen = {
    {"Leyla", {"Leila", "Лейла"}},    {"Aynur", {"Aynur", "Айнур"}},        {"Günel", {"Gunel", "Гюнель"}},
    {"Nərgiz", {"Nargiz", "Наргиз"}}, {"Səbinə", {"Sabina", "Сабина"}},     {"Aygün", {"Aygun", "Айгюн"}},
    {"Lalə", {"Lala", "Лала"}},       {"Sevinc", {"Sevinj", "Sevindzh", "Севиндж"}}, {"Könül", {"Konul", "Кенуль"}},
    {"Xədicə", {"Khadija", "Хадиджа"}}, {"Ülviyyə", {"Ulviyya", "Ульвия"}}, {"Şəbnəm", {"Shabnam", "Шабнам"}},
    {"Fidan", {"Fidan", "Фидан"}},    {"Gülnar", {"Gulnar", "Гюльнар"}},    {"Zəhra", {"Zahra", "Захра"}},
    {"Aysel", {"Aysel", "Айсель"}},   {"Nigar", {"Nigar", "Нигяр"}},        {"Türkan", {"Turkan", "Тюркан"}},
};

Dataset generate(std::size_t target, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto below = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto chance = [&](int pct) { return static_cast<int>(rng() % 100) < pct; };
  Dataset d;
  d.fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname}, {"patronymic", FieldKind::Patronymic},
              {"sex", FieldKind::Sex},          {"dob", FieldKind::Dob},          {"phone", FieldKind::Phone},
              {"document", FieldKind::Document}};
  std::size_t person = 0;
  while (d.records.size() < target) {
    ++person;
    const bool female = chance(50);
    const Name& given = female ? kWomen[below(kWomen.size())] : kMen[below(kMen.size())];
    const Name& sur = kSurnames[below(kSurnames.size())];
    const Name& father = kMen[below(kMen.size())];
    const int y = 1950 + static_cast<int>(below(55)), mo = 1 + static_cast<int>(below(12)), da = 1 + static_cast<int>(below(28));
    char phone[16];
    std::snprintf(phone, sizeof phone, "%02d%07d", 50 + static_cast<int>(below(3)) * 5, static_cast<int>(below(10000000)));
    char doc[16];
    std::snprintf(doc, sizeof doc, "AA%07d", static_cast<int>(below(10000000)));
    const std::size_t regs = 1 + (chance(60) ? 0 : chance(60) ? 1 : 2);  // about 1.6 registrations per person
    for (std::size_t k = 0; k < regs && d.records.size() < target; ++k) {
      InputRecord r;
      r.id = "r" + std::to_string(d.records.size());
      auto spell = [&](const Name& n, bool surname) {
        std::string s = k == 0 || chance(40) ? n.canonical : n.variants[below(n.variants.size())];
        if (surname && female) {
          // Female surname forms: -ova / -yeva (Latin) and -ова / -ева (Cyrillic); -li stays.
          if (s.size() >= 2 && (s.compare(s.size() - 2, 2, "ov") == 0 || s.compare(s.size() - 2, 2, "ev") == 0)) s += "a";
          else if (s.size() >= 4 && (s.compare(s.size() - 4, 4, "ов") == 0 || s.compare(s.size() - 4, 4, "ев") == 0)) s += "а";
        }
        return s;
      };
      std::string g = spell(given, false), s = spell(sur, true);
      if (chance(3)) std::swap(g, s);  // given name and surname swapped
      std::string dob;
      const int form = static_cast<int>(below(100));
      char buf[32];
      if (form < 70) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, da);
      else if (form < 80) std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", da, mo, y);
      else if (form < 88 && da <= 12) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, da, mo);  // day and month swapped
      else if (form < 94) std::snprintf(buf, sizeof buf, "%04d", y);                               // only the year
      else buf[0] = 0;
      dob = buf;
      std::string ph;
      if (chance(55)) {
        const int pf = static_cast<int>(below(3));
        ph = pf == 0 ? std::string("+994") + phone : pf == 1 ? std::string("0") + phone : std::string(phone);
      }
      const std::string dc = chance(35) ? doc : "";
      r.values = {g, s, chance(60) ? spell(father, false) + (female ? " qızı" : " oğlu") : "", female ? "female" : "male", dob, ph, dc};
      d.truth.push_back(std::to_string(person));
      d.records.push_back(std::move(r));
    }
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "../shared/data/linkage";
  std::size_t generated = 1'000'000;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--generated" && i + 1 < argc) generated = std::stoul(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "--cluster-mean" && i + 1 < argc) g_cluster_mean = std::stod(argv[++i]);
    else if (a == "--no-veto") g_veto = false;
    else if (a == "--em-iterations" && i + 1 < argc) g_em_iterations = std::stoi(argv[++i]);
    else if (a == "--link" && i + 1 < argc) g_link = std::stod(argv[++i]);
    else if (a == "--attach-max" && i + 1 < argc) g_attach_max = std::stoul(argv[++i]);
    else if (a == "--attach-mean" && i + 1 < argc) g_attach_mean = std::stod(argv[++i]);
    else {
      std::fprintf(stderr, "usage: palermo_linkage_bench [--data DIR] [--generated N] [--threads T]\n");
      return 2;
    }
  }
  std::printf("  %-26s %-10s %9s %9s %9s %9s %10s %12s\n", "dataset", "method", "precision", "recall", "F1", "B3 F1", "ms", "pairs");
  try {
    Dataset febrl4 = readCsv(data + "/febrl-dataset4a.csv", 0);
    append(febrl4, readCsv(data + "/febrl-dataset4b.csv", 1));
    benchmarkFile("FEBRL 4a <-> 4b (link)", std::move(febrl4), true, threads);
    benchmarkFile("FEBRL 3 (dedup)", readCsv(data + "/febrl-dataset3.csv"), false, threads);
    benchmarkFile("historical figures 50k", readCsv(data + "/historical_figures_with_errors_50k.csv"), false, threads);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "linkage bench: %s\n", e.what());
    return 2;
  }
  if (generated == 0) return 0;

  const auto g0 = Clock::now();
  Dataset d = generate(generated, 20191231);
  const double gen_ms = msSince(g0);
  const auto base0 = Clock::now();
  const auto base = exactKeyClusters(d);
  const double base_ms = msSince(base0);

  const auto t0 = Clock::now();
  MatchOptions o;
  o.threads = threads;
  Matcher m(d.fields, o);
  m.add(d.records);
  const double prep_ms = msSince(t0);
  const auto t1 = Clock::now();
  const auto pairs = m.candidatePairs();
  const double block_ms = msSince(t1);
  const auto t2 = Clock::now();
  m.train(pairs);
  const double train_ms = msSince(t2);
  const auto t3 = Clock::now();
  const auto links = m.score(pairs, o.review_low);
  const double score_ms = msSince(t3);
  const auto t4 = Clock::now();
  const auto clusters = m.cluster(links);
  const double cluster_ms = msSince(t4);
  const double total_ms = msSince(t0);
  const Quality q = evaluate(clusters, d.truth);
  if (std::getenv("LINKAGE_SHOW_MODEL")) {
    const Model& model = m.model();
    std::fprintf(stderr, "lambda %.3g\n", model.lambda);
    for (std::size_t f = 0; f < model.levels.size(); ++f)
      for (const auto& l : model.levels[f])
        std::fprintf(stderr, "  %-12s %-26s m %.4f u %.6f w %+.2f\n", model.fields[f].name.c_str(), l.name.c_str(), l.m, l.u, l.weight());
  }
  row("generated AZ (dedup)", "exact key", evaluate(base, d.truth), base_ms, 0);
  row("generated AZ (dedup)", "matcher", q, total_ms, pairs.size());
  std::printf("\n  generated: %zu registrations (made in %.0f ms); end to end %.1f s: normalise %.1f s, blocking %.1f s, "
              "EM %.1f s (%d iterations), scoring %.1f s, clustering %.1f s\n",
              d.records.size(), gen_ms, total_ms / 1000, prep_ms / 1000, block_ms / 1000, train_ms / 1000,
              m.model().em_iterations_run, score_ms / 1000, cluster_ms / 1000);
  if (m.model().em_implausible)
    std::printf("  EM's solution was not persons (the full date of birth agreed less often than the year alone): m from the priors\n");
  std::printf("  throughput: %.0f records/s end to end, %.0f pairs scored/s (%d threads); peak memory %ld MiB\n",
              static_cast<double>(d.records.size()) / (total_ms / 1000), static_cast<double>(pairs.size()) / (score_ms / 1000), threads,
              peakRssMiB());
  // Incremental: one new registration matched against every known one.
  std::vector<double> lat;
  std::mt19937_64 rng(7);
  int nothing = 0;
  for (int i = 0; i < 1000; ++i) {
    InputRecord r = d.records[rng() % d.records.size()];
    r.id = "new";
    const auto s0 = Clock::now();
    const auto found = m.search(r, 10, 0.5);
    lat.push_back(msSince(s0));
    if (found.empty()) ++nothing;
  }
  std::sort(lat.begin(), lat.end());
  std::printf("  incremental match against %zu known registrations: median %.3f ms, p99 %.3f ms (the first call builds the index);"
              " %d of 1000 probes found no candidate at probability >= 0.5 (too little to go on: no date, no phone, no document)\n",
              d.records.size(), lat[lat.size() / 2], lat[lat.size() * 99 / 100], nothing);
  std::printf("  goals: FEBRL4 F1 >= 0.99; historical pairwise F1 >= 0.95; 1M end to end <= 60 s within 4 GB; incremental < 20 ms\n");
  return 0;
}
