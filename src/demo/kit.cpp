// The demo generators' toolkit (kit.hpp): days, names and regions.
#include "demo/kit.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace palermo::demo {

// ---------------------------------------------------------------------------------------------
// Days: a day is a number of days since 1970-01-01 (proleptic Gregorian).

int dayOf(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Ymd ymdOf(int z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  Ymd r;
  r.d = doy - (153 * mp + 2) / 5 + 1;
  r.m = mp < 10 ? mp + 3 : mp - 9;
  r.y = yoe + era * 400 + (r.m <= 2 ? 1 : 0);
  return r;
}

std::string iso(int day) {
  const Ymd t = ymdOf(day);
  return fmt::format("{:04}-{:02}-{:02}", t.y, t.m, t.d);
}
int jan1(int year) { return dayOf(year, 1, 1); }
// "2019-05-20" -> its day.
int dayOfIso(const std::string& s) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return 0;
  return dayOf(y, m, d);
}
int dec(int year, int d) { return dayOf(year, 12, d); }

// A date-time between 04:00Z and 18:00Z (08:00-22:00 in Baku), so the UTC day is the Baku day.
std::string at(int day, int minute_of_day) {
  minute_of_day = std::clamp(minute_of_day, 4 * 60, 17 * 60 + 59);
  return fmt::format("{}T{:02}:{:02}:00Z", iso(day), minute_of_day / 60, minute_of_day % 60);
}

const std::vector<Spellings> kFemaleNames = {
    {"Aynur", "Aynur", "Ainur", "Айнур"},       {"Leyla", "Leyla", "Leila", "Лейла"},
    {"Günel", "Gunel", "Gyunel", "Гюнель"},     {"Nigar", "Nigar", "Nigyar", "Нигяр"},
    {"Sevinc", "Sevinj", "Sevindzh", "Севиндж"}, {"Aysel", "Aysel", "Aisel", "Айсель"},
    {"Könül", "Konul", "Kyonul", "Кёнуль"},     {"Nərmin", "Narmin", "Narmin", "Нармин"},
    {"Səbinə", "Sabina", "Sabina", "Сабина"},   {"Ülviyyə", "Ulviyya", "Ulviya", "Ульвия"},
    {"Fidan", "Fidan", "Fidan", "Фидан"},       {"Lalə", "Lala", "Lyalya", "Ляля"},
    {"Xədicə", "Khadija", "Khadidzha", "Хадиджа"}, {"Gülnarə", "Gulnara", "Gyulnara", "Гюльнара"},
    {"Şəbnəm", "Shabnam", "Shabnam", "Шабнам"}, {"Tünzalə", "Tunzala", "Tyunzalya", "Тюнзаля"},
    {"Aytən", "Aytan", "Aiten", "Айтен"},       {"Zərifə", "Zarifa", "Zarifa", "Зарифа"},
    {"Məlahət", "Malahat", "Malakhat", "Малахат"}, {"Rəna", "Rana", "Rena", "Рена"},
    {"Səadət", "Saadat", "Saadat", "Саадат"},   {"Gülşən", "Gulshan", "Gyulshen", "Гюльшен"},
    {"Vüsalə", "Vusala", "Vyusalya", "Вюсаля"}, {"Elnarə", "Elnara", "Elnara", "Эльнара"},
};

const std::vector<Spellings> kMaleNames = {
    {"Elvin", "Elvin", "Elvin", "Эльвин"},       {"Rəşad", "Rashad", "Rashad", "Рашад"},
    {"Orxan", "Orkhan", "Orkhan", "Орхан"},      {"Tural", "Tural", "Tural", "Турал"},
    {"Kamran", "Kamran", "Kamran", "Камран"},    {"Fərid", "Farid", "Farid", "Фарид"},
    {"Elçin", "Elchin", "Elchin", "Эльчин"},     {"Samir", "Samir", "Samir", "Самир"},
    {"Vüsal", "Vusal", "Vyusal", "Вюсал"},       {"Nicat", "Nijat", "Nidzhat", "Ниджат"},
    {"Ramil", "Ramil", "Ramil", "Рамиль"},       {"Emin", "Emin", "Emin", "Эмин"},
    {"Hüseyn", "Huseyn", "Guseyn", "Гусейн"},    {"Əli", "Ali", "Ali", "Али"},
    {"Heydər", "Heydar", "Geidar", "Гейдар"},    {"Cəfər", "Jafar", "Dzhafar", "Джафар"},
    {"İlham", "Ilham", "Ilgam", "Ильгам"},       {"Xəlil", "Khalil", "Khalil", "Халил"},
    {"Vaqif", "Vagif", "Vagif", "Вагиф"},        {"Rövşən", "Rovshan", "Rovshan", "Ровшан"},
    {"Namiq", "Namig", "Namik", "Намик"},        {"Həsən", "Hasan", "Gasan", "Гасан"},
    {"Yusif", "Yusif", "Iusif", "Юсиф"},         {"Qəzənfər", "Gazanfar", "Kazanfar", "Казанфар"},
};

