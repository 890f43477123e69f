// Normalisation of names and identifiers for record linkage (issue 8).
//
// One person reaches the system spelled several ways: typed by ear at the hotline, copied from a
// Soviet-era passport through Russian, written in English by an NGO, pasted with a Cyrillic
// letter hiding in a Latin word. Linkage compares folded text (foldName, for similarity scores)
// and phonetic keys (phoneticKey / surnameStem, for blocking and agreement).
//
// foldName, in order:
//  1. NFKC (full-width letters, ligatures and compatibility forms to plain ones).
//  2. Per word: a Latin word with Cyrillic homoglyphs inside (Cyrillic "о" in "Hasanоv", "ә" in
//     "Məmmәdov") gets them folded to Latin; a Cyrillic word (any Latin look-alikes in it turned
//     back to Cyrillic) is transliterated as Russian with ICU "Russian-Latin/BGN" (Гусейн ->
//     Guseyn, Джафар -> Dzhafar; ё is read as "yo"), or with "Azerbaijani-Latin/BGN" when the
//     word has letters only Azerbaijani Cyrillic has (ә ғ ҹ һ ө ү ҝ ј). Russian-mediated
//     spellings (Gasanov for Həsənov) are not undone here: that is phoneticKey's job. Any other
//     script goes through "Any-Latin".
//  3. Lower case with Azerbaijani rules ("İSMAYIL" -> "ismayıl"; a root-locale lower case would
//     leave "i̇" with a combining dot).
//  4. Azerbaijani letters to ASCII (ə ä -> a, ğ -> g, ı -> i, ö -> o, ü -> u, ş -> sh, ç -> ch),
//     then "Latin-ASCII" for other diacritics (which alone would turn ş into s and leave ə).
//  5. Apostrophes and soft/hard-sign marks are dropped inside words (Il'yas, BGN "Ilʹyas" ->
//     ilyas); other punctuation and hyphens become spaces; spaces collapse; trimmed.
// Speed (a million records are folded): pure ASCII is only lower-cased and cleaned; ASCII with
// precomposed Latin letters (Azerbaijani Latin, most European names) uses a per-letter table
// computed once by the ICU path; only other text (Cyrillic, homoglyphs, decomposed accents, other
// scripts) goes through ICU, with the results remembered per thread. ICU transliterators are
// built once and cloned per thread: every function here may be called from several threads.
//
// phoneticKey is deliberately aggressive (one key for Hüseyn / Guseyn / Gusein / Гусейн): a
// blocking and agreement key, never a display form. Its classes: h g gh q k x kh -> K (Russian
// Г stands for h, ğ and q); c j dj dzh zh -> J; ch -> C; sh s -> S (ş typed as a plain s); a e (ə ä) -> A; i y ı -> I;
// o ö -> O; u ü -> U; w -> v; ph -> f. Glides are dropped: y before a vowel, i before a, o, u
// (Yusif / Iusif, Maryam / Mariam, Aliyev / Aliev), j before u (Jusif) and in -ije- (Alijev);
// j after a vowel before a consonant is the diphthong's i (Gusejn = Guseyn = Gusein); elsewhere
// j is the English spelling of c (Jafar, Khadija, Hajiyev), so old-style "Jakub" for Yaqub is
// not matched. Repeated symbols collapse (Məmmədov / Mamedov).
#pragma once

#include <string>
#include <string_view>

namespace palermo::linkage {

// Text folded for comparison (steps above): ASCII lower-case letters, digits and single spaces.
// Idempotent: foldName(foldName(x)) == foldName(x).
std::string foldName(std::string_view text);

// Phonetic key of one folded name token (unfolded text is folded first; spaces are skipped, so a
// multi-word value gives the key of its words run together).
std::string phoneticKey(std::string_view folded_token);

// The phonetic key of the surname without its ending (-ov/-ova, -yev/-yeva, -ev/-eva, -li/-lı/
// -lu/-lü/-ly, -zadə/-zade/-zadeh), so Hasanov, Hasanova, Gasanov and Hasanli share one stem. The
// i of -iyev/-iyeva stays with the root, as it belongs to it (Əli-yev, Vəli-yev, Hacı-yev): Vəliyev,
// Valiev and Vəlizadə share "vali". The longest ending that leaves at least 3 letters is removed;
// when none does, the whole key is returned (never empty for a non-empty name).
std::string surnameStem(std::string_view surname);

// "m" for a son-of marker (oğlu, oglu, oghlu, ogly, ogli, oglı), "f" for a daughter-of marker
// (qızı, qizi, gizi, kizi, kyzy, gyzy, qyzy), "" otherwise. Folded or raw tokens.
std::string patronymicMarker(std::string_view folded_token);

struct ParsedName {
  std::string given, surname, patronymic;  // folded; patronymic without its marker
  std::string patronymic_sex;              // "m", "f" or "" (from the marker)
};

// Splits "Surname Given Father oğlu" (documents, Russian order), "Given Father oğlu Surname" or
// "Given Surname". The patronymic is found by its marker (the token before it is the father's
// name) or by a Russian ending (-ovich/-evich, -ovna/-evna). When the order is ambiguous, a token
// with a surname ending (-ov/-ova/-yev/-li/-zade...) is the surname; otherwise documents' order
// is assumed with a patronymic and "Given Surname" without one. Three or more tokens without a
// marker: the middle token is taken as the (unmarked) patronymic when the surname is recognised.
ParsedName parseFullName(std::string_view full);

// Digits only. Azerbaijani numbers reduce to the national significant number (+994 50 123 45 67,
// 994501234567, 00994..., +994 (0)50..., 0501234567, (050) 123-45-67 -> "501234567"); other
// numbers keep all their digits; "" when fewer than 7 digits.
std::string normalizePhone(std::string_view phone);

// Upper-case ASCII letters and digits only; Cyrillic homoglyphs (А В Е К М Н О Р С Т Х У І Ј Ѕ,
// either case) and full-width forms folded; spaces, dashes and other characters dropped.
std::string normalizeDocument(std::string_view doc);

struct PartialDob {
  int year = 0, month = 0, day = 0;  // 0 = unknown
};

// YYYY-MM-DD, YYYY-MM, YYYY, YYYYMMDD, DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY (day and month may have
// one digit; "00" for an unknown day or month). {} when unreadable or impossible (1990-02-30,
// month 13, year outside 1800-2100).
PartialDob parseDob(std::string_view text);

}  // namespace palermo::linkage
