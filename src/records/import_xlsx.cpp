// Reading an XLSX workbook for an import (readXlsx, import.hpp). An XLSX file is a ZIP archive of
// XML parts (ECMA-376): the workbook lists the sheets and their parts, shared strings hold the
// texts, styles say which cells are dates, each sheet holds rows of cells. libzip opens the
// archive and expat parses the XML; this file only walks the few elements an import needs.
//
// Untrusted input (files users upload): every part is read with a cap (kMaxXlsxPart unpacked, so
// a small "ZIP bomb" stops there), a DOCTYPE stops the parse (no entity tricks: OOXML has none),
// cell references beyond Excel's 16,384 columns and 1,048,576 rows are refused, and whatever the
// bytes, the answer is rows and named errors, never an exception (tests/fuzz/fuzz_xlsx.cpp).
#include <expat.h>
#include <fmt/format.h>
#include <zip.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "records/import.hpp"
#include "records/schema.hpp"

namespace palermo::records {

namespace {

constexpr int kMaxColumns = 16384;
constexpr int kMaxRows = 1048576;
constexpr std::size_t kMaxSharedStrings = 4'000'000;

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// A part of the archive, at most kMaxXlsxPart bytes unpacked; nullopt when absent, an error when
// it cannot be read or is larger.
std::optional<std::string> readPart(zip_t* z, const std::string& name, std::string& error) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name.c_str(), 0, &st) != 0) return std::nullopt;
  if ((st.valid & ZIP_STAT_SIZE) && st.size > kMaxXlsxPart) {
    error = fmt::format("the part {} unpacks to {} bytes, more than the {} allowed", name, st.size, kMaxXlsxPart);
    return std::nullopt;
  }
  zip_file_t* f = zip_fopen(z, name.c_str(), 0);
  if (!f) {
    error = "the part " + name + " cannot be read (" + zip_strerror(z) + ")";
    return std::nullopt;
  }
  std::string out;
  char buf[65536];
  while (true) {
    const zip_int64_t n = zip_fread(f, buf, sizeof buf);
    if (n < 0) {
      error = "the part " + name + " is damaged (" + zip_file_strerror(f) + ")";
      zip_fclose(f);
      return std::nullopt;
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > kMaxXlsxPart) {
      error = fmt::format("the part {} unpacks to more than the {} bytes allowed", name, kMaxXlsxPart);
      zip_fclose(f);
      return std::nullopt;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  zip_fclose(f);
  return out;
}

// A SAX walk over one XML part: element names without their namespace, attributes by local name.
struct Xml {
  using Attrs = std::map<std::string_view, std::string_view>;
  std::function<void(std::string_view, const Attrs&)> start;
  std::function<void(std::string_view)> end;
  std::function<void(std::string_view)> text;
  std::string error;

  static std::string_view local(const char* name) {
    std::string_view n(name);
    const auto bar = n.rfind('|');
    return bar == std::string_view::npos ? n : n.substr(bar + 1);
  }

  bool parse(const std::string& bytes) {
    XML_Parser p = XML_ParserCreateNS(nullptr, '|');
    if (!p) {
      error = "out of memory";
      return false;
    }
    XML_SetUserData(p, this);
    XML_SetElementHandler(
        p,
        [](void* self, const XML_Char* name, const XML_Char** atts) {
          auto* x = static_cast<Xml*>(self);
          if (!x->start) return;
          Attrs a;
          for (int i = 0; atts[i]; i += 2) a[local(atts[i])] = atts[i + 1];
          x->start(local(name), a);
        },
        [](void* self, const XML_Char* name) {
          auto* x = static_cast<Xml*>(self);
          if (x->end) x->end(local(name));
        });
    XML_SetCharacterDataHandler(p, [](void* self, const XML_Char* s, int len) {
      auto* x = static_cast<Xml*>(self);
      if (x->text) x->text(std::string_view(s, static_cast<std::size_t>(len)));
    });
    // No document type declarations (and so no entities): OOXML parts never have one.
    XML_SetStartDoctypeDeclHandler(p, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
      auto* x = static_cast<Xml*>(self);
      x->error = "has a document type declaration, which a workbook never has";
      XML_StopParser(x->parser, XML_FALSE);
    });
    parser = p;
    const bool ok = XML_Parse(p, bytes.data(), static_cast<int>(bytes.size()), XML_TRUE) == XML_STATUS_OK;
    if (!ok && error.empty())
      error = fmt::format("is not well-formed XML (line {}: {})", XML_GetCurrentLineNumber(p),
                          XML_ErrorString(XML_GetErrorCode(p)));
    XML_ParserFree(p);
    parser = nullptr;
    return ok && error.empty();
  }

  // Stops the walk with a message (from a handler).
  void stop(std::string message) {
    if (error.empty()) error = std::move(message);
    if (parser) XML_StopParser(parser, XML_FALSE);
  }

  XML_Parser parser = nullptr;
};

