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
    {"Bakı", "baku", "baku", 38},           {"Sumqayıt", "sumgait", "baku", 9},
    {"Gəncə", "ganja", "ganja", 11},        {"Lənkəran", "lankaran", "lankaran", 8},
    {"Şəki", "shaki", "ganja", 5},          {"Mingəçevir", "mingachevir", "ganja", 5},
    {"Masallı", "masally", "lankaran", 6},  {"Quba", "guba", "baku", 5},
    {"Şirvan", "shirvan", "baku", 4},       {"Bərdə", "barda", "ganja", 4},
    {"Cəlilabad", "jalilabad", "lankaran", 3}, {"Xaçmaz", "khachmaz", "baku", 2},
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

// Children's names: given names of children born in the 2000s and other surnames than the
// victims' (kSurnames), so
// that thousands of made-up children are rarely namesakes of each other or of the victims
// (the linkage tests count every accidental namesake pair as a false link). Written only in
// Azerbaijani: these registrations come from one agency each.
const std::vector<Spellings> kBoys = {
    {"Murad", "Murad", "Murad", "Murad"}, {"Ömər", "Ömər", "Ömər", "Ömər"}, {"Məhəmməd", "Məhəmməd", "Məhəmməd", "Məhəmməd"}, {"Rüstəm", "Rüstəm", "Rüstəm", "Rüstəm"},
    {"Nihad", "Nihad", "Nihad", "Nihad"}, {"Kənan", "Kənan", "Kənan", "Kənan"}, {"Toğrul", "Toğrul", "Toğrul", "Toğrul"}, {"Ayxan", "Ayxan", "Ayxan", "Ayxan"},
    {"Emil", "Emil", "Emil", "Emil"}, {"Ruslan", "Ruslan", "Ruslan", "Ruslan"}, {"Fuad", "Fuad", "Fuad", "Fuad"}, {"Nurlan", "Nurlan", "Nurlan", "Nurlan"},
    {"Tamerlan", "Tamerlan", "Tamerlan", "Tamerlan"}, {"Zaur", "Zaur", "Zaur", "Zaur"}, {"Elnur", "Elnur", "Elnur", "Elnur"}, {"İlkin", "İlkin", "İlkin", "İlkin"},
    {"Kamil", "Kamil", "Kamil", "Kamil"}, {"Səməd", "Səməd", "Səməd", "Səməd"}, {"Rauf", "Rauf", "Rauf", "Rauf"}, {"Anar", "Anar", "Anar", "Anar"},
    {"Araz", "Araz", "Araz", "Araz"}, {"Babək", "Babək", "Babək", "Babək"}, {"Eldar", "Eldar", "Eldar", "Eldar"}, {"Fərhad", "Fərhad", "Fərhad", "Fərhad"},
    {"Hikmət", "Hikmət", "Hikmət", "Hikmət"}, {"İsmayıl", "İsmayıl", "İsmayıl", "İsmayıl"}, {"Kərim", "Kərim", "Kərim", "Kərim"}, {"Mahir", "Mahir", "Mahir", "Mahir"},
    {"Nadir", "Nadir", "Nadir", "Nadir"}, {"Pərviz", "Pərviz", "Pərviz", "Pərviz"}, {"Rəşid", "Rəşid", "Rəşid", "Rəşid"}, {"Sənan", "Sənan", "Sənan", "Sənan"},
    {"Şahin", "Şahin", "Şahin", "Şahin"}, {"Tərlan", "Tərlan", "Tərlan", "Tərlan"}, {"Turan", "Turan", "Turan", "Turan"}, {"Ülvi", "Ülvi", "Ülvi", "Ülvi"},
    {"Vüqar", "Vüqar", "Vüqar", "Vüqar"}, {"Yaqub", "Yaqub", "Yaqub", "Yaqub"}, {"Zəfər", "Zəfər", "Zəfər", "Zəfər"}, {"Adil", "Adil", "Adil", "Adil"},
    {"Bəhruz", "Bəhruz", "Bəhruz", "Bəhruz"}, {"Coşqun", "Coşqun", "Coşqun", "Coşqun"}, {"Davud", "Davud", "Davud", "Davud"}, {"Elşən", "Elşən", "Elşən", "Elşən"},
    {"Fəxri", "Fəxri", "Fəxri", "Fəxri"}, {"Qadir", "Qadir", "Qadir", "Qadir"}, {"Həmid", "Həmid", "Həmid", "Həmid"}, {"İbrahim", "İbrahim", "İbrahim", "İbrahim"},
    {"Mirzə", "Mirzə", "Mirzə", "Mirzə"}, {"Rahib", "Rahib", "Rahib", "Rahib"}, {"Sahib", "Sahib", "Sahib", "Sahib"}, {"Teymur", "Teymur", "Teymur", "Teymur"},
    {"Vasif", "Vasif", "Vasif", "Vasif"}, {"Xəyal", "Xəyal", "Xəyal", "Xəyal"}, {"Zahid", "Zahid", "Zahid", "Zahid"}, {"Aydın", "Aydın", "Aydın", "Aydın"},
};
const std::vector<Spellings> kGirls = {
    {"Zəhra", "Zəhra", "Zəhra", "Zəhra"}, {"Fatimə", "Fatimə", "Fatimə", "Fatimə"}, {"Ayan", "Ayan", "Ayan", "Ayan"}, {"Nərgiz", "Nərgiz", "Nərgiz", "Nərgiz"},
    {"Aylin", "Aylin", "Aylin", "Aylin"}, {"Nuray", "Nuray", "Nuray", "Nuray"}, {"Mədinə", "Mədinə", "Mədinə", "Mədinə"}, {"Səma", "Səma", "Səma", "Səma"},
    {"Lamiyə", "Lamiyə", "Lamiyə", "Lamiyə"}, {"Arzu", "Arzu", "Arzu", "Arzu"}, {"Cəmilə", "Cəmilə", "Cəmilə", "Cəmilə"}, {"Dilarə", "Dilarə", "Dilarə", "Dilarə"},
    {"Elmira", "Elmira", "Elmira", "Elmira"}, {"Firuzə", "Firuzə", "Firuzə", "Firuzə"}, {"Gülər", "Gülər", "Gülər", "Gülər"}, {"Hicran", "Hicran", "Hicran", "Hicran"},
    {"İlahə", "İlahə", "İlahə", "İlahə"}, {"Jalə", "Jalə", "Jalə", "Jalə"}, {"Kəmalə", "Kəmalə", "Kəmalə", "Kəmalə"}, {"Lətafət", "Lətafət", "Lətafət", "Lətafət"},
    {"Mələk", "Mələk", "Mələk", "Mələk"}, {"Nazlı", "Nazlı", "Nazlı", "Nazlı"}, {"Pərvin", "Pərvin", "Pərvin", "Pərvin"}, {"Röya", "Röya", "Röya", "Röya"},
    {"Sevda", "Sevda", "Sevda", "Sevda"}, {"Şəfəq", "Şəfəq", "Şəfəq", "Şəfəq"}, {"Təranə", "Təranə", "Təranə", "Təranə"}, {"Ülkər", "Ülkər", "Ülkər", "Ülkər"},
    {"Vəfa", "Vəfa", "Vəfa", "Vəfa"}, {"Yeganə", "Yeganə", "Yeganə", "Yeganə"}, {"Zümrüd", "Zümrüd", "Zümrüd", "Zümrüd"}, {"Aidə", "Aidə", "Aidə", "Aidə"},
    {"Banu", "Banu", "Banu", "Banu"}, {"Çinarə", "Çinarə", "Çinarə", "Çinarə"}, {"Dünya", "Dünya", "Dünya", "Dünya"}, {"Esmira", "Esmira", "Esmira", "Esmira"},
    {"Fəridə", "Fəridə", "Fəridə", "Fəridə"}, {"Günay", "Günay", "Günay", "Günay"}, {"Həcər", "Həcər", "Həcər", "Həcər"}, {"İradə", "İradə", "İradə", "İradə"},
    {"Kübra", "Kübra", "Kübra", "Kübra"}, {"Mehriban", "Mehriban", "Mehriban", "Mehriban"}, {"Nurlana", "Nurlana", "Nurlana", "Nurlana"}, {"Pəri", "Pəri", "Pəri", "Pəri"},
    {"Rübabə", "Rübabə", "Rübabə", "Rübabə"}, {"Səidə", "Səidə", "Səidə", "Səidə"}, {"Sona", "Sona", "Sona", "Sona"}, {"Türkan", "Türkan", "Türkan", "Türkan"},
    {"Ulduz", "Ulduz", "Ulduz", "Ulduz"}, {"Xanım", "Xanım", "Xanım", "Xanım"}, {"Yasəmən", "Yasəmən", "Yasəmən", "Yasəmən"}, {"Zülfiyyə", "Zülfiyyə", "Zülfiyyə", "Zülfiyyə"},
    {"Aygün", "Aygün", "Aygün", "Aygün"}, {"Bahar", "Bahar", "Bahar", "Bahar"}, {"Gülnar", "Gülnar", "Gülnar", "Gülnar"},
};
const std::vector<Surname> kChildSurnames = {
    {{"Abbasov", "Abbasov", "Abbasov", "Abbasov"}, true}, {{"Bəşirov", "Bəşirov", "Bəşirov", "Bəşirov"}, true}, {{"Ağayev", "Ağayev", "Ağayev", "Ağayev"}, true},
    {{"Fətullayev", "Fətullayev", "Fətullayev", "Fətullayev"}, true}, {{"Qafarov", "Qafarov", "Qafarov", "Qafarov"}, true}, {{"Cabbarov", "Cabbarov", "Cabbarov", "Cabbarov"}, true},
    {{"Camalov", "Camalov", "Camalov", "Camalov"}, true}, {{"Dadaşov", "Dadaşov", "Dadaşov", "Dadaşov"}, true}, {{"Eyyubov", "Eyyubov", "Eyyubov", "Eyyubov"}, true},
    {{"Əsgərov", "Əsgərov", "Əsgərov", "Əsgərov"}, true}, {{"Fərzəliyev", "Fərzəliyev", "Fərzəliyev", "Fərzəliyev"}, true}, {{"Fərəcov", "Fərəcov", "Fərəcov", "Fərəcov"}, true},
    {{"Qənbərov", "Qənbərov", "Qənbərov", "Qənbərov"}, true}, {{"Qurbanov", "Qurbanov", "Qurbanov", "Qurbanov"}, true}, {{"Hacıyev", "Hacıyev", "Hacıyev", "Hacıyev"}, true},
    {{"Hidayətov", "Hidayətov", "Hidayətov", "Hidayətov"}, true}, {{"Hümbətov", "Hümbətov", "Hümbətov", "Hümbətov"}, true}, {{"Kamalov", "Kamalov", "Kamalov", "Kamalov"}, true},
    {{"Lətifov", "Lətifov", "Lətifov", "Lətifov"}, true}, {{"Kazımov", "Kazımov", "Kazımov", "Kazımov"}, true}, {{"Mirzəyev", "Mirzəyev", "Mirzəyev", "Mirzəyev"}, true},
    {{"Məhərrəmov", "Məhərrəmov", "Məhərrəmov", "Məhərrəmov"}, true}, {{"Nəzərov", "Nəzərov", "Nəzərov", "Nəzərov"}, true}, {{"Musayev", "Musayev", "Musayev", "Musayev"}, true},
    {{"Mustafayev", "Mustafayev", "Mustafayev", "Mustafayev"}, true}, {{"Nağıyev", "Nağıyev", "Nağıyev", "Nağıyev"}, true}, {{"Pənahov", "Pənahov", "Pənahov", "Pənahov"}, true},
    {{"Novruzov", "Novruzov", "Novruzov", "Novruzov"}, true}, {{"Rəsulov", "Rəsulov", "Rəsulov", "Rəsulov"}, true}, {{"Paşayev", "Paşayev", "Paşayev", "Paşayev"}, true},
    {{"Rəhimov", "Rəhimov", "Rəhimov", "Rəhimov"}, true}, {{"Rüstəmov", "Rüstəmov", "Rüstəmov", "Rüstəmov"}, true}, {{"Sadıqov", "Sadıqov", "Sadıqov", "Sadıqov"}, true},
    {{"Salmanov", "Salmanov", "Salmanov", "Salmanov"}, true}, {{"Sərdarov", "Sərdarov", "Sərdarov", "Sərdarov"}, true}, {{"Şirinov", "Şirinov", "Şirinov", "Şirinov"}, true},
    {{"Tağıyev", "Tağıyev", "Tağıyev", "Tağıyev"}, true}, {{"Tahirov", "Tahirov", "Tahirov", "Tahirov"}, true}, {{"Yusifov", "Yusifov", "Yusifov", "Yusifov"}, true},
    {{"Zeynalov", "Zeynalov", "Zeynalov", "Zeynalov"}, true}, {{"Allahverdiyev", "Allahverdiyev", "Allahverdiyev", "Allahverdiyev"}, true}, {{"Bayramov", "Bayramov", "Bayramov", "Bayramov"}, true},
    {{"Eyvazov", "Eyvazov", "Eyvazov", "Eyvazov"}, true}, {{"Cahangirov", "Cahangirov", "Cahangirov", "Cahangirov"}, true}, {{"Muradov", "Muradov", "Muradov", "Muradov"}, true},
    {{"Nəbiyev", "Nəbiyev", "Nəbiyev", "Nəbiyev"}, true}, {{"Şükürov", "Şükürov", "Şükürov", "Şükürov"}, true}, {{"Talıbov", "Talıbov", "Talıbov", "Talıbov"}, true},
    {{"Usubov", "Usubov", "Usubov", "Usubov"}, true}, {{"Ramazanov", "Ramazanov", "Ramazanov", "Ramazanov"}, true},
    {{"Abbaslı", "Abbaslı", "Abbaslı", "Abbaslı"}, false}, {{"Bağırlı", "Bağırlı", "Bağırlı", "Bağırlı"}, false}, {{"Cəfərli", "Cəfərli", "Cəfərli", "Cəfərli"}, false},
    {{"Əhmədli", "Əhmədli", "Əhmədli", "Əhmədli"}, false}, {{"Qasımlı", "Qasımlı", "Qasımlı", "Qasımlı"}, false}, {{"Hacılı", "Hacılı", "Hacılı", "Hacılı"}, false},
    {{"İsmayıllı", "İsmayıllı", "İsmayıllı", "İsmayıllı"}, false}, {{"Kərimli", "Kərimli", "Kərimli", "Kərimli"}, false}, {{"Musalı", "Musalı", "Musalı", "Musalı"}, false},
    {{"Nağılı", "Nağılı", "Nağılı", "Nağılı"}, false}, {{"Rəhimli", "Rəhimli", "Rəhimli", "Rəhimli"}, false}, {{"Səfərli", "Səfərli", "Səfərli", "Səfərli"}, false},
    {{"Tağızadə", "Tağızadə", "Tağızadə", "Tağızadə"}, false}, {{"Vəlizadə", "Vəlizadə", "Vəlizadə", "Vəlizadə"}, false}, {{"Zeynallı", "Zeynallı", "Zeynallı", "Zeynallı"}, false},
    {{"Məmmədzadə", "Məmmədzadə", "Məmmədzadə", "Məmmədzadə"}, false}, {{"Hüseynzadə", "Hüseynzadə", "Hüseynzadə", "Hüseynzadə"}, false}, {{"Rzazadə", "Rzazadə", "Rzazadə", "Rzazadə"}, false},
    {{"Sultanlı", "Sultanlı", "Sultanlı", "Sultanlı"}, false}, {{"Şahbazlı", "Şahbazlı", "Şahbazlı", "Şahbazlı"}, false},
};

const Region& pickRegion(Rng& rng) {
  std::vector<int> w;
  for (const auto& r : kRegions) w.push_back(r.weight);
  return kRegions[rng.weighted(w)];
}

void addRow(std::vector<records::ImportRow>& rows, const std::string& type, const std::string& key,
            const std::string& agency, Json data, Json transitions, Json share) {
  records::ImportRow r;
  r.type = type;
  r.key = key;
  r.agency = agency;
  r.data = std::move(data);
  r.transitions = std::move(transitions);
  r.share = std::move(share);
  r.file = "demo";
  r.line = static_cast<int>(rows.size()) + 1;
  rows.push_back(std::move(r));
}

}  // namespace palermo::demo
