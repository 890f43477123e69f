// The matcher (issue 8): Jaro-Winkler, the comparison levels (day/month swap, swapped name
// order, Russian-mediated spellings), EM recovering a known mixture, review decisions overriding
// the model, and cluster numbers that stay put when unrelated registrations arrive.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "linkage/datasets.hpp"
#include "linkage/matcher.hpp"
#include "linkage/name_variants.hpp"

using namespace palermo::linkage;

namespace {

const std::vector<FieldSpec> kFields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname},
                                        {"dob", FieldKind::Dob},          {"sex", FieldKind::Sex},
                                        {"document", FieldKind::Document}};

InputRecord rec(const std::string& id, const std::string& given, const std::string& surname, const std::string& dob,
                const std::string& sex = "", const std::string& doc = "") {
  return {id, 0, {given, surname, dob, sex, doc}};
}

std::string levelOf(const Matcher& m, uint32_t a, uint32_t b, const std::string& field) {
  for (const auto& e : m.explain(a, b))
    if (e.field == field) return e.level;
  return "?";
}

// A population of distinct made-up people (with a duplicate registration each, other spelling).
std::vector<InputRecord> population(int persons, uint64_t seed, std::vector<std::string>* truth = nullptr) {
  static const char* kGiven[] = {"Ali", "Rashad", "Leyla", "Aynur", "Tural", "Nigar", "Orkhan", "Samir", "Fidan", "Kamran"};
  static const char* kSur[] = {"Mammadov", "Aliyev", "Hasanov", "Guliyev", "Karimov", "Babayev", "Nasirov", "Rzayev",
                               "Safarov", "Musayev", "Zeynalov", "Bagirov", "Sultanov", "Agayev", "Pashayev"};
  std::mt19937_64 rng(seed);
  std::vector<InputRecord> out;
  for (int p = 0; p < persons; ++p) {
    const std::string g = kGiven[rng() % 10], s = kSur[rng() % 15];
    char dob[16];
    // One draw per statement (argument order is the compiler's), last argument first as GCC drew them.
    const int day = 1 + static_cast<int>(rng() % 28), month = 1 + static_cast<int>(rng() % 12);
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 1950 + static_cast<int>(rng() % 50), month, day);
    const std::string sex = rng() % 2 ? "female" : "male";
    const std::string doc = "AA" + std::to_string(1000000 + rng() % 9000000);
    out.push_back(rec("p" + std::to_string(p) + "a", g, s, dob, sex, doc));
    const bool keep_doc = rng() % 2 != 0;
    const bool typo = rng() % 3 == 0;
    out.push_back(rec("p" + std::to_string(p) + "b", g, s + (typo ? "x" : ""), dob, sex, keep_doc ? doc : ""));
    if (truth) truth->insert(truth->end(), {std::to_string(p), std::to_string(p)});
  }
  return out;
}

