#include "core/icu_transforms.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace palermo::text {
namespace {

std::unique_ptr<icu::Transliterator> cloneOfPrototype(const std::string& id) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<icu::Transliterator>, std::less<>> prototypes;
  std::lock_guard lock(mu);
  auto& p = prototypes[id];
  if (!p) {
    UErrorCode status = U_ZERO_ERROR;
    p.reset(icu::Transliterator::createInstance(icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !p) {
      p.reset();
      throw std::runtime_error("ICU transform unavailable: " + id);
    }
  }
  std::unique_ptr<icu::Transliterator> copy(p->clone());
  if (!copy) throw std::runtime_error("ICU transform not cloned: " + id);
  return copy;
}

}  // namespace

icu::Transliterator& transliterator(std::string_view id) {
  thread_local std::map<std::string, std::unique_ptr<icu::Transliterator>, std::less<>> mine;
  auto it = mine.find(id);
  if (it == mine.end()) {
    std::string key(id);
    auto copy = cloneOfPrototype(key);
    it = mine.emplace(std::move(key), std::move(copy)).first;
  }
  return *it->second;
}

}  // namespace palermo::text
