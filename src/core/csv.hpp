// CSV, once (RFC 4180): the reader behind record imports, payment statements and linkage data
// sets, and the writer behind exports and report annexes. A parser of untrusted input (files
// users upload): bounded in what it keeps, never failing on bytes, fuzzed.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace palermo::csv {

// Reads records: quoted cells may hold the separator, quotes ("") and line breaks; lines end in
// LF or CR LF; a UTF-8 byte-order mark before the first cell is dropped. A quote inside an
// unquoted cell is kept as it is (spreadsheets write such files).
class Reader {
 public:
  // `separator`: ',' or ';'; '\0' chooses from the first line: ';' when it has a ';' outside
  // quotes and no ',' (the form spreadsheets in az/ru locales save), else ','.
  explicit Reader(std::istream& in, char separator = ',');
  // The next record into `cells`; false at the end of the input.
  bool next(std::vector<std::string>& cells);
  // The line the last record read starts on (1-based).
  [[nodiscard]] int line() const { return start_line_; }
  [[nodiscard]] char separator() const { return separator_; }

 private:
  std::istream& in_;
  char separator_;
  int line_ = 1;        // the line the reader is on
  int start_line_ = 0;  // where the last record started
  bool first_ = true;
  std::string pending_;  // the first line, read ahead to choose the separator
  std::size_t pending_pos_ = 0;
  bool has_pending_ = false;
  bool get(char& c);
  int peek();
};

// One cell as CSV: quoted when it holds the separator, a quote or a line break.
std::string cell(std::string_view text, char separator = ',');
// One cell of an export meant for spreadsheets: text that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR first) gets a leading apostrophe; then as cell().
std::string safeCell(std::string_view text, char separator = ',');
// A JSON value as an export cell: null empty, a list joined with ';', text through safeCell.
std::string jsonCell(const Json& value);
// Cells joined into one CR LF-terminated row.
std::string row(const std::vector<std::string>& cells, char separator = ',');

}  // namespace palermo::csv