TEST(Linkage, JaroWinkler) {
  EXPECT_NEAR(jaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(jaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(jaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_EQ(jaroWinkler("", "abc"), 0);
  EXPECT_EQ(jaroWinkler("same", "same"), 1);
}

TEST(Linkage, DateLevelsIncludeTheDayMonthSwap) {
  Matcher m(kFields);
  m.add({rec("a", "Ali", "Mammadov", "1990-07-02"), rec("b", "Ali", "Mammadov", "1990-02-07"),
         rec("c", "Ali", "Mammadov", "1990"), rec("d", "Ali", "Mammadov", "1989-07-02"),
         rec("e", "Ali", "Mammadov", "02.07.1990"), rec("f", "Ali", "Mammadov", "1990-07-20"), rec("g", "Ali", "Mammadov", ""),
         rec("h", "Ali", "Mammadov", "1990-08"), rec("i", "Ali", "Mammadov", "1990-07"), rec("j", "Ali", "Mammadov", "1980-07-02"),
         rec("k", "Ali", "Mammadov", "1990-87-02"), rec("l", "Ali", "Mammadov", "2008-03-11"),
         rec("m", "Ali", "Mammadov", "1984-03-11")});
  EXPECT_EQ(levelOf(m, 0, 1, "dob"), "day and month swapped");
  // A partial date agrees as far as it goes, or not: "1990" and "1990-07" fit 1990-07-02.
  EXPECT_EQ(levelOf(m, 0, 2, "dob"), "agrees as far as known");
  EXPECT_EQ(levelOf(m, 0, 8, "dob"), "agrees as far as known");
  EXPECT_EQ(levelOf(m, 0, 7, "dob"), "same year");
  EXPECT_EQ(levelOf(m, 0, 3, "dob"), "one year apart");
  EXPECT_EQ(levelOf(m, 0, 4, "dob"), "exact");
  EXPECT_EQ(levelOf(m, 0, 5, "dob"), "same year and month");
  EXPECT_EQ(levelOf(m, 0, 6, "dob"), "missing");
  // A typing error: one digit of the date differs (1980 for 1990).
  EXPECT_EQ(levelOf(m, 0, 9, "dob"), "one digit different");
  // An impossible month (87) is unknown; the year and day still agree.
  EXPECT_EQ(levelOf(m, 0, 10, "dob"), "agrees as far as known");
  // A child and an adult of the same name (a child named after a relative): another generation,
  // a stronger disagreement than dates a few years apart.
  EXPECT_EQ(levelOf(m, 0, 11, "dob"), "over ten years apart");
  EXPECT_EQ(levelOf(m, 0, 12, "dob"), "different");
}

TEST(Linkage, NameLevelsAcrossScriptsAndOrder) {
  Matcher m(kFields);
  m.add({rec("a", "Hüseyn", "Məmmədov", "1985-03-04"), rec("b", "Гусейн", "Мамедов", "1985-03-04"),
         rec("c", "Mammadov", "Huseyn", "1985-03-04"), rec("d", "Cəfər", "Həsənov", "1985-03-04"),
         rec("e", "Dzhafar", "Hasanli", "1985-03-04")});
  EXPECT_EQ(levelOf(m, 0, 1, "first_name"), "phonetic key");
  EXPECT_EQ(levelOf(m, 0, 1, "surname"), "phonetic key");
  EXPECT_NE(levelOf(m, 0, 2, "surname").find("swapped"), std::string::npos);
  EXPECT_EQ(levelOf(m, 3, 4, "first_name"), "phonetic key");
  EXPECT_EQ(levelOf(m, 3, 4, "surname"), "same stem");
  // The blocking keys bring the spellings together.
  const auto pairs = m.candidatePairs();
  auto has = [&](uint32_t a, uint32_t b) { return std::binary_search(pairs.begin(), pairs.end(), (uint64_t{a} << 32) | b); };
  EXPECT_TRUE(has(0, 1));
  EXPECT_TRUE(has(0, 2));
  EXPECT_TRUE(has(3, 4));
}

// `palermo link --csv` with the name in one field (issue 26): split as the registers' own signals
// are, in either order and script; the parts compare as separate columns would.
TEST(Linkage, CsvWithTheNameInOneField) {
  const auto dir = std::filesystem::temp_directory_path() / ("palermo-linkcsv-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "one.csv");
    f << "id,full_name,dob,note\n"
         "a,Hüseynov Sahib Elçin oğlu,1990-05-12,x\n"
         "b,Sahib Hüseynov,1990-05-12,x\n"
         "c,Сахиб Гусейнов,1990-05-12,x\n"
         "d,,1990-05-12,x\n";
    std::ofstream g(dir / "both.csv");
    g << "id,first_name,surname,person_name\nz,Leyla,Aliyeva,Aliyeva Leyla\n";
  }
  const Dataset d = readCsv((dir / "one.csv").string());
  std::vector<std::string> names;
  for (const auto& f : d.fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dob", "given_name", "surname", "patronymic"}));
  EXPECT_EQ(d.columns_ignored, std::vector<std::string>{"note"});
  ASSERT_EQ(d.records.size(), 4U);
  EXPECT_EQ(d.records[0].values, (std::vector<std::string>{"1990-05-12", "sahib", "huseynov", "elchin"}));
  EXPECT_EQ(d.records[1].values, (std::vector<std::string>{"1990-05-12", "sahib", "huseynov", ""}));
  EXPECT_EQ(d.records[3].values, (std::vector<std::string>{"1990-05-12", "", "", ""}));
  Matcher m(d.fields);
  m.add(d.records);
  EXPECT_EQ(levelOf(m, 0, 1, "surname"), "exact");
  EXPECT_EQ(levelOf(m, 0, 2, "given_name"), "phonetic key");
  EXPECT_EQ(levelOf(m, 0, 2, "surname"), "phonetic key");
  // With separate columns, those are used and the one-field name is left (and said so).
  const Dataset both = readCsv((dir / "both.csv").string());
  EXPECT_EQ(both.columns_ignored, std::vector<std::string>{"person_name"});
  EXPECT_EQ(both.records[0].values, (std::vector<std::string>{"Leyla", "Aliyeva"}));
  std::filesystem::remove_all(dir);
}

TEST(Linkage, KnownGivenNameVariants) {
  auto same = [](const char* a, const char* b) { return shareGroup(givenNameGroups(foldName(a)), givenNameGroups(foldName(b))); };
  // Familiar forms and other languages' forms, in any script.
  EXPECT_TRUE(same("Sasha", "Aleksandr"));
  EXPECT_TRUE(same("Саша", "Alexander"));
  EXPECT_TRUE(same("Məmməd", "Mahammad"));
  EXPECT_TRUE(same("Мамед", "Muhammad"));
  EXPECT_TRUE(same("Yusif", "Iosif"));
  EXPECT_TRUE(same("Bill", "William"));
  EXPECT_TRUE(same("Natasha", "Наталья"));
  EXPECT_TRUE(same("Harry", "Henry"));
  EXPECT_TRUE(same("Harry", "Harold"));
  // Different names stay different, and a form shared by two names does not join them.
  EXPECT_FALSE(same("Əli", "İlyas"));
  EXPECT_FALSE(same("Henry", "Harold"));
  EXPECT_FALSE(same("Leyla", "Aynur"));
  EXPECT_FALSE(same("Rashad", "Rauf"));
  // Initials and titles are not names.
  EXPECT_TRUE(givenNameGroups("j").empty());
  EXPECT_TRUE(givenNameGroups("sir").empty());
  EXPECT_TRUE(isTitle("mrs"));
  EXPECT_FALSE(isTitle("ali"));

  Matcher m(kFields);
  m.add({rec("a", "Aleksandr", "Petrov", "1985-03-04"), rec("b", "Sasha", "Petrov", "1985-03-04"),
         rec("c", "Sir James", "Lind", "1765-08-01"), rec("d", "Jim", "Lind", "1765-08-01"), rec("e", "Mrs.", "Lind", "")});
  EXPECT_EQ(levelOf(m, 0, 1, "first_name"), "known variant");
  EXPECT_EQ(levelOf(m, 2, 3, "first_name"), "known variant");  // the title is dropped
  EXPECT_EQ(levelOf(m, 2, 4, "first_name"), "missing");        // a title alone is no name
  const auto pairs = m.candidatePairs();
  EXPECT_TRUE(std::binary_search(pairs.begin(), pairs.end(), (uint64_t{0} << 32) | 1));
}

// A lone name written in the given-name field is the surname it matches; a postal code that
// keeps its district is close.
TEST(Linkage, LoneSurnamesAndPostalDistricts) {
  const std::vector<FieldSpec> fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname},
                                         {"dob", FieldKind::Dob}, {"postcode", FieldKind::Postcode}};
  Matcher m(fields);
  m.add({{"a", 0, {"Michael", "Topping", "1747-01-01", "ng20 0en"}},
         {"b", 0, {"Topping", "", "1747-01-01", "ng20 7qq"}},
         {"c", 0, {"Toping", "", "", "ng21 0en"}},
         {"d", 0, {"Michael", "", "", ""}}});
  EXPECT_EQ(levelOf(m, 0, 1, "surname"), "exact (the lone name in the given-name field)");
  EXPECT_EQ(levelOf(m, 0, 1, "first_name"), "missing");
  EXPECT_EQ(levelOf(m, 0, 2, "surname"), "phonetic key (the lone name in the given-name field)");
  EXPECT_EQ(levelOf(m, 0, 3, "first_name"), "exact");  // a given name that is the given name stays one
  EXPECT_EQ(levelOf(m, 0, 3, "surname"), "missing");
  EXPECT_EQ(levelOf(m, 0, 1, "postcode"), "same district");
  EXPECT_EQ(levelOf(m, 0, 2, "postcode"), "Jaro-Winkler >= 0.9");
}

// After clustering, a registration left alone with only review-band links joins the one person
// it fits; one that fits two persons equally waits for review, and one that plainly differs stays
// alone.
TEST(Linkage, LeftoverRegistrationsAttachToOnePerson) {
  const std::vector<FieldSpec> fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname},
                                         {"dob", FieldKind::Dob}};
  Matcher m(fields);
  std::vector<InputRecord> records;
  for (int i = 0; i < 4; ++i) records.push_back({"a" + std::to_string(i), 0, {"Tahir", "Zardabi", "1980-05-05"}});
  for (int i = 0; i < 4; ++i) records.push_back({"b" + std::to_string(i), 0, {"Tahir", "Vazirov", "1971-11-23"}});
  records.push_back({"x", 0, {"Tahir", "Zardabi", ""}});   // 8: fits A
  records.push_back({"y", 0, {"Tahir", "", ""}});          // 9: fits A and B alike
  records.push_back({"z", 0, {"Tahir", "", "1990-01-02"}});  // 10: plainly neither
  records.push_back({"w", 0, {"Tahir", "", "1980"}});        // 11: only A's year fits
  m.add(records);
  // A model set by hand (no frequencies): exact agreement +2 bits, plain disagreement -6 bits,
  // other levels 0; prior even.
  Model model = m.model();
  model.term_frequencies = false;
  model.lambda = 0.5;
  for (std::size_t f = 0; f < model.levels.size(); ++f) {
    auto& field = model.levels[f];
    for (std::size_t l = 0; l < field.size(); ++l) {
      // Dates: "different" and "over ten years apart" both plainly disagree.
      const bool differs = l + 1 == field.size() || (fields[f].kind == FieldKind::Dob && l + 2 == field.size());
      field[l].m = l == 0 ? 0.8 : differs ? 0.01 : 0.1;
      field[l].u = l == 0 ? 0.2 : differs ? 0.64 : 0.1;
    }
  }
  m.setModel(model);
  const auto pairs = m.candidatePairs();
  const auto links = m.score(pairs, 0.3);
  ASSERT_NEAR(m.scorePair(0, 8).probability, 0.94, 0.01);  // names agree, date missing: a link
  ASSERT_NEAR(m.scorePair(0, 9).probability, 0.8, 0.01);   // the given name alone: review band
  ASSERT_LT(m.scorePair(0, 10).probability, 0.3);          // the dates plainly differ
  ASSERT_NEAR(m.scorePair(0, 11).probability, 0.8, 0.01);  // the year agrees as far as known
  ASSERT_LT(m.scorePair(4, 11).probability, 0.3);          // B's year does not
  const auto c = m.cluster(links);
  EXPECT_EQ(c[0], c[3]);
  EXPECT_EQ(c[4], c[7]);
  EXPECT_NE(c[0], c[4]);                       // A and B stay two persons
  EXPECT_EQ(c[8], c[0]);   // x joined A (a link)
  EXPECT_EQ(c[11], c[0]);  // w filled in A (attached)
  EXPECT_NE(c[9], c[0]);   // y fits A and B alike: left for review
  EXPECT_NE(c[9], c[4]);
  EXPECT_NE(c[10], c[0]);
  EXPECT_NE(c[10], c[4]);
  // Without attachment w stays alone.
  MatchOptions off;
  off.attach_max = 0;
  Matcher plain(fields, off);
  plain.add(records);
  plain.setModel(model);
  const auto p = plain.cluster(plain.score(plain.candidatePairs(), 0.3));
  EXPECT_NE(p[11], p[0]);
  EXPECT_EQ(p[8], p[0]);
}

