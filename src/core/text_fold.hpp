// Folding text for the tolerant name search (the blind index of identity text fields): ICU's
// transliteration through core/icu_transforms, like the linkage normaliser
// (src/linkage/normalize.hpp, which folds further for matching). Changing the folding changes the stored search
// terms: a data migration must rebuild the blind index (`palermo keys rotate` does).
#pragma once

#include <string>
#include <vector>

namespace palermo::text {

// Lower-case ASCII tokens of `text`, sorted and unique: any script to Latin, diacritics stripped,
// the schwa (ə, Cyrillic ә) read as e so that Şəbnəm, Шебнем and Sebnem give the same token.
std::vector<std::string> searchTokens(const std::string& text);

}  // namespace palermo::text
