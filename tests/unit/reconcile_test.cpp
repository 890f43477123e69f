// Payment statements: columns by name, amounts in AZN with a point or a comma, every mistake
// named by line.
#include <gtest/gtest.h>

#include <sstream>

#include "subsidies/reconcile.hpp"

using namespace palermo::records;
using namespace palermo::subsidies;

TEST(Statement, ColumnsByNameAmountsInAzn) {
  std::istringstream in(
      "\xEF\xBB\xBFpayee,paid_on,amount,payment_reference\n"
      "x,2019-07-15,\"700,00\",PAY-1\n"
      "y,2019-07-16,400,PAY-2\n"
      "\n"
      "z,2019-07-17,12.5,PAY-3\n");
  std::vector<std::string> errors;
  const auto lines = readStatement(in, errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].reference, "PAY-1");
  EXPECT_EQ(lines[0].amount, 70000);
  EXPECT_EQ(lines[1].amount, 40000);
  EXPECT_EQ(lines[2].amount, 1250);
  EXPECT_EQ(lines[2].line, 5);
}

TEST(Statement, MistakesAreNamedByLine) {
  std::istringstream missing("reference,amount,paid_on\nPAY-1,1,2019-01-01\n");
  std::vector<std::string> errors;
  (void)readStatement(missing, errors);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_NE(errors[0].find("payment_reference"), std::string::npos);
  std::istringstream bad("payment_reference,amount,paid_on\n,7.001,2019-13-01\n");
  errors.clear();
  (void)readStatement(bad, errors);
  ASSERT_EQ(errors.size(), 3U);
  for (const auto& e : errors) EXPECT_EQ(e.rfind("line 2:", 0), 0U) << e;
}