// A registration with names and nothing else (a hotline's "Leyla Paşayeva"): below the review
// band on its own, it joins the one person in the register whose names agree; a name two persons
// share, or one only other name-only registrations give, leaves it alone (issue 26).
TEST(Linkage, NameOnlyRegistrationsJoinTheOnePersonTheyCanBe) {
  const std::vector<FieldSpec> fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname},
                                         {"dob", FieldKind::Dob}, {"phone", FieldKind::Phone}};
  const std::vector<InputRecord> records = {
      {"0", 0, {"Leyla", "Paşayeva", "1990-03-04", "0501234567"}},
      {"1", 0, {"Лейла", "Пашаева", "1990-03-04", "+994 50 123 45 67"}},
      {"2", 0, {"Aynur", "Məmmədova", "1985-01-01", ""}},
      {"3", 0, {"Aynur", "Məmmədova", "1971-07-07", ""}},  // a namesake
      {"4", 0, {"Leyla", "Pasayeva", "", ""}},             // only person 0-1 can be meant
      {"5", 0, {"Aynur", "Mammadova", "", ""}},            // two persons could
      {"6", 0, {"Nərmin", "Əliyeva", "", ""}},             // only another name-only registration
      {"7", 0, {"Nermin", "Aliyeva", "", ""}}};
  auto clusters = [&](bool attach_sparse) {
    MatchOptions o;
    o.attach_max = 0;  // not the review-band attachment
    o.attach_sparse = attach_sparse;
    Matcher m(fields, o);
    m.add(records);
    Model model = m.model();
    model.term_frequencies = false;
    model.lambda = 0.004;  // exact agreement +3.2 bits, plain disagreement -6, other levels 0
    for (std::size_t f = 0; f < model.levels.size(); ++f) {
      auto& field = model.levels[f];
      for (std::size_t l = 0; l < field.size(); ++l) {
        const bool differs = l + 1 == field.size() || (fields[f].kind == FieldKind::Dob && l + 2 == field.size());
        field[l].m = l == 0 ? 0.9 : differs ? 0.01 : 0.1;
        field[l].u = l == 0 ? 0.1 : differs ? 0.64 : 0.1;
      }
    }
    m.setModel(model);
    EXPECT_GT(m.scorePair(0, 1).probability, 0.9);  // the person registered twice
    EXPECT_LT(m.scorePair(0, 4).probability, 0.3);  // a name alone: not even the review band
    return m.cluster(m.score(m.candidatePairs(), 0.3));
  };
  const auto c = clusters(true);
  EXPECT_EQ(c[1], c[0]);
  EXPECT_EQ(c[4], c[0]);
  EXPECT_NE(c[2], c[3]);
  EXPECT_NE(c[5], c[2]);
  EXPECT_NE(c[5], c[3]);
  EXPECT_NE(c[6], c[7]);
  const auto off = clusters(false);
  EXPECT_NE(off[4], off[0]);
}

