// Error policy (docs/architecture.md, "Errors"), as the code follows it:
//  * An expected failure — bad input, not found, conflict, denied — is a `Problem`, thrown by
//    the service that finds it (with every field at fault in `errors`) and rendered by the HTTP
//    layer as RFC 9457 application/problem+json with a stable `code`; the command line prints
//    its detail and fields and exits 1. A Problem is never logged as an error.
//  * Where a caller collects several failures before deciding (import rows, loaders of schema
//    and indicator files), they are plain lists of FieldError or of file-and-line errors.
//  * An unexpected failure — I/O, a corrupted database, a broken invariant — is any other
//    exception; the HTTP layer answers 500 with the request id and logs the message and route,
//    never request data or identity values (messages are written not to carry them).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace palermo {

// One thing wrong with one field: `field` names it (dotted path), `code` is the rule broken
// (stable, machine-readable), `message` says it in plain words.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
};

// A mistake in a file the operator writes (schema/, rules/, indicators/, the configuration): the
// file, the line (1-based; 0 when not known) and what is wrong. Loaders collect every one
// rather than stopping at the first; the command line and the server's start print them all.
struct FileError {
  std::string file;
  int line = 0;
  std::string message;
  [[nodiscard]] std::string toString() const {
    return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
  }
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

// The database cannot be reached just now: the connection was refused or broke (a failover, a
// restart, the network). Neither the caller's mistake nor a bug: the HTTP layer answers 503 with
// Retry-After and logs a warning; a write that met it may or may not have been committed.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace palermo
