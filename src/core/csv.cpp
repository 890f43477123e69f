#include "core/csv.hpp"

namespace palermo::csv {

Reader::Reader(std::istream& in, char separator) : in_(in), separator_(separator) {
  if (separator_ != '\0') return;
  // Read the first line ahead (quotes respected) to choose the separator.
  bool quoted = false, semicolon = false, comma = false;
  char c;
  while (in_.get(c)) {
    pending_ += c;
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == ';') semicolon = true;
    else if (!quoted && c == ',') comma = true;
    else if (!quoted && c == '\n') break;
  }
  has_pending_ = true;
  separator_ = semicolon && !comma ? ';' : ',';
}

bool Reader::get(char& c) {
  if (has_pending_) {
    if (pending_pos_ < pending_.size()) {
      c = pending_[pending_pos_++];
      return true;
    }
    has_pending_ = false;
  }
  return static_cast<bool>(in_.get(c));
}

int Reader::peek() {
  if (has_pending_ && pending_pos_ < pending_.size()) return static_cast<unsigned char>(pending_[pending_pos_]);
  return in_.peek();
}

bool Reader::next(std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false, any = false;
  start_line_ = line_;
  char c;
  while (get(c)) {
    if (first_) {
      first_ = false;
      // A UTF-8 byte-order mark: EF BB BF.
      if (static_cast<unsigned char>(c) == 0xEF && peek() == 0xBB) {
        char b1, b2;
        get(b1);
        if (peek() == 0xBF) {
          get(b2);
          if (!get(c)) break;
        } else {
          cell += c;
          c = b1;
        }
      }
    }
    any = true;
    if (quoted) {
      if (c == '"') {
        if (peek() == '"') {
          cell += '"';
          get(c);
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        cell += c;
      }
    } else if (c == '"' && cell.empty()) {
      quoted = true;
    } else if (c == separator_) {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      ++line_;
      cells.push_back(std::move(cell));
      return true;
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (!any) return false;
  cells.push_back(std::move(cell));
  return true;
}

std::string cell(std::string_view text, char separator) {
  bool needs = false;
  for (char c : text)
    if (c == separator || c == '"' || c == '\r' || c == '\n') needs = true;
  if (!needs) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string safeCell(std::string_view text, char separator) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r'))
    return cell("'" + std::string(text), separator);
  return cell(text, separator);
}

std::string jsonCell(const Json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return safeCell(v.get_ref<const std::string&>());
  if (v.is_array()) {
    std::string text;
    for (const auto& item : v) text += (text.empty() ? "" : ";") + (item.is_string() ? item.get<std::string>() : item.dump());
    return safeCell(text);
  }
  return cell(v.dump());
}

std::string row(const std::vector<std::string>& cells, char separator) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += separator;
    out += cells[i];
  }
  return out + "\r\n";
}

}  // namespace palermo::csv