// Two namesakes registered in full (other fathers, other birthdays), each also registered
// sparsely by a hotline ("name + year"): the sparse records fit both, but the full pair says two
// persons, and it holds (complete linkage where patronymic and date of birth are known).
TEST(Linkage, NamesakesAreNotJoinedThroughSparseRegistrations) {
  const std::vector<FieldSpec> fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname},
                                         {"patronymic", FieldKind::Patronymic}, {"dob", FieldKind::Dob}};
  std::vector<InputRecord> records = {
      {"a", 0, {"Tahir", "Zardabi", "Rauf", "1980-05-05"}}, {"a2", 0, {"Tahir", "Zardabi", "", "1980"}},
      {"b", 0, {"Tahir", "Zardabi", "Vasif", "1980-09-17"}}, {"b2", 0, {"Tahir", "Zardabi", "", "1980"}}};
  auto clusters = [&](bool veto) {
    MatchOptions o;
    o.veto_full_pairs = veto;
    o.attach_max = 0;
    Matcher m(fields, o);
    m.add(records);
    Model model = m.model();
    model.term_frequencies = false;
    model.lambda = 0.1;  // exact agreement +4.2 bits, plain disagreement -6.5, other levels -1
    for (auto& field : model.levels)
      for (std::size_t l = 0; l < field.size(); ++l) {
        field[l].m = l == 0 ? 0.9 : l + 1 == field.size() ? 0.01 : 0.05;
        field[l].u = l == 0 ? 0.05 : l + 1 == field.size() ? 0.9 : 0.1;
      }
    m.setModel(model);
    EXPECT_LT(m.scorePair(0, 2).probability, 0.3);  // the full pair: two persons
    EXPECT_GT(m.scorePair(1, 2).probability, 0.9);  // a sparse record fits either
    return m.cluster(m.score(m.candidatePairs(), 0.3));
  };
  const auto with = clusters(true);
  EXPECT_NE(with[0], with[2]);
  const auto without = clusters(false);
  EXPECT_EQ(without[0], without[2]);  // what the veto prevents: the sparse records chain them
}

