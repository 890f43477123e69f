#include "api/list_params.hpp"

#include <charconv>

#include "core/error.hpp"
#include "http/message.hpp"

namespace palermo::api {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size() && !s.empty()) {
    const auto j = s.find(',', i);
    auto item = s.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (!item.empty()) out.push_back(item);
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

// Parses list parameters: field=value, field[op]=value, q, sort, cursor, limit, fields,
// include_deleted, count.
records::ListParams listParams(const http::Request& req, std::string* format) {
  records::ListParams p;
  std::vector<FieldError> errors;
  std::string_view query = req.query;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key;
    std::string value;
    if (!http::percentDecode(pair.substr(0, eq), key, true) ||
        !http::percentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), value, true)) {
      errors.push_back({"query", "encoding", "is not valid percent-encoding"});
      continue;
    }
    if (key == "q") p.name_query = value;
    else if (key == "words") p.words = value;
    else if (key == "sort") {
      p.descending = !value.empty() && value[0] == '-';
      p.sort_field = p.descending ? value.substr(1) : value;
    } else if (key == "cursor") p.cursor = value;
    else if (key == "limit") {
      int n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty())
        errors.push_back({"limit", "integer", "must be an integer"});
      else
        p.limit = n;
    } else if (key == "fields") p.fields = splitList(value);
    else if (key == "include_deleted") p.include_deleted = value == "true";
    else if (key == "count") p.count_total = value == "true";
    else if (key == "format" && format) *format = value;
    else {
      RecordFilter f;
      const auto br = key.find('[');
      std::string op = "eq";
      if (br != std::string::npos && key.back() == ']') {
        op = key.substr(br + 1, key.size() - br - 2);
        key = key.substr(0, br);
      }
      f.field = key;
      f.value = value;
      using Op = RecordFilter::Op;
      if (op == "eq") f.op = Op::Eq;
      else if (op == "ne") f.op = Op::Ne;
      else if (op == "lt") f.op = Op::Lt;
      else if (op == "lte") f.op = Op::Le;
      else if (op == "gt") f.op = Op::Gt;
      else if (op == "gte") f.op = Op::Ge;
      else if (op == "in") {
        f.op = Op::In;
        Json values = Json::array();
        for (auto& v : splitList(value)) values.push_back(v);
        f.value = values;
      } else if (op == "null") f.op = value == "false" ? Op::NotNull : Op::IsNull;
      else {
        errors.push_back({key, "filter", "unknown operator '" + op.substr(0, 16) + "' (eq, ne, lt, lte, gt, gte, in, null)"});
        continue;
      }
      p.filters.push_back(std::move(f));
    }
  }
  if (!errors.empty()) throw Problem::validation(std::move(errors));
  return p;
}

}  // namespace palermo::api
