#include "linkage/person_links.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_set>

#include "core/json.hpp"
#include "core/keys.hpp"
#include "core/log.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::linkage {

namespace {

// Model fields, in matcher order.
enum Field : std::size_t { kGiven, kSurname, kPatronymic, kBirth, kSex, kCitizenship, kPhone, kDocument, kBirthPlace, kFields };

// The registers whose records are registrations of a person, and the decisions register.
const char* const kPerson = "person";
const char* const kSignal = "signal";
const char* const kDecision = "link_decision";

const std::set<std::string> kChangingActions = {"record.create", "record.update", "record.delete",
                                                "record.restore", "record.transition", "record.migration"};

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string text(const Json& d, const char* key) {
  auto it = d.find(key);
  if (it == d.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

int64_t integer(const Json& d, const char* key) {
  auto it = d.find(key);
  if (it == d.end() || !it->is_number_integer()) return 0;
  return it->get<int64_t>();
}

std::pair<int64_t, int64_t> ordered(int64_t a, int64_t b) { return {std::min(a, b), std::max(a, b)}; }

constexpr std::size_t kTrustedPairs = 200000;  // fewer candidate pairs: priors for m
constexpr std::size_t kTrustedRegistrations = 500;  // fewer: priors for u too, no term frequencies

constexpr int64_t kFreshIdBase = int64_t{1} << 52;
// Two registrations whose comparison leaves less than this chance of one person (different full
// dates of birth and a different document or father's name) never end in one person, however
// their other registrations link: clustering keeps namesakes apart.
constexpr double kCannotLink = 1e-4;

}  // namespace

struct PersonLinks::State {
  const records::Schema& schema;
  Store& store;
  const KeyRing& keys;
  Options opt;

  bool loaded = false;
  int64_t seq = 0;
  uint64_t version = 1;
  std::unique_ptr<Matcher> matcher;
  std::unordered_map<int64_t, uint32_t> row_of;                 // live registrations -> matcher row
  std::unordered_map<int64_t, bool> is_signal;                  // live registrations -> signal or person
  std::unordered_map<int64_t, int64_t> ref_of;                  // signal -> the person record it names
  std::unordered_map<int64_t, std::set<int64_t>> referrers;     // person record -> signals naming it
  std::unordered_map<int64_t, int64_t> person_of;               // registration -> person id
  std::unordered_map<int64_t, std::set<int64_t>> members;       // person id -> registrations
  std::unordered_map<int64_t, std::string> how;                 // registration -> method of its link
  std::unordered_map<int64_t, int> probability_milli;           // registration -> probability of its link
  std::map<std::pair<int64_t, int64_t>, std::string> decisions; // (lo, hi) -> same | different
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> decision_pair;  // decision record -> its pair
  std::vector<PersonLinkRow> dirty;                              // rows to store
  std::shared_ptr<const std::unordered_map<int64_t, int64_t>> shared;
  uint64_t shared_version = 0;
  // The changes of person_of since version `log_from`, in order: (version after the change,
  // registration, its person or 0 when it left). Readers of the links (the statistics) catch
  // up from it instead of taking the whole map; a relink, or a log grown past kLogLimit,
  // starts it again (readers behind it then take the whole map).
  struct Change {
    uint64_t version;
    int64_t record, person;
  };
  static constexpr std::size_t kLogLimit = 200000;
  std::vector<Change> log;
  uint64_t log_from = 1;
  void logged(int64_t record, int64_t person) {
    if (log.size() >= kLogLimit) {
      log.clear();
      log_from = version;
    }
    log.push_back({version, record, person});
  }
  void restartLog() {
    log.clear();
    log_from = version;
  }

  State(const records::Schema& s, Store& st, const KeyRing& k, Options o) : schema(s), store(st), keys(k), opt(o) {}

  MatchOptions matchOptions() const {
    MatchOptions mo;
    mo.link_probability = opt.link_probability;
    mo.review_low = opt.review_low;
    mo.threads = opt.threads;
    return mo;
  }

  // The model's values of one registration (identity opened here, in memory only).
  InputRecord inputOf(const StoredRecord& r, int64_t& ref) const {
    Json d = r.data;
    if (!r.identity.empty()) {
      const Json identity = Json::parse(keys.open(r.identity, records::sealContext(r.id)));
      for (const auto& [k, v] : identity.items()) d[k] = v;
    }
    InputRecord in;
    in.id = std::to_string(r.id);
    in.values.assign(kFields, "");
    ref = 0;
    if (r.type == kPerson) {
      in.values[kGiven] = text(d, "first_name");
      in.values[kSurname] = text(d, "last_name");
      in.values[kPatronymic] = text(d, "patronymic");
      in.values[kBirth] = text(d, "birth");
      in.values[kSex] = text(d, "sex");
      in.values[kCitizenship] = text(d, "citizenship");
      in.values[kPhone] = text(d, "phone");
      in.values[kDocument] = text(d, "document_number");
      in.values[kBirthPlace] = text(d, "birth_place");
    } else {
      const ParsedName n = parseFullName(text(d, "person_name"));
      in.values[kGiven] = n.given;
      in.values[kSurname] = n.surname;
      in.values[kPatronymic] = n.patronymic;
      in.values[kBirth] = text(d, "person_birth");
      in.values[kSex] = text(d, "person_sex");
      in.values[kCitizenship] = text(d, "person_citizenship");
      ref = integer(d, "person");
    }
    return in;
  }

  static bool hasName(const InputRecord& in) { return !in.values[kGiven].empty() || !in.values[kSurname].empty(); }

  void forEachRecord(const std::string& type, const std::function<void(const StoredRecord&)>& fn) {
    if (!schema.type(type)) return;
    RecordQuery q;
    q.type = type;
    q.limit = 5000;
    for (;;) {
      auto page = store.listRecords(q);
      for (const auto& r : page.items) fn(r);
      if (!page.has_more || page.items.empty()) break;
      q.after_id = page.items.back().id;
      q.after_value = Json(q.after_id);
    }
  }

  void putDecision(const StoredRecord& r) {
    removeDecision(r.id);
    if (r.deleted_at) return;
    const int64_t a = integer(r.data, "first_record"), b = integer(r.data, "second_record");
    const std::string d = text(r.data, "decision");
    if (!a || !b || a == b || (d != "same" && d != "different")) return;
    decisions[ordered(a, b)] = d;  // records are read in id order: the latest decision wins
    decision_pair[r.id] = ordered(a, b);
  }
  void removeDecision(int64_t decision_id) {
    auto it = decision_pair.find(decision_id);
    if (it == decision_pair.end()) return;
    decisions.erase(it->second);
    decision_pair.erase(it);
  }
  [[nodiscard]] std::string decisionOn(int64_t a, int64_t b) const {
    auto it = decisions.find(ordered(a, b));
    return it == decisions.end() ? std::string() : it->second;
  }

  // ---- Membership.

  void setPerson(int64_t record, int64_t person, const std::string& method, double p) {
    auto old = person_of.find(record);
    if (old != person_of.end()) {
      if (old->second == person && how[record] == method) return;
      auto& ms = members[old->second];
      ms.erase(record);
      if (ms.empty()) members.erase(old->second);
    }
    person_of[record] = person;
    members[person].insert(record);
    how[record] = method;
    probability_milli[record] = static_cast<int>(p * 1000 + 0.5);
    dirty.push_back({record, person, probability_milli[record], method, nowMs()});
    ++version;
    logged(record, person);
  }

  // Takes a registration out of its person. When the person's id was this registration's own,
  // the others are renamed to their earliest registration (the id must stay free for it).
  void leave(int64_t record) {
    auto it = person_of.find(record);
    if (it == person_of.end()) return;
    const int64_t person = it->second;
    person_of.erase(it);
    how.erase(record);
    auto& ms = members[person];
    ms.erase(record);
    ++version;
    logged(record, 0);
    if (ms.empty()) {
      members.erase(person);
      return;
    }
    if (person == record) {
      const std::set<int64_t> rest = ms;
      const int64_t renamed = *rest.begin();
      for (int64_t r : rest) setPerson(r, renamed, how[r], probability_milli[r] / 1000.0);
    }
  }

  [[nodiscard]] bool personMayTake(int64_t person, int64_t record) const {
    auto it = members.find(person);
    if (it == members.end()) return true;
    auto row = row_of.find(record);
    for (int64_t m : it->second) {
      if (decisionOn(m, record) == "different") return false;
      auto other = row_of.find(m);
      if (row != row_of.end() && other != row_of.end() && matcher->scorePair(other->second, row->second).probability < kCannotLink)
        return false;
    }
    return true;
  }

  // Whether a registration (re-read after an edit) still belongs to its person: it is the only
  // registration there besides the signals naming it, or a link to another member reaches the
  // threshold, and nothing (a decision, a plain disagreement) forbids any member.
  [[nodiscard]] bool stillBelongs(int64_t record) const {
    const int64_t person = person_of.at(record);
    auto row = row_of.find(record);
    bool linked = true;
    for (int64_t m : members.at(person)) {
      if (m == record) continue;
      if (decisionOn(m, record) == "different") return false;
      auto other = row_of.find(m);
      auto ref = ref_of.find(m);
      if (ref != ref_of.end() && ref->second == record) continue;  // a signal naming it
      linked = false;
      if (row == row_of.end() || other == row_of.end()) continue;
      const double p = matcher->scorePair(other->second, row->second).probability;
      if (p < kCannotLink) return false;
      if (p >= opt.link_probability) linked = true;
    }
    // A link to one member is enough (the others reached the person through it).
    if (linked) return true;
    for (int64_t m : members.at(person)) {
      auto other = row_of.find(m);
      if (m != record && row != row_of.end() && other != row_of.end() &&
          matcher->scorePair(other->second, row->second).probability >= opt.link_probability)
        return true;
    }
    return false;
  }

  // Takes a registration out with the signals naming it, to be matched again.
  void takeOut(int64_t record, std::vector<int64_t>& to_assign) {
    leave(record);
    to_assign.push_back(record);
    if (auto f = referrers.find(record); f != referrers.end())
      for (int64_t s : f->second) leave(s), to_assign.push_back(s);
  }

  // A decision on (a, b), a < b, was made, changed or withdrawn. The earlier registration keeps
  // its person (and the person its id): "same" brings b's person over to a's; "different" takes
  // b out of a shared person; a withdrawn decision returns b to the model.
  void applyDecision(int64_t a, int64_t b, std::vector<int64_t>& to_assign) {
    auto pa = person_of.find(a), pb = person_of.find(b);
    if (pa == person_of.end() || pb == person_of.end()) return;
    const std::string d = decisionOn(a, b);
    if (d == "same") {
      if (pa->second == pb->second) return;
      const int64_t into = pa->second, from = pb->second;
      const std::set<int64_t> moving = members[from];
      for (int64_t m : moving) setPerson(m, into, m == b ? "review" : how[m], m == b ? 1.0 : probability_milli[m] / 1000.0);
      return;
    }
    if (d == "different") {
      if (pa->second == pb->second) takeOut(b, to_assign);
      return;
    }
    // No decision any more: b is matched again by the model.
    takeOut(b, to_assign);
  }

  // Links one registration (already in the matcher, or a signal with a reference) to a person:
  // a decision "same" first, then its reference, then the best model link, else a new person.
  void assign(int64_t record) {
    for (const auto& [pair, d] : decisions) {
      if (d != "same" || (pair.first != record && pair.second != record)) continue;
      const int64_t other = pair.first == record ? pair.second : pair.first;
      auto p = person_of.find(other);
      if (p != person_of.end() && p->second != record) {
        setPerson(record, p->second, "review", 1.0);
        return;
      }
    }
    auto ref = ref_of.find(record);
    if (ref != ref_of.end()) {
      auto p = person_of.find(ref->second);
      if (p != person_of.end()) {
        setPerson(record, p->second, "reference", 1.0);
        return;
      }
    }
    auto row = row_of.find(record);
    if (row != row_of.end()) {
      const auto links = searchRow(row->second, 10, opt.link_probability);
      for (const auto& l : links) {
        const int64_t other = std::stoll(matcher->id(l.a));
        auto p = person_of.find(other);
        if (p == person_of.end() || other == record) continue;
        if (!personMayTake(p->second, record)) continue;
        setPerson(record, p->second, "model", l.probability);
        return;
      }
    }
    // A person of its own. Its id is its record id unless another person already holds it.
    setPerson(record, members.count(record) ? freshId(record) : record, "first", 1.0);
  }

  // An id for a new person whose natural id (its record id) another person holds (it left that
  // person, which kept the id by majority in a re-link): a number no record id reaches.
  static int64_t freshId(int64_t record) { return record + kFreshIdBase; }

  // Matches a registration already in the matcher against the others, most likely first.
  std::vector<Link> searchRow(uint32_t row, std::size_t limit, double min_p) const {
    auto out = matcher->candidatesOf(row, min_p);
    std::sort(out.begin(), out.end(), [](const Link& x, const Link& y) { return x.probability > y.probability; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  // ---- Loading and refreshing.

  void addRegistration(const StoredRecord& r) {
    int64_t ref = 0;
    InputRecord in = inputOf(r, ref);
    is_signal[r.id] = r.type == kSignal;
    if (ref) {
      ref_of[r.id] = ref;
      referrers[ref].insert(r.id);
    }
    if (hasName(in) || r.type == kPerson) row_of[r.id] = matcher->add({in});
  }

  void dropRegistration(int64_t id) {
    is_signal.erase(id);
    auto row = row_of.find(id);
    if (row != row_of.end()) {
      matcher->retire(row->second);
      row_of.erase(row);
    }
    auto ref = ref_of.find(id);
    if (ref != ref_of.end()) {
      auto& rs = referrers[ref->second];
      rs.erase(id);
      if (rs.empty()) referrers.erase(ref->second);
      ref_of.erase(ref);
    }
  }

  std::size_t trained_size = 0;  // registrations when the model was last trained

  // The review band (review_low <= p < link threshold) over the candidate pairs, kept between
  // requests: scoring every candidate pair per request would hold the lock for seconds on a
  // national register. Rows added since the last read are matched on their own; retired rows
  // are dropped when read; a new model empties it. Pairs are (lower row, higher row).
  std::vector<Link> review_band;
  std::unordered_set<uint64_t> review_pairs;
  std::size_t review_rows = 0;  // matcher rows the band covers
  bool review_valid = false;

  void refreshReviewBand() {
    auto keep = [&](const Link& l) {
      if (l.probability < opt.review_low || l.probability >= opt.link_probability) return;
      const uint32_t a = std::min(l.a, l.b), b = std::max(l.a, l.b);
      if (review_pairs.insert((uint64_t{a} << 32) | b).second) review_band.push_back({a, b, l.weight, l.probability});
    };
    if (!review_valid) {
      review_band.clear();
      review_pairs.clear();
      for (const Link& l : matcher->score(matcher->candidatePairs(), opt.review_low)) keep(l);
      review_valid = true;
    } else {
      for (auto r = static_cast<uint32_t>(review_rows); r < matcher->size(); ++r)
        if (!matcher->retired(r))
          for (const Link& l : matcher->candidatesOf(r, opt.review_low)) keep(l);
    }
    review_rows = matcher->size();
    // Registrations edited or deleted since: their rows are retired.
    std::erase_if(review_band, [&](const Link& l) {
      if (!matcher->retired(l.a) && !matcher->retired(l.b)) return false;
      review_pairs.erase((uint64_t{l.a} << 32) | l.b);
      return true;
    });
  }

  void trainModel() {
    review_valid = false;  // scores change with the model
    trained_size = matcher->size();
    const auto pairs = matcher->candidatePairs();
    matcher->train(pairs);
    if (pairs.size() < kTrustedPairs) {
      Model m = matcher->model();
      const bool tiny = matcher->size() < kTrustedRegistrations;
      m.term_frequencies = !tiny;
      for (std::size_t f = 0; f < m.levels.size(); ++f) {
        const auto prior = priorM(m.fields[f].kind);
        auto& lv = m.levels[f];
        for (std::size_t l = 0; l < lv.size() && l < prior.size(); ++l) lv[l].m = prior[l];
        if (tiny) {
          const auto u = priorU(m.fields[f].kind);
          for (std::size_t l = 0; l < lv.size() && l < u.size(); ++l) lv[l].u = u[l];
        }
        const FieldKind kind = m.fields[f].kind;
        if (kind == FieldKind::Given || kind == FieldKind::Surname) {
          // Exact and phonetic-key agreement are weighed by the value's frequency (matcher.cpp);
          // a near-spelling (Jaro-Winkler) is rare among random pairs, but is worth at most
          // 3 bits: it must not outweigh the name itself.
          for (std::size_t l = 2; l + 1 < lv.size(); ++l) lv[l].m = std::min(lv[l].m, 8 * lv[l].u);
        } else {
          // Levels go from the closest agreement down: a weaker one never weighs more.
          for (std::size_t l = 1; l < lv.size(); ++l)
            if (lv[l].u > 0 && lv[l - 1].u > 0 && lv[l].m / lv[l].u > lv[l - 1].m / lv[l - 1].u)
              lv[l].m = lv[l].u * lv[l - 1].m / lv[l - 1].u;
        }
      }
      // About one pair per registration is a match (a person record and a signal or two per
      // person): n/2 matching pairs among n(n-1)/2.
      const double n = std::max(2.0, static_cast<double>(matcher->size()));
      m.lambda = std::clamp(1.0 / (n - 1), 1e-9, 0.01);
      matcher->setModel(std::move(m));
    }
  }

  // Every registration and decision into a new matcher, and the model trained on them. The
  // audit head is read first: a write landing meanwhile is read again by the next refresh.
  void readRegisters() {
    seq = store.auditHead().seq;
    matcher = std::make_unique<Matcher>(PersonLinks::fields(), matchOptions());
    forEachRecord(kPerson, [&](const StoredRecord& r) { addRegistration(r); });
    forEachRecord(kSignal, [&](const StoredRecord& r) { addRegistration(r); });
    forEachRecord(kDecision, [&](const StoredRecord& r) { putDecision(r); });
    trainModel();
  }

  void load() {
    readRegisters();
    const auto stored = store.personLinks();
    std::unordered_map<int64_t, PersonLinkRow> by_record;
    for (const auto& row : stored) by_record[row.record_id] = row;
    loaded = true;
    if (stored.empty()) {
      if (!row_of.empty() || !ref_of.empty()) relink(nullptr, nullptr);
      return;
    }
    // Stored links stand; registrations without one are linked one by one, in id order.
    std::set<int64_t> all;
    for (const auto& [id, row] : row_of) all.insert(id);
    for (const auto& [id, ref] : ref_of) all.insert(id);
    std::vector<int64_t> pending;
    for (int64_t id : all) {
      auto it = by_record.find(id);
      if (it == by_record.end()) {
        pending.push_back(id);
        continue;
      }
      person_of[id] = it->second.person_id;
      members[it->second.person_id].insert(id);
      how[id] = it->second.method;
      probability_milli[id] = it->second.probability_milli;
    }
    for (int64_t id : pending) assign(id);
    flush();
    ++version;  // a new map as a whole: readers take it whole
    restartLog();
  }

  void refresh() {
    const int64_t head = store.auditHead().seq;
    if (head <= seq) return;
    std::set<std::pair<std::string, int64_t>> changed;
    for (int64_t from = seq + 1; from <= head;) {
      auto entries = store.auditEntries(from, 5000);
      if (entries.empty()) break;
      for (const auto& e : entries) {
        if (e.seq > head) break;
        if (e.record_id > 0 && kChangingActions.count(e.action) &&
            (e.record_type == kPerson || e.record_type == kSignal || e.record_type == kDecision))
          changed.emplace(e.record_type, e.record_id);
      }
      from = entries.back().seq + 1;
    }
    seq = head;
    std::vector<int64_t> to_assign;
    std::set<std::pair<int64_t, int64_t>> decided;
    for (const auto& [type, id] : changed) {
      auto r = store.getRecord(type, id);
      if (type == kDecision) {
        // The pair before and after (an edit may name another pair; a deletion returns the
        // pair to the model).
        if (auto before = decision_pair.find(id); before != decision_pair.end()) decided.insert(before->second);
        if (r) putDecision(*r);
        else removeDecision(id);
        if (auto after = decision_pair.find(id); after != decision_pair.end()) decided.insert(after->second);
        continue;
      }
      std::set<int64_t> followers;
      if (auto f = referrers.find(id); f != referrers.end()) followers = f->second;
      const bool known = row_of.count(id) || ref_of.count(id);
      if (known) dropRegistration(id);
      if (!r || r->deleted_at) {
        // Deleted: taken out; the signals that named it are matched again.
        leave(id);
        for (int64_t f : followers) leave(f), to_assign.push_back(f);
        if (r) dirty.push_back({id, 0, 0, "", 0});  // its row goes
        continue;
      }
      addRegistration(*r);
      // Edited: it keeps its person while it still belongs there (so the id stays); else it is
      // taken out and matched again, with the signals that follow it.
      if (person_of.count(id) && stillBelongs(id)) continue;
      leave(id);
      to_assign.push_back(id);
      for (int64_t f : followers) leave(f), to_assign.push_back(f);
    }
    for (const auto& [a, b] : decided) applyDecision(a, b, to_assign);
    // Person records before the signals that name them.
    std::sort(to_assign.begin(), to_assign.end(), [&](int64_t a, int64_t b) {
      const bool ra = ref_of.count(a) > 0, rb = ref_of.count(b) > 0;
      return ra != rb ? !ra : a < b;
    });
    to_assign.erase(std::unique(to_assign.begin(), to_assign.end()), to_assign.end());
    // A register that has doubled since the model was trained is trained again (new matches
    // use it; links already made stand).
    if (matcher->size() >= std::max<std::size_t>(2 * trained_size, kTrustedRegistrations)) trainModel();
    for (int64_t id : to_assign)
      if (!person_of.count(id) && (row_of.count(id) || ref_of.count(id))) assign(id);
    flush();
  }

  void flush() {
    if (dirty.empty()) return;
    // The latest row per registration.
    std::map<int64_t, PersonLinkRow> last;
    for (auto& r : dirty) last[r.record_id] = r;
    std::vector<PersonLinkRow> rows;
    for (auto& [id, r] : last) {
      if (r.person_id == 0 && person_of.count(id)) continue;  // deleted, then linked again
      rows.push_back(r);
    }
    store.savePersonLinks(rows, false);
    dirty.clear();
  }

  // ---- The batch.

  RelinkSummary relink(const std::function<void(const std::string&, double)>* progress, RelinkSummary* out) {
    const auto t0 = std::chrono::steady_clock::now();
    RelinkSummary sum;
    if (progress && *progress) (*progress)("candidate pairs", 0);
    const auto pairs = matcher->candidatePairs();
    const auto scored = matcher->score(pairs, 0);
    std::vector<Link> links;
    std::vector<std::pair<uint32_t, uint32_t>> cannot;
    for (const auto& l : scored) {
      if (l.probability >= opt.review_low) links.push_back(l);
      else if (l.probability < kCannotLink) cannot.emplace_back(l.a, l.b);
    }
    if (progress && *progress) (*progress)("clustering", 0.5);
    // References and decisions as pairs of matcher rows. A signal without a name has no row: it
    // follows its person afterwards.
    std::vector<std::pair<uint32_t, uint32_t>> same, different = std::move(cannot);
    for (const auto& [signal, ref] : ref_of) {
      auto a = row_of.find(signal), b = row_of.find(ref);
      if (a != row_of.end() && b != row_of.end()) same.emplace_back(a->second, b->second);
    }
    for (const auto& [pair, d] : decisions) {
      auto a = row_of.find(pair.first), b = row_of.find(pair.second);
      if (a == row_of.end() || b == row_of.end()) continue;
      (d == "same" ? same : different).emplace_back(a->second, b->second);
    }
    const auto cluster = matcher->cluster(links, same, different);
    // Groups of record ids per cluster.
    std::map<uint32_t, std::vector<int64_t>> groups;
    std::vector<std::pair<int64_t, uint32_t>> rows(row_of.begin(), row_of.end());
    std::sort(rows.begin(), rows.end());
    for (const auto& [id, row] : rows) groups[cluster[row]].push_back(id);
    // Ids: the old person id most members held (ties: the smallest), if no bigger group took
    // it; else the earliest member's record id.
    std::unordered_map<int64_t, int64_t> old = person_of;
    std::vector<std::vector<int64_t>*> order;
    for (auto& [c, g] : groups) order.push_back(&g);
    std::sort(order.begin(), order.end(), [](auto* x, auto* y) { return x->size() != y->size() ? x->size() > y->size() : x->front() < y->front(); });
    std::set<int64_t> taken;
    std::unordered_map<int64_t, double> best_p;
    for (const auto& l : links)
      if (l.probability >= opt.link_probability) {
        const int64_t a = std::stoll(matcher->id(l.a)), b = std::stoll(matcher->id(l.b));
        if (cluster[l.a] == cluster[l.b]) best_p[a] = std::max(best_p[a], l.probability), best_p[b] = std::max(best_p[b], l.probability);
      }
    std::unordered_map<int64_t, int64_t> fresh;
    for (auto* g : order) {
      std::map<int64_t, int> votes;
      for (int64_t id : *g)
        if (auto o = old.find(id); o != old.end()) ++votes[o->second];
      int64_t chosen = 0;
      int best = 0;
      for (const auto& [pid, v] : votes)
        if (v > best && !taken.count(pid)) chosen = pid, best = v;
      if (!chosen)
        for (int64_t id : *g)
          if (!taken.count(id)) {
            chosen = id;
            break;
          }
      if (!chosen) chosen = freshId(g->front());
      taken.insert(chosen);
      for (int64_t id : *g) fresh[id] = chosen;
    }
    // Signals without a row follow their person record.
    for (const auto& [signal, ref] : ref_of)
      if (!row_of.count(signal)) {
        auto p = fresh.find(ref);
        if (p != fresh.end()) fresh[signal] = p->second;
        else if (!taken.count(signal)) fresh[signal] = signal, taken.insert(signal);
      }
    // Apply and store everything.
    person_of.clear();
    members.clear();
    how.clear();
    std::set<std::pair<int64_t, int64_t>> decided_same;
    for (const auto& [pair, d] : decisions)
      if (d == "same") decided_same.insert(pair);
    std::vector<PersonLinkRow> all;
    const int64_t now = nowMs();
    for (const auto& [id, pid] : fresh) {
      person_of[id] = pid;
      members[pid].insert(id);
      if (old.count(id) && old[id] != pid) ++sum.changed;
    }
    for (const auto& [pid, ms] : members) {
      ++sum.persons;
      if (ms.size() > 1) ++sum.multi_registration_persons;
      for (int64_t id : ms) {
        std::string method = "first";
        double p = 1;
        if (ms.size() > 1 && id != pid) {
          bool by_decision = false;
          for (int64_t other : ms)
            if (other != id && decided_same.count(ordered(id, other))) by_decision = true;
          if (ref_of.count(id) && ms.count(ref_of[id])) method = "reference", ++sum.linked_by_reference;
          else if (by_decision) method = "review", ++sum.linked_by_decision;
          else if (best_p.count(id)) method = "model", p = best_p[id], ++sum.linked_by_model;
          else method = "model", ++sum.linked_by_model;
        }
        how[id] = method;
        probability_milli[id] = static_cast<int>(p * 1000 + 0.5);
        all.push_back({id, pid, probability_milli[id], method, now});
      }
    }
    sum.registrations = person_of.size();
    for (const auto& l : links)
      if (l.probability < opt.link_probability && cluster[l.a] != cluster[l.b]) ++sum.review_pairs;
    store.savePersonLinks(all, true);
    dirty.clear();
    ++version;
    restartLog();
    sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (out) *out = sum;
    if (progress && *progress) (*progress)("stored", 1);
    return sum;
  }
};

std::vector<FieldSpec> PersonLinks::fields() {
  return {{"first_name", FieldKind::Given},   {"last_name", FieldKind::Surname}, {"patronymic", FieldKind::Patronymic},
          {"birth", FieldKind::Dob},          {"sex", FieldKind::Sex},           {"citizenship", FieldKind::Code},
          {"phone", FieldKind::Phone},        {"document", FieldKind::Document}, {"birth_place", FieldKind::Text}};
}

PersonLinks::PersonLinks(const records::Schema& schema, Store& store, const KeyRing& keys, Options options)
    : s_(std::make_unique<State>(schema, store, keys, options)) {}
PersonLinks::PersonLinks(const records::Schema& schema, Store& store, const KeyRing& keys)
    : PersonLinks(schema, store, keys, Options{}) {}
PersonLinks::~PersonLinks() = default;

void PersonLinks::ensureCurrent() {
  std::lock_guard lock(mutex_);
  if (!s_->loaded) s_->load();
  else s_->refresh();
}

RelinkSummary PersonLinks::relinkAll(const std::function<void(const std::string&, double)>& progress) {
  std::lock_guard lock(mutex_);
  if (!s_->loaded) {
    // Load without the automatic first link: the batch below is that link. The stored ids are
    // the votes that keep persons' ids.
    if (progress) progress("reading the registers", 0);
    s_->readRegisters();
    for (const auto& row : s_->store.personLinks()) s_->person_of[row.record_id] = row.person_id;
    s_->loaded = true;
  } else {
    s_->refresh();
  }
  RelinkSummary sum;
  s_->relink(&progress, &sum);
  return sum;
}

std::optional<PersonLinks::Changes> PersonLinks::changesSince(uint64_t version) {
  std::lock_guard lock(mutex_);
  if (version < s_->log_from || version > s_->version) return std::nullopt;
  Changes out;
  out.version = s_->version;
  auto it = std::upper_bound(s_->log.begin(), s_->log.end(), version,
                             [](uint64_t v, const State::Change& c) { return v < c.version; });
  for (; it != s_->log.end(); ++it) out.changes.emplace_back(it->record, it->person);
  return out;
}

std::shared_ptr<const std::unordered_map<int64_t, int64_t>> PersonLinks::links() {
  std::lock_guard lock(mutex_);
  if (!s_->shared || s_->shared_version != s_->version) {
    s_->shared = std::make_shared<const std::unordered_map<int64_t, int64_t>>(s_->person_of);
    s_->shared_version = s_->version;
  }
  return s_->shared;
}

uint64_t PersonLinks::version() {
  std::lock_guard lock(mutex_);
  return s_->version;
}

int64_t PersonLinks::personOf(int64_t record_id) {
  std::lock_guard lock(mutex_);
  auto it = s_->person_of.find(record_id);
  return it == s_->person_of.end() ? 0 : it->second;
}

std::vector<int64_t> PersonLinks::registrationsOf(int64_t person_id) {
  std::lock_guard lock(mutex_);
  auto it = s_->members.find(person_id);
  if (it == s_->members.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::string PersonLinks::typeOf(int64_t record_id) {
  std::lock_guard lock(mutex_);
  auto it = s_->is_signal.find(record_id);
  if (it == s_->is_signal.end()) return {};
  return it->second ? kSignal : kPerson;
}

std::pair<std::string, double> PersonLinks::linkOf(int64_t record_id) {
  std::lock_guard lock(mutex_);
  auto it = s_->how.find(record_id);
  if (it == s_->how.end()) return {};
  return {it->second, s_->probability_milli[record_id] / 1000.0};
}

std::vector<PersonCandidate> PersonLinks::search(const PersonQuery& q, std::size_t limit) {
  std::lock_guard lock(mutex_);
  if (!s_->loaded) s_->load();
  InputRecord in;
  in.id = "query";
  in.values.assign(kFields, "");
  in.values[kGiven] = q.first_name;
  in.values[kSurname] = q.last_name;
  in.values[kPatronymic] = q.patronymic;
  if (q.first_name.empty() && q.last_name.empty() && !q.full_name.empty()) {
    const ParsedName n = parseFullName(q.full_name);
    in.values[kGiven] = n.given, in.values[kSurname] = n.surname;
    if (q.patronymic.empty()) in.values[kPatronymic] = n.patronymic;
  }
  in.values[kBirth] = q.birth;
  in.values[kSex] = q.sex;
  in.values[kCitizenship] = q.citizenship;
  in.values[kPhone] = q.phone;
  in.values[kDocument] = q.document;
  const auto links = s_->matcher->search(in, std::max<std::size_t>(limit * 4, 20), s_->opt.review_low);
  std::vector<PersonCandidate> out;
  std::unordered_map<int64_t, std::size_t> at;
  for (const auto& l : links) {
    const int64_t rec = std::stoll(s_->matcher->id(l.a));
    auto p = s_->person_of.find(rec);
    const int64_t pid = p == s_->person_of.end() ? rec : p->second;
    if (at.count(pid)) continue;
    at[pid] = out.size();
    PersonCandidate c;
    c.person_id = pid;
    c.probability = l.probability;
    c.agreements = s_->matcher->explainQuery(l.a, in);
    if (auto m = s_->members.find(pid); m != s_->members.end()) c.registrations.assign(m->second.begin(), m->second.end());
    else c.registrations = {rec};
    out.push_back(std::move(c));
    if (out.size() >= limit) break;
  }
  return out;
}

std::vector<ReviewItem> PersonLinks::reviewQueue(std::size_t limit) {
  std::lock_guard lock(mutex_);
  if (!s_->loaded) s_->load();
  s_->refreshReviewBand();
  auto scored = s_->review_band;
  std::sort(scored.begin(), scored.end(), [](const Link& x, const Link& y) {
    return x.probability != y.probability ? x.probability > y.probability : std::pair(x.a, x.b) < std::pair(y.a, y.b);
  });
  auto personOf = [&](int64_t record) {
    auto it = s_->person_of.find(record);
    return it == s_->person_of.end() ? record : it->second;
  };
  // A "different" decision keeps two persons apart: every other pair of their registrations is
  // settled by it.
  std::set<std::pair<int64_t, int64_t>> kept_apart;
  for (const auto& [pair, d] : s_->decisions)
    if (d == "different") {
      const int64_t x = personOf(pair.first), y = personOf(pair.second);
      kept_apart.insert({std::min(x, y), std::max(x, y)});
    }
  // One item per pair of persons, the best-scored pair of their registrations standing for it:
  // deciding it decides every pair between the two (counted in `pairs`).
  constexpr std::size_t kNotListed = static_cast<std::size_t>(-1);
  std::map<std::pair<int64_t, int64_t>, std::size_t> item_of;
  std::vector<ReviewItem> out;
  for (const auto& l : scored) {
    const int64_t a = std::stoll(s_->matcher->id(l.a)), b = std::stoll(s_->matcher->id(l.b));
    const int64_t pa = personOf(a), pb = personOf(b);
    if (pa == pb || !s_->decisionOn(a, b).empty()) continue;
    const std::pair<int64_t, int64_t> persons{std::min(pa, pb), std::max(pa, pb)};
    if (kept_apart.count(persons)) continue;
    auto [it, fresh] = item_of.emplace(persons, out.size() < limit ? out.size() : kNotListed);
    if (!fresh) {
      if (it->second != kNotListed) ++out[it->second].pairs;
      continue;
    }
    if (it->second == kNotListed) continue;
    out.push_back({std::min(a, b), std::max(a, b), l.probability, s_->matcher->explain(l.a, l.b), 1});
  }
  return out;
}

std::vector<FieldExplanation> PersonLinks::explain(int64_t first, int64_t second) {
  std::lock_guard lock(mutex_);
  if (!s_->loaded) s_->load();
  auto a = s_->row_of.find(first), b = s_->row_of.find(second);
  if (a == s_->row_of.end() || b == s_->row_of.end()) return {};
  return s_->matcher->explain(a->second, b->second);
}

}  // namespace palermo::linkage
