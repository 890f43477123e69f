// libFuzzer target: the records list's query string (api/list_params.cpp) — filters with their
// operators, sort, cursor, limit, fields. It answers with parameters or a 422 naming what is at
// fault; never a crash, and a limit it accepts is the number written.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/list_params.hpp"
#include "core/error.hpp"
#include "http/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  palermo::http::Request req;
  req.query.assign(reinterpret_cast<const char*>(data), size);
  std::string format;
  try {
    const auto p = palermo::api::listParams(req, &format);
    for (const auto& f : p.filters)
      if (f.field.find('[') != std::string::npos && f.field.back() == ']') std::abort();  // operator left in the name
    for (const auto& item : palermo::api::splitList(req.query))
      if (item.empty()) std::abort();
  } catch (const palermo::Problem& e) {
    if (e.status() != 422 || e.errors().empty()) std::abort();  // a refusal names what is at fault
  }
  return 0;
}
