// The block list for access providers (O1, docs/monitoring-labour-migration.md): the addresses
// of monitoring items whose limitation of access was ordered and is in force on a day, exported
// for a named recipient in a plain documented format. The addresses are sealed identity data;
// this export is the only place they leave the system, and every export is audited (who, for
// whom, which day, how many entries and which records — never the addresses).
#pragma once

#include <cstdint>
#include <string>

namespace palermo {
class Store;
}

namespace palermo::records {
struct Actor;
class RecordService;
}  // namespace palermo::records

namespace palermo::monitoring {

struct BlockList {
  std::string text;  // the file (UTF-8, one entry per line; docs/monitoring-labour-migration.md)
  int entries = 0;
};

class BlockListService {
 public:
  BlockListService(Store& store, records::RecordService& records) : store_(store), records_(records) {}
  // Needs export permission and identity access on monitoring_item (404 otherwise, like a type
  // the actor cannot see). `recipient`: 1–200 printable characters; `day`: YYYY-MM-DD.
  BlockList exportFor(const records::Actor& actor, const std::string& recipient, const std::string& day, int64_t now_ms);

 private:
  Store& store_;
  records::RecordService& records_;
};

}  // namespace palermo::monitoring
