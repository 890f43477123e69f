// The annual report over the HTTP API of a real server with the national demo dataset: the
// coordinator downloads the 2019 report as PDF (its text, extracted by pdftotext, states the
// figures in Azerbaijani letters), as ODT (LibreOffice converts it headless) and as XLSX; a
// case worker is refused the restricted edition and the records behind a figure; the
// coordinator's look at the records behind a figure is in the audit log; the international
// returns (GLOTIP, Eurostat) come from the same records.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "harness.hpp"
#include "support/table_schema.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

TEST(AnnualReport, CoordinatorDownloadsThe2019ReportFromRecords) {
  DemoServer demo("palermo-report");
  Client& admin = demo.admin;
  const auto& dir = demo.dir;
  Client coordinator = demo.user("coordinator", "coordinator", demo.agency("Koordinator (test)", "coordinator"));
  Client ngo = demo.user("ngo", "case_worker", demo.agency("QHT (test)", "ngo"));

  // The PDF, public edition in Azerbaijani: the text states the figures and the letters.
  auto pdf = coordinator.call("GET", "/api/v1/reports/annual?year=2019&lang=az&format=pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  EXPECT_NE(pdf.header("content-disposition").find("palermo-annual-report-2019-az.pdf"), std::string::npos);
  writeFile(dir / "report.pdf", pdf.body);
  const std::string text = flat(shell("pdftotext -enc UTF-8 '" + (dir / "report.pdf").string() + "' - 2>&1"));
  for (const char* expected : {"91 şəxs insan alverinin qurbanı kimi tanınıb", "6845 müraciət", "Türkiyə 54", "Qətər 16",
                               "qeyd olunmayıb: x", "x — hesaba alınan şəxsləri qorumaq üçün dərc edilmir", "186", "1514", "976", "570", "Azərbaycan"})
    EXPECT_NE(text.find(expected), std::string::npos) << "missing in the PDF text: " << expected << "\n" << text.substr(0, 3000);
  EXPECT_NE(shell("pdffonts '" + (dir / "report.pdf").string() + "'").find("DejaVu"), std::string::npos);

  // The restricted edition is exact; the case worker may not have it.
  auto exact = coordinator.call("GET", "/api/v1/reports/annual?year=2019&lang=en&format=json&edition=restricted");
  ASSERT_EQ(exact.status, 200) << exact.body;
  EXPECT_NE(exact.body.find("not recorded: 3"), std::string::npos);
  EXPECT_EQ(ngo.call("GET", "/api/v1/reports/annual?year=2019&lang=en&format=json&edition=restricted").status, 403);
  EXPECT_EQ(ngo.call("GET", "/api/v1/statistics/indicators/victims_identified/records?period=2019").status, 403);
  auto bad = coordinator.call("GET", "/api/v1/reports/annual?year=2019&lang=fr&format=doc");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("\"lang\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("\"format\""), std::string::npos) << bad.body;

  // The editable document opens in LibreOffice (converted headless) with the same figures.
  auto odt = coordinator.call("GET", "/api/v1/reports/annual?year=2019&lang=ru&format=odt&edition=restricted");
  ASSERT_EQ(odt.status, 200);
  writeFile(dir / "report.odt", odt.body);
  const std::string conv = shell("cd '" + dir.string() + "' && timeout 90 libreoffice --headless --norestore -env:UserInstallation=file://" +
                                 (dir / "lo-profile").string() + " --convert-to pdf --outdir '" + (dir / "lo").string() +
                                 "' report.odt 2>&1");
  ASSERT_TRUE(std::filesystem::exists(dir / "lo" / "report.pdf")) << "LibreOffice did not convert the ODT: " << conv;
  const std::string odt_text = flat(shell("pdftotext -enc UTF-8 '" + (dir / "lo" / "report.pdf").string() + "' - 2>&1"));
  EXPECT_NE(odt_text.find("признаны 91"), std::string::npos) << odt_text.substr(0, 2000);

  // The data annex.
  auto xlsx = coordinator.call("GET", "/api/v1/reports/annual?year=2019&lang=en&format=xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

  // Where a number comes from: its definition, and the records behind it (audited).
  auto fig = coordinator.call("GET", "/api/v1/statistics/indicators/victims_identified?period=2019&lang=en");
  ASSERT_EQ(fig.status, 200) << fig.body;
  EXPECT_EQ(fig.json()["value"], 91);
  EXPECT_NE(fig.json()["definition"].get<std::string>().find("identification decision"), std::string::npos);
  auto behind = coordinator.call("GET", "/api/v1/statistics/indicators/victims_identified/records?period=2019");
  ASSERT_EQ(behind.status, 200) << behind.body;
  EXPECT_EQ(behind.json()["count"], 91);
  auto one = coordinator.call("GET", "/api/v1/records/victim_case/" + std::to_string(behind.json()["ids"][0].get<int64_t>()));
  EXPECT_EQ(one.status, 200);
  auto audit = admin.call("GET", "/api/v1/audit?action=statistics.records");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_EQ(audit.json()["items"].size(), 1U) << audit.body;

  // The international returns (S3): the coordinator lists them and downloads GLOTIP's long table
  // for 2019, whose total is the report's 91; the case worker is refused; bad parameters name
  // themselves; each download is audited.
  auto listed = coordinator.call("GET", "/api/v1/reports/international?lang=en");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("\"glotip\""), std::string::npos);
  EXPECT_NE(listed.body.find("\"eurostat\""), std::string::npos);
  EXPECT_EQ(ngo.call("GET", "/api/v1/reports/international").status, 404);
  auto glotip = coordinator.call("GET", "/api/v1/reports/international/glotip?year=2019&format=csv");
  ASSERT_EQ(glotip.status, 200) << glotip.body;
  EXPECT_EQ(glotip.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(glotip.header("content-disposition").find("palermo-glotip-2019.csv"), std::string::npos);
  EXPECT_NE(glotip.body.find("AZE,2019,glotip,detected_victims,Detected victims,Total,Total,Total,,91,91,"), std::string::npos)
      << glotip.body.substr(0, 2000);
  EXPECT_EQ(ngo.call("GET", "/api/v1/reports/international/glotip?year=2019").status, 403);
  EXPECT_EQ(coordinator.call("GET", "/api/v1/reports/international/glotip?year=2019%00&format=csv").status, 400);
  auto bad_year = coordinator.call("GET", "/api/v1/reports/international/glotip?year=+2019&format=csv");
  EXPECT_EQ(bad_year.status, 422);
  EXPECT_NE(bad_year.body.find("\"year\""), std::string::npos) << bad_year.body;
  EXPECT_EQ(coordinator.call("GET", "/api/v1/reports/international/glotip?year=2019&format=xls").status, 422);
  EXPECT_EQ(coordinator.call("GET", "/api/v1/reports/international/..%2Fglotip?year=2019").status, 404);
  // SDG 16.2.2 as a workbook: it opens in LibreOffice, and its data sheet, read back by
  // LibreOffice, validates against the layout's declared schema, as does IC-TIP's CSV.
  auto sdg = coordinator.call("GET", "/api/v1/reports/international/sdg?year=2019&format=xlsx&lang=az");
  ASSERT_EQ(sdg.status, 200) << sdg.body;
  EXPECT_EQ(sdg.header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(sdg.header("content-disposition").find("palermo-sdg-2019.xlsx"), std::string::npos);
  writeFile(dir / "sdg.xlsx", sdg.body);
  const std::string sheets = shell("cd '" + dir.string() + "' && timeout 90 libreoffice --headless --norestore -env:UserInstallation=file://" +
                                   (dir / "lo-profile").string() +
                                   " --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' --outdir '" +
                                   (dir / "lo").string() + "' sdg.xlsx 2>&1");
  ASSERT_TRUE(std::filesystem::exists(dir / "lo" / "sdg-data.csv")) << "LibreOffice did not open the XLSX: " << sheets;
  auto readText = [](const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  auto schemaOf = [&](const std::string& id) {
    return Json::parse(readText(std::string(PALERMO_SOURCE_DIR) + "/indicators/international/layouts/" + id + ".schema.json"));
  };
  const std::string sdg_data = readText(dir / "lo" / "sdg-data.csv");
  const auto sdg_violations = palermo::tableSchemaViolations(schemaOf("sdg"), sdg_data);
  EXPECT_TRUE(sdg_violations.empty()) << sdg_violations.front() << "\n" << sdg_data.substr(0, 1000);
  EXPECT_NE(sdg_data.find(",Total,Total,Total,91,91,9981457,"), std::string::npos) << sdg_data.substr(0, 2000);
  EXPECT_NE(readText(dir / "lo" / "sdg-notes.csv").find("Dövlət Statistika Komitəsi"), std::string::npos);
  auto ictip = coordinator.call("GET", "/api/v1/reports/international/ictip?year=2019&format=csv");
  ASSERT_EQ(ictip.status, 200) << ictip.body;
  const auto ictip_violations = palermo::tableSchemaViolations(schemaOf("ictip"), ictip.body);
  EXPECT_TRUE(ictip_violations.empty()) << ictip_violations.front();
  // The CTDC victim-level file: CSV in CTDC's 63 columns; k below 11 refused; audited with counts.
  auto ctdc = coordinator.call("GET", "/api/v1/reports/international/ctdc?year=2019");
  ASSERT_EQ(ctdc.status, 200) << ctdc.body;
  EXPECT_EQ(ctdc.body.rfind("yearOfRegistration,Datasource,gender,ageBroad,", 0), 0U) << ctdc.body.substr(0, 300);
  EXPECT_NE(ctdc.header("content-disposition").find("palermo-ctdc-2019.csv"), std::string::npos);
  EXPECT_FALSE(ctdc.header("x-ctdc-rows").empty());
  auto low_k = coordinator.call("GET", "/api/v1/reports/international/ctdc?year=2019&k=5");
  EXPECT_EQ(low_k.status, 422);
  EXPECT_NE(low_k.body.find("\"k\""), std::string::npos) << low_k.body;
  EXPECT_EQ(coordinator.call("GET", "/api/v1/reports/international/ctdc?year=2019&k=1e3").status, 422);
  auto synthetic = coordinator.call("GET", "/api/v1/reports/international/ctdc?year=2019&synthetic=true");
  ASSERT_EQ(synthetic.status, 200) << synthetic.body;
  EXPECT_EQ(synthetic.body.rfind("yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,typeOfExploitConcatenated,count", 0), 0U);
  EXPECT_NE(synthetic.header("content-disposition").find("palermo-ctdc-synthetic-2019.csv"), std::string::npos);
  EXPECT_EQ(coordinator.call("GET", "/api/v1/reports/international/ctdc?year=2019&synthetic=yes").status, 422);
  EXPECT_EQ(ngo.call("GET", "/api/v1/reports/international/ctdc?year=2019").status, 403);
  auto ctdc_audit = admin.call("GET", "/api/v1/audit?action=statistics.ctdc_export");
  ASSERT_EQ(ctdc_audit.status, 200) << ctdc_audit.body;
  EXPECT_EQ(ctdc_audit.json()["items"].size(), 2U) << ctdc_audit.body;  // the file and its synthetic variant
  auto returns_audit = admin.call("GET", "/api/v1/audit?action=statistics.international_return");
  ASSERT_EQ(returns_audit.status, 200) << returns_audit.body;
  EXPECT_EQ(returns_audit.json()["items"].size(), 3U) << returns_audit.body;  // GLOTIP, SDG, IC-TIP
}

}  // namespace
