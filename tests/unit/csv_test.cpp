// core/csv: the one CSV reader and writer (imports, statements, linkage data, exports).
#include <gtest/gtest.h>

#include <sstream>

#include "core/csv.hpp"

using namespace palermo;

namespace {

std::vector<std::vector<std::string>> readAll(const std::string& text, char sep = ',', std::vector<int>* lines = nullptr,
                                              char* chosen = nullptr) {
  std::istringstream in(text);
  csv::Reader r(in, sep);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> cells;
  while (r.next(cells)) {
    out.push_back(cells);
    if (lines) lines->push_back(r.line());
  }
  if (chosen) *chosen = r.separator();
  return out;
}

}  // namespace

TEST(Csv, ReadsRfc4180RecordsWithTheirLines) {
  std::vector<int> lines;
  const auto rows = readAll("\xEF\xBB\xBFname,note\r\n\"Məmmədov, Elnur\",\"said \"\"no\"\"\nthen left\"\r\nx,\n", ',', &lines);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"name", "note"}));  // the BOM dropped
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Məmmədov, Elnur", "said \"no\"\nthen left"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"x", ""}));
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 4}));  // the quoted line break counts
}

TEST(Csv, ChoosesTheSeparatorFromTheHeader) {
  char sep = 0;
  auto rows = readAll("payment_reference;amount;paid_on\nP-1;700,00;2019-07-01\n", '\0', nullptr, &sep);
  EXPECT_EQ(sep, ';');
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"P-1", "700,00", "2019-07-01"}));  // the decimal comma kept
  rows = readAll("\"a;b\",c\n1,2\n", '\0', nullptr, &sep);
  EXPECT_EQ(sep, ',');
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a;b", "c"}));
}

TEST(Csv, HostileInputNeverFails) {
  // An unterminated quote runs to the end; a quote inside an unquoted cell is kept; NUL bytes
  // and invalid UTF-8 are cells like any other (the callers validate values).
  auto rows = readAll("a,\"never closed\nb,c");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][1], "never closed\nb,c");
  rows = readAll(std::string("ab\"c,\xff\0x\n", 10));
  EXPECT_EQ(rows[0][0], "ab\"c");
  EXPECT_EQ(rows[0][1], std::string("\xff\0x", 3));
  EXPECT_TRUE(readAll("").empty());
  EXPECT_EQ(readAll("\xEF\xBB").size(), 1U);  // a cut byte-order mark is data
}

TEST(Csv, WritesCellsThatReadBackAndCannotRunInASpreadsheet) {
  EXPECT_EQ(csv::cell("plain"), "plain");
  EXPECT_EQ(csv::cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv::cell("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(csv::safeCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv::safeCell("-5"), "'-5");
  EXPECT_EQ(csv::jsonCell(Json{"a", "b"}), "a;b");
  EXPECT_EQ(csv::jsonCell(nullptr), "");
  EXPECT_EQ(csv::jsonCell(12.5), "12.5");
  const std::string line = csv::row({csv::cell("x,y"), csv::cell("line\nbreak"), csv::cell("")});
  const auto back = readAll(line);
  ASSERT_EQ(back.size(), 1U);
  EXPECT_EQ(back[0], (std::vector<std::string>{"x,y", "line\nbreak", ""}));
}
