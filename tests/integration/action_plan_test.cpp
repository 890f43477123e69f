// P3 action plans over the HTTP API with the product schema (docs/prevention-plans-cooperation.md):
// the coordinator's office writes a plan and its measures and shares each with its responsible
// body; a body's focal point sees and reports on its own body's measures only, with evidence;
// an overdue measure is a task for the body and for the office; the office assesses.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string R = "/api/v1/records/";


TEST(ActionPlan, AFocalPointReportsOnItsOwnBodysMeasuresOnly) {
  DemoServer s("palermo-plan", false);
  Client office = s.user("nc", "coordinator", s.agency("Milli Koordinatorun aparatı", "coordinator"));
  const int64_t education = s.agency("Təhsil Nazirliyi", "education");
  const int64_t committee = s.agency("Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi", "ministry");
  Client teacher = s.user("fp1", "focal_point", education);
  Client family = s.user("fp2", "focal_point", committee);

  const int64_t plan = created(office.call("POST", R + "action_plan",
                                           {{"title_az", "Milli Fəaliyyət Planı 2020–2024"}, {"period_from", 2020},
                                            {"period_to", 2024}, {"participating_bodies", 32}}),
                               "plan");
  EXPECT_EQ(office.call("POST", R + "action_plan", {{"title_az", "Səhv"}, {"period_from", 2024}, {"period_to", 2020}}).status,
            422);  // the last year before the first
  auto measure = [&](const std::string& number, const std::string& body, int64_t agency) {
    const int64_t id = created(office.call("POST", R + "plan_measure",
                                           {{"plan", plan}, {"number", number}, {"chapter", "Uşaqların müdafiəsi"},
                                            {"text_az", "Tədbir " + number}, {"responsible_body", body},
                                            {"due_on", "2021-12-31"}, {"next_report_due", "2021-01-31"}}),
                               "measure");
    auto shared = office.call("POST", R + "plan_measure/" + std::to_string(id) + "/grants",
                              {{"agency_id", agency}, {"reason", "Məsul icraçı"}});
    EXPECT_EQ(shared.status, 201) << shared.body;
    return id;
  };
  const int64_t schools = measure("7.11", "Təhsil Nazirliyi", education);
  const int64_t marriage = measure("7.6", "Ailə Komitəsi", committee);

  // Each focal point sees its body's measure, not the other's.
  EXPECT_EQ(teacher.call("GET", R + "plan_measure/" + std::to_string(schools)).status, 200);
  EXPECT_EQ(teacher.call("GET", R + "plan_measure/" + std::to_string(marriage)).status, 404);
  const Json listed = teacher.call("GET", R + "plan_measure").json();
  ASSERT_EQ(listed["items"].size(), 1U) << listed.dump();
  EXPECT_EQ(listed["items"][0]["id"], schools);
  EXPECT_EQ(teacher.call("GET", R + "action_plan/" + std::to_string(plan)).status, 200);  // the plan of its measure
  // Nor may it change a measure or report on another body's.
  EXPECT_NE(teacher.call("PATCH", R + "plan_measure/" + std::to_string(schools), {{"number", "1"}}, {{"If-Match", "1"}}).status,
            200);
  auto foreign = teacher.call("POST", R + "progress_report",
                              {{"measure", marriage}, {"period", "2020"}, {"body", "Təhsil Nazirliyi"},
                               {"status", "done"}, {"report", "..."}, {"submitted_on", "2021-01-20"}});
  EXPECT_EQ(foreign.status, 422);
  EXPECT_NE(foreign.body.find("there is no plan_measure record"), std::string::npos) << foreign.body;

  // Overdue: a task for the body and for the office, not for the other body.
  EXPECT_TRUE(hasTask(teacher, "measure_due", schools));
  EXPECT_TRUE(hasTask(office, "measure_due", schools));
  EXPECT_FALSE(hasTask(family, "measure_due", schools));
  EXPECT_TRUE(hasTask(family, "progress_report_due", marriage));

  // The progress report, with evidence.
  const std::string pdf = "%PDF-1.4\n% made-up evidence for a test\n%%EOF\n";
  auto up = s.server->request("POST", "/api/v1/attachments/progress_report/evidence?name=hesabat.pdf", pdf,
                              {{"Cookie", teacher.cookie}, {"X-CSRF-Token", teacher.csrf}, {"Content-Type", "application/pdf"}});
  ASSERT_EQ(up.status, 201) << up.body;
  const int64_t report = created(teacher.call("POST", R + "progress_report",
                                              {{"measure", schools}, {"period", "2021"}, {"body", "Təhsil Nazirliyi"},
                                               {"status", "in_progress"}, {"report", "Risk qrupundakı uşaqlarla iş aparılıb."},
                                               {"evidence", up.json()["id"]}, {"submitted_on", "2021-12-15"}}),
                                 "progress report");
  EXPECT_EQ(family.call("GET", R + "progress_report/" + std::to_string(report)).status, 404);
  // The office assesses: accepts the report, marks the measure done; the tasks go.
  EXPECT_EQ(step(teacher, "progress_report", report, "accept", {{"assessed_on", "2021-12-18"}}).status, 403);
  ASSERT_EQ(step(office, "progress_report", report, "accept", {{"assessed_on", "2021-12-18"}}).status, 200);
  ASSERT_EQ(step(office, "plan_measure", schools, "mark_done", {{"assessed_on", "2021-12-20"}}).status, 200);
  EXPECT_FALSE(hasTask(teacher, "measure_due", schools));
  EXPECT_FALSE(hasTask(office, "measure_due", schools));
  EXPECT_TRUE(hasTask(office, "measure_due", marriage));
  // The dashboard's figure: measures due in 2021 by state and body.
  auto fig = office.call("GET", "/api/v1/statistics/indicators/plan_measures_due?period=2021&edition=restricted");
  ASSERT_EQ(fig.status, 200) << fig.body;
  EXPECT_EQ(fig.json()["value"], 2);
  bool done = false;
  const Json figure = fig.json();  // kept: the loop reads into it
  for (const auto& b : figure["breakdowns"])
    if (b["dimension"] == "measure_state")
      for (const auto& c : b["cells"]) done = done || (c["code"] == "done" && c["value"] == 1);
  EXPECT_TRUE(done) << fig.body;

  // The plan's implementation report for 2021, in three languages, for the office only.
  const std::string url = "/api/v1/plans/" + std::to_string(plan) + "/implementation-report?year=2021";
  EXPECT_EQ(teacher.call("GET", url + "&format=json").status, 403);
  EXPECT_EQ(office.call("GET", "/api/v1/plans/999999/implementation-report?year=2021").status, 404);
  EXPECT_EQ(office.call("GET", url + "&format=doc").status, 422);
  for (const char* lang : {"az", "en", "ru"}) {
    auto json = office.call("GET", url + "&lang=" + lang + "&format=json");
    ASSERT_EQ(json.status, 200) << json.body;
    EXPECT_NE(json.body.find("7.11. Tədbir 7.11"), std::string::npos) << json.body;  // no text_en/ru: the az text
    EXPECT_NE(json.body.find("Risk qrupundakı uşaqlarla iş aparılıb."), std::string::npos) << json.body;
  }
  auto en = office.call("GET", url + "&lang=en&format=json").json();
  EXPECT_NE(en["subtitle"].get<std::string>().find("Measures: 2 (done 1, open 1, not done 0)"), std::string::npos) << en.dump();
  auto plan_pdf = office.call("GET", url + "&lang=az&format=pdf");
  ASSERT_EQ(plan_pdf.status, 200);
  EXPECT_EQ(plan_pdf.header("content-type"), "application/pdf");
  writeFile(s.dir / "plan.pdf", plan_pdf.body);
  const std::string text = flat(shell("pdftotext -enc UTF-8 '" + (s.dir / "plan.pdf").string() + "' - 2>&1"));
  EXPECT_NE(text.find("2021-ci il üzrə icra hesabatı"), std::string::npos) << text.substr(0, 2000);
  auto odt = office.call("GET", url + "&lang=ru&format=odt");
  ASSERT_EQ(odt.status, 200);
  writeFile(s.dir / "plan.odt", odt.body);
  const std::string conv = shell("cd '" + s.dir.string() + "' && timeout 90 libreoffice --headless --norestore -env:UserInstallation=file://" +
                                 (s.dir / "lo-profile").string() + " --convert-to pdf --outdir '" + (s.dir / "lo").string() +
                                 "' plan.odt 2>&1");
  ASSERT_TRUE(std::filesystem::exists(s.dir / "lo" / "plan.pdf")) << "LibreOffice did not convert the ODT: " << conv;
  const std::string odt_text = flat(shell("pdftotext -enc UTF-8 '" + (s.dir / "lo" / "plan.pdf").string() + "' - 2>&1"));
  EXPECT_NE(odt_text.find("отчёт об исполнении за 2021 год"), std::string::npos) << odt_text.substr(0, 2000);
}

}  // namespace
