// SPDX-License-Identifier: MIT
#include "result_json.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace altpv::vmm {

void write_result_json(std::ostream& out, const RunResult& r) {
  nlohmann::json j;
  j["exit_code"] = r.exit_code;
  j["exit_reason"] = end_kind_name(r.end.kind);
  j["message"] = r.end.reason;
  if (r.end.kind == EndKind::GuestExit) j["guest_exit_code"] = r.end.guest_code;
  j["tests"] = nlohmann::json::array();
  for (const TestRecord& t : r.tests) {
    j["tests"].push_back({{"name", t.name},
                          {"status", test_status_name(t.status)},
                          {"message", t.message},
                          {"vcpu", t.vcpu}});
  }
  // Keys are hex strings; values are numbers plus hex (they may exceed 2^53).
  for (auto [msr, value] : r.msrs) {
    j["msrs"][fmt::format("{:#x}", msr)] = {{"value", value}, {"hex", fmt::format("{:#x}", value)}};
  }
  j["counters"] = {{"instructions", r.counters.instructions},
                   {"exits", r.counters.exits},
                   {"exits_io", r.counters.exits_io},
                   {"exits_msr", r.counters.exits_msr},
                   {"exits_emulated", r.counters.exits_emulated}};
  j["sync_cores"] = {{"mode", sync_mode_name(r.sync.mode)},
                     {"calls", r.sync.calls},
                     {"vcpus_in_guest", r.sync.vcpus_in_guest}};
  j["tsc_khz"] = r.tsc_khz;
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace altpv::vmm
