// Error policy (see docs/architecture.md, "Errors"):
//  * Expected failures (bad input, not found, conflict, denied) are values: `Error`, carried
//    in `Result<T>` or thrown across the API edge as `Problem`, which the HTTP layer renders as
//    RFC 9457 application/problem+json with a stable `code`.
//  * Unexpected failures (I/O, corrupted database, broken invariants) are exceptions; the HTTP
//    layer answers 500 with the request id and logs the exception type, never request data.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace palermo {

// One thing wrong with one field: `field` names it (dotted path), `code` is the rule broken
// (stable, machine-readable), `message` says it in plain words.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
};

// An expected failure that the API reports to its caller.
class Problem : public std::runtime_error {
 public:
  Problem(int status, std::string code, std::string detail, std::vector<FieldError> errors = {})
      : std::runtime_error(detail),
        status_(status),
        code_(std::move(code)),
        detail_(std::move(detail)),
        errors_(std::move(errors)) {}

  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const std::string& code() const { return code_; }
  [[nodiscard]] const std::string& detail() const { return detail_; }
  [[nodiscard]] const std::vector<FieldError>& errors() const { return errors_; }

  // Headers to add to the problem response (e.g. Retry-After, WWW-Authenticate).
  std::vector<std::pair<std::string, std::string>> headers;

  static Problem badRequest(std::string code, std::string detail, std::vector<FieldError> e = {}) {
    return {400, std::move(code), std::move(detail), std::move(e)};
  }
  static Problem validation(std::vector<FieldError> e) {
    return {422, "validation.failed", "The request has invalid fields; see errors.", std::move(e)};
  }
  static Problem unauthorized(std::string detail = "Sign-in required.") {
    return {401, "auth.required", std::move(detail)};
  }
  static Problem forbidden(std::string detail = "Not allowed.") {
    return {403, "auth.forbidden", std::move(detail)};
  }
  static Problem notFound(std::string detail = "Not found.") {
    return {404, "not_found", std::move(detail)};
  }
  static Problem conflict(std::string code, std::string detail) {
    return {409, std::move(code), std::move(detail)};
  }

 private:
  int status_;
  std::string code_;
  std::string detail_;
  std::vector<FieldError> errors_;
};

// Result<T>: a value or an expected failure. Small on purpose; std::expected arrives with C++23.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Problem problem) : v_(std::move(problem)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return unwrap(); }
  T&& value() && { return std::move(unwrap()); }
  const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] const Problem& error() const { return std::get<1>(v_); }
  T* operator->() { return &unwrap(); }
  T& operator*() { return unwrap(); }

 private:
  T& unwrap() {
    if (!ok()) throw std::get<1>(v_);
    return std::get<0>(v_);
  }
  std::variant<T, Problem> v_;
};

}  // namespace palermo
