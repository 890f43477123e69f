#include "linkage/name_variants.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "linkage/normalize.hpp"

namespace palermo::linkage {

namespace {

// One line per name: its forms, separated by spaces. Entries are folded and keyed when the table
// is first used, so they may be written in any script; Cyrillic is written where the Russian form
// is the usual one. Spelling variants the phonetic key already joins (Hüseyn / Guseyn, Jafar /
// Cəfər) need not be listed.
constexpr const char* kGroups[] = {
    // Azerbaijani, Turkic and Arabic-origin names with their Russian, short and other-language forms.
    "Məhəmməd Məmməd Mamed Mahammad Muhammad Muhammed Mohammed Mohammad Mohamed Mehmet Magomed Мухаммед Магомед",
    "Əhməd Ahmad Ahmed Akhmed Ахмед Ahmet",
    "Mahmud Mahmoud Mahmut Махмуд",
    "İbrahim İbrahim Ibragim Ибрагим Abraham Avraam Abram Авраам",
    "İsmayıl Ismail Ismayil Ismael Ishmael Измаил Исмаил",
    "İshaq Ishak Isaac Isaak Исаак Ike",
    "Yaqub Yakub Yakup Jacob Jakob Jake Yakov Яков Jacques Jacopo Giacomo Iacob James Jim Jimmy Jimmie Jamie Jem Seamus Hamish Diego Jaime",
    "Yusif Yusuf Yusup Iosif Иосиф Osip Joseph Joe Joey Josef Jose Giuseppe Pepe",
    "Musa Moisey Моисей Moses Moshe Moise",
    "Süleyman Suleiman Sulayman Solomon Соломон Salomon",
    "İlyas Ilyas Ilya Илья Elias Elijah Ilias",
    "Yəhya Yahya John Johnny Jack Jon Ian Iain Ean Evan Ewan Euan Sean Shaun Shawn Jean Juan Johann Johannes Hans Jan Jens Giovanni Gianni Ivan Ваня Vanya Ioan Ioannis Joao Jock Iwan",
    "İsa Isa Iisus",
    "Davud Davut David Давид Dave Davy Dai Dafydd Davide",
    "Nuh Noah Noy",
    "Harun Aaron Aron Аарон",
    "Zəkəriyyə Zakariya Zachary Zach Zakhar Захар Zacharias",
    "Əli Ali Alik Алик",
    "Əliağa Aliagha",
    "Hüseynqulu Huseyngulu",
    "Abdulla Abdullah Abdallah",
    "Əbdürrəhman Abdurrahman Abdurakhman Abdulrahman",
    "Məryəm Maryam Mariam Meryem Miriam Mary Maria Marie Mariya Мария Маша Masha Marya Molly Polly Mae Mamie May Mari",
    "Fatimə Fatima Fatma Фатима",
    "Ayşə Aisha Aysha Ayesha Ayse Айша",
    "Xədicə Khadija Hatice",
    "Zəhra Zahra Zohra Zehra",
    "Rəhim Rahim Ragim",
    "Həsən Hasan Hassan",
    "Nəsrəddin Nasreddin Nasriddin",
    "Ramazan Ramadan Ramzan Рамазан",
    "Heydər Haydar Haidar Gaidar",
    "Ələkbər Alakbar Alekper Алекпер",
    "Ələsgər Alasgar Aleskер Алескер",
    "Allahverdi Allahverdiyev Allakhverdi",
    "Rüstəm Rustam Rustem Рустам",
    "Səməd Samad Samed",
    "Təhmasib Tahmasib Tahmasp",
    "Şəhla Shahla Шахла",
    "Nərmin Narmin Нармин",
    "Sevinc Sevindzh Sevinj Севиндж Seva",
    "Gülnarə Gulnara Gulnar Гюльнара Гульнара",
    "Ülviyyə Ulviyya Ulviya Ульвия",
    "Aytən Aytan Aitan Айтан",
    // Russian and other CIS names: full forms, familiar forms, and the English or European form.
    "Aleksandr Alexander Alexandre Alessandro Alejandro Alexandros Александр Саша Sasha Sanya Саня Shura Шура Alex Alec Alick Alastair Alistair Alasdair Sandy Oleksandr",
    "Aleksandra Alexandra Александра Sasha Саша Sandra Alessandra",
    "Aleksey Aleksei Alexei Alexey Алексей Alyosha Алёша Lyosha Лёша Alexis Oleksiy",
    "Anatoliy Anatoly Анатолий Tolya Толя",
    "Andrey Andrei Андрей Andryusha Andrew Andy Drew Andreas Andre Andrea Andriy Andrzej",
    "Anna Анна Anya Аня Anyuta Ann Anne Annie Nancy Hannah Hanna Ганна Annette Nan",
    "Anastasiya Anastasia Анастасия Nastya Настя Stacy",
    "Boris Борис Borya",
    "Vadim Вадим Vadik",
    "Valentin Валентин Valya",
    "Valentina Валентина Valya Валя",
    "Valeriy Valery Валерий Valera Валера",
    "Vasiliy Vasily Vasili Василий Vasya Вася Basil Wassily Vasyl",
    "Viktor Victor Виктор Vitya Витя Vittorio",
    "Viktoriya Victoria Виктория Vika Вика Vicky Vicki",
    "Vladimir Владимир Volodya Володя Vova Вова Volodymyr Wladimir Włodzimierz",
    "Vladislav Владислав Vlad Влад Vladik",
    "Vyacheslav Вячеслав Slava Слава",
    "Galina Галина Galya Галя",
    "Gennadiy Gennady Геннадий Gena Гена",
    "Georgiy Georgy Георгий Yuriy Yuri Yury Юрий Yura Юра Zhora Жора George Georgie Geordie Georg Georges Giorgio Jorge Jurgen Giorgi Heorhiy",
    "Grigoriy Grigory Григорий Grisha Гриша Gregory Greg Gregor Grigor Gregorio",
    "Darya Daria Дарья Dasha Даша",
    "Dmitriy Dmitry Dmitri Дмитрий Dima Дима Mitya Митя Demetrius Dimitri Dmytro",
    "Yevgeniy Yevgeny Evgeny Evgeniy Евгений Zhenya Женя Eugene Gene Eugen Eugenio",
    "Yevgeniya Evgenia Евгения Zhenya Женя Eugenia",
    "Yekaterina Ekaterina Екатерина Katya Катя Katerina Kateryna Catherine Katherine Kathryn Katharine Kate Katie Kitty Kathy Cathy Kathleen Katharina Caterina Katarzyna Karin Kay",
    "Yelena Elena Елена Lena Лена Alyona Алёна Helen Helena Ellen Elaine Helene Olena",
    "Yelizaveta Elizaveta Елизавета Liza Лиза Elizabeth Elisabeth Eliza Liz Lizzie Lizzy Beth Betty Bess Bessie Betsy Elsie Elspeth Lisa Isabel Isabella Isabelle Ilse",
    "Zinaida Зинаида Zina Зина",
    "Zoya Зоя Zoe",
    "Igor Игорь Igoryok",
    "Inna Инна",
    "Irina Ирина Ira Ира Irene Irena Iryna",
    "Konstantin Константин Kostya Костя Constantine Costantino",
    "Kseniya Ksenia Ксения Ksyusha Ксюша Oksana Оксана Xenia",
    "Lyudmila Ludmila Людмила Lyuda Люда Mila Мила",
    "Larisa Larissa Лариса Lara Лара",
    "Lyubov Любовь Lyuba Люба",
    "Margarita Маргарита Rita Рита Margaret Maggie Meg Megan Peggy Greta Margot Marguerite Madge Margery Marjorie Margo",
    "Marina Марина",
    "Maksim Maxim Максим Max Maks Maximilian Massimo",
    "Mikhail Михаил Misha Миша Michael Mike Mick Mickey Micky Michel Miguel Michele Mykhailo Mikael Michal",
    "Nadezhda Надежда Nadya Надя Nadia Nadine",
    "Natalya Natalia Наталья Natasha Наташа Natalie Nathalie Natalie",
    "Nikolay Nikolai Николай Kolya Коля Nicholas Nick Nicky Nicolas Nicola Nikola Niccolo Klaus Mykola",
    "Oleg Олег Olezhka",
    "Olga Ольга Olya Оля Helga",
    "Pavel Павел Pasha Паша Paul Paolo Pablo Paulo Pavlo Pawel",
    "Pyotr Petr Пётр Петр Petya Петя Peter Pete Pierre Pedro Pietro Piotr Petro Peder",
    "Roman Роман Roma Рома",
    "Svetlana Светлана Sveta Света",
    "Sergey Sergei Серге Сергей Seryozha Серёжа Serge Sergio Serhiy",
    "Stanislav Станислав Stas Стас Stanislaw",
    "Stepan Степан Styopa Stephen Steve Steven Stefan Stephan Etienne Esteban Stefano Stepan Steffen",
    "Tatyana Tatiana Татьяна Tanya Таня Tania",
    "Fyodor Fedor Фёдор Fedya Федя Theodore Theo Ted Teddy Teodor Feodor",
    "Yuliya Yulia Julia Юлия Yulya Юля Julie Juliet Giulia Julija",
    "Yaroslav Ярослав Yarik",
    "Semyon Semen Семён Семен Syoma Simon Simeon Shimon",
    "Yakov Яков Yasha Яша",
    "Matvey Матвей Matthew Matt Matthias Mattheus Matteo Mathieu Mateusz Matvii",
    "Filipp Филипп Philip Phillip Phil Pip Felipe Filippo Philipp Philippe",
    "Anton Антон Anthony Tony Antonio Antoine Antonius Antony",
    "Daniil Даниил Danila Данила Daniel Dan Danny Daniele Danylo",
    "Timofey Тимофей Timothy Tim Timmy Timothee",
    "Benjamin Ben Benny Benjamin Veniamin Вениамин",
    "Lev Лев Leo Leon Leonid Леонид Lyonya",
    // English, Welsh, Scottish, Irish and other European forms.
    "William Will Willie Willy Bill Billy Liam Wilhelm Guillaume Guglielmo Gwilym Wim Wilkin Wm Vilhelm",
    "Thomas Tom Tommy Thom Tomas Tomos Tomasz Foma Фома",
    "Henry Harry Hal Hank Henri Enrique Heinrich Enrico Hendrik Harri Heinz Genrikh Генрих",
    "Harold Harry Hal Harald",
    "Alfred Alf Alfie Fred Freddie Freddy",
    "Frederick Frederic Fred Freddie Freddy Fritz Friedrich Federico Frederik",
    "Wilfred Wilfrid Wilf Fred",
    "Francis Frank Frankie Fran Francesco Francois Francisco Franz Frans",
    "Frances Fanny Fran Frankie Francesca Francoise Francisca",
    "Charles Charlie Charley Chas Chuck Carl Karl Carlo Carlos Karel Carol Karol",
    "Charlotte Lottie Lotte Carlotta",
    "Arthur Art Artie Arturo Artur Артур",
    "Walter Wally Walt Walther Gualtiero Wat",
    "Robert Rob Robbie Robby Bob Bobby Bert Roberto Rupert Robin Ruprecht",
    "Edward Ed Eddie Eddy Ted Teddy Ned Eduard Edouard Eduardo Edoardo Edvard",
    "Edmund Edmond Ed Eddie Ned Edmondo",
    "Edwin Ed Eddie",
    "Herbert Bert Herbie Bertie",
    "Albert Al Bert Bertie Alberto Albrecht",
    "Gilbert Gil Bert Gilberto",
    "Hubert Bert Hugh",
    "Samuel Sam Sammy Samuele Samuil",
    "Ernest Ernie Ernst Ernesto",
    "Archibald Archie Archy",
    "Richard Rick Ricky Dick Dickie Dicky Rich Richie Ricardo Riccardo Rikard",
    "Hugh Hugo Hughie Hugues Ugo",
    "Lewis Louis Lou Ludwig Luigi Luis Ludovic Lodewijk",
    "Louisa Louise Lou Luisa Luise",
    "Lawrence Laurence Larry Lorenzo Laurent Lars Lavrentiy",
    "Patrick Pat Paddy Patrice Padraig",
    "Christopher Chris Kit Christoph Christophe Cristoforo Kristof",
    "Christina Christine Chris Tina Kristina Kristin Kirsten Khristina",
    "Geoffrey Jeffrey Jeff Geoff Godfrey Gottfried Geoffroy",
    "Gerald Gerry Jerry Gerard Gerardo",
    "Jeremy Jeremiah Jerry",
    "Kenneth Ken Kenny",
    "Leonard Len Lenny Leo Leonardo Leonhard",
    "Ronald Ron Ronnie",
    "Donald Don Donnie",
    "Raymond Ray Raimund Raimondo Ramon",
    "Reginald Reg Reggie Reynold",
    "Percival Percy",
    "Oliver Ollie Olivier Oliviero",
    "Ralph Rafe Raoul Raul",
    "Augustus Augustine Gus Gussie August Agostino Augusto",
    "Bartholomew Bart Barth Bartolomeo",
    "Montague Monty",
    "Sebastian Seb Sebastien Sebastiano",
    "Tobias Toby",
    "Nathaniel Nat Nathan",
    "Cornelius Corney Neil Kornelius",
    "Cuthbert Cuddy",
    "Humphrey Humph",
    "Clement Clem",
    "Jonathan Jon Jonny Jonty",
    "Matilda Maud Maude Tilly Mathilde Matilde",
    "Cecily Cecilia Cicely Cecile Sissy Cissie",
    "Caroline Carrie Carol Carolina Karoline",
    "Rebecca Becky Rebekah Rivka",
    "Harriet Hattie Harriett Henrietta Etta",
    "Martha Mattie Patty Marta Marfa Марфа",
    "Abigail Abby Abbie Gail",
    "Judith Judy Jude",
    "Josephine Josie Jo Giuseppina",
    "Evelyn Eve Evie Evelina",
    "Eleanor Elinor Ellen Nell Nellie Nelly Leonora Eleonora Elly",
    "Dorothy Dolly Dot Dottie Dora Dorothea",
    "Florence Flo Florrie Flossie Florenzia",
    "Jane Jenny Jennie Janet Janie Jean Joan Joanna Johanna Jeanne Giovanna Juana Jo Janette Sheena",
    "Sarah Sara Sally Sadie Zara",
    "Susan Sue Susie Susanna Susannah Suzanne Suzy",
    "Agnes Nessie Nancy Agnese",
    "Gwendolyn Gwendolen Gwen",
    "Emily Emilie Emilia Emmy",
    "Amelia Millie Emilia",
    "Mildred Millie Milly",
    "Wilhelmina Mina Minnie Willa Wilma",
    "Theodora Dora Teodora",
    "Barbara Babs Barbra Varvara Варвара Varya",
    "Sophia Sophie Sofia Sofya Софья Sonya Соня",
    "Eva Eve Yeva Ева Hawa Həvva Havva",
};

// Honorifics, ranks and ordinals that turn up in the name fields of registers and lists.
constexpr const char* kTitles[] = {
    "sir", "lord", "lady", "dame", "mr",  "mrs",  "ms",   "miss", "dr",   "rev", "reverend", "prof", "professor", "saint", "st",
    "1st", "2nd",  "3rd",  "4th",  "5th", "6th",  "7th",  "8th",  "9th",  "10th", "jr",      "sr",   "baron",     "baronet", "earl",
    "count", "duke", "king", "queen", "prince", "princess", "bishop", "captain", "capt", "colonel", "general", "major", "hon",
};

// Calls visit(word) for each space-separated word of folded text.
template <typename Visit>
void forEachWord(std::string_view text, const Visit& visit) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) visit(text.substr(i, j - i));
    i = j + 1;
  }
}

