// Rules as code: the screening rules (every branch of the dimension rule, the adult and child
// rules, the overall results), answer checking, explanations, rate tables, and the shipped
// data files loading cleanly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rules/rulebook.hpp"

using namespace palermo;
using namespace palermo::rules;

namespace {

// Every dimension has the same six indicators: two strong, three medium, one weak, all in both
// adult and child labour lists; indicator s1 of dimension 1 is only in the adult list.
std::string tinyRuleset() {
  std::string y = "ruleset: tiny\nversion: 3\nlabel: {az: Kiçik, en: Tiny}\nlists:\n"
                  "  - {code: adult_labour, audience: adult, exploitation: labour, label: {az: B}}\n"
                  "  - {code: child_labour, audience: child, exploitation: labour, label: {az: U}}\n"
                  "dimensions:\n";
  for (int d = 1; d <= 6; ++d) {
    y += "  - number: " + std::to_string(d) + "\n    code: dim" + std::to_string(d) + "\n    label: {az: Ölçü " +
         std::to_string(d) + ", en: Dimension " + std::to_string(d) + "}\n    indicators:\n";
    for (const char* g : {"s1", "s2", "m1", "m2", "m3", "w1"}) {
      const std::string grade(1, static_cast<char>(std::toupper(g[0])));
      const std::string code = "d" + std::to_string(d) + "_" + g;
      const bool adult_only = d == 1 && std::string(g) == "s1";
      y += "      - code: " + code + "\n        label: {az: " + code + ", en: Indicator " + code + "}\n" +
           "        grades: {adult_labour: " + grade + (adult_only ? "" : ", child_labour: " + grade) + "}\n";
    }
  }
  return y;
}

class Rules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("palermo-rules-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "screening");
    std::filesystem::create_directories(dir_ / "rates");
    std::ofstream(dir_ / "screening" / "tiny.yaml") << tinyRuleset();
    std::vector<FileError> errors;
    book_ = RuleBook::load(dir_.string(), errors);
    ASSERT_TRUE(errors.empty()) << errors.front().message;
    rs_ = book_.ruleset("tiny");
    ASSERT_NE(rs_, nullptr);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Yes to the named indicators of a dimension (e.g. {"s1", "m2"}).
  static void yes(Json& answers, int d, std::initializer_list<const char*> which) {
    for (const char* w : which) answers["d" + std::to_string(d) + "_" + w] = "yes";
  }
  // Every other indicator of the list answered "no", so nothing is left open.
  static void restNo(Json& answers, bool child = false) {
    for (int d = 1; d <= 6; ++d)
      for (const char* g : {"s1", "s2", "m1", "m2", "m3", "w1"}) {
        const std::string code = "d" + std::to_string(d) + "_" + g;
        if (child && code == "d1_s1") continue;
        if (!answers.contains(code)) answers[code] = "no";
      }
  }
  bool dimPositive(std::initializer_list<const char*> which) {
    Json a = Json::object();
    yes(a, 4, which);
    restNo(a);
    return book_.evaluate(*rs_, false, "labour", a).dimensions[3].positive;
  }

  std::filesystem::path dir_;
  RuleBook book_;
  const Ruleset* rs_ = nullptr;
};

}  // namespace

TEST_F(Rules, DimensionRuleEveryBranch) {
  EXPECT_TRUE(dimPositive({"s1", "s2"}));        // 2 strong
  EXPECT_TRUE(dimPositive({"s1", "m1"}));        // 1 strong + 1 medium
  EXPECT_TRUE(dimPositive({"s1", "w1"}));        // 1 strong + 1 weak
  EXPECT_TRUE(dimPositive({"m1", "m2", "m3"}));  // 3 medium
  EXPECT_TRUE(dimPositive({"m1", "m2", "w1"}));  // 2 medium + 1 weak
  EXPECT_FALSE(dimPositive({"s1"}));
  EXPECT_FALSE(dimPositive({"m1", "m2"}));
  EXPECT_FALSE(dimPositive({"m1", "w1"}));
  EXPECT_FALSE(dimPositive({"w1"}));
  EXPECT_FALSE(dimPositive({}));
}

TEST_F(Rules, AdultNeedsRecruitmentExploitationAndMeans) {
  Json a = Json::object();
  yes(a, 2, {"s1", "s2"});  // recruitment by coercion
  yes(a, 4, {"s1", "m1"});  // exploitation
  restNo(a);
  auto r = book_.evaluate(*rs_, false, "labour", a);
  EXPECT_EQ(r.overall, "partly_indicated");  // no means at destination (5 or 6)
  EXPECT_EQ(r.positive_dimensions, (std::vector<std::string>{"dim2", "dim4"}));
  yes(a, 6, {"m1", "m2", "m3"});
  r = book_.evaluate(*rs_, false, "labour", a);
  EXPECT_EQ(r.overall, "indicated");
  EXPECT_EQ(r.ruleset_key, "tiny@3");
  EXPECT_EQ(r.list_code, "adult_labour");
  // Without exploitation (4) no adult is a victim, whatever else is positive.
  Json b = Json::object();
  yes(b, 1, {"s1", "s2"});
  yes(b, 5, {"s1", "s2"});
  restNo(b);
  EXPECT_EQ(book_.evaluate(*rs_, false, "labour", b).overall, "partly_indicated");
}

