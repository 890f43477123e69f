#include "core/json_input.hpp"

#include <vector>

namespace palermo {

namespace {

// nlohmann's own DOM builder, with a depth and string limit in front of it and the path of the
// value being read kept for error messages. nlohmann's SAX parser itself is iterative.
class LimitedSax {
 public:
  using Dom = nlohmann::detail::json_sax_dom_parser<Json>;

  LimitedSax(Json& result, const JsonLimits& limits) : dom_(result, false), limits_(limits) {}

  bool null() { return element() && dom_.null(); }
  bool boolean(bool v) { return element() && dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return element() && dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return element() && dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const Json::string_t& s) { return element() && dom_.number_float(v, s); }
  bool string(Json::string_t& v) { return element() && checkLength(v) && dom_.string(v); }
  bool binary(Json::binary_t& v) { return element() && dom_.binary(v); }

  bool start_object(std::size_t n) { return element() && open(false) && dom_.start_object(n); }
  bool key(Json::string_t& k) {
    if (!checkLength(k)) return false;
    frames_.back().key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return element() && open(true) && dom_.start_array(n); }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& ex) {
    // 406: "number overflow parsing '1e400'": the lexer read a number a double cannot hold.
    if (ex.id == 406) {
      error_ = JsonInputError(JsonInputError::Kind::NumberOutOfRange, path(true), position,
                              "a number is out of range" + where(path(true)));
    } else {
      error_ = JsonInputError(JsonInputError::Kind::Malformed, path(true), position,
                              "not valid JSON (at byte " + std::to_string(position) + ")");
    }
    return false;
  }

  [[nodiscard]] bool is_errored() const { return dom_.is_errored(); }
  JsonInputError& error() { return error_; }

 private:
  struct Frame {
    bool array = false;
    std::size_t count = 0;  // elements started (arrays)
    std::string key;        // the last key read (objects)
  };

  // A value begins: in an array it is the next element.
  bool element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().count;
    return true;
  }

  bool open(bool array) {
    if (static_cast<int>(frames_.size()) >= limits_.max_depth) {
      error_ = JsonInputError(JsonInputError::Kind::TooDeep, path(false), 0,
                              "nested deeper than " + std::to_string(limits_.max_depth) + " levels" +
                                  where(path(false)));
      return false;
    }
    frames_.push_back(Frame{array, 0, {}});
    return true;
  }

  bool checkLength(const std::string& s) {
    if (s.size() <= limits_.max_string_bytes) return true;
    error_ = JsonInputError(JsonInputError::Kind::StringTooLong, path(false), 0,
                            "a text is longer than " + std::to_string(limits_.max_string_bytes) + " bytes" +
                                where(path(false)));
    return false;
  }

  // "items[2].age". `pending`: the innermost array's element not yet started (a scalar whose
  // reading failed) rather than the one being read.
  [[nodiscard]] std::string path(bool pending) const {
    std::string out;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const auto& f = frames_[i];
      if (f.array) {
        const bool innermost = i + 1 == frames_.size();
        const std::size_t index = innermost && pending ? f.count : (f.count ? f.count - 1 : 0);
        out += "[" + std::to_string(index) + "]";
      } else {
        if (f.key.empty()) break;  // an object whose first key is not read yet
        if (!out.empty()) out += ".";
        out += f.key;
      }
    }
    return out;
  }

  static std::string where(const std::string& field) { return field.empty() ? "" : " in '" + field + "'"; }

  Dom dom_;
  const JsonLimits& limits_;
  std::vector<Frame> frames_;
  JsonInputError error_{JsonInputError::Kind::Malformed, "", 0, "not valid JSON"};
};

}  // namespace

Json parseJsonInput(std::string_view text, const JsonLimits& limits) {
  // nlohmann's lexer takes a NUL byte for the end of the input, so "1\0{{{" would parse as 1 and
  // the rest be ignored unseen. JSON text never holds a raw NUL (found by fuzz_json_input.cpp).
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    throw JsonInputError(JsonInputError::Kind::Malformed, "", nul + 1,
                         "not valid JSON (a NUL byte at byte " + std::to_string(nul + 1) + ")");
  Json result;
  LimitedSax sax(result, limits);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json, true);
  if (!ok || sax.is_errored()) throw sax.error();
  return result;
}

bool jsonNestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace palermo