// EM recovers the agreement probability of a field whose value duplicates keep 90 % of the
// time, against chance agreement of 1 in 10.
TEST(Linkage, EmConvergesOnAKnownMixture) {
  const std::vector<FieldSpec> fields = {{"first_name", FieldKind::Given}, {"surname", FieldKind::Surname},
                                         {"dob", FieldKind::Dob}, {"postcode", FieldKind::Code}};
  std::mt19937_64 rng(11);
  std::vector<InputRecord> records;
  for (int p = 0; p < 3000; ++p) {
    const std::string g = "g" + std::to_string(rng() % 400), s = "s" + std::to_string(rng() % 900);
    char dob[16];
    // One draw per statement (argument order is the compiler's), last argument first as GCC drew them.
    const int day = 1 + static_cast<int>(rng() % 28), month = 1 + static_cast<int>(rng() % 12);
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 1940 + static_cast<int>(rng() % 60), month, day);
    const std::string code = std::to_string(rng() % 10);
    records.push_back({"a" + std::to_string(p), 0, {g, s, dob, code}});
    records.push_back({"b" + std::to_string(p), 0, {g, s, dob, rng() % 10 < 9 ? code : std::to_string(rng() % 10)}});
  }
  MatchOptions o;
  o.u_sample_pairs = 200000;
  Matcher m(fields, o);
  m.add(records);
  const auto pairs = m.candidatePairs();
  m.train(pairs);
  const Model& model = m.model();
  EXPECT_TRUE(model.em_converged) << model.em_iterations_run << " iterations";
  const auto& code = model.levels[3];
  EXPECT_NEAR(code[0].u, 0.1, 0.01);
  // Duplicates keep the code 90 % of the time, and a changed code still agrees 1 time in 10.
  EXPECT_NEAR(code[0].m, 0.9 + 0.1 * 0.1, 0.03);
  EXPECT_GT(model.levels[2][0].m, 0.9);  // dates of birth of duplicates agree exactly
}