const std::vector<Surname> kSurnames = {
    {{"Məmmədov", "Mammadov", "Mamedov", "Мамедов"}, true},
    {{"Əliyev", "Aliyev", "Aliev", "Алиев"}, true},
    {{"Həsənov", "Hasanov", "Gasanov", "Гасанов"}, true},
    {{"Hüseynov", "Huseynov", "Guseynov", "Гусейнов"}, true},
    {{"Quliyev", "Guliyev", "Kuliev", "Кулиев"}, true},
    {{"İsmayılov", "Ismayilov", "Ismailov", "Исмаилов"}, true},
    {{"Abdullayev", "Abdullayev", "Abdullaev", "Абдуллаев"}, true},
    {{"Kərimov", "Karimov", "Kerimov", "Керимов"}, true},
    {{"Rzayev", "Rzayev", "Rzaev", "Рзаев"}, true},
    {{"Cəfərov", "Jafarov", "Dzhafarov", "Джафаров"}, true},
    {{"Babayev", "Babayev", "Babaev", "Бабаев"}, true},
    {{"Nəsibov", "Nasibov", "Nasibov", "Насибов"}, true},
    {{"Orucov", "Orujov", "Orudzhov", "Оруджов"}, true},
    {{"Səfərov", "Safarov", "Safarov", "Сафаров"}, true},
    {{"Vəliyev", "Valiyev", "Veliev", "Велиев"}, true},
    {{"Xəlilov", "Khalilov", "Khalilov", "Халилов"}, true},
    {{"Heydərov", "Heydarov", "Geidarov", "Гейдаров"}, true},
    {{"Əhmədov", "Ahmadov", "Akhmedov", "Ахмедов"}, true},
    {{"Süleymanov", "Suleymanov", "Suleimanov", "Сулейманов"}, true},
    {{"Mehdiyev", "Mehdiyev", "Mekhtiev", "Мехтиев"}, true},
    {{"Qasımov", "Gasimov", "Kasumov", "Касумов"}, true},
    {{"Bağırov", "Baghirov", "Bagirov", "Багиров"}, true},
    {{"İbrahimov", "Ibrahimov", "Ibragimov", "Ибрагимов"}, true},
    {{"Həsənli", "Hasanli", "Gasanly", "Гасанлы"}, false},
    {{"Əlizadə", "Alizada", "Alizade", "Ализаде"}, false},
    {{"Quluzadə", "Guluzada", "Kuluzade", "Кулузаде"}, false},
    {{"Mirzəli", "Mirzali", "Mirzaly", "Мирзалы"}, false},
};

// Central Asian victims (2019: one from Uzbekistan, one from Tajikistan).
const std::vector<Spellings> kCentralAsianFemale = {
    {"Dilnoza", "Dilnoza", "Dilnoza", "Дилноза"}, {"Nilufar", "Nilufar", "Nilufar", "Нилуфар"},
    {"Gulnora", "Gulnora", "Gulnora", "Гулнора"}, {"Malika", "Malika", "Malika", "Малика"}};
const std::vector<Spellings> kCentralAsianSurnames = {
    {"Rahimova", "Rahimova", "Rakhimova", "Рахимова"}, {"Karimova", "Karimova", "Karimova", "Каримова"},
    {"Nazarova", "Nazarova", "Nazarova", "Назарова"}, {"Sharipova", "Sharipova", "Sharipova", "Шарипова"}};

const char* spell(const Spellings& s, int script) {
  switch (script) {
    case kAscii:
      return s.ascii;
    case kRu:
      return s.ru;
    case kCyr:
      return s.cyr;
    default:
      return s.az;
  }
}

const std::vector<Region> kRegions = {
    {"Bakı", "baku", 38},        {"Sumqayıt", "baku", 9},    {"Gəncə", "ganja", 11},  {"Lənkəran", "lankaran", 8},
    {"Şəki", "ganja", 5},        {"Mingəçevir", "ganja", 5}, {"Masallı", "lankaran", 6}, {"Quba", "baku", 5},
    {"Şirvan", "baku", 4},       {"Bərdə", "ganja", 4},      {"Cəlilabad", "lankaran", 3}, {"Xaçmaz", "baku", 2},
};

const std::map<std::string, std::vector<const char*>> kCities = {
    {"TR", {"İstanbul", "Antalya", "Ankara", "Trabzon", "İzmir"}},
    {"QA", {"Doha"}},
    {"IR", {"Təbriz", "Tehran", "Ərdəbil"}},
    {"RU", {"Moskva", "Sankt-Peterburq", "Krasnodar"}},
    {"AE", {"Dubay", "Şarqa"}},
    {"GE", {"Tbilisi", "Batumi"}},
    {"AZ", {"Bakı", "Sumqayıt", "Gəncə"}},
};

const std::vector<const char*> kStreets = {"Nizami", "Füzuli", "Səməd Vurğun", "Azadlıq", "Xətai", "Nəsimi",
                                           "Cavid", "Natəvan", "Üzeyir Hacıbəyov", "Bülbül", "Şəhriyar"};

}  // namespace palermo::demo