struct Table {
  std::unordered_map<std::string, std::vector<uint16_t>> by_key;  // phonetic key -> groups
  std::unordered_set<std::string> titles;
  Table() {
    uint16_t group = 0;
    for (const char* line : kGroups) {
      forEachWord(foldName(line), [&](std::string_view word) {
        auto& groups = by_key[phoneticKey(word)];
        if (groups.empty() || groups.back() != group) groups.push_back(group);
      });
      ++group;
    }
    for (auto& [key, groups] : by_key) std::sort(groups.begin(), groups.end());
    for (const char* t : kTitles) titles.insert(t);
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

bool isTitle(std::string_view folded_word) { return table().titles.count(std::string(folded_word)) != 0; }

std::string withoutTitles(std::string_view folded_name) {
  std::string out;
  forEachWord(folded_name, [&](std::string_view word) {
    if (isTitle(word)) return;
    if (!out.empty()) out += ' ';
    out += word;
  });
  return out;
}

std::vector<uint16_t> givenNameGroups(std::string_view folded_name) {
  const Table& t = table();
  std::vector<uint16_t> out;
  forEachWord(folded_name, [&](std::string_view word) {
    // Initials ("j") and titles are not names.
    if (word.size() > 1 && !t.titles.count(std::string(word))) {
      auto it = t.by_key.find(phoneticKey(word));
      if (it != t.by_key.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool shareGroup(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    a[i] < b[j] ? ++i : ++j;
  }
  return false;
}

}  // namespace palermo::linkage