TEST(Linkage, ReviewDecisionsOverrideTheModel) {
  std::vector<std::string> truth;
  auto records = population(300, 5, &truth);
  Matcher m(kFields);
  m.add(records);
  const auto pairs = m.candidatePairs();
  m.train(pairs);
  const auto links = m.score(pairs, 0.3);
  const auto plain = m.cluster(links);
  EXPECT_EQ(plain[0], plain[1]);  // p0a and p0b: one person
  EXPECT_NE(plain[0], plain[2]);
  // A reviewer says p0a and p0b are different people, and p0a and p1a are the same.
  const auto decided = m.cluster(links, {{0, 2}}, {{0, 1}});
  EXPECT_NE(decided[0], decided[1]);
  EXPECT_EQ(decided[0], decided[2]);
  const Quality q = evaluate(plain, truth);
  EXPECT_GT(q.f1, 0.95);
}

TEST(Linkage, ClusterNumbersStayWhenUnrelatedRegistrationsArrive) {
  auto records = population(200, 9);
  Matcher first(kFields);
  first.add(records);
  auto pairs = first.candidatePairs();
  first.train(pairs);
  const auto before = first.cluster(first.score(pairs, 0.3));
  // The same registrations plus newcomers (other people), scored with the same model.
  Matcher second(kFields);
  second.add(records);
  auto more = population(100, 1234);
  for (auto& r : more) r.values[1] = "Zz" + r.values[1];  // other families
  second.add(more);
  second.setModel(first.model());
  pairs = second.candidatePairs();
  const auto after = second.cluster(second.score(pairs, 0.3));
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(before[i], after[i]) << i;
}

