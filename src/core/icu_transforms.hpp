// The one place that builds ICU transliterators (core/text_fold for the name search, the linkage
// normaliser for matching). A transliterator is built once per id from ICU's rules, which is slow
// (milliseconds), then cloned once per thread: an icu::Transliterator must not be used by two
// threads at once.
#pragma once

#include <unicode/translit.h>

#include <string_view>

namespace palermo::text {

// This thread's transliterator for an ICU id such as "Any-Latin; Latin-ASCII; Lower" or
// "Russian-Latin/BGN". Throws std::runtime_error when ICU lacks the transform.
icu::Transliterator& transliterator(std::string_view id);

}  // namespace palermo::text
