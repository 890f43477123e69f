// Linkage normaliser: the spellings one Azerbaijani name takes (Azerbaijani Latin, English,
// Russian Cyrillic and its romanisations) fold to one phonetic key or surname stem, different
// names keep different keys, and phones, documents and dates reduce to comparable values.
// Names are common given names and surnames, not people.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "linkage/normalize.hpp"

using namespace palermo::linkage;

namespace {

std::string key(const std::string& name) {
  return phoneticKey(foldName(name));
}

void expectOneKey(const std::vector<std::string>& variants) {
  for (const auto& v : variants) EXPECT_EQ(key(v), key(variants.front())) << v << " vs " << variants.front();
}

void expectOneStem(const std::vector<std::string>& variants) {
  for (const auto& v : variants)
    EXPECT_EQ(surnameStem(v), surnameStem(variants.front())) << v << " vs " << variants.front();
}

}  // namespace

TEST(LinkageNormalize, FoldsAzerbaijaniLettersCaseAndPunctuation) {
  EXPECT_EQ(foldName("İSMAYIL"), "ismayil");
  EXPECT_EQ(foldName("Məmmədov Şəbnəm Çingiz qızı"), "mammadov shabnam chingiz qizi");
  EXPECT_EQ(foldName("ÖZGÜR Ağa"), "ozgur aga");
  EXPECT_EQ(foldName("  Həsənova-Quliyeva,  Aygün "), "hasanova quliyeva aygun");
  EXPECT_EQ(foldName("Mämmädov"), "mammadov");
  EXPECT_EQ(foldName("José Núñez"), "jose nunez");
  EXPECT_EQ(foldName("Il'yas O'Neil"), "ilyas oneil");
  EXPECT_EQ(foldName("ＡＬＩ"), "ali");  // full-width, NFKC
  EXPECT_EQ(foldName(""), "");
  EXPECT_EQ(foldName(" -- "), "");
  for (const char* s : {"İSMAYIL", "Гусейн оглы", "Hasanоv", "Mary-Ann  Smith"})
    EXPECT_EQ(foldName(foldName(s)), foldName(s)) << s;
}

TEST(LinkageNormalize, TransliteratesCyrillicAsRussian) {
  EXPECT_EQ(foldName("Мамедов Али Гусейн оглы"), "mamedov ali guseyn ogly");
  EXPECT_EQ(foldName("Джафар"), "dzhafar");
  EXPECT_EQ(foldName("Юсиф"), "yusif");
  EXPECT_EQ(foldName("Ильгам"), "ilgam");                 // soft sign dropped, not a word break
  EXPECT_EQ(foldName("Кёнуль"), "kyonul");                // ё read as yo
  EXPECT_EQ(foldName("Әлијев Һүсејн"), "aliyev huseyn");  // Azerbaijani Cyrillic
}

TEST(LinkageNormalize, FoldsCyrillicHomoglyphsInsideLatinWords) {
  EXPECT_EQ(foldName("Hasan\u043Ev"), "hasanov");                // Cyrillic о
  EXPECT_EQ(foldName("\u0410li \u0441\u0435mil"), "ali cemil");  // А, с, е
  EXPECT_EQ(foldName("M\u04D9mm\u04D9dov"), "mammadov");         // Cyrillic ә in a Latin word
  // The other way round: a Latin "o" in a Cyrillic word is a Cyrillic о.
  EXPECT_EQ(foldName("Гусейнoв"), "guseynov");
}

TEST(LinkageNormalize, KeysAgreeAcrossSpellings) {
  expectOneKey({"Məmmədov", "Mammadov", "Мамедов", "Mamedov", "Memmedov", "Mämmädov"});
  expectOneKey({"Hüseyn", "Guseyn", "Gusein", "Huseyn", "Гусейн", "Gusejn"});
  expectOneKey({"Cəfər", "Dzhafar", "Djafar", "Jafar", "Джафар"});
  expectOneKey({"Həsən", "Gasan", "Khasan", "Hasan", "Гасан", "Gassan"});
  expectOneKey({"Xəlil", "Khalil", "Халил"});
  expectOneKey({"Yusif", "Юсиф", "Iusif", "Jusif", "Üsif"});
  expectOneKey({"Heydər", "Geidar", "Heydar", "Гейдар", "Haydar"});
  expectOneKey({"İlham", "Ilgam", "Ilkham", "Ильгам"});
  expectOneKey({"Xədicə", "Khadija", "Khadidzha", "Хадиджа"});
  expectOneKey({"Məryəm", "Maryam", "Mariam", "Мариям"});
  expectOneKey({"Əliyev", "Aliyev", "Aliev", "Alijev", "Алиев"});
  expectOneKey({"Hacıyev", "Hajiyev", "Gadzhiev", "Гаджиев"});
  expectOneKey({"Gülnarə", "Gulnara", "Gyulnara", "Гюльнара"});
  expectOneKey({"Könül", "Konul", "Кёнуль"});
  expectOneKey({"Şəbnəm", "Shabnam", "Шебнем"});
  expectOneKey({"Vüqar", "Vugar", "Vuqar", "Вугар"});
  expectOneKey({"Üzeyir", "Uzeyir", "Uzeir", "Узеир"});
}