TEST_F(Rules, ChildNeedsNoMeans) {
  Json a = Json::object();
  yes(a, 3, {"m1", "m2", "m3"});
  yes(a, 4, {"s1", "s2"});
  restNo(a, true);
  const auto r = book_.evaluate(*rs_, true, "labour", a);
  EXPECT_EQ(r.overall, "indicated");
  EXPECT_EQ(r.list_code, "child_labour");
  // d1_s1 is not in the child list: answering it is refused, naming it.
  a["d1_s1"] = "yes";
  try {
    (void)book_.evaluate(*rs_, true, "labour", a);
    FAIL() << "an indicator outside the list was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("d1_s1"), std::string::npos);
  }
}

TEST_F(Rules, UnansweredIndicatorsMakeItInconclusiveNotNegative) {
  Json a = Json::object();
  yes(a, 1, {"s1", "s2"});
  yes(a, 4, {"s1", "s2"});  // dimensions 5 and 6 left unanswered
  auto r = book_.evaluate(*rs_, false, "labour", a);
  EXPECT_EQ(r.overall, "inconclusive");
  EXPECT_TRUE(r.dimensions[4].could_be_positive);
  restNo(a);
  EXPECT_EQ(book_.evaluate(*rs_, false, "labour", a).overall, "partly_indicated");
  Json none = Json::object();
  restNo(none);
  EXPECT_EQ(book_.evaluate(*rs_, false, "labour", none).overall, "not_indicated");
  // "unknown" counts as unanswered; notes may come with an answer.
  Json c = Json::object();
  yes(c, 1, {"s1", "s2"});
  yes(c, 4, {"s1", "s2"});
  restNo(c);
  c["d5_s1"] = Json{{"answer", "unknown"}, {"note", "did not want to say"}};
  c["d5_s2"] = "unknown";
  EXPECT_EQ(book_.evaluate(*rs_, false, "labour", c).overall, "inconclusive");
}

TEST_F(Rules, AnswersAreCheckedAndExplained) {
  EXPECT_THROW((void)book_.evaluate(*rs_, false, "labour", Json{{"nope", "yes"}}), std::invalid_argument);
  EXPECT_THROW((void)book_.evaluate(*rs_, false, "labour", Json{{"d1_s1", "maybe"}}), std::invalid_argument);
  EXPECT_THROW((void)book_.evaluate(*rs_, false, "sexual", Json::object()), std::invalid_argument);  // no such list
  Json a = Json::object();
  yes(a, 1, {"s1", "s2"});
  yes(a, 4, {"s1", "m1"});
  yes(a, 5, {"m1", "m2", "m3"});
  restNo(a);
  const auto r = book_.evaluate(*rs_, false, "labour", a);
  const std::string en = r.explanation(*rs_, "en");
  EXPECT_NE(en.find("point to a victim"), std::string::npos) << en;
  EXPECT_NE(en.find("4. Dimension 4: positive"), std::string::npos) << en;
  EXPECT_NE(en.find("Indicator d4_s1\u201D (S)"), std::string::npos) << en;
  EXPECT_NE(en.find("Indicator d4_m1\u201D (M)"), std::string::npos) << en;
  EXPECT_NE(r.explanation(*rs_, "az").find("müsbət"), std::string::npos);
  const Json j = r.toJson(*rs_, "ru");
  EXPECT_EQ(j["overall_result"], "indicated");
  EXPECT_EQ(j["dimensions"][3]["yes"].size(), 2U);
}

TEST_F(Rules, RateTablesAreEffectiveDated) {
  std::ofstream(dir_ / "rates" / "one_time_subsidy.yaml")
      << "rate_table: one_time_subsidy\nlabel: {az: B}\nrates:\n  - {amount: 40000, basis: old}\n"
         "  - {from: 2019-06-04, amount: 70000, basis: new}\n";
  std::vector<FileError> errors;
  auto book = RuleBook::load(dir_.string(), errors);
  ASSERT_TRUE(errors.empty());
  const auto* t = book.rateTable("one_time_subsidy");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->on("2015-01-01")->amount, 40000);
  EXPECT_EQ(t->on("2019-06-03")->amount, 40000);
  EXPECT_EQ(t->on("2019-06-04")->amount, 70000);
  EXPECT_EQ(t->on("2020-12-31")->amount, 70000);
  // Out of order is refused at load.
  std::ofstream(dir_ / "rates" / "bad.yaml")
      << "rate_table: bad\nrates:\n  - {from: 2020-01-01, amount: 1}\n  - {from: 2019-01-01, amount: 2}\n";
  std::vector<FileError> more;
  (void)RuleBook::load(dir_.string(), more);
  ASSERT_EQ(more.size(), 1U);
  EXPECT_NE(more[0].file.find("bad.yaml"), std::string::npos);
}

TEST(RulesShipped, TheProductRulesLoad) {
  std::vector<FileError> errors;
  const auto book = RuleBook::load(std::string(PALERMO_SOURCE_DIR) + "/rules", errors);
  for (const auto& e : errors) ADD_FAILURE() << e.file << ": " << e.message;
  const auto* ilo = book.ruleset("ilo_ec_2009");
  ASSERT_NE(ilo, nullptr);
  EXPECT_EQ(ilo->lists.size(), 4U);
  EXPECT_EQ(ilo->dimensions.size(), 6U);
  EXPECT_EQ(book.defaultRuleset(), "ilo_ec_2009");
  for (bool child : {false, true})
    for (const char* e : {"labour", "sexual"}) EXPECT_NE(ilo->list(child, e), nullptr);
  ASSERT_NE(book.rateTable("one_time_subsidy"), nullptr);
  EXPECT_EQ(book.rateTable("one_time_subsidy")->on("2019-06-04")->amount, 70000);
  EXPECT_EQ(book.rateTable("one_time_subsidy")->on("2019-06-03")->amount, 40000);
}