std::string attr(const Xml::Attrs& a, std::string_view name) {
  auto it = a.find(name);
  return it == a.end() ? std::string() : std::string(it->second);
}

// "BC12" -> column 54 (0-based) and row 12; false when it is not a cell reference in range.
bool cellRef(std::string_view ref, int& column, int& row) {
  std::size_t i = 0;
  long col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > kMaxColumns) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  long r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + (ref[i] - '0');
    if (r > kMaxRows) return false;
  }
  if (r < 1) return false;
  column = static_cast<int>(col - 1);
  row = static_cast<int>(r);
  return true;
}

// Whether a number format shows a date: the built-in date formats, or a format code with day,
// month or year letters outside quotes and brackets (colours, conditions, elapsed time).
bool dateFormat(int id, const std::string& code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58))
    return true;
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c == '\\' || c == '_' || c == '*') ++i;  // the next character is literal (or padding)
    else if (c == '[') bracket = true;
    else if (c == ']') bracket = false;
    else if (!bracket && (c == 'd' || c == 'D' || c == 'm' || c == 'M' || c == 'y' || c == 'Y')) return true;
  }
  return false;
}

// The part a relationship target names, from the folder of the part that holds the relationship.
std::string partPath(const std::string& folder, const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  std::vector<std::string> parts;
  std::string path = folder + target, piece;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (piece == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!piece.empty() && piece != ".") {
        parts.push_back(piece);
      }
      piece.clear();
    } else {
      piece += path[i];
    }
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

}  // namespace