TEST(LinkageNormalize, KeysKeepDifferentNamesApart) {
  EXPECT_NE(key("Əli"), key("Elmir"));
  EXPECT_NE(key("Leyla"), key("Lalə"));
  EXPECT_NE(key("Həsən"), key("Hüseyn"));
  EXPECT_NE(key("Rəşad"), key("Rəşid"));
  EXPECT_NE(key("Aynur"), key("Aygün"));
  EXPECT_NE(key("Cəfər"), key("Çingiz"));
  EXPECT_NE(key("Səbinə"), key("Şəbnəm"));
  EXPECT_NE(surnameStem("Həsənov"), surnameStem("Hüseynov"));
  EXPECT_NE(surnameStem("Əliyev"), surnameStem("Quliyev"));
}

TEST(LinkageNormalize, SurnameStemsIgnoreEndings) {
  expectOneStem({"Həsənov", "Həsənova", "Gasanov", "Hasanli", "Гасанов", "Hasanly", "Həsənzadə", "Khasanova"});
  expectOneStem({"Məmmədov", "Mammadova", "Мамедов", "Məmmədli"});
  expectOneStem({"Əliyev", "Əliyeva", "Aliev", "Alieva", "Алиев", "Əlizadə"});
  expectOneStem({"Vəliyev", "Veliyev", "Valiev", "Vəlizadə"});
  expectOneStem({"Hüseynov", "Guseynova", "Hüseynli", "Huseynzade", "Гусейнов"});
  expectOneStem({"Hacıyev", "Hajiyeva", "Gadzhiev", "Hacızadə"});
  EXPECT_EQ(surnameStem("Rzayev"), key("Rza"));
  // Too short to strip: the whole key, never empty.
  EXPECT_EQ(surnameStem("Ov"), key("Ov"));
  EXPECT_FALSE(surnameStem("Li").empty());
}

TEST(LinkageNormalize, RecognisesPatronymicMarkers) {
  for (const char* m : {"oğlu", "oglu", "oghlu", "ogly", "ogli", "oglı", "оглы", "OĞLU"})
    EXPECT_EQ(patronymicMarker(foldName(m)), "m") << m;
  for (const char* f : {"qızı", "qizi", "gizi", "kizi", "kyzy", "gyzy", "qyzy", "кызы", "гызы"})
    EXPECT_EQ(patronymicMarker(foldName(f)), "f") << f;
  for (const char* n : {"ali", "oglan", "qiz", "huseyn", ""}) EXPECT_EQ(patronymicMarker(n), "") << n;
}