TEST(Linkage, IncrementalSearchFindsTheKnownPerson) {
  auto records = population(500, 3);
  Matcher m(kFields);
  m.add(records);
  m.train(m.candidatePairs());
  InputRecord probe = records[40];  // p20a, typed again with a spelling of its own
  probe.id = "new";
  probe.values[1] = probe.values[1] + "a";
  const auto found = m.search(probe, 5, 0.5);
  ASSERT_FALSE(found.empty());
  EXPECT_TRUE(m.id(found[0].a) == "p20a" || m.id(found[0].a) == "p20b") << m.id(found[0].a);
  EXPECT_EQ(m.size(), records.size());  // the probe is not kept
}

TEST(Linkage, QualityMeasures) {
  // Truth {0,1,2} {3}; predicted {0,1} {2,3}: 1 correct pair of 2 predicted and 3 true.
  const Quality q = evaluate({0, 0, 2, 2}, {"a", "a", "a", "b"});
  EXPECT_EQ(q.true_pairs, 3U);
  EXPECT_EQ(q.predicted_pairs, 2U);
  EXPECT_EQ(q.correct_pairs, 1U);
  EXPECT_NEAR(q.precision, 0.5, 1e-9);
  EXPECT_NEAR(q.recall, 1.0 / 3, 1e-9);
}

}  // namespace

namespace {

// A register like the generated benchmark set, smaller: few names, so most candidate pairs are
// namesakes born the same year; duplicates share the full date (or give only its year).
std::vector<InputRecord> namesakes(int persons, uint64_t seed) {
  static const char* kGiven[] = {"Ali", "Rashad", "Leyla", "Aynur", "Tural"};
  static const char* kSur[] = {"Mammadov", "Aliyev", "Hasanov", "Guliyev"};
  std::mt19937_64 rng(seed);
  std::vector<InputRecord> out;
  for (int p = 0; p < persons; ++p) {
    const std::string g = kGiven[rng() % 5], s = kSur[rng() % 4];
    char dob[16];
    // One draw per statement (argument order is the compiler's), last argument first as GCC drew them.
    const int day = 1 + static_cast<int>(rng() % 28), month = 1 + static_cast<int>(rng() % 12);
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 1980 + static_cast<int>(rng() % 5), month, day);
    const int regs = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < regs; ++k)
      out.push_back(rec("p" + std::to_string(p) + "-" + std::to_string(k), g, s, rng() % 3 == 0 ? std::string(dob, 4) : dob));
  }
  return out;
}

}  // namespace

// EM on a register of namesakes settles on "same name, same birth year"; that solution is
// recognised and the priors stand in, and the persons still come apart.
TEST(Linkage, EmSolutionsThatAreNotPersonsFallBackToPriors) {
  MatchOptions o;
  o.max_block = 100000;  // every namesake pair is a candidate
  o.u_sample_pairs = 100000;
  Matcher m(kFields, o);
  const auto records = namesakes(1500, 21);
  m.add(records);
  const auto pairs = m.candidatePairs();
  m.train(pairs);
  const Model& model = m.model();
  EXPECT_TRUE(model.em_implausible);
  const auto prior = priorM(FieldKind::Dob);
  for (std::size_t l = 0; l < prior.size(); ++l) EXPECT_EQ(model.levels[2][l].m, prior[l]) << model.levels[2][l].name;
  std::vector<std::string> truth;
  for (const auto& r : records) truth.push_back(r.id.substr(0, r.id.find('-')));
  const Quality q = evaluate(m.cluster(m.score(pairs, 0.3)), truth);
  EXPECT_GT(q.precision, 0.95);
  // Five given names, four surnames, five birth years: a name and a full date of birth are not
  // enough to be sure here, but the duplicates that have both reach the review queue.
  int full = 0, reviewed = 0;
  for (uint32_t i = 0; i + 1 < records.size(); ++i)
    if (truth[i] == truth[i + 1] && records[i].values[2].size() == 10 && records[i + 1].values[2].size() == 10) {
      ++full;
      reviewed += m.scorePair(i, i + 1).probability >= 0.3 ? 1 : 0;
    }
  ASSERT_GT(full, 100);
  EXPECT_EQ(reviewed, full);

  // A register whose duplicates EM can see keeps EM's m.
  Matcher plain(kFields);
  plain.add(population(300, 5));
  plain.train(plain.candidatePairs());
  EXPECT_FALSE(plain.model().em_implausible);
}