std::vector<ImportRow> readXlsx(const std::string& bytes, const std::string& file, const std::string& type,
                                const Schema& schema, std::vector<ImportError>& errors, const ImportMapping* mapping) {
  auto fail = [&](const std::string& message) {
    errors.push_back({file, 0, "", "xlsx", message});
    return std::vector<ImportRow>{};
  };
  if (!schema.type(type)) {
    errors.push_back({file, 0, "_type", "unknown", "'" + type.substr(0, 60) + "' is not a record type"});
    return {};
  }
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
  if (!src) return fail("cannot be read");
  std::unique_ptr<zip_t, ZipCloser> z(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr));
  if (!z) {
    zip_source_free(src);
    zip_error_fini(&zerr);
    return fail("is not an XLSX workbook (not a ZIP archive)");
  }
  std::string error;
  auto part = [&](const std::string& name, bool required) -> std::optional<std::string> {
    auto text = readPart(z.get(), name, error);
    if (!text && error.empty() && required) error = "has no part " + name + " (is it an XLSX workbook?)";
    return text;
  };

  // The workbook: its sheets in order, and the date system.
  const auto workbook = part("xl/workbook.xml", true);
  if (!workbook) return fail(error);
  struct Sheet {
    std::string name, rel;
  };
  std::vector<Sheet> sheets;
  bool date1904 = false;
  {
    Xml x;
    x.start = [&](std::string_view el, const Xml::Attrs& a) {
      if (el == "sheet") sheets.push_back({attr(a, "name"), attr(a, "id")});
      if (el == "workbookPr") {
        const std::string d = attr(a, "date1904");
        date1904 = d == "1" || d == "true";
      }
    };
    if (!x.parse(*workbook)) return fail("xl/workbook.xml " + x.error);
  }
  if (sheets.empty()) return fail("has no sheet");
  const Sheet* sheet = &sheets.front();
  if (mapping && !mapping->sheet.empty()) {
    sheet = nullptr;
    for (const auto& s : sheets)
      if (s.name == mapping->sheet) sheet = &s;
    if (!sheet) return fail("has no sheet named '" + mapping->sheet.substr(0, 100) + "'");
  }
  std::string sheet_part;
  if (const auto rels = part("xl/_rels/workbook.xml.rels", true)) {
    Xml x;
    x.start = [&](std::string_view el, const Xml::Attrs& a) {
      if (el == "Relationship" && attr(a, "Id") == sheet->rel) sheet_part = partPath("xl/", attr(a, "Target"));
    };
    if (!x.parse(*rels)) return fail("xl/_rels/workbook.xml.rels " + x.error);
  } else {
    return fail(error);
  }
  if (sheet_part.empty()) return fail("does not say where the sheet '" + sheet->name.substr(0, 100) + "' is");

  // Shared strings: the texts cells of type "s" point to (rich text runs joined, phonetic
  // readings left out).
  std::vector<std::string> strings;
  if (const auto sst = part("xl/sharedStrings.xml", false)) {
    Xml x;
    bool in_t = false;
    int phonetic = 0;
    x.start = [&](std::string_view el, const Xml::Attrs&) {
      if (el == "si" && strings.size() >= kMaxSharedStrings) return x.stop("has more shared texts than an import reads");
      if (el == "si") strings.emplace_back();
      else if (el == "rPh") ++phonetic;
      else if (el == "t" && !strings.empty() && phonetic == 0) in_t = true;
    };
    x.end = [&](std::string_view el) {
      if (el == "t") in_t = false;
      else if (el == "rPh") --phonetic;
    };
    x.text = [&](std::string_view s) {
      if (!in_t) return;
      if (strings.back().size() + s.size() > 32767) return x.stop("has a text longer than a cell may hold (32,767)");
      strings.back().append(s);
    };
    if (!x.parse(*sst)) return fail("xl/sharedStrings.xml " + x.error);
  } else if (!error.empty()) {
    return fail(error);
  }

  // Styles: which cell formats (the cells' "s" index) show dates.
  std::vector<bool> date_style;
  if (const auto styles = part("xl/styles.xml", false)) {
    Xml x;
    std::map<int, std::string> codes;
    bool in_xfs = false;
    auto number = [](const std::string& s) {
      int n = 0;
      for (char c : s) {
        if (c < '0' || c > '9' || n > 100000) return -1;
        n = n * 10 + (c - '0');
      }
      return s.empty() ? -1 : n;
    };
    std::vector<int> xf_formats;
    x.start = [&](std::string_view el, const Xml::Attrs& a) {
      if (el == "numFmt") codes[number(attr(a, "numFmtId"))] = attr(a, "formatCode");
      else if (el == "cellXfs") in_xfs = true;
      else if (el == "xf" && in_xfs) xf_formats.push_back(number(attr(a, "numFmtId")));
    };
    x.end = [&](std::string_view el) {
      if (el == "cellXfs") in_xfs = false;
    };
    if (!x.parse(*styles)) return fail("xl/styles.xml " + x.error);
    for (int id : xf_formats) {
      auto it = codes.find(id);
      date_style.push_back(id >= 0 && dateFormat(id, it == codes.end() ? std::string() : it->second));
    }
  } else if (!error.empty()) {
    return fail(error);
  }

  const auto sheet_xml = part(sheet_part, true);
  if (!sheet_xml) return fail(error);
  TableReader table(file, type, schema, errors, mapping, true);
  table.setDate1904(date1904);
  bool have_header = false;
  int row_number = 0, next_row = 1, column = 0;
  std::vector<std::string> cells;
  std::vector<bool> dates;
  // The cell being read.
  std::string cell_type, value;
  bool cell_date = false, in_value = false, in_inline = false;
  int cell_column = 0;
  Xml x;
  x.start = [&](std::string_view el, const Xml::Attrs& a) {
    if (el == "row") {
      cells.clear();
      dates.clear();
      column = 0;
      int r = next_row, c = 0;
      if (const std::string ref = attr(a, "r"); !ref.empty()) {
        if (!cellRef("A" + ref, c, r)) return x.stop("has a row number out of range: " + ref.substr(0, 20));
      }
      if (r < next_row) return x.stop(fmt::format("has row {} after row {}", r, next_row - 1));
      row_number = r;
      next_row = r + 1;
    } else if (el == "c") {
      int c = column, r = row_number;
      if (const std::string ref = attr(a, "r"); !ref.empty()) {
        if (!cellRef(ref, c, r) || r != row_number)
          return x.stop(fmt::format("row {} has a cell reference out of place: {}", row_number, ref.substr(0, 20)));
      }
      if (c < column) return x.stop(fmt::format("row {} has its cells out of order", row_number));
      cell_column = c;
      column = c + 1;
      cell_type = attr(a, "t");
      const std::string style = attr(a, "s");
      int s = -1;
      if (!style.empty() && style.size() < 7 && style.find_first_not_of("0123456789") == std::string::npos)
        s = std::stoi(style);
      cell_date = s >= 0 && static_cast<std::size_t>(s) < date_style.size() && date_style[static_cast<std::size_t>(s)];
      value.clear();
    } else if (el == "v" || (el == "t" && in_inline)) {
      in_value = true;
    } else if (el == "is") {
      in_inline = true;
    }
  };
  x.text = [&](std::string_view s) {
    if (!in_value) return;
    if (value.size() + s.size() > 32767) return x.stop(fmt::format("row {} has a cell longer than 32,767", row_number));
    value.append(s);
  };
  x.end = [&](std::string_view el) {
    if (el == "v" || el == "t") {
      in_value = false;
    } else if (el == "is") {
      in_inline = false;
    } else if (el == "c") {
      std::string text;
      bool date = false;
      if (cell_type == "s") {
        std::size_t i = 0;
        if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos ||
            (i = std::stoul(value)) >= strings.size())
          return x.stop(fmt::format("row {} points to a shared text that is not there", row_number));
        text = strings[i];
      } else if (cell_type == "b") {
        text = value == "1" ? "true" : "false";
      } else if (cell_type == "e") {
        errors.push_back({file, row_number, "", "xlsx",
                          fmt::format("column {} holds a formula error ({})", cell_column + 1, value.substr(0, 20))});
      } else {
        text = value;  // a number, an inline string, or a formula's text
        date = cell_date && (cell_type.empty() || cell_type == "n");
      }
      if (static_cast<std::size_t>(cell_column) >= cells.size()) {
        cells.resize(static_cast<std::size_t>(cell_column) + 1);
        dates.resize(cells.size());
      }
      cells[static_cast<std::size_t>(cell_column)] = std::move(text);
      dates[static_cast<std::size_t>(cell_column)] = date;
    } else if (el == "row") {
      bool blank = true;
      for (const auto& c : cells) blank = blank && c.empty();
      if (blank) return;
      if (!have_header) {
        // The header row: trailing empty names (formatted but empty cells) do not count.
        while (!cells.empty() && cells.back().empty()) cells.pop_back();
        table.header(cells);
        have_header = true;
      } else {
        table.row(row_number, cells, &dates);
      }
    }
  };
  if (!x.parse(*sheet_xml)) return fail(sheet_part + " " + x.error);
  return table.take();
}

}  // namespace palermo::records