TEST(LinkageNormalize, ParsesFullNamesInEitherOrder) {
  ParsedName p = parseFullName("Əliyev Rəşad Hüseyn oğlu");
  EXPECT_EQ(p.surname, "aliyev");
  EXPECT_EQ(p.given, "rashad");
  EXPECT_EQ(p.patronymic, "huseyn");
  EXPECT_EQ(p.patronymic_sex, "m");

  p = parseFullName("Мамедов Али Гусейн оглы");
  EXPECT_EQ(p.surname, "mamedov");
  EXPECT_EQ(p.given, "ali");
  EXPECT_EQ(p.patronymic, "guseyn");
  EXPECT_EQ(p.patronymic_sex, "m");

  p = parseFullName("Leyla Əli qızı Həsənova");
  EXPECT_EQ(p.given, "leyla");
  EXPECT_EQ(p.surname, "hasanova");
  EXPECT_EQ(p.patronymic, "ali");
  EXPECT_EQ(p.patronymic_sex, "f");

  p = parseFullName("Гейдар Алиевич Алиев");  // Russian patronymic
  EXPECT_EQ(p.given, "geydar");
  EXPECT_EQ(p.surname, "aliyev");
  EXPECT_EQ(p.patronymic, "ali");
  EXPECT_EQ(p.patronymic_sex, "m");

  p = parseFullName("Rəşad Əliyev");
  EXPECT_EQ(p.given, "rashad");
  EXPECT_EQ(p.surname, "aliyev");
  EXPECT_EQ(p.patronymic, "");
  EXPECT_EQ(p.patronymic_sex, "");

  p = parseFullName("Hasanli Aygün");  // surname ending decides the order
  EXPECT_EQ(p.given, "aygun");
  EXPECT_EQ(p.surname, "hasanli");

  p = parseFullName("Rəşad Hüseyn Əliyev");  // unmarked father's name
  EXPECT_EQ(p.given, "rashad");
  EXPECT_EQ(p.patronymic, "huseyn");
  EXPECT_EQ(p.surname, "aliyev");

  p = parseFullName("Mary Smith");
  EXPECT_EQ(p.given, "mary");
  EXPECT_EQ(p.surname, "smith");

  p = parseFullName("");
  EXPECT_EQ(p.given, "");
  EXPECT_EQ(p.surname, "");
}

TEST(LinkageNormalize, NormalisesPhones) {
  for (const char* p : {"+994 50 123 45 67", "994501234567", "0501234567", "(050) 123-45-67", "00994 50 1234567",
                        "+994 (0)50 123 45 67"})
    EXPECT_EQ(normalizePhone(p), "501234567") << p;
  EXPECT_EQ(normalizePhone("+7 916 123-45-67"), "79161234567");
  EXPECT_EQ(normalizePhone("12-34"), "");
  EXPECT_EQ(normalizePhone(""), "");
}

TEST(LinkageNormalize, NormalisesDocuments) {
  EXPECT_EQ(normalizeDocument("\u0410\u0410 1234567"), "AA1234567");  // Cyrillic АА
  EXPECT_EQ(normalizeDocument("aa-1234567"), "AA1234567");
  EXPECT_EQ(normalizeDocument("АЕ 12-34 с"), "AE1234C");
  EXPECT_EQ(normalizeDocument("ＡＺＥ１２"), "AZE12");
}

TEST(LinkageNormalize, ParsesPartialDates) {
  auto same = [](PartialDob d, int y, int m, int day) { return d.year == y && d.month == m && d.day == day; };
  EXPECT_TRUE(same(parseDob("02.07.1990"), 1990, 7, 2));
  EXPECT_TRUE(same(parseDob("02/07/1990"), 1990, 7, 2));
  EXPECT_TRUE(same(parseDob("1990-07-02"), 1990, 7, 2));
  EXPECT_TRUE(same(parseDob("19900702"), 1990, 7, 2));
  EXPECT_TRUE(same(parseDob("1990-07"), 1990, 7, 0));
  EXPECT_TRUE(same(parseDob("1990"), 1990, 0, 0));
  EXPECT_TRUE(same(parseDob(" 2.7.1990 "), 1990, 7, 2));
  EXPECT_TRUE(same(parseDob("2000-02-29"), 2000, 2, 29));
  EXPECT_TRUE(same(parseDob("1990-02-30"), 0, 0, 0));
  EXPECT_TRUE(same(parseDob("1900-02-29"), 0, 0, 0));
  EXPECT_TRUE(same(parseDob("1990-13-01"), 0, 0, 0));
  EXPECT_TRUE(same(parseDob("about 16"), 0, 0, 0));
  EXPECT_TRUE(same(parseDob(""), 0, 0, 0));
}

TEST(LinkageNormalize, SafeFromSeveralThreads) {
  const std::vector<std::string> names = {"Мамедов Али Гусейн оглы", "Həsənova Leyla Əli qızı", "Hasanоv",
                                          "Әлијев Һүсејн", "Χρήστος"};
  std::vector<std::string> expected;
  expected.reserve(names.size());
  for (const auto& n : names) expected.push_back(foldName(n));
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        for (std::size_t k = 0; k < names.size(); ++k)
          if (foldName(names[k]) != expected[k]) ++wrong[static_cast<std::size_t>(t)];
    });
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}
